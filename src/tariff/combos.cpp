// The combinations of a tariff's selector axes and the slices that resolve
// them (tariff/combos.hpp).
#include "tariff/combos.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/decimal_text.hpp"

namespace yibao {
namespace {

template <typename E, int N>
auto every() -> std::vector<E> {
  std::vector<E> out;
  for (int i = 0; i < N; ++i) out.push_back(static_cast<E>(i));
  return out;
}

}  // namespace

// The visit date of a combination giving an age (any day: only the age counts).
constexpr date fact_visit_date{2000, 1, 1};

auto combo::who() const -> person {
  person p;
  p.scheme_ = sch;
  p.status_ = st;
  p.group_ = grp;
  p.tier = facts.tier;
  if (facts.age >= 0) {
    p.birth_date = date{static_cast<std::int16_t>(fact_visit_date.year - facts.age), fact_visit_date.month,
                        fact_visit_date.day};
  }
  p.family_doctor = facts.family_doctor;
  p.chronic = facts.chronic;
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
  if (facts.age >= 0) v.on = fact_visit_date;
  v.contracted = facts.contracted;
  v.unfiled_before = facts.unfiled_before;
  return v;
}

auto combo_facts::describe() const -> std::string {
  std::string out;
  if (tier != 0) out += fmt::format(" tier {}", tier);
  if (age >= 0) out += fmt::format(" age {}", age);
  if (family_doctor) out += " family doctor";
  if (contracted) out += " contracted";
  if (unfiled_before != 0) out += fmt::format(" unfiled before {}", unfiled_before);
  if (!chronic.empty()) out += fmt::format(" holding {}", fmt::join(chronic, ","));
  return out;
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

void combo_space::drop_unnamed(std::initializer_list<const tariff*> ts) {
  // The visit kinds and groups of policy model 2 (day surgery, maternity,
  // pharmacy; orphan, illness_poverty) take part only when some rule names
  // them: elsewhere they settle as the rules for everything else say, and a
  // table or a check of each would repeat the others (or flag a gap that a
  // version 1 tariff never meant to fill).
  std::uint8_t named_visits = 0, named_groups = 0;
  for (const tariff* t : ts) {
    for (const rule& r : t->rules) {
      if (r.when.visits != selector::any) named_visits |= r.when.visits;
      if (r.when.groups != selector::any) named_groups |= r.when.groups;
    }
  }
  std::erase_if(types, [named_visits](visit_type v) {
    return v > visit_type::chronic && (named_visits & (1U << static_cast<unsigned>(v))) == 0;
  });
  std::erase_if(groups, [named_groups](group g) {
    return g > group::low_income && (named_groups & (1U << static_cast<unsigned>(g))) == 0;
  });
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

void combo_space::add_facts(const tariff& t) {
  constexpr int oldest = 150;  // person ages beyond any policy's edge
  bool tiers = false, family_doctor = false, contracted = false;
  std::vector<int> ages, unfiled;
  std::vector<std::vector<std::string>> chronic;
  auto edge = [](std::vector<int>& to, int from, int upto, int limit) {
    to.push_back(std::max(0, from));
    if (upto < limit) to.push_back(upto + 1);
  };
  for (const rule& r : t.rules) {
    const selector& w = r.when;
    tiers = tiers || w.uses_tier();
    family_doctor = family_doctor || w.family_doctor >= 0;
    contracted = contracted || w.contracted >= 0;
    if (w.uses_age()) edge(ages, w.age_min, w.age_max, oldest);
    if (w.unfiled_min != 0 || w.unfiled_max != selector::unbounded) {
      edge(unfiled, w.unfiled_min, w.unfiled_max, std::numeric_limits<int>::max());
    }
    if (!w.holds.empty()) {
      const int n = static_cast<int>(w.holds.size());
      for (const int k : {0, std::min(n, std::max(0, w.holds_min)),
                          w.holds_max < n ? w.holds_max + 1 : n}) {
        chronic.emplace_back(w.holds.begin(), w.holds.begin() + k);
      }
    }
  }
  if (!tiers && !family_doctor && !contracted && ages.empty() && unfiled.empty() && chronic.empty()) return;
  auto distinct = [](auto& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  // Each axis: its default alone when no rule selects on it.
  std::vector<int> tier_axis = tiers ? std::vector<int>{1, 2, 3} : std::vector<int>{0};
  if (!ages.empty()) ages.push_back(0);
  std::vector<int> age_axis = ages.empty() ? std::vector<int>{-1} : ages;
  distinct(age_axis);
  std::vector<bool> fd_axis = family_doctor ? std::vector<bool>{false, true} : std::vector<bool>{false};
  std::vector<bool> contracted_axis = contracted ? std::vector<bool>{false, true} : std::vector<bool>{false};
  unfiled.push_back(0);
  distinct(unfiled);
  for (auto& c : chronic) std::sort(c.begin(), c.end());
  chronic.emplace_back();
  distinct(chronic);
  std::vector<combo_facts> out;
  for (const int tier : tier_axis) {
    for (const int age : age_axis) {
      for (const bool fd : fd_axis) {
        for (const bool ct : contracted_axis) {
          for (const int u : unfiled) {
            for (const auto& c : chronic) out.push_back(combo_facts{tier, age, fd, ct, u, c});
          }
        }
      }
    }
  }
  facts = std::move(out);
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
                for (const std::string& d : diseases) {
                  for (const combo_facts& fa : facts) out.push_back(combo{sc, st, g, vt, lv, loc, fil, adm, d, fa});
                }
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
  for (std::size_t i = 0; i < whole.rules.size(); ++i) {
    const rule& r = whole.rules[i];
    const auto& ds = r.when.diseases;
    if (!ds.empty() && std::find(ds.begin(), ds.end(), disease) == ds.end()) continue;
    t.rules.push_back(r);
    origin.push_back(static_cast<std::uint32_t>(i));
  }
}

auto disease_slice::resolve(const combo& c) const -> resolved_policy {
  resolved_policy rp = t.resolve(c.who(), c.at(), true);
  for (layer_policy& lp : rp.layers) {
    for (std::uint32_t& i : lp.applied) i = origin[i];
  }
  return rp;
}

auto percent(ratio r) -> std::string {
  // ppm -> percent with up to 4 decimals, trailing zeros dropped.
  return decimal_trimmed(r.ppm(), 4) + "%";
}

auto signed_points(ratio r) -> std::string {
  std::string p = percent(r);
  p.pop_back();
  return r < ratio{} ? p : "+" + p;
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

}  // namespace yibao
