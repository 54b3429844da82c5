#pragma once
/// \file simulate.hpp
/// Bulk simulation: settle a stream of bills (JSON Lines, or a CSV pair of
/// bills and lines files) with every core, carrying each person's
/// year-to-date totals from bill to bill, and summarise the result. The bulk
/// formats are documented in docs/bulk-format.md.
///
/// The library does no file I/O here either: inputs are byte streams given as
/// callbacks, and outputs (per-bill settlements, rejected rows) go to sink
/// callbacks. The caller owns files, clocks and signals.
///
/// Determinism: bills are sharded by person (all bills of one person are
/// settled by one task, in input order) and every total is an integer, so the
/// summary and the per-bill output are the same for any thread count.

#include <array>
#include <atomic>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "yibao/bill.hpp"
#include "yibao/catalog.hpp"
#include "yibao/error.hpp"
#include "yibao/fields.hpp"
#include "yibao/money.hpp"
#include "yibao/settlement.hpp"
#include "yibao/tariff.hpp"
#include "yibao/tariff_set.hpp"

namespace yibao::sim {

// ---------------------------------------------------------------------------
// Input and output

/// Fills `buf` with up to `cap` bytes and returns how many; 0 at the end of
/// the stream, -1 on a read error.
using read_fn = std::function<std::ptrdiff_t(char* buf, std::size_t cap)>;
/// Receives output text; returns false if it could not be written.
using write_fn = std::function<bool(std::string_view text)>;

enum class input_format : std::uint8_t { jsonl, csv };

/// The longest line of bulk input (a JSON Lines record, a CSV row), in bytes
/// without its line break: 64 MiB. A longer line is rejected with its file
/// and line, without being held in memory, and the run goes on.
inline constexpr std::size_t max_record_bytes = std::size_t{64} << 20;

/// One whole JSON Lines record and where it came from (see `input::next`).
struct sourced_record {
  std::string_view text;     ///< the line, without its line break; valid until the next call
  std::uint32_t origin = 0;  ///< index into `input::origins`
  std::uint64_t line = 0;    ///< 1-based line number in that file
};
/// Yields the next record into `out`: 1, 0 at the end, -1 on a read error.
using next_fn = std::function<int(sourced_record& out)>;

/// One input: a JSON Lines file, or a CSV bills file with its lines file.
struct input {
  input_format format = input_format::jsonl;
  std::string name;        ///< the file name used in rejects and messages
  read_fn read;            ///< the bills (JSONL lines or CSV bill rows)
  std::string lines_name;  ///< csv: the lines file's name
  read_fn read_lines;      ///< csv: the lines file
  std::uint64_t size = 0;  ///< total bytes of the input (both files), for progress; 0 unknown
  /// jsonl only, instead of `read`: whole records with their origin (e.g. the
  /// inputs sorted by `yibao simulate --sort`). Rejects and messages name
  /// `origins[record.origin]` and the record's own line number.
  next_fn next;
  std::vector<std::string> origins;
};

enum class output_format : std::uint8_t { none, csv, jsonl };

/// Counts reported while a run progresses (from one thread, in input order).
struct progress {
  std::uint64_t bills = 0;       ///< bills done (settled + rejected)
  std::uint64_t bytes = 0;       ///< input bytes consumed so far
  std::uint64_t total_bytes = 0; ///< sum of `input::size` (0 if unknown)
};

/// How `run` goes. The tariff and the catalog are `run`'s arguments; the
/// pointers here are optional (nullptr: none) and never owned: what they
/// point to must outlive the run.
struct options {
  /// Optional: settle every bill under this tariff too, and summarise both
  /// (summary::reform, summary::delta).
  const tariff* reform = nullptr;
  unsigned threads = 0;             ///< 0: all hardware threads
  bool strict = false;              ///< stop at the first rejected bill (summary.stopped_at)
  output_format out = output_format::none;
  write_fn write_settlements;       ///< per-bill output (if `out` is not none)
  write_fn write_rejects;           ///< rejects CSV (file,line,bill_id,person_id,reason); may be empty
  /// Patient-share thresholds (per bill and per person-year); the summary
  /// counts how many exceed each. Default: `default_thresholds()`.
  std::vector<money> thresholds;
  std::size_t batch_bills = 2048;   ///< bills per batch (memory: batches in flight x this)
  /// Optional: when it becomes true the run stops reading; the summary
  /// covers the bills read so far and is marked partial.
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const progress&)> on_progress;  ///< called after every batch
};

// ---------------------------------------------------------------------------
// The summary

/// The summary totals every money field of the settlement: `sum[i]` is the
/// total of `settlement_fields[i]` (yibao/fields.hpp), in that order.
inline constexpr std::size_t field_count = settlement_fields.size();

/// An exact total of fen over any number of bills: a 128-bit two's-complement
/// integer kept in two 64-bit halves (value = high x 2^64 + low), so that the
/// public API stays standard C++. Adding costs what a 128-bit add does.
class fen_sum {
 public:
  constexpr fen_sum() noexcept = default;
  /// From a count of fen (any standard signed integer up to 64 bits).
  template <typename Int, typename = std::enable_if_t<std::is_integral_v<Int> && std::is_signed_v<Int> &&
                                                      (sizeof(Int) <= sizeof(std::int64_t))>>
  constexpr fen_sum(Int fen) noexcept  // NOLINT(google-explicit-constructor)
      : lo_{static_cast<std::uint64_t>(static_cast<std::int64_t>(fen))}, hi_{fen < 0 ? -1 : 0} {}
  /// From its two halves.
  [[nodiscard]] static constexpr auto from_parts(std::int64_t high, std::uint64_t low) noexcept -> fen_sum {
    fen_sum s;
    s.hi_ = high;
    s.lo_ = low;
    return s;
  }
  [[nodiscard]] constexpr auto high() const noexcept -> std::int64_t { return hi_; }
  [[nodiscard]] constexpr auto low() const noexcept -> std::uint64_t { return lo_; }

  constexpr auto operator+=(fen_sum o) noexcept -> fen_sum& {
    const std::uint64_t lo = lo_ + o.lo_;
    hi_ = static_cast<std::int64_t>(static_cast<std::uint64_t>(hi_) + static_cast<std::uint64_t>(o.hi_) +
                                    (lo < lo_ ? 1U : 0U));
    lo_ = lo;
    return *this;
  }
  [[nodiscard]] constexpr auto operator-() const noexcept -> fen_sum {
    return from_parts(static_cast<std::int64_t>(~static_cast<std::uint64_t>(hi_) + (lo_ == 0 ? 1U : 0U)), ~lo_ + 1);
  }
  constexpr auto operator-=(fen_sum o) noexcept -> fen_sum& { return *this += -o; }
  friend constexpr auto operator+(fen_sum a, fen_sum b) noexcept -> fen_sum { return a += b; }
  friend constexpr auto operator-(fen_sum a, fen_sum b) noexcept -> fen_sum { return a -= b; }
  friend constexpr auto operator==(fen_sum a, fen_sum b) noexcept -> bool = default;
  friend constexpr auto operator<=>(fen_sum a, fen_sum b) noexcept -> std::strong_ordering {
    if (a.hi_ != b.hi_) return a.hi_ <=> b.hi_;
    return a.lo_ <=> b.lo_;
  }
  /// The nearest double (for charts; never for money).
  [[nodiscard]] constexpr auto approx() const noexcept -> double {
    return static_cast<double>(hi_) * 18446744073709551616.0 + static_cast<double>(lo_);
  }

 private:
  std::uint64_t lo_ = 0;
  std::int64_t hi_ = 0;
};

/// Totals over a set of bills. Sums are exact (128-bit fen).
struct totals {
  std::uint64_t bills = 0;
  std::uint64_t lines = 0;
  std::uint64_t ineligible = 0;  ///< bills on which no fund paid because of eligibility
  std::uint64_t unfiled = 0;     ///< bills settled as unfiled (pay all now, claim later)
  std::array<fen_sum, field_count> sum{};
  void add(const settlement& s, std::size_t line_count) noexcept;
  void merge(const totals& o) noexcept;
  /// The total of one field, e.g. `t[&settlement::hifp_pay]`.
  [[nodiscard]] constexpr auto operator[](money settlement::*field) const noexcept -> fen_sum {
    for (std::size_t i = 0; i < field_count; ++i) {
      if (settlement_fields[i].member == field) return sum[i];
    }
    return 0;
  }
};

/// The groupings of the summary tables. `filing` has a sixth value, "local"
/// (filing does not apply to a local visit).
enum class dimension : std::uint8_t { scheme, status, group, visit, level, location, filing };
inline constexpr int dimension_count = 7;
[[nodiscard]] auto dimension_name(dimension d) noexcept -> std::string_view;
[[nodiscard]] auto dimension_size(dimension d) noexcept -> int;
/// The name of value `v` of dimension `d`, e.g. "cross_city", "level 2", "local".
[[nodiscard]] auto dimension_value(dimension d, int v) -> std::string;

/// Distribution of a non-negative amount in fen: exact below 1,024 fen, then
/// 512 buckets per power of two (relative width < 0.2%). Percentiles are the
/// bucket's lower edge; means and counts above a threshold are exact
/// (thresholds are counted separately).
struct histogram {
  static constexpr int sub_bits = 9;
  static constexpr int buckets = (64 - sub_bits) << sub_bits;
  std::vector<std::uint64_t> counts;  ///< empty until the first value
  std::uint64_t n = 0;
  fen_sum sum;
  std::int64_t max = 0;
  void add(std::int64_t fen);
  void merge(const histogram& o);
  /// The value at quantile q/1000 (q in 0..1000), in fen.
  [[nodiscard]] auto percentile(int permille) const noexcept -> std::int64_t;
  /// The mean, rounded half-up to the fen (0 if empty).
  [[nodiscard]] auto mean() const noexcept -> std::int64_t;
};

/// The sums of one person-year under one tariff, bill by bill.
struct person_year {
  fen_sum share;  ///< psn_part_amt summed
  std::array<bool, layer_count> capped{};  ///< the layer's annual cap was reached (cap left 0)
  /// Counts one settled bill of the person-year.
  void add(const settlement& s) noexcept;
};

/// The value of each dimension for a bill (what `dimension_value` names):
/// scheme, status, group, visit type, level, location, and its filing or
/// `filing_count` ("local") for a local visit.
[[nodiscard]] auto dimension_values(const bill& b) noexcept -> std::array<int, dimension_count>;

/// Everything summed over the bills settled under one tariff.
struct scenario {
  /// An empty scenario of tariff `id`: every dimension's values, the exact
  /// share distribution and `thresholds` threshold counts, all zero.
  [[nodiscard]] static auto make(std::string id, std::size_t thresholds) -> scenario;
  std::string tariff_id;
  totals all;
  std::array<std::vector<totals>, dimension_count> by;  ///< by[d][value]
  histogram patient_share;            ///< psn_part_amt per bill
  /// psn_part_amt / medfee_sumamt per bill in basis points (floor), 0..10000:
  /// exact; bills with a zero total are not counted.
  std::vector<std::uint64_t> share_bp;
  histogram person_year_share;        ///< psn_part_amt summed per person-year
  std::vector<std::uint64_t> bills_above;        ///< per threshold: bills with psn_part_amt > it
  std::vector<std::uint64_t> person_years_above; ///< per threshold: person-years above it
  /// Person-years in which a layer's annual cap was reached (cap left 0).
  std::array<std::uint64_t, layer_count> cap_reached{};
  /// Counts one settled bill with `lines` lines and dimension values `value`
  /// (see `dimension_values`); the scenario must come from `make` with
  /// `thresholds.size()` thresholds.
  void add(const settlement& s, std::size_t lines, const std::array<int, dimension_count>& value,
           const std::vector<money>& thresholds);
  /// Counts one closed person-year.
  void add(const person_year& py, const std::vector<money>& thresholds);
  void merge(const scenario& o);
};

/// How the reform changes each bill's patient share.
struct reform_delta {
  std::uint64_t more = 0, less = 0, same = 0;  ///< bills whose psn_part_amt rose / fell / did not change
  fen_sum raised;   ///< sum of the increases (fen)
  fen_sum lowered;  ///< sum of the decreases (fen, positive)
  void merge(const reform_delta& o) noexcept;
};

/// A rejected bill or row, as written to the rejects file.
struct reject {
  std::string file;
  std::uint64_t line = 0;
  std::string bill_id;
  std::string person_id;
  std::string reason;
};

struct summary {
  bool partial = false;               ///< stopped early (options::stop): covers the bills read so far
  std::optional<reject> stopped_at;   ///< strict mode: the first rejected bill
  std::uint64_t bills_read = 0;       ///< = settled + rejected
  std::uint64_t settled = 0;
  std::uint64_t rejected = 0;
  std::uint64_t people = 0;           ///< distinct people with a settled bill (per contiguous run)
  std::uint64_t person_years = 0;
  std::uint64_t line_rows_read = 0;   ///< csv: rows of the lines files
  std::uint64_t line_rows_orphan = 0; ///< csv: line rows matching no bill (in the rejects file)
  std::uint64_t bytes_read = 0;
  std::vector<money> thresholds;
  scenario base;
  std::optional<scenario> reform;
  reform_delta delta;  ///< meaningful when `reform` is set

  /// Adds the summary of other bills (other people: a person-year must be
  /// whole in one of the two): every count and sum, exactly and in any
  /// order; `stopped_at` and an empty `tariff_id` are taken from `o` when
  /// this one has none. Errors: invalid_argument when both count bills
  /// above thresholds and the thresholds differ (this one is unchanged).
  [[nodiscard]] auto merge(const summary& o) -> result<void>;
};

/// A summary as text that `parse_summary_state` reads back into the same
/// summary: every count and sum as an exact integer (for shipping partial
/// summaries between processes, e.g. Python's pickle). The text names its
/// format version and the number of settlement fields.
[[nodiscard]] auto summary_state(const summary& s) -> std::string;
/// Reads `summary_state`'s text. Errors: invalid_argument for text that is
/// not such a state (another format version, another number of settlement
/// fields, a truncated or inconsistent state), saying what is wrong.
[[nodiscard]] auto parse_summary_state(std::string_view text) -> result<summary>;

/// Settles every bill of `inputs` in order under `base`, with the items of
/// `items` (which may be empty). A bill that cannot be parsed or settled, or
/// that breaks the order (a person's bills must be contiguous and in date
/// order), is rejected with its file, line and reason; every other bill is
/// settled. Each person's year-to-date totals are carried from bill to bill
/// and reset at the tariff's year start (`info.year_start_*`).
///
/// Errors: invalid_argument for a bad CSV header or an input without a
/// reader; io_error when an input cannot be read or an output sink fails.
[[nodiscard]] auto run(const tariff& base, const catalog& items, const std::vector<input>& inputs,
                       const options& opts = {}) -> result<summary>;

/// Same, each bill under the version of `versions` (load_tariff_set) in force
/// on its date (`tariff_set::in_force`); a bill no version covers is
/// rejected with in_force's message. The year-to-date totals reset at the
/// year start of the version a bill is settled under; the summary's
/// `tariff_id` lists every version's id (", "-separated).
[[nodiscard]] auto run(const tariff_set& versions, const catalog& items, const std::vector<input>& inputs,
                       const options& opts = {}) -> result<summary>;

/// The summary as JSON (money as decimal strings).
[[nodiscard]] auto to_json(const summary& s) -> std::string;
/// The summary as plain-text tables for a terminal.
[[nodiscard]] auto to_text(const summary& s) -> std::string;
/// Formats a fen total as yuan with two decimals.
[[nodiscard]] auto format_fen(fen_sum fen) -> std::string;

/// The summary's patient-share thresholds unless others are given: 1,000 /
/// 5,000 / 10,000 / 50,000 yuan.
[[nodiscard]] auto default_thresholds() -> std::vector<money>;
/// A threshold as `yibao simulate --threshold` takes it: an amount in yuan
/// with at most two decimals ("5000", "5000.50"), not negative; nullopt for
/// anything else (never rounded).
[[nodiscard]] auto parse_threshold(std::string_view text) -> std::optional<money>;

/// The policy year a date falls in: the calendar year in which the tariff's
/// year (starting month/day) begins.
[[nodiscard]] auto policy_year(const tariff& t, date d) noexcept -> int;

// ---------------------------------------------------------------------------
// Synthetic populations

struct generate_options {
  std::uint64_t people = 1000;
  std::uint64_t seed = 1;
  int first_year = 2025;
  int years = 1;
  input_format format = input_format::jsonl;
  /// Also day_surgery (about 1.5% of the visits) and maternity visits (about
  /// 1%: women aged 20-40). Off by default: the shipped tariffs have no rule
  /// for them yet, so simulate would reject those bills.
  bool more_visit_types = false;
};

/// Writes a synthetic population's bills: JSON Lines to `bills`, or CSV bill
/// rows to `bills` and line rows to `lines`. The same options give the same
/// bytes on every platform (integer arithmetic only). Returns false if a
/// sink fails.
[[nodiscard]] auto generate(const generate_options& opts, const write_fn& bills, const write_fn& lines)
    -> bool;

/// The same population in memory: {bills text, lines text (empty for JSON Lines)}.
[[nodiscard]] auto generate_text(const generate_options& opts) -> std::pair<std::string, std::string>;

}  // namespace yibao::sim
