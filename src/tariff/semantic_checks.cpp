// The semantic checks of a loaded tariff (tariff/semantic_checks.hpp): they
// resolve every combination of person and visit (tariff/combos.hpp).
#include "tariff/semantic_checks.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "tariff/combos.hpp"

namespace yibao {
namespace {

auto describe(const combo& c) -> std::string {
  std::string where{to_string(c.where)};
  if (c.where != location::local) where += fmt::format("/{}", to_string(c.filed));
  std::string out = fmt::format("{} {} {} level {} {}", to_string(c.sch), to_string(c.st), to_string(c.type), c.level,
                                where);
  if (c.grp != group::none) out += fmt::format(" group {}", to_string(c.grp));
  if (c.admission != 1) out += fmt::format(" admission {}", c.admission);
  if (!c.disease.empty()) out += fmt::format(" disease {}", c.disease);
  return out + c.facts.describe();
}

/// The last rule of `t` applied in `lp` for which `has` holds, or nullptr.
template <typename Pred>
auto last_setter_of(const tariff& t, const layer_policy& lp, Pred has) -> const rule* {
  for (auto it = lp.applied.rbegin(); it != lp.applied.rend(); ++it) {
    if (has(t.rules[*it])) return &t.rules[*it];
  }
  return nullptr;
}

auto warning(const source_location& at, std::string path, std::string message) -> diagnostic {
  return {severity::warning, at, std::move(path), std::move(message)};
}

/// The settings a rule may make, as "is it set" tests.
auto settings() -> const std::vector<bool (*)(const rule&)>& {
  static const std::vector<bool (*)(const rule&)> all{
      [](const rule& r) { return r.deductible.has_value(); }, [](const rule& r) { return r.per.has_value(); },
      [](const rule& r) { return r.bands.has_value(); },      [](const rule& r) { return r.method.has_value(); },
      [](const rule& r) { return r.basis.has_value(); },      [](const rule& r) { return r.cap.has_value(); },
      [](const rule& r) { return r.floor.has_value(); },      [](const rule& r) { return r.reimbursed.has_value(); },
      [](const rule& r) { return r.reason.has_value(); },     [](const rule& r) { return r.first_pay.has_value(); },
      [](const rule& r) { return r.transfer_difference.has_value(); }};
  return all;
}

/// Checks that need the resolved policy of every combination, which the
/// loader (one rule at a time) cannot make: a cap below a deductible set by
/// another rule, adjusted rates clipped to 0..100%, rules that match no visit
/// and rules whose every setting a later rule replaces.
auto unsorted_checks(const tariff& t) -> std::vector<diagnostic> {
  std::vector<diagnostic> out;
  combo_space space = combo_space::all();
  space.add_breakpoints(t);
  space.add_facts(t);  // the facts some rule selects on (none: the combinations of format 1)
  space.drop_unnamed({&t});
  const std::size_t n = t.rules.size();
  std::vector<bool> matched(n, false);
  std::vector<bool> effective(n, false);
  std::vector<const rule*> overridden_by(n, nullptr);
  std::set<std::pair<const rule*, const rule*>> cap_seen;
  std::set<std::pair<const rule*, const rule*>> whole_seen;
  std::set<std::tuple<const rule*, std::size_t, std::int64_t>> clip_seen;

  // One disease at a time, resolving only the rules that can match it: the
  // combinations are streamed, never held (issue #10: 400 per-disease rules
  // held 1.6 GB of combinations and resolved each against all 400 rules).
  std::optional<disease_slice> slice;
  std::string slice_disease;
  space.for_each([&](const combo& c) {
    if (!slice || c.disease != slice_disease) {
      slice_disease = c.disease;
      slice.emplace(t, c.disease);
    }
    const resolved_policy rp = slice->resolve(c);
    for (const layer_policy& lp : rp.layers) {
      for (const std::uint32_t i : lp.applied) matched[i] = true;
      // Which rule's value survives for each setting.
      for (auto is_set : settings()) {
        std::optional<std::uint32_t> last;
        for (const std::uint32_t i : lp.applied) {
          if (!is_set(t.rules[i])) continue;
          if (last && !overridden_by[*last]) overridden_by[*last] = &t.rules[i];
          last = i;
        }
        if (last) effective[*last] = true;
      }
      if (!lp.active) continue;
      const auto cap_rules = last_setter_of(t, lp, [](const rule& r) { return r.cap.has_value(); });
      const auto ded_rules = last_setter_of(t, lp, [](const rule& r) { return r.deductible.has_value(); });
      if (lp.cap && *lp.cap < lp.deductible && cap_rules) {
        const rule* rc = cap_rules;
        const rule* rd = ded_rules;
        // The loader already warns when one rule writes both figures.
        const bool same = rc == rd && rd->deductible && *rd->deductible == lp.deductible;
        if (!same && cap_seen.insert({rc, rd}).second) {
          out.push_back(warning(rc->origin.where, rule_path(t, *rc) + ".cap",
                                fmt::format("expected a cap of at least the deductible {}{} for {}, found {}",
                                            lp.deductible.to_string(),
                                            rd ? " set by " + rule_where(*rd) : std::string{}, describe(c),
                                            lp.cap->to_string())));
        }
      }
      const rule* rb = last_setter_of(t, lp, [](const rule& r) { return r.bands.has_value(); });
      // The loader refuses one rule writing both; here method and bands come from different rules.
      if (rb && lp.method == band_method::whole && lp.bands.back().upto &&
          whole_seen.insert({rb, last_setter_of(t, lp, [](const rule& r) { return r.method.has_value(); })}).second) {
        out.push_back(warning(rb->origin.where, fmt::format("{}.bands[{}].upto", rule_path(t, *rb), lp.bands.size() - 1),
                              fmt::format("expected a last band without an upper edge under the \"whole\" method, "
                                          "found {} for {} (a total above it pays nothing at all)",
                                          lp.bands.back().upto->to_string(), describe(c))));
      }
      for (std::size_t k = 0; rb && k < lp.bands.size(); ++k) {
        const band& b = lp.bands[k];
        const ratio raw = b.rate + lp.adjustment;
        const bool above = raw > ratio::one();
        const bool below = raw < ratio{} && lp.rate(b) == ratio{};
        if ((above || below) && clip_seen.insert({rb, k, lp.adjustment.ppm()}).second) {
          out.push_back(warning(rb->origin.where, fmt::format("{}.bands[{}].ratio", rule_path(t, *rb), k),
                                fmt::format("expected an adjusted rate within 0%..100%, found {} {} points = {} "
                                            "for {} (clipped to {})",
                                            percent(b.rate), signed_points(lp.adjustment), percent(raw), describe(c),
                                            above ? "100%" : "0%")));
        }
      }
    }
  });
  for (std::size_t i = 0; i < n; ++i) {
    const rule& r = t.rules[i];
    if (!matched[i]) {
      const bool local_only = r.when.filing_constrained() &&
                              (r.when.locations & static_cast<std::uint8_t>(0x07U & ~1U)) == 0;
      out.push_back(warning(r.origin.where, rule_path(t, r) + ".when",
                            local_only ? "expected a selector some visit matches, found a filing condition on "
                                         "local visits only (filing never matches a local visit)"
                                       : "expected a selector some visit matches, found none"));
      continue;
    }
    const bool adjusts = r.add || r.deductible_factor || r.deductible_minus;
    bool sets = false;
    for (auto is_set : settings()) sets = sets || is_set(r);
    if (sets && !adjusts && !effective[i] && overridden_by[i]) {
      out.push_back(warning(r.origin.where, rule_path(t, r),
                            "expected a rule that takes effect for some visit, found every value it sets replaced "
                            "by a later rule such as " + rule_where(*overridden_by[i]) +
                                " (an exception must follow the general rule)"));
    }
  }
  return out;
}

}  // namespace

auto semantic_checks(const tariff& t) -> std::vector<diagnostic> {
  std::vector<diagnostic> out;
  try {
    out = unsorted_checks(t);
  } catch (const std::overflow_error&) {  // a tariff problem the loader's bounds missed, not an internal error
    out.push_back({severity::error, t.info.origin.where, "", tariff_overflow_message});
    return out;
  }
  auto file_rank = [&t](const std::string& file) {  // parents first, as the loader orders its diagnostics
    const auto it = std::find(t.info.extends.begin(), t.info.extends.end(), file);
    return static_cast<std::size_t>(it - t.info.extends.begin());
  };
  std::stable_sort(out.begin(), out.end(), [&file_rank](const diagnostic& a, const diagnostic& b) {
    return std::tuple(file_rank(a.where.file), a.where.line, a.where.column) <
           std::tuple(file_rank(b.where.file), b.where.line, b.where.column);
  });
  return out;
}

}  // namespace yibao
