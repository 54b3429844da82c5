#include "yibao/tariff.hpp"

#include <algorithm>
#include <array>

#include "core/enum_table.hpp"

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
auto parse_layer(std::string_view t) noexcept -> std::optional<layer_id> {
  return detail::parse_enum<layer_id>(layer_names, t);
}
auto to_string(band_method v) noexcept -> std::string_view { return detail::name_of(method_names, v); }
auto to_string(band_basis v) noexcept -> std::string_view { return detail::name_of(basis_names, v); }
auto to_string(deductible_scope v) noexcept -> std::string_view { return detail::name_of(scope_names, v); }
auto to_string(account_use v) noexcept -> std::string_view { return detail::name_of(account_names, v); }

auto selector::matches(const person& p, const visit& v) const noexcept -> bool {
  if (!(schemes & bit(p.scheme_)) || !(statuses & bit(p.status_)) || !(groups & bit(p.group_)) ||
      !(visits & bit(v.type)) || !(locations & bit(v.where))) {
    return false;
  }
  if (v.level < 0 || v.level >= level_count || !(levels & bit(v.level))) return false;
  // Filing is meaningless for a local visit: a filing condition never matches it.
  if (filings != any && (v.where == location::local || !(filings & bit(v.filed)))) return false;
  if (v.admission < admission_min || v.admission > admission_max) return false;
  if (!diseases.empty() && std::find(diseases.begin(), diseases.end(), v.disease) == diseases.end()) {
    return false;
  }
  return true;
}

auto layer_policy::rate(const band& b) const noexcept -> ratio {
  ratio r = b.rate + adjustment;
  if (adjustment < ratio{} && floor && r < *floor) r = std::min(b.rate, *floor);
  if (r < ratio{}) r = ratio{};
  if (r > ratio::one()) r = ratio::one();
  return r;
}

auto tariff::resolve(const person& p, const visit& v, bool record) const -> resolved_policy {
  resolved_policy out;
  for (const rule& r : rules) {
    if (!r.when.matches(p, v)) continue;
    const int li = static_cast<int>(r.layer);
    layer_policy& lp = out.layers[li];
    if (record) lp.applied.push_back(&r);
    if (r.deductible) lp.deductible = *r.deductible;
    if (r.per) lp.per = *r.per;
    if (r.bands) {
      lp.bands = &*r.bands;
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
  }
  // Deductible adjustments apply after every setting, in rule order.
  for (const rule& r : rules) {
    if (!r.deductible_factor && !r.deductible_minus) continue;
    if (!r.when.matches(p, v)) continue;
    layer_policy& lp = out.layers[static_cast<int>(r.layer)];
    if (r.deductible_factor) lp.deductible = apply(lp.deductible, *r.deductible_factor, info.round);
    if (r.deductible_minus) lp.deductible = max(money{}, lp.deductible - *r.deductible_minus);
  }
  return out;
}

}  // namespace yibao
