// The semantic checks of `yibao check` as a function of the tariff layer
// (tariff/semantic_checks.hpp), on tariffs built in code (issue #11 item 2:
// "the tariff's semantic checks in the tariff layer"). The CLI's output is
// checked by check_show_diff_test.cpp and the tariff_tools data.
#include "tariff/semantic_checks.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
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

}  // namespace
