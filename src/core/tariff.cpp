#include "yibao/tariff.hpp"

#include <algorithm>
#include <array>

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

constexpr auto bit(auto v) -> std::uint8_t { return static_cast<std::uint8_t>(1U << static_cast<unsigned>(v)); }
}  // namespace

auto to_string(layer_id v) noexcept -> std::string_view { return detail::name_of(layer_names, v); }
auto field_name(layer_id v) noexcept -> std::string_view { return detail::name_of(layer_fields, v); }
auto to_string(band_method v) noexcept -> std::string_view { return detail::name_of(method_names, v); }
auto to_string(band_basis v) noexcept -> std::string_view { return detail::name_of(basis_names, v); }
auto to_string(deductible_scope v) noexcept -> std::string_view { return detail::name_of(scope_names, v); }
auto to_string(account_use v) noexcept -> std::string_view { return detail::name_of(account_names, v); }

namespace {
// A bill's values as selector mask bits, worked out once per resolve instead
// of once per rule: resolve runs every rule's selector for every bill.
struct selector_key {
  std::uint8_t scheme, status, group, visit, location;
  std::uint8_t level;   // 0 for a level out of range: it matches no rule
  std::uint8_t filing;  // 0 for a local visit: filing is meaningless there, so a filing condition never matches it
  int admission;
  const std::string* disease;
};

auto key_of(const person& p, const visit& v) noexcept -> selector_key {
  const bool level_ok = v.level >= 0 && v.level < level_count;
  return {bit(p.scheme_),
          bit(p.status_),
          bit(p.group_),
          bit(v.type),
          bit(v.where),
          level_ok ? bit(v.level) : std::uint8_t{0},
          v.where == location::local ? std::uint8_t{0} : bit(v.filed),
          v.admission,
          &v.disease};
}

[[gnu::noinline]] auto lists(const std::vector<std::string>& diseases, const std::string& d) noexcept -> bool {
  return std::find(diseases.begin(), diseases.end(), d) != diseases.end();
}

auto matches(const selector& s, const selector_key& k) noexcept -> bool {
  // One branch for all the masks instead of one each.
  const bool ok = ((s.schemes & k.scheme) != 0) & ((s.statuses & k.status) != 0) & ((s.groups & k.group) != 0) &
                  ((s.visits & k.visit) != 0) & ((s.locations & k.location) != 0) & ((s.levels & k.level) != 0) &
                  ((s.filings == selector::any) | ((s.filings & k.filing) != 0)) & (k.admission >= s.admission_min) &
                  (k.admission <= s.admission_max);
  return ok && (s.diseases.empty() || lists(s.diseases, *k.disease));
}
}  // namespace

auto selector::matches(const person& p, const visit& v) const noexcept -> bool {
  return yibao::matches(*this, key_of(p, v));
}

auto tariff::resolve(const person& p, const visit& v, bool record) const -> resolved_policy {
  resolved_policy out;
  const selector_key key = key_of(p, v);
  bool adjusted = false;  // some matching rule adjusts a deductible
  for (const rule& r : rules) {  // (a range loop: an index loop re-reads rules.size() after each store)
    if (!matches(r.when, key)) continue;
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
    adjusted = adjusted || r.deductible_factor || r.deductible_minus;
  }
  if (!adjusted) return out;
  // Deductible adjustments apply after every setting, in rule order.
  for (const rule& r : rules) {
    if (!r.deductible_factor && !r.deductible_minus) continue;
    if (!matches(r.when, key)) continue;
    layer_policy& lp = out.layers[static_cast<int>(r.layer)];
    if (r.deductible_factor) lp.deductible = apply(lp.deductible, *r.deductible_factor, info.round);
    if (r.deductible_minus) lp.deductible = max(money{}, lp.deductible - *r.deductible_minus);
  }
  return out;
}

}  // namespace yibao
