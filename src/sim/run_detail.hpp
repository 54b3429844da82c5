#pragma once
// Private: the pieces of the bulk pipeline shared by its stages.
#include <array>
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
  std::uint64_t seq = 0;        ///< position in the stream of bills read (0, 1, ...)
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

/// A set of person ids, to tell a person who reappears after other people's
/// bills. The ids are kept (in one arena, each after its length), and a hash
/// only finds them: two ids are the same person only if their bytes are.
/// Memory: the id plus 17 to 33 bytes per distinct person.
class id_set {
 public:
  using hash_fn = std::uint64_t (*)(std::string_view) noexcept;
  /// `hash`: the hash of an id (a seam for the tests; any function is correct).
  explicit id_set(hash_fn hash = default_hash) noexcept : hash_{hash} {}
  /// Inserts; false if it was already there.
  auto insert(std::string_view id) -> bool;
  [[nodiscard]] auto size() const noexcept -> std::size_t { return size_; }
  static auto default_hash(std::string_view id) noexcept -> std::uint64_t;

 private:
  [[nodiscard]] auto id_at(std::uint64_t offset) const noexcept -> std::string_view;
  void grow();
  hash_fn hash_;
  std::vector<std::uint64_t> slots_;  // 0: empty; else (arena offset + 1) << tag_bits | hash tag
  std::vector<char> arena_;
  std::size_t size_ = 0;
};

/// What sim::run settles under, with its options, as the stages see them:
/// one tariff or the versions of a place (exactly one is set), and the
/// catalog.
struct job : options {
  job(const options& o, const tariff* one, const tariff_set* several, const catalog& c) noexcept
      : options{o}, base{one}, versions{several}, items{c} {}
  const tariff* base;          ///< run(const tariff&, ...): the tariff; else nullptr
  const tariff_set* versions;  ///< run(const tariff_set&, ...): the versions; else nullptr
  const catalog& items;
};

/// Per-thread sums of stage 4, merged at the end (integers: any order): a
/// summary of the bills settled by one thread.
using accumulator = summary;
/// An empty accumulator with the scenarios and thresholds of `o`.
[[nodiscard]] auto new_accumulator(const job& o) -> accumulator;

/// The first rejected bill of a unit, and its position in the stream.
struct first_reject {
  std::optional<reject> row;
  std::uint64_t seq = 0;
};

/// Settles bills in input order, one person at a time, carrying each
/// person's ytd and person-year sums under each tariff from bill to bill. The
/// current person's state lives here between calls, so one person's bills
/// may be given in several pieces (a person with more bills than a unit holds
/// is settled piece by piece in stage 5, see run.cpp).
class settler {
 public:
  settler(const job& o, const std::vector<input>& in) noexcept : o_{o}, in_{in} {}
  /// Settles `r` (or rejects it): appends its per-bill row to `out`, or its
  /// reject to `rejected`; `first` receives the first reject.
  void add(const record& r, accumulator& acc, std::string& out, std::string& rejected, first_reject& first);
  /// Closes the current person's open person-years.
  void finish(accumulator& acc);

 private:
  // One tariff's policy year of the current person.
  struct year_state {
    int year = 0;
    ytd carried;
    person_year py;
    bool open = false;  // a bill of this year was settled
  };
  void close(accumulator& acc, bool reform);
  const job& o_;
  const std::vector<input>& in_;
  bool have_person_ = false, counted_ = false;
  std::string person_;
  year_state base_, reform_;
};

/// Stage 4: settles whole people in input order (records [begin, end) of
/// `unit`). Appends the per-bill rows to `out` and the rejects to `rejected`;
/// `first` receives the first reject.
void settle_unit(const job& o, const std::vector<input>& in, const std::vector<record>& unit, std::size_t begin,
                 std::size_t end, accumulator& acc, std::string& out, std::string& rejected, first_reject& first);

}  // namespace yibao::sim::detail
