#include "policy_view.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace yibao::cli {
namespace {

template <typename E, int N>
auto every() -> std::vector<E> {
  std::vector<E> out;
  for (int i = 0; i < N; ++i) out.push_back(static_cast<E>(i));
  return out;
}

/// The last applied rule for which `has` holds.
template <typename Pred>
auto last_setter(const layer_policy& lp, Pred has) -> std::vector<const rule*> {
  for (auto it = lp.applied.rbegin(); it != lp.applied.rend(); ++it) {
    if (has(**it)) return {*it};
  }
  return {};
}

}  // namespace

auto combo::who() const -> person {
  person p;
  p.scheme_ = sch;
  p.status_ = st;
  p.group_ = grp;
  return p;
}

auto combo::at() const -> visit {
  visit v;
  v.type = type;
  v.level = level;
  v.where = where;
  v.filed = filed;
  v.admission = admission;
  v.disease = disease;
  return v;
}

auto combo_space::all() -> combo_space {
  combo_space s;
  s.schemes = every<scheme, scheme_count>();
  s.statuses = every<status, status_count>();
  s.groups = every<group, group_count>();
  s.types = every<visit_type, visit_type_count>();
  for (int l = 0; l < level_count; ++l) s.levels.push_back(l);
  s.wheres.emplace_back(location::local, filing::long_term);
  for (location loc : {location::cross_city, location::cross_province}) {
    for (filing f : every<filing, filing_count>()) s.wheres.emplace_back(loc, f);
  }
  return s;
}

void combo_space::add_breakpoints(const tariff& t) {
  for (const rule& r : t.rules) {
    admissions.push_back(std::max(1, r.when.admission_min));
    if (r.when.admission_max < std::numeric_limits<int>::max()) admissions.push_back(r.when.admission_max + 1);
    diseases.insert(diseases.end(), r.when.diseases.begin(), r.when.diseases.end());
  }
  std::sort(admissions.begin(), admissions.end());
  admissions.erase(std::unique(admissions.begin(), admissions.end()), admissions.end());
  std::sort(diseases.begin(), diseases.end());
  diseases.erase(std::unique(diseases.begin(), diseases.end()), diseases.end());
}

auto combo_space::admission_label(std::size_t i) const -> std::string {
  const int from = admissions[i];
  if (i + 1 == admissions.size()) return fmt::format("{}+", from);
  const int to = admissions[i + 1] - 1;
  return from == to ? fmt::format("{}", from) : fmt::format("{}-{}", from, to);
}

auto combo_space::combos() const -> std::vector<combo> {
  std::vector<combo> out;
  for (scheme sc : schemes) {
    for (status st : statuses) {
      for (group g : groups) {
        for (visit_type vt : types) {
          for (int lv : levels) {
            for (const auto& [loc, fil] : wheres) {
              for (int adm : admissions) {
                for (const std::string& d : diseases) out.push_back(combo{sc, st, g, vt, lv, loc, fil, adm, d});
              }
            }
          }
        }
      }
    }
  }
  return out;
}

disease_slice::disease_slice(const tariff& whole, const std::string& disease) {
  t.info = whole.info;
  t.file = whole.file;
  t.b_first_pay_default = whole.b_first_pay_default;
  t.account = whole.account;
  t.account_for = whole.account_for;
  t.account_on_unfiled = whole.account_on_unfiled;
  t.waiting_months = whole.waiting_months;
  for (const rule& r : whole.rules) {
    const auto& ds = r.when.diseases;
    if (!ds.empty() && std::find(ds.begin(), ds.end(), disease) == ds.end()) continue;
    t.rules.push_back(r);
    origin.push_back(&r);
  }
}

auto disease_slice::resolve(const combo& c) const -> resolved_policy {
  resolved_policy rp = t.resolve(c.who(), c.at(), true);
  for (layer_policy& lp : rp.layers) {
    for (const rule*& r : lp.applied) r = origin[static_cast<std::size_t>(r - t.rules.data())];
  }
  return rp;
}

auto percent(ratio r) -> std::string {
  // ppm -> percent with up to 4 decimals, trailing zeros dropped.
  std::string s = format_fixed(r.ppm(), 4);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + "%";
}

auto signed_points(ratio r) -> std::string {
  std::string p = percent(r);
  p.pop_back();
  return r < ratio{} ? p : "+" + p;
}

auto band_text(const layer_policy& lp, std::size_t i) -> std::string {
  const band& b = lp.bands[i];
  const std::string rate = percent(lp.rate(b));
  if (b.upto) return fmt::format("to {}: {}", b.upto->to_string(), rate);
  return fmt::format("{}: {}", lp.bands.size() == 1 ? "all" : "above", rate);
}

auto fields_of(const layer_policy& lp) -> std::vector<field> {
  std::vector<field> out;
  if (!lp.active) {
    out.push_back({"active", "no", {}});
    return out;
  }
  auto setter = [&lp](auto member) {
    return last_setter(lp, [member](const rule& r) { return (r.*member).has_value(); });
  };
  auto with_adjusters = [&lp](std::vector<const rule*> from, auto has_adjustment) {
    for (const rule* r : lp.applied) {
      if (has_adjustment(*r)) from.push_back(r);
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

auto rule_path(const tariff& t, const rule& r) -> std::string {
  std::size_t i = 0;
  for (const rule& x : t.rules) {
    if (&x == &r) break;
    if (x.origin.where.file == r.origin.where.file) ++i;
  }
  return fmt::format("rule[{}]", i);
}

auto rule_where(const rule& r) -> std::string {
  return fmt::format("{} ({})", r.origin.where.to_string(), r.label);
}

}  // namespace yibao::cli
