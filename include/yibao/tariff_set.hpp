#pragma once
/// \file tariff_set.hpp
/// Versions of one place's tariff. A tariff covers one validity period
/// (`valid_from`..`valid_to`, both inclusive); a place publishes a new version
/// when its policy changes. A `tariff_set` holds the versions and picks the
/// one in force on a bill's date.
///
/// Like a tariff, a built set is immutable in use and safe to share across
/// threads (only `add` mutates it).

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "yibao/bill.hpp"
#include "yibao/catalog.hpp"
#include "yibao/engine.hpp"
#include "yibao/error.hpp"
#include "yibao/settlement.hpp"
#include "yibao/tariff.hpp"

namespace yibao {

/// Where a version's validity keys are written, for diagnostics.
struct window_origin {
  source_location valid_from;
  source_location valid_to;
};

/// Several versions (tariffs) of one insured place.
class tariff_set {
 public:
  /// Adds a version. `where` gives the positions of its `valid_from` and
  /// `valid_to` keys; when absent, both default to `t.info.origin.where`
  /// (the [tariff] table), as a loaded tariff does not record key positions.
  /// Versions are kept ordered by `valid_from` (then by order of addition).
  void add(tariff t, std::optional<window_origin> where = std::nullopt);

  /// The versions, ordered by `valid_from`.
  [[nodiscard]] auto versions() const noexcept -> const std::vector<tariff>& { return versions_; }
  /// The positions of the validity keys of `versions()[i]`.
  [[nodiscard]] auto window_of(std::size_t i) const -> const window_origin& { return windows_.at(i); }
  [[nodiscard]] auto size() const noexcept -> std::size_t { return versions_.size(); }
  [[nodiscard]] auto empty() const noexcept -> bool { return versions_.empty(); }

  /// The index in `versions()` of the version in force on `on` (valid_from <=
  /// on <= valid_to), or nullopt when none is. If versions overlap (an error
  /// `check_windows` reports), the one that starts latest wins, as a newer
  /// policy supersedes an older one.
  [[nodiscard]] auto pick(date on) const noexcept -> std::optional<std::size_t>;

  /// The version in force on `on`, as `pick` chooses it: a pointer into this
  /// set (never null), valid while the set lives and until the next `add`.
  /// Error: out_of_range at "visit.date" when none is ("visit.date: no tariff
  /// version is in force on 2023-06-15"), the message of estimate, simulate,
  /// the C API and Python.
  [[nodiscard]] auto in_force(date on) const -> result<const tariff*>;

  /// Diagnoses the validity windows, in order of `valid_from`:
  ///  - error at `tariff.place` when a version names another place than the first;
  ///  - error at `tariff.valid_from` when a version starts on or before the
  ///    end of an earlier one (overlap: a date would have two policies);
  ///  - warning at `tariff.valid_from` when a version starts more than a day
  ///    after the previous one ends (gap: bills of those dates have no policy).
  /// Each message names the other version's file and position.
  [[nodiscard]] auto check_windows() const -> std::vector<diagnostic>;

 private:
  std::vector<tariff> versions_;
  std::vector<window_origin> windows_;  ///< parallel to versions_
};

/// Loads the versions of one place from the file system. Each path is a
/// tariff file or a directory standing for every *.toml directly in it
/// (sorted by name); a file another of them `extends` is a base layer, not a
/// version. Each bill is then settled under `pick(bill date)`.
/// Errors, with every problem in `error::diagnostics` (a diagnostic without a
/// file is a message about the paths themselves):
///  - io_error: a path does not exist, a directory or a file cannot be read,
///    or no version was found;
///  - invalid_argument: a tariff does not load, or the validity windows
///    conflict (`check_windows` errors: overlaps, another place).
/// Warnings (the loader's, gaps between windows) go to `warnings` if given.
[[nodiscard]] auto load_tariff_set(const std::vector<std::string>& paths,
                                   std::vector<diagnostic>* warnings = nullptr) -> result<tariff_set>;

/// Settles `b` under the version of `versions` in force on its date, from the
/// year-to-date totals `before`: `settle` with `in_force(b.at.on)`. A bill
/// that breaks `validate` gets validate's error whatever its date, as from
/// `settle` with one tariff. Errors: those of `settle`, and out_of_range at
/// "visit.date" when no version is in force on the date. Thread-safe.
[[nodiscard]] auto settle(const tariff_set& versions, const catalog& c, const bill& b, const ytd& before,
                          const settle_options& opts = {}) -> result<settlement>;

/// Same, with the bill's own `totals` as the year-to-date start.
[[nodiscard]] inline auto settle(const tariff_set& versions, const catalog& c, const bill& b,
                                 const settle_options& opts = {}) -> result<settlement> {
  return settle(versions, c, b, b.totals, opts);
}

}  // namespace yibao
