#pragma once
/// \file bill.hpp
/// The bill contract: an insured person, a visit, year-to-date totals and
/// itemized lines. The JSON shape is documented in docs/bill-format.md.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yibao/error.hpp"
#include "yibao/money.hpp"

namespace yibao {

enum class scheme : std::uint8_t { employee, resident };
enum class status : std::uint8_t { active, retired };
/// Special groups that tariffs key modifiers and medical assistance on.
/// orphan (孤儿) and illness_poverty (因病致贫) are medical-assistance classes.
enum class group : std::uint8_t { none, dibao, tekun, poverty, low_income, orphan, illness_poverty };
enum class coverage : std::uint8_t { active, lapsed, waiting };
/// day_surgery (日间手术) is settled as an inpatient stay: a rule for
/// `inpatient` matches it too, and a rule for `day_surgery` only it. pharmacy:
/// a purchase at a designated pharmacy (定点药店).
enum class visit_type : std::uint8_t { outpatient, inpatient, chronic, day_surgery, maternity, pharmacy };
enum class location : std::uint8_t { local, cross_city, cross_province };
/// Filing state of a cross-region visit (ignored for local visits).
enum class filing : std::uint8_t { long_term, temporary, referral, emergency, unfiled };
enum class item_class : std::uint8_t { A, B, C };

inline constexpr int scheme_count = 2;
inline constexpr int status_count = 2;
inline constexpr int group_count = 7;
inline constexpr int visit_type_count = 6;
inline constexpr int level_count = 4;  ///< 0 community, 1, 2, 3
inline constexpr int location_count = 3;
inline constexpr int filing_count = 5;
inline constexpr int coverage_count = 3;
inline constexpr int item_class_count = 3;

/// Calendar date (validated: a real day of the Gregorian calendar).
struct date {
  std::int16_t year = 0;
  std::int8_t month = 0;
  std::int8_t day = 0;
  friend constexpr auto operator<=>(const date&, const date&) noexcept = default;
  /// "YYYY-MM-DD"
  [[nodiscard]] auto to_string() const -> std::string;
};
/// Whether `d` is a real day (years 1900..9999, as parse_date reads them).
[[nodiscard]] auto is_real(date d) noexcept -> bool;
/// Parses "YYYY-MM-DD"; nullopt unless it is a real date.
[[nodiscard]] auto parse_date(std::string_view text) -> std::optional<date>;
/// `d` plus `months` calendar months (day clamped to the month's end).
[[nodiscard]] auto add_months(date d, int months) -> date;
/// `d` plus `days` days (negative: earlier), e.g. the day after a validity ends.
[[nodiscard]] auto add_days(date d, int days) -> date;
/// Days in `month` (1..12) of `year`: 28 to 31.
[[nodiscard]] auto days_in_month(int year, int month) noexcept -> int;
/// Days in `year`: 365 or 366.
[[nodiscard]] auto days_in_year(int year) noexcept -> int;
/// Completed years from `born` to `on` (the age on a visit date).
[[nodiscard]] auto age_at(date born, date on) noexcept -> int;

/// Enum <-> text, with the spellings of the JSON contract.
[[nodiscard]] auto to_string(scheme v) noexcept -> std::string_view;
[[nodiscard]] auto to_string(status v) noexcept -> std::string_view;
[[nodiscard]] auto to_string(group v) noexcept -> std::string_view;
[[nodiscard]] auto to_string(coverage v) noexcept -> std::string_view;
[[nodiscard]] auto to_string(visit_type v) noexcept -> std::string_view;
[[nodiscard]] auto to_string(location v) noexcept -> std::string_view;
[[nodiscard]] auto to_string(filing v) noexcept -> std::string_view;
[[nodiscard]] auto to_string(item_class v) noexcept -> std::string_view;
[[nodiscard]] auto parse_scheme(std::string_view) noexcept -> std::optional<scheme>;
[[nodiscard]] auto parse_status(std::string_view) noexcept -> std::optional<status>;
[[nodiscard]] auto parse_group(std::string_view) noexcept -> std::optional<group>;
[[nodiscard]] auto parse_coverage(std::string_view) noexcept -> std::optional<coverage>;
[[nodiscard]] auto parse_visit_type(std::string_view) noexcept -> std::optional<visit_type>;
[[nodiscard]] auto parse_location(std::string_view) noexcept -> std::optional<location>;
[[nodiscard]] auto parse_filing(std::string_view) noexcept -> std::optional<filing>;
[[nodiscard]] auto parse_item_class(std::string_view) noexcept -> std::optional<item_class>;

struct person {
  std::string id;
  scheme scheme_ = scheme::employee;
  status status_ = status::active;
  group group_ = group::none;
  coverage coverage_ = coverage::active;
  money account_balance;               ///< personal account balance (employees)
  std::optional<date> rejoined;        ///< date coverage resumed after a lapse, if any
  // The person's facts that tariffs select on (docs/bill-format.md); each is
  // optional on the bill, with the default here. A tariff selecting on a fact
  // without a default (birth date, tier) names it when the bill lacks it.
  std::optional<date> birth_date;      ///< age selectors: age at the visit date
  int tier = 0;                        ///< contribution tier 1..3 (一档/二档/三档); 0: not given
  bool family_doctor = false;          ///< has a family-doctor contract (家庭医生签约)
  std::vector<std::string> chronic;    ///< chronic diseases held (门慢/两病 certified), disease codes
  int enrolled_years = 0;              ///< years of continuous enrolment before this year
  int claim_free_years = 0;            ///< claim-free years not yet used for a cap increase
  int lapsed_years = 0;                ///< years lapsed before coverage resumed (waiting period)
  int back_paid_years = 0;             ///< of those, years paid back (补缴)
  money account_earlier;               ///< personal account, earlier years' balance (历年账户)
  money family_account;                ///< a relative's account balance that may pay this bill (家庭共济)
  friend auto operator==(const person&, const person&) -> bool = default;
};

struct visit {
  visit_type type = visit_type::outpatient;
  int level = 3;  ///< 0 community, 1, 2, 3
  location where = location::local;
  filing filed = filing::long_term;
  int admission = 1;  ///< n-th admission this year (inpatient), 1-based
  date on;
  std::string disease;  ///< optional disease code a tariff may key rules on ("" none)
  std::optional<int> transfer_from_level;  ///< upward transfer: level referred from
  bool contracted = false;  ///< the hospital is a contracted (特约) one of the insured place
  int unfiled_before = 0;   ///< earlier unfiled stays outside the insured place this year
  friend auto operator==(const visit&, const visit&) -> bool = default;
};

/// The totals of one named pool of a tariff (docs/tariff-format.md "Pools")
/// in one of its periods.
struct pool_total {
  std::string pool;       ///< the pool's name in the tariff
  /// First day of the period the totals belong to; a zero date: the period of
  /// the bill being settled. A total of an earlier period counts as zero.
  date period_from;
  money deductible_paid;  ///< deductible borne in the period
  money paid;             ///< paid by the pool in the period
  money base;             ///< amount placed on the pool's band scale in the period
  friend auto operator==(const pool_total&, const pool_total&) -> bool = default;
};

/// Year-to-date totals, per layer: what it paid and how much of the year's
/// amount it has placed on its band scale. The fixed members are the four
/// built-in pools (one per layer, yearly); `pools` holds the tariff's named
/// pools (outpatient pooling, 两病, a chronic disease, ...), by name.
struct ytd {
  money deductible_paid;  ///< annual deductible already borne this year
  money hifp_paid, hifmi_paid, hifob_paid, maf_paid;
  money hifp_base, hifmi_base, hifob_base, maf_base;
  std::vector<pool_total> pools;  ///< named pools, at most one entry per name
  friend auto operator==(const ytd&, const ytd&) -> bool = default;
};

struct line {
  std::string code;
  std::string name;
  std::optional<item_class> cls;        ///< from the line, else the catalog
  std::optional<ratio> selfpay_ratio;   ///< B first-pay / own share, else catalog, else tariff default
  std::optional<price> price_limit;     ///< per unit, else catalog
  quantity qty;
  price unit_price;
  money amount;  ///< = qty x unit_price rounded half-up to the fen (checked on input)
  friend auto operator==(const line&, const line&) -> bool = default;
};

/// The limits of a valid bill (docs/bill-format.md), checked by validate()
/// whatever built the bill. The money and price bounds keep qty x price and
/// every total far inside int64 fen.
///
/// The most lines one bill may have: 1,000,000. No real bill comes near it;
/// it bounds the memory one bill can take, so every reader (bill JSON, the
/// bulk CSV, the C structs, Python frames) also stops reading past it.
inline constexpr std::size_t max_bill_lines = 1'000'000;
/// Money (amounts, balances, year-to-date totals): 0 .. 1,000,000,000.00 yuan.
inline constexpr std::int64_t max_money_fen = 100'000'000'000;
/// Prices and price limits, per unit: 0 .. 1,000,000,000 yuan.
inline constexpr std::int64_t max_price_micro = 1'000'000'000'000'000;
/// Quantities: 0 .. 1,000,000 units.
inline constexpr std::int64_t max_qty_ten_thousandths = 10'000'000'000;
/// The n-th admission of the year: 1 .. 1,000,000 (also bounds visit.unfiled_before).
inline constexpr int max_admission = 1'000'000;
/// Counts of years on the person (enrolled, claim-free, lapsed, paid back): 0 .. 150.
inline constexpr int max_years = 150;
/// Chronic diseases one person holds (person.chronic): at most 64.
inline constexpr std::size_t max_chronic = 64;
/// Named pool totals in one ytd: at most 64.
inline constexpr std::size_t max_pool_totals = 64;

struct bill {
  std::string id;
  person who;
  visit at;
  ytd totals;
  std::vector<line> lines;
  friend auto operator==(const bill&, const bill&) -> bool = default;
};

/// Checks every rule of the bill contract (docs/bill-format.md) that is not
/// syntax: enum values in range (for values set from C or C++ as integers),
/// level 0..3, admission 1..max_admission, transfer_from_level 0..3 and
/// below level, tier 0..3, year counts 0..max_years (paid back at most
/// lapsed), unfiled_before 0..max_admission, a birth date not after the
/// visit, chronic codes non-empty (at most max_chronic), named pool totals
/// with distinct non-empty names (at most max_pool_totals), real dates, non-empty ids and line codes, money, prices and
/// quantities non-negative and within the limits above, ratios 0..1, one to
/// max_bill_lines lines, amount == qty x price rounded half-up to the fen.
/// settle() calls it first, so a bill is checked whatever built it; readers
/// only convert syntax. The first problem in field order is reported as
/// errc::invalid_argument with its field path (`visit.admission`,
/// `lines[3].amount`), the message "<path>: <what is wrong>".
[[nodiscard]] auto validate(const bill& b) -> result<void>;

/// Converts one bill from JSON text (the contract in docs/bill-format.md).
/// Every syntax problem is reported with its field path (e.g.
/// `lines[3].qty`): malformed JSON, unknown, duplicate or missing fields,
/// wrong types, decimals with more digits than their scale, unknown enum
/// values, invalid dates. Ranges and consistency (negative amounts,
/// `amount != qty x price`, level 0..3, ...) are validate()'s, which settle()
/// calls. `allow_ytd`: whether "ytd" may be present (true for estimate; bulk
/// input carries no ytd and passes false, which makes a present "ytd" an
/// error). errc::invalid_argument on any problem.
[[nodiscard]] auto parse_bill_json(std::string_view json, bool allow_ytd = true) -> result<bill>;

}  // namespace yibao
