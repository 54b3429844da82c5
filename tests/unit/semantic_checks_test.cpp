// The semantic checks of `yibao check` as a function of the tariff layer
// (tariff/semantic_checks.hpp), on tariffs built in code (issue #11 item 2:
// "the tariff's semantic checks in the tariff layer"). The CLI's output is
// checked by check_show_diff_test.cpp and the tariff_tools data.
#include "tariff/semantic_checks.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tariff/combos.hpp"

namespace {

using yibao::diagnostic;
using yibao::money;
using yibao::ratio;
using yibao::severity;

auto rule_at(std::uint32_t line) -> yibao::rule {
  yibao::rule r;
  r.label = "line " + std::to_string(line);
  r.origin.where = {"t.toml", line, 1};
  return r;
}

auto tariff_with(std::vector<yibao::rule> rules) -> yibao::tariff {
  yibao::tariff t;
  t.info.id = "t";
  t.file = "t.toml";
  t.info.origin.where = {"t.toml", 1, 1};
  t.rules = std::move(rules);
  return t;
}

auto basic_rule(std::uint32_t line, money deductible) -> yibao::rule {
  yibao::rule r = rule_at(line);
  r.deductible = deductible;
  r.bands = std::vector<yibao::band>{{std::nullopt, ratio::from_ppm(900000)}};
  return r;
}

TEST(Issue11_Item2_SemanticChecks, ARuleNoVisitMatchesIsAWarningAtItsSelector) {
  yibao::rule never = rule_at(9);
  never.when.levels = 0;  // no level at all
  never.deductible = money::from_fen(100);
  const std::vector<diagnostic> d = yibao::semantic_checks(tariff_with({basic_rule(4, money::from_fen(50000)), never}));
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].level, severity::warning);
  EXPECT_EQ(d[0].to_string(), "t.toml:9:1: warning: rule[1].when: expected a selector some visit matches, found none");
}

TEST(Issue11_Item2_SemanticChecks, AnOverflowIsOneErrorNotAnException) {
  // "tariff::resolve can throw into the CLI (yibao check on a tariff with a
  // huge deductible_factor exits 70 internal error)": the checks catch it.
  yibao::rule factor = rule_at(8);
  factor.deductible_factor = ratio::from_ppm(99'000'000);
  const yibao::tariff t = tariff_with({basic_rule(4, money::from_fen(std::numeric_limits<std::int64_t>::max() / 2)),
                                       factor});
  std::vector<diagnostic> d;
  ASSERT_NO_THROW(d = yibao::semantic_checks(t));
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].level, severity::error);
  EXPECT_EQ(d[0].to_string(), std::string("t.toml:1:1: error: ") + yibao::tariff_overflow_message);
}

// Format 2 selectors on the person's and the visit's facts: the checks give
// the combinations the facts the rules name, so a rule for tier 2, for 70 and
// over, for family-doctor contracts, contracted hospitals, a count of unfiled
// stays or diseases held matches its visits (it warned "matches no visit" for
// every one of them when the combinations had no facts).
auto with_bands(yibao::rule r, std::int64_t ppm) -> yibao::rule {
  r.bands = std::vector<yibao::band>{{std::nullopt, ratio::from_ppm(ppm)}};
  return r;
}

auto strings(const std::vector<diagnostic>& d) -> std::string {
  std::string out;
  for (const diagnostic& x : d) out += x.to_string() + "\n";
  return out;
}

TEST(SemanticChecksFacts, RulesOnEachFactMatchTheirVisits) {
  std::vector<yibao::rule> rules{basic_rule(4, money::from_fen(50000))};
  yibao::rule tier2 = with_bands(rule_at(10), 700000);
  tier2.when.tiers = 1U << 2U;
  yibao::rule old = with_bands(rule_at(11), 800000);
  old.when.age_min = 70;
  yibao::rule young = with_bands(rule_at(12), 750000);
  young.when.age_max = 17;
  yibao::rule doctor = rule_at(13);
  doctor.cap = money::from_fen(50000);
  doctor.when.family_doctor = 1;
  yibao::rule other = rule_at(14);
  other.first_pay = ratio::from_ppm(150000);
  other.when.contracted = 0;
  yibao::rule contracted = rule_at(15);
  contracted.first_pay = ratio::from_ppm(50000);
  contracted.when.contracted = 1;
  yibao::rule second = rule_at(16);
  second.first_pay = ratio::from_ppm(300000);
  second.when.unfiled_min = second.when.unfiled_max = 1;
  yibao::rule third = rule_at(17);
  third.reimbursed = false;
  third.when.unfiled_min = 2;
  yibao::rule both = rule_at(18);
  both.cap = money::from_fen(120000);
  both.when.holds = {"E11", "I10"};
  both.when.holds_min = 2;
  for (auto* r : {&tier2, &old, &young, &doctor, &other, &contracted, &second, &third, &both}) rules.push_back(*r);
  const std::vector<diagnostic> d = yibao::semantic_checks(tariff_with(rules));
  EXPECT_TRUE(d.empty()) << strings(d);
}

TEST(SemanticChecksFacts, AFactNoVisitHasIsStillNoVisit) {
  // 50 and over and 40 and under at once: no age has it.
  yibao::rule never = with_bands(rule_at(9), 800000);
  never.when.age_min = 50;
  never.when.age_max = 40;
  const std::vector<diagnostic> d = yibao::semantic_checks(tariff_with({basic_rule(4, money::from_fen(50000)), never}));
  ASSERT_EQ(d.size(), 1U) << strings(d);
  EXPECT_EQ(d[0].to_string(), "t.toml:9:1: warning: rule[1].when: expected a selector some visit matches, found none");
}

TEST(SemanticChecksFacts, AnExceptionOnAFactBeforeTheGeneralRuleIsOverridden) {
  // The contracted-hospital share comes first, then a general share for every
  // visit: the exception never takes effect.
  yibao::rule contracted = rule_at(8);
  contracted.first_pay = ratio::from_ppm(50000);
  contracted.when.contracted = 1;
  yibao::rule general = rule_at(9);
  general.first_pay = ratio::from_ppm(150000);
  const std::vector<diagnostic> d =
      yibao::semantic_checks(tariff_with({basic_rule(4, money::from_fen(50000)), contracted, general}));
  ASSERT_EQ(d.size(), 1U) << strings(d);
  EXPECT_EQ(d[0].to_string(),
            "t.toml:8:1: warning: rule[1]: expected a rule that takes effect for some visit, found every value it sets "
            "replaced by a later rule such as t.toml:9:1 (line 9) (an exception must follow the general rule)");
}

TEST(SemanticChecksFacts, ATariffSelectingOnNoFactKeepsTheCombinationsOfFormat1) {
  yibao::rule level3 = basic_rule(5, money::from_fen(80000));
  level3.when.levels = 1U << 3U;
  const yibao::tariff t = tariff_with({basic_rule(4, money::from_fen(50000)), level3});
  yibao::combo_space with = yibao::combo_space::all();
  with.add_breakpoints(t);
  const std::size_t before = with.combos().size();
  with.add_facts(t);
  ASSERT_EQ(with.facts.size(), 1U);
  EXPECT_FALSE(with.facts[0].given());
  EXPECT_EQ(with.combos().size(), before);
  const yibao::combo c = with.combos().front();
  const yibao::combo plain{c.sch, c.st, c.grp, c.type, c.level, c.where, c.filed, c.admission, c.disease};
  EXPECT_EQ(c.who(), plain.who());
  EXPECT_EQ(c.at(), plain.at());
  EXPECT_FALSE(c.who().birth_date);
}

TEST(SemanticChecksFacts, TheFactAxisHoldsTheEdgesOfTheRules) {
  yibao::rule old = with_bands(rule_at(5), 800000);
  old.when.age_min = 70;
  old.when.tiers = 1U << 1U;
  yibao::combo_space s = yibao::combo_space::all();
  s.add_facts(tariff_with({basic_rule(4, money::from_fen(50000)), old}));
  // tiers 1..3 x ages 0 and 70.
  ASSERT_EQ(s.facts.size(), 6U);
  EXPECT_EQ(s.facts[1].tier, 1);
  EXPECT_EQ(s.facts[1].age, 70);
  yibao::combo c;
  c.facts = s.facts[1];
  EXPECT_TRUE(old.when.matches(c.who(), c.at()));
  c.facts = s.facts[0];
  EXPECT_FALSE(old.when.matches(c.who(), c.at()));
  EXPECT_EQ(s.facts[1].describe(), " tier 1 age 70");
}

}  // namespace
