#include "policy_view.hpp"

#include <cstdint>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace yibao::cli {
namespace {

/// The last rule of `t` applied in `lp` for which `has` holds.
template <typename Pred>
auto last_setter(const tariff& t, const layer_policy& lp, Pred has) -> std::vector<std::uint32_t> {
  for (auto it = lp.applied.rbegin(); it != lp.applied.rend(); ++it) {
    if (has(t.rules[*it])) return {*it};
  }
  return {};
}

}  // namespace

auto band_text(const layer_policy& lp, std::size_t i) -> std::string {
  const band& b = lp.bands[i];
  const std::string rate = percent(lp.rate(b));
  if (b.upto) return fmt::format("to {}: {}", b.upto->to_string(), rate);
  return fmt::format("{}: {}", lp.bands.size() == 1 ? "all" : "above", rate);
}

auto fields_of(const tariff& t, const layer_policy& lp) -> std::vector<field> {
  std::vector<field> out;
  if (!lp.active) {
    out.push_back({"active", "no", {}});
    return out;
  }
  auto setter = [&t, &lp](auto member) {
    return last_setter(t, lp, [member](const rule& r) { return (r.*member).has_value(); });
  };
  auto with_adjusters = [&t, &lp](std::vector<std::uint32_t> from, auto has_adjustment) {
    for (const std::uint32_t i : lp.applied) {
      if (has_adjustment(t.rules[i])) from.push_back(i);
    }
    return from;
  };
  out.push_back({"reimbursed", lp.reimbursed ? "yes" : "no", setter(&rule::reimbursed)});
  if (!lp.reimbursed) out.push_back({"reason", std::string{lp.reason}, setter(&rule::reason)});
  out.push_back({"deductible", lp.deductible.to_string(),
                 with_adjusters(setter(&rule::deductible),
                                [](const rule& r) { return r.deductible_factor || r.deductible_minus; })});
  out.push_back({"per", std::string(to_string(lp.per)), setter(&rule::per)});
  std::string bands;
  for (std::size_t i = 0; i < lp.bands.size(); ++i) bands += (i ? "; " : "") + band_text(lp, i);
  out.push_back({"bands", bands, with_adjusters(setter(&rule::bands), [](const rule& r) { return r.add.has_value(); })});
  out.push_back({"method", std::string(to_string(lp.method)), setter(&rule::method)});
  out.push_back({"basis", std::string(to_string(lp.basis)), setter(&rule::basis)});
  out.push_back({"cap", lp.cap ? lp.cap->to_string() : "none", setter(&rule::cap)});
  out.push_back({"floor", lp.floor ? percent(*lp.floor) : "none", setter(&rule::floor)});
  out.push_back({"first_pay", percent(lp.first_pay), setter(&rule::first_pay)});
  out.push_back({"transfer", lp.transfer_difference ? "difference" : "none", setter(&rule::transfer_difference)});
  return out;
}

namespace {
auto filing_label(const std::set<filing>& fs) -> std::string {
  if (fs.size() == filing_count) return "any filing";
  if (fs.size() == filing_count - 1 && !fs.count(filing::unfiled)) return "filed";
  std::vector<std::string> names;
  for (filing f : fs) names.emplace_back(to_string(f));
  return fmt::format("{}", fmt::join(names, ","));
}
}  // namespace

auto where_label(const std::vector<std::pair<location, filing>>& members) -> std::string {
  std::vector<std::string> parts;
  std::map<location, std::set<filing>> by_loc;
  for (const auto& [loc, f] : members) {
    if (loc == location::local) {
      parts.emplace_back("local");
    } else {
      by_loc[loc].insert(f);
    }
  }
  if (by_loc.size() == 2 && by_loc.begin()->second == by_loc.rbegin()->second) {
    parts.push_back("cross_city+cross_province " + filing_label(by_loc.begin()->second));
  } else {
    for (const auto& [loc, fs] : by_loc) parts.push_back(fmt::format("{} {}", to_string(loc), filing_label(fs)));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace yibao::cli
