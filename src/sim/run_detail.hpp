#pragma once
// Private: the pieces of the bulk pipeline shared by its stages.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yibao/simulate.hpp"

namespace yibao::sim::detail {

/// One input bill after parsing: the bill, or why it was rejected.
struct record {
  bill b;
  std::uint32_t input = 0;
  std::uint32_t origin = 0;  ///< input::next: index into input::origins
  std::uint64_t line = 0;
  std::uint32_t line_rows = 0;  ///< csv: line rows joined to this bill
  bool ok = false;
  std::string reason;
};

/// The file a record came from: its input's name, or for an input given as
/// records (input::next) the record's origin.
inline auto source_name(const std::vector<input>& in, std::uint32_t input, std::uint32_t origin)
    -> const std::string& {
  const sim::input& i = in[input];
  return i.next && origin < i.origins.size() ? i.origins[origin] : i.name;
}

/// A set of person ids (as 64-bit hashes: 8-16 bytes per person), to tell a
/// person who reappears after other people's bills.
class id_set {
 public:
  /// Inserts; false if it was already there.
  auto insert(std::string_view id) -> bool;

 private:
  std::vector<std::uint64_t> slots_;
  std::size_t size_ = 0;
};

/// Per-thread sums of stage 4, merged at the end (integers: any order).
struct accumulator {
  explicit accumulator(const options& o);
  scenario base;
  std::optional<scenario> reform;
  reform_delta delta;
  std::uint64_t settled = 0, rejected = 0, people = 0, person_years = 0;
};

/// Stage 4: settles whole people in input order. Appends the per-bill rows to
/// `out` and the rejects to `rejected`; `first` receives the first reject.
void settle_unit(const options& o, const std::vector<input>& in, std::vector<record>& unit, accumulator& acc,
                 std::string& out, std::string& rejected, std::optional<reject>& first);

}  // namespace yibao::sim::detail
