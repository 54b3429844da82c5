#pragma once
/// \file tariff.hpp
/// A tariff: the payment policy of one insured place for one validity period.
/// It is data (a TOML file, see README.md "Tariff format"): metadata, general
/// settings and an ordered list of rules. Each rule has a selector (`when`)
/// and the values it sets or adjusts for one layer; for a given bill every
/// matching rule is applied in file order, so later rules override earlier
/// ones (settings) or accumulate (adjustments such as `add_points`).
///
/// A loaded tariff is immutable and safe to share across threads.

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "yibao/bill.hpp"
#include "yibao/error.hpp"
#include "yibao/money.hpp"

namespace yibao {

/// The fund layers, in settlement order.
enum class layer_id : std::uint8_t {
  basic,       ///< 统筹基金 -> hifp_pay
  critical,    ///< 大病保险 (residents) -> hifmi_pay
  large,       ///< 职工大额医疗补助 (employees) -> hifob_pay
  assistance,  ///< 医疗救助 -> maf_pay
};
inline constexpr int layer_count = 4;
[[nodiscard]] auto to_string(layer_id v) noexcept -> std::string_view;
/// National output field of a layer: "hifp_pay", "hifmi_pay", ...
[[nodiscard]] auto field_name(layer_id v) noexcept -> std::string_view;

/// Progressive: each band's part at its own ratio (a tax table).
/// Whole: the band the cumulative total falls in sets one ratio for all of it.
enum class band_method : std::uint8_t { progressive, whole };
/// Band edges measured on the cumulative in-scope amount from zero (including
/// the deductible), or on the amount above the deductible.
enum class band_basis : std::uint8_t { from_zero, from_deductible };
/// A deductible per admission (per bill) or per year (carried in ytd). For a
/// named pool, `year` means once per the pool's period (a quarter, a month).
enum class deductible_scope : std::uint8_t { admission, year };
/// How long a pool's totals run before they start again at zero: a policy
/// year (from `year_start`), a calendar quarter or month, or one bill.
enum class pool_period : std::uint8_t { year, quarter, month, admission };
/// What the personal account may pay.
enum class account_use : std::uint8_t { none, inscope_selfpay, all };

[[nodiscard]] auto to_string(band_method v) noexcept -> std::string_view;
[[nodiscard]] auto to_string(band_basis v) noexcept -> std::string_view;
[[nodiscard]] auto to_string(deductible_scope v) noexcept -> std::string_view;
[[nodiscard]] auto to_string(account_use v) noexcept -> std::string_view;
[[nodiscard]] auto to_string(pool_period v) noexcept -> std::string_view;

/// One band: applies up to and including `upto` (none = unbounded).
struct band {
  std::optional<money> upto;
  ratio rate;
};

/// Where a value came from: its TOML position and the cited source.
struct provenance {
  source_location where;
  std::string source;   ///< citation text (resolved from [sources] if a key was given)
  std::string assumed;  ///< non-empty: the value is assumed, with this reason
};

/// A named pool (docs/tariff-format.md "Pools"): its own deductible counter,
/// cap counter and band position, which start again each period. The four
/// built-in pools (basic, critical, large, assistance: one per layer, yearly,
/// with the fixed `ytd` totals) come first in `tariff::pools`.
struct pool_def {
  std::string name;     ///< the key of [pool.NAME]
  std::string label;    ///< `label`, shown to people ("门诊共济"); may be empty
  pool_period period = pool_period::year;
  /// The pool whose paid total this pool's cap counts (a shared cap, e.g.
  /// special chronic diseases sharing the inpatient cap); none: its own.
  std::optional<std::uint32_t> cap_with;
  /// The pool whose deductible counter this pool's deductible uses (a
  /// deductible shared across visit types); none: its own.
  std::optional<std::uint32_t> deductible_with;
  provenance origin;
};
/// The built-in pools (indices into tariff::pools equal to the layer's).
inline constexpr std::uint32_t builtin_pools = 4;

/// Which bills a rule applies to. Each mask has bit (1 << enum value) set for
/// every accepted value; all bits set means "any". A filing condition never
/// matches a local visit (filing is ignored for local visits). A day-surgery
/// visit matches `visit = "inpatient"` too (it is settled as an inpatient stay).
struct selector {
  static constexpr std::uint8_t any = 0xFF;
  static constexpr int unbounded = std::numeric_limits<int>::max();
  std::uint8_t schemes = any, statuses = any, groups = any, visits = any, levels = any,
               locations = any, filings = any;
  std::uint8_t tiers = any;  ///< bits 1..3; selecting on it needs person.tier
  std::int8_t family_doctor = -1, contracted = -1;  ///< -1 any, 0 no, 1 yes
  int admission_min = 1;
  int admission_max = unbounded;
  int age_min = 0, age_max = unbounded;  ///< age at the visit; selecting on it needs person.birth_date
  int unfiled_min = 0, unfiled_max = unbounded;  ///< visit.unfiled_before
  std::vector<std::string> diseases;  ///< empty: any (including none)
  std::vector<std::string> holds;     ///< chronic codes counted in person.chronic; empty: not selected on
  int holds_min = 1, holds_max = unbounded;  ///< how many of `holds` the person holds
  [[nodiscard]] auto matches(const person& p, const visit& v) const noexcept -> bool;
  [[nodiscard]] auto filing_constrained() const noexcept -> bool { return filings != any; }
  [[nodiscard]] auto uses_age() const noexcept -> bool { return age_min != 0 || age_max != unbounded; }
  [[nodiscard]] auto uses_tier() const noexcept -> bool { return tiers != any; }
  /// The person fact this selector needs and the bill lacks ("person.birth_date",
  /// "person.tier"), or empty.
  [[nodiscard]] auto missing_fact(const person& p) const noexcept -> std::string_view;
};

/// A fixed per-visit payment (一般诊疗费): the fund pays up to `fund` of the
/// in-scope amount of the listed items, outside the deductible and the bands.
struct fixed_fee {
  std::vector<std::string> items;  ///< item codes
  money fund;
};

/// A deductible as a share of the bill's total, clamped (out of province: 20%
/// of the stay, 2,000 to 10,000).
struct deductible_share {
  ratio share;
  money min, max;
};

/// A cap that rises with the person's history (大病 incentives): per year
/// enrolled beyond `after_years`, and per claim-free year, at most `max` in all.
struct cap_bonus {
  int after_years = 0;
  money per_year;
  money per_claim_free_year;
  money max;
};

/// One rule of the ordered list. Optional members are "not set by this rule".
struct rule {
  std::string label;  ///< optional `name`, else "rule[N]"
  layer_id layer = layer_id::basic;
  selector when;
  provenance origin;

  // Settings: a later matching rule replaces an earlier one's value.
  std::optional<money> deductible;
  std::optional<deductible_scope> per;
  std::optional<std::vector<band>> bands;
  std::optional<band_method> method;
  std::optional<band_basis> basis;
  std::optional<std::optional<money>> cap;  ///< inner nullopt: "none" (no cap)
  std::optional<ratio> floor;               ///< 保底: adjustments cannot push a rate below it
  std::optional<bool> reimbursed;           ///< false: this layer pays nothing
  std::optional<std::string> reason;        ///< why not reimbursed (shown to the patient)
  std::optional<ratio> first_pay;           ///< share of the in-scope amount the patient bears first
  std::optional<bool> transfer_difference;  ///< upward transfer pays only the deductible difference
  std::optional<std::uint32_t> pool;        ///< the pool the layer draws from (index into tariff::pools)
  std::optional<std::optional<money>> visit_cap;  ///< per-bill fund cap; inner nullopt: "none"
  std::optional<std::optional<money>> quota;      ///< fund pays min(in scope, quota), no bands; inner nullopt: "none"
  std::optional<fixed_fee> fee;             ///< fixed per-visit payment (basic layer)
  std::optional<std::optional<deductible_share>> share;  ///< deductible from the bill's total; inner nullopt: "none"
  std::optional<bool> after_ratio;          ///< the deductible is taken off the fund amount after the bands
  std::optional<ratio> b_first_pay;         ///< the B-class first-pay default for this bill (basic layer)
  std::optional<bool> b_first_pay_waived;   ///< class B lines bear no first pay at all (basic layer)
  std::optional<std::optional<cap_bonus>> bonus;  ///< cap increases; inner nullopt: "none"
  /// Some setting of policy model 2 above is set (pool ... bonus): the loader
  /// sets it, so that resolving skips them all for the common rule.
  bool extended = false;
  // Adjustments: every matching rule's value accumulates.
  std::optional<ratio> add;                 ///< percentage points added to every band's rate
  std::optional<ratio> ratio_factor;        ///< multiplies every band's rate (after `add`)
  std::optional<ratio> deductible_factor;   ///< multiplies the deductible
  std::optional<money> deductible_minus;    ///< subtracts from the deductible (floored at 0)
};

/// The resolved policy of one layer for one bill.
struct layer_policy {
  bool active = false;  ///< some matching rule gave this layer bands
  bool reimbursed = true;
  /// Why not reimbursed (empty: no reason given); points into the rule that
  /// set it, in the tariff, which outlives the policy.
  std::string_view reason;
  money deductible;  ///< after factor / minus adjustments
  deductible_scope per = deductible_scope::admission;
  /// The bands as the rule that set them wrote them (a view of the tariff,
  /// which outlives the policy; empty when no rule gave bands); use `rate()`
  /// for the adjusted rates.
  std::span<const band> bands;
  std::optional<ratio> floor;
  band_method method = band_method::progressive;
  band_basis basis = band_basis::from_deductible;
  std::optional<money> cap;  ///< none: no cap
  ratio first_pay;
  bool transfer_difference = false;
  ratio adjustment;          ///< sum of `add`
  ratio factor = ratio::one();  ///< product of `ratio_factor`, applied after `adjustment`
  /// Index into tariff::pools; own_pool (the default): the layer's built-in pool.
  std::uint32_t pool = own_pool;
  static constexpr std::uint32_t own_pool = std::numeric_limits<std::uint32_t>::max();
  std::optional<money> visit_cap;  ///< per-bill fund cap; none: no such cap
  std::optional<money> quota;      ///< fund pays min(in scope, quota) instead of the bands
  std::optional<std::uint32_t> fee_rule;  ///< the rule whose `fee` applies (index into rules)
  std::optional<deductible_share> share;  ///< deductible from the bill's total (before the adjustments)
  ratio deductible_factor = ratio::one();  ///< product of the matching `deductible_factor`s
  money deductible_minus;                  ///< sum of the matching `deductible_minus`
  bool after_ratio = false;
  money cap_bonus;  ///< added to `cap` by a `cap_bonus` (already included in `cap`)
  /// The matching rules of this layer, in order, as indices into the
  /// resolving tariff's `rules` (`t.rules[applied[k]]`); filled only when
  /// `tariff::resolve` is asked to record them.
  std::vector<std::uint32_t> applied;

  /// `r` x `factor`, rounded half up to a ppm; throws std::overflow_error
  /// past 64 bits (only a tariff built in code can get there).
  [[nodiscard]] static auto scaled(ratio r, ratio factor) -> ratio;
  /// A band's rate after `adjustment`, then times `factor`: a lowering
  /// adjustment or factor cannot push it below `floor` (unless it was already
  /// lower); the result is clipped to [0, 1].
  [[nodiscard]] auto rate(const band& b) const -> ratio {
    ratio r = b.rate + adjustment;
    if (factor != ratio::one()) r = scaled(r, factor);
    if ((adjustment < ratio{} || factor < ratio::one()) && floor && r < *floor) r = b.rate < *floor ? b.rate : *floor;
    if (r < ratio{}) r = ratio{};
    if (r > ratio::one()) r = ratio::one();
    return r;
  }
};

struct resolved_policy {
  std::array<layer_policy, layer_count> layers;
  std::optional<ratio> b_first_pay;  ///< a rule's B-class first-pay default for this bill
  bool b_first_pay_waived = false;   ///< class B lines bear no first pay
  /// A matching rule selects on a fact the bill lacks: the fact
  /// ("person.birth_date") and the rule (index into rules).
  std::string_view missing_fact;
  std::uint32_t missing_rule = 0;
  [[nodiscard]] auto operator[](layer_id id) const -> const layer_policy& {
    return layers[static_cast<int>(id)];
  }
};

struct tariff_info {
  std::string id;
  std::string name;
  std::string place;
  date valid_from;
  date valid_to;
  rounding round = rounding::half_up;
  int year_start_month = 1;  ///< the year-to-date totals reset on this day
  int year_start_day = 1;
  /// The format version the file declares (`format`, 1 or 2): the keys of
  /// policy model 2 (pools, payment shapes, the person's facts) need 2.
  int format = 1;
  std::vector<std::string> extends;  ///< the chain of files this one layers on
  provenance origin;
};

struct tariff {
  tariff_info info;
  std::string file;  ///< the file it was loaded from
  ratio b_first_pay_default = ratio::points(10);
  provenance b_first_pay_origin;
  account_use account = account_use::none;
  std::array<bool, scheme_count> account_for{};  ///< which schemes have an account (set by [account].schemes)
  bool account_on_unfiled = false;  ///< may the account pay when the visit is unfiled
  /// 账户段 (format 2): the current-year balance pays the in-scope amount
  /// first, before the deductible, which does not count what it paid.
  bool account_first = false;
  /// The balances that pay the patient's share, in order: 0 current year
  /// (person.account_balance), 1 earlier years (person.account_earlier).
  /// Format 1: the current year only.
  std::vector<std::uint8_t> account_pots{0};
  /// 家庭共济 (format 2): a relative's account (person.family_account) pays
  /// what is left of the share, whatever the patient's scheme (acct_mulaid_pay).
  bool account_family = false;
  provenance account_origin;
  int waiting_months = 0;  ///< waiting period after coverage resumes (person.rejoined)
  int waiting_per_lapsed_year = 0;   ///< months added per year lapsed (person.lapsed_years)
  int waiting_back_paid_year = 0;    ///< months taken off per year paid back (person.back_paid_years)
  int waiting_floor_years = 0;       ///< after this many years lapsed (0: never) ...
  int waiting_floor_months = 0;      ///< ... the wait is at least this many months
  provenance waiting_origin;
  /// The waiting period of `p` in months (waiting_months plus the lapse terms).
  [[nodiscard]] auto waiting_for(const person& p) const noexcept -> int;
  std::vector<std::string> claim_documents;  ///< documents an unfiled claim needs
  provenance claim_documents_origin;
  std::map<std::string, std::string> sources;  ///< [sources] key -> citation
  /// The pools: the four built-in ones (one per layer) first, then the named
  /// ones in the order declared.
  std::vector<pool_def> pools;
  std::vector<rule> rules;

  /// Applies every matching rule in order. `record` keeps the list of
  /// applied rules per layer in `layer_policy::applied`, as indices into
  /// `rules` (for traces and `yibao show`).
  [[nodiscard]] auto resolve(const person& p, const visit& v, bool record = false) const -> resolved_policy;
};

/// Returns the text of a file named in `extends` (relative to the including
/// file's folder, resolved by the caller), or nullopt if it cannot be read.
using file_reader = std::function<std::optional<std::string>(const std::string& path)>;

/// Where parse_tariff_from reads the files named in `extends` (paths already
/// resolved against the including file's folder).
struct tariff_source {
  /// The text of the file at `path`, or an error (errc::io_error) whose
  /// message says what was expected and found, compiler style ("expected a
  /// readable tariff file, found none at \"x.toml\""); it becomes the
  /// diagnostic of the `extends` entry.
  std::function<result<std::string>(const std::string& path)> read;
  /// What identifies the file at `path` (its canonical path, say), so that two
  /// paths to one file load it once and a loop through links is a cycle.
  /// Empty: the path itself, lexically normalized, identifies the file.
  std::function<std::string(const std::string& path)> identify;
};

/// Parses a tariff from TOML `text`; `file` is the name used in diagnostics
/// and the base for relative `extends` paths, read through `source`. Every
/// file of the `extends` graph is read and parsed once (by `identify`), and
/// the files are layered in one linear order, parents first (depth first,
/// each file at its first appearance: docs/tariff-format.md "extends").
/// Problems are reported as by parse_tariff.
[[nodiscard]] auto parse_tariff_from(std::string_view text, const std::string& file, const tariff_source& source,
                                     std::vector<diagnostic>* warnings = nullptr) -> result<tariff>;

/// Parses a tariff from TOML `text`. `file` is the name used in diagnostics and
/// the base for relative `extends` paths, which are read through `read` (may
/// be empty if the tariff extends nothing). All problems are collected into
/// `error::diagnostics`, each with file:line:column, key path and what was
/// expected; warnings (suspicious values) are returned in `warnings` if given.
[[nodiscard]] auto parse_tariff(std::string_view text, const std::string& file, const file_reader& read,
                                std::vector<diagnostic>* warnings = nullptr) -> result<tariff>;

}  // namespace yibao
