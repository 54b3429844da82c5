#include "yibao/tariff.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

#include "core/wide_math.hpp"
#include "enum_table.hpp"

namespace yibao {
namespace {
using namespace std::string_view_literals;
constexpr std::array layer_names{"basic"sv, "critical"sv, "large"sv, "assistance"sv};
constexpr std::array layer_fields{"hifp_pay"sv, "hifmi_pay"sv, "hifob_pay"sv, "maf_pay"sv};
constexpr std::array method_names{"progressive"sv, "whole"sv};
constexpr std::array basis_names{"from_zero"sv, "from_deductible"sv};
constexpr std::array scope_names{"admission"sv, "year"sv};
constexpr std::array account_names{"none"sv, "inscope_selfpay"sv, "all"sv};
constexpr std::array period_names{"year"sv, "quarter"sv, "month"sv, "admission"sv};

constexpr auto bit(auto v) -> std::uint8_t { return static_cast<std::uint8_t>(1U << static_cast<unsigned>(v)); }
}  // namespace

namespace {
// a x b, rounded half up to a ppm. A tariff built in code may hold factors
// far past the loader's bounds: a product past 64 bits throws like every
// other overflow in settlement arithmetic (settle reports it as internal).
auto product(ratio a, ratio b) -> ratio {
  const __int128 q = divide_round_wide(static_cast<__int128>(a.ppm()) * b.ppm(), ratio::one_ppm, rounding::half_up);
  if (q > INT64_MAX || q < INT64_MIN) throw std::overflow_error("yibao: ratio product overflow");
  return ratio::from_ppm(static_cast<std::int64_t>(q));
}
}  // namespace

auto layer_policy::scaled(ratio r, ratio factor) -> ratio { return product(r, factor); }

auto to_string(layer_id v) noexcept -> std::string_view { return detail::name_of(layer_names, v); }
auto field_name(layer_id v) noexcept -> std::string_view { return detail::name_of(layer_fields, v); }
auto to_string(band_method v) noexcept -> std::string_view { return detail::name_of(method_names, v); }
auto to_string(band_basis v) noexcept -> std::string_view { return detail::name_of(basis_names, v); }
auto to_string(deductible_scope v) noexcept -> std::string_view { return detail::name_of(scope_names, v); }
auto to_string(account_use v) noexcept -> std::string_view { return detail::name_of(account_names, v); }
auto to_string(pool_period v) noexcept -> std::string_view { return detail::name_of(period_names, v); }

namespace {
// A bill's values as selector mask bits, worked out once per resolve instead
// of once per rule: resolve runs every rule's selector for every bill.
struct selector_key {
  std::uint8_t scheme, status, group, visit, location;
  std::uint8_t level;   // 0 for a level out of range: it matches no rule
  std::uint8_t filing;  // 0 for a local visit: filing is meaningless there, so a filing condition never matches it
  std::uint8_t tier;    // 0 when not given: a tier condition never matches it
  int admission;
  int age;              // -1 without a birth date: an age condition never matches it
  int unfiled;
  bool family_doctor, contracted;
  const std::string* disease;
  const std::vector<std::string>* chronic;
};

auto key_of(const person& p, const visit& v) noexcept -> selector_key {
  const bool level_ok = v.level >= 0 && v.level < level_count;
  // A day surgery is settled as an inpatient stay: it matches both.
  const std::uint8_t visit_bits =
      v.type == visit_type::day_surgery ? static_cast<std::uint8_t>(bit(v.type) | bit(visit_type::inpatient)) : bit(v.type);
  return {bit(p.scheme_),
          bit(p.status_),
          bit(p.group_),
          visit_bits,
          bit(v.where),
          level_ok ? bit(v.level) : std::uint8_t{0},
          v.where == location::local ? std::uint8_t{0} : bit(v.filed),
          p.tier >= 1 && p.tier <= 3 ? bit(p.tier) : std::uint8_t{0},
          v.admission,
          p.birth_date ? age_at(*p.birth_date, v.on) : -1,
          v.unfiled_before,
          p.family_doctor,
          v.contracted,
          &v.disease,
          &p.chronic};
}

[[gnu::noinline]] auto lists(const std::vector<std::string>& diseases, const std::string& d) noexcept -> bool {
  return std::find(diseases.begin(), diseases.end(), d) != diseases.end();
}

[[gnu::noinline]] auto held(const std::vector<std::string>& codes, const std::vector<std::string>& chronic) noexcept
    -> int {
  int n = 0;
  for (const std::string& c : codes) n += std::find(chronic.begin(), chronic.end(), c) != chronic.end() ? 1 : 0;
  return n;
}

auto flag_ok(std::int8_t want, bool have) noexcept -> bool { return want < 0 || (want != 0) == have; }

// The facts of policy model 2, which most rules leave open: one test for all
// of them when they are.
// A missing fact (no birth date, no tier) neither matches nor fails its
// condition: the caller decides (resolve reports it when all else matches).
auto facts_match(const selector& s, const selector_key& k) noexcept -> bool {
  if (s.tiers != selector::any && k.tier != 0 && (s.tiers & k.tier) == 0) return false;
  if (!flag_ok(s.family_doctor, k.family_doctor) || !flag_ok(s.contracted, k.contracted)) return false;
  if (s.uses_age() && k.age >= 0 && (k.age < s.age_min || k.age > s.age_max)) return false;
  if (k.unfiled < s.unfiled_min || k.unfiled > s.unfiled_max) return false;
  if (!s.holds.empty()) {
    const int n = held(s.holds, *k.chronic);
    if (n < s.holds_min || n > s.holds_max) return false;
  }
  return true;
}

auto plain(const selector& s) noexcept -> bool {
  return s.tiers == selector::any && s.family_doctor < 0 && s.contracted < 0 && !s.uses_age() && s.unfiled_min == 0 &&
         s.unfiled_max == selector::unbounded && s.holds.empty();
}

// Everything but the facts (the masks, admission and disease).
[[gnu::always_inline]] inline auto matches_visit(const selector& s, const selector_key& k) noexcept -> bool {
  // One branch for all the masks instead of one each.
  const bool ok = ((s.schemes & k.scheme) != 0) & ((s.statuses & k.status) != 0) & ((s.groups & k.group) != 0) &
                  ((s.visits & k.visit) != 0) & ((s.locations & k.location) != 0) & ((s.levels & k.level) != 0) &
                  ((s.filings == selector::any) | ((s.filings & k.filing) != 0)) & (k.admission >= s.admission_min) &
                  (k.admission <= s.admission_max);
  return ok && (s.diseases.empty() || lists(s.diseases, *k.disease));
}

auto matches(const selector& s, const selector_key& k) noexcept -> bool {
  if (!matches_visit(s, k)) return false;
  if (plain(s)) return true;
  // A condition on a missing fact does not match.
  const bool missing = (s.tiers != selector::any && k.tier == 0) || (s.uses_age() && k.age < 0);
  return !missing && facts_match(s, k);
}
}  // namespace

auto selector::matches(const person& p, const visit& v) const noexcept -> bool {
  return yibao::matches(*this, key_of(p, v));
}

auto selector::missing_fact(const person& p) const noexcept -> std::string_view {
  if (uses_age() && !p.birth_date) return "person.birth_date";
  if (uses_tier() && (p.tier < 1 || p.tier > 3)) return "person.tier";
  return {};
}

auto tariff::waiting_for(const person& p) const noexcept -> int {
  int months = waiting_months;
  const int variable = waiting_per_lapsed_year * p.lapsed_years - waiting_back_paid_year * p.back_paid_years;
  if (variable > 0) months += variable;
  if (waiting_floor_years > 0 && p.lapsed_years >= waiting_floor_years) months = std::max(months, waiting_floor_months);
  return months;
}

auto tariff::resolve(const person& p, const visit& v, bool record) const -> resolved_policy {
  resolved_policy out;
  const selector_key key = key_of(p, v);
  bool adjusted = false;  // some matching rule adjusts a deductible
  std::array<std::uint32_t, layer_count> bonus_rule;  // valid where bonus_mask has the layer's bit
  unsigned bonus_mask = 0;
  for (const rule& r : rules) {  // (a range loop: an index loop re-reads rules.size() after each store)
    if (!matches_visit(r.when, key)) continue;
    if (!plain(r.when)) [[unlikely]] {
      if (!facts_match(r.when, key)) continue;  // fails on a fact the bill gives
      if (const std::string_view fact = r.when.missing_fact(p); !fact.empty()) {
        // The rule would decide on a fact the bill does not give: say so
        // (settle reports it) rather than guess.
        if (out.missing_fact.empty()) {
          out.missing_fact = fact;
          out.missing_rule = static_cast<std::uint32_t>(&r - rules.data());
        }
        continue;
      }
    }
    const int li = static_cast<int>(r.layer);
    layer_policy& lp = out.layers[li];
    if (record) lp.applied.push_back(static_cast<std::uint32_t>(&r - rules.data()));  // 2^32 rules would not fit in memory
    if (r.deductible) lp.deductible = *r.deductible;
    if (r.per) lp.per = *r.per;
    if (r.bands) {
      lp.bands = *r.bands;
      lp.active = !r.bands->empty();
    }
    if (r.method) lp.method = *r.method;
    if (r.basis) lp.basis = *r.basis;
    if (r.cap) lp.cap = *r.cap;
    if (r.floor) lp.floor = *r.floor;
    if (r.reimbursed) lp.reimbursed = *r.reimbursed;
    if (r.reason) lp.reason = *r.reason;
    if (r.first_pay) lp.first_pay = *r.first_pay;
    if (r.transfer_difference) lp.transfer_difference = *r.transfer_difference;
    if (r.add) lp.adjustment = lp.adjustment + *r.add;
    if (r.extended) [[unlikely]] {
      const auto self = static_cast<std::uint32_t>(&r - rules.data());
      if (r.pool) lp.pool = *r.pool;
      if (r.visit_cap) lp.visit_cap = *r.visit_cap;
      if (r.quota) {
        lp.quota = *r.quota;
        if (*r.quota) lp.active = true;  // a quota pays without bands
      }
      if (r.fee) {
        lp.fee_rule = self;
        lp.active = true;  // so does a fixed per-visit payment
      }
      if (r.share) lp.share = *r.share;
      if (r.after_ratio) lp.after_ratio = *r.after_ratio;
      if (r.b_first_pay) out.b_first_pay = *r.b_first_pay;
      if (r.b_first_pay_waived) out.b_first_pay_waived = *r.b_first_pay_waived;
      if (r.bonus) {
        const unsigned bit_of_layer = 1U << static_cast<unsigned>(li);
        if (*r.bonus) {
          bonus_rule[static_cast<std::size_t>(li)] = self;
          bonus_mask |= bit_of_layer;
        } else {
          bonus_mask &= ~bit_of_layer;  // "none"
        }
      }
    }
    if (r.ratio_factor) {
      lp.factor = product(lp.factor, *r.ratio_factor);
    }
    adjusted = adjusted || r.deductible_factor || r.deductible_minus;
  }
  for (std::size_t li = 0; bonus_mask != 0 && li < layer_count; ++li) {
    layer_policy& lp = out.layers[li];
    if ((bonus_mask & (1U << li)) == 0 || !lp.cap) continue;
    // Each step counts from the cap the rules set, and all of them together
    // stay within the bonus's own limit.
    const cap_bonus& b = **rules[bonus_rule[li]].bonus;
    const __int128 years = std::max(0, p.enrolled_years - b.after_years);
    const __int128 steps = years * b.per_year.fen() + __int128{p.claim_free_years} * b.per_claim_free_year.fen();
    const auto raised = static_cast<std::int64_t>(std::min<__int128>(b.max.fen(), steps));
    lp.cap_bonus = money::from_fen(raised);
    lp.cap = *lp.cap + lp.cap_bonus;
  }
  if (!adjusted) return out;
  // Deductible adjustments apply after every setting, in rule order.
  for (const rule& r : rules) {
    if (!r.deductible_factor && !r.deductible_minus) continue;
    if (!matches(r.when, key)) continue;
    layer_policy& lp = out.layers[static_cast<int>(r.layer)];
    if (r.deductible_factor) {
      lp.deductible = apply(lp.deductible, *r.deductible_factor, info.round);
      lp.deductible_factor = product(lp.deductible_factor, *r.deductible_factor);
    }
    if (r.deductible_minus) {
      lp.deductible = max(money{}, lp.deductible - *r.deductible_minus);
      lp.deductible_minus = lp.deductible_minus + *r.deductible_minus;
    }
  }
  return out;
}

}  // namespace yibao
