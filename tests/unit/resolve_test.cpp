// tariff::resolve and the banded payment of one layer (src/core/tariff.cpp,
// src/core/layer_math.cpp), on tariffs built in code.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "layer_math.hpp"
#include "yibao/tariff.hpp"

namespace {

using yibao::money;
using yibao::ratio;

auto yuan(std::int64_t y) -> money { return money::from_fen(y * 100); }

auto base_rule() -> yibao::rule {
  yibao::rule r;
  r.label = "base";
  r.deductible = yuan(1000);
  r.bands = std::vector<yibao::band>{{yuan(50000), ratio::points(70)}, {std::nullopt, ratio::points(80)}};
  return r;
}

auto visit_at(yibao::location where, yibao::filing filed) -> yibao::visit {
  yibao::visit v;
  v.type = yibao::visit_type::inpatient;
  v.where = where;
  v.filed = filed;
  return v;
}

TEST(resolve, later_settings_override_and_adjustments_accumulate) {
  yibao::tariff t;
  t.rules.push_back(base_rule());
  yibao::rule unfiled;
  unfiled.label = "unfiled";
  unfiled.when.filings = 1U << static_cast<unsigned>(yibao::filing::unfiled);
  unfiled.add = ratio::points(-10);
  t.rules.push_back(unfiled);
  yibao::rule poor;
  poor.label = "dibao";
  poor.when.groups = 1U << static_cast<unsigned>(yibao::group::dibao);
  poor.add = ratio::points(5);
  poor.deductible_factor = ratio::from_ppm(500'000);
  poor.cap = std::optional<money>{};
  t.rules.push_back(poor);

  yibao::person p;
  p.group_ = yibao::group::dibao;
  const auto policy = t.resolve(p, visit_at(yibao::location::cross_province, yibao::filing::unfiled), true);
  const auto& basic = policy[yibao::layer_id::basic];
  EXPECT_TRUE(basic.active);
  EXPECT_EQ(basic.deductible, yuan(500));
  EXPECT_EQ(basic.adjustment, ratio::points(-5));
  EXPECT_EQ(basic.rate(basic.bands[0]), ratio::points(65));
  EXPECT_FALSE(basic.cap.has_value());
  EXPECT_EQ(basic.applied, (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(t.rules[basic.applied[1]].label, "unfiled");
}

TEST(resolve, applied_lists_each_layers_matching_rules_by_their_index_in_the_tariff) {
  // tariff.hpp: "for a given bill every matching rule is applied in file order".
  yibao::tariff t;
  t.rules.push_back(base_rule());  // 0: basic, any visit
  yibao::rule local;
  local.label = "local only";
  local.when.locations = 1U << static_cast<unsigned>(yibao::location::local);
  local.add = ratio::points(5);
  t.rules.push_back(local);  // 1: does not match a cross-province visit
  yibao::rule critical = base_rule();
  critical.label = "critical";
  critical.layer = yibao::layer_id::critical;
  t.rules.push_back(critical);  // 2: another layer
  yibao::rule unfiled;
  unfiled.label = "unfiled";
  unfiled.when.filings = 1U << static_cast<unsigned>(yibao::filing::unfiled);
  unfiled.add = ratio::points(-10);
  t.rules.push_back(unfiled);  // 3

  const auto at = visit_at(yibao::location::cross_province, yibao::filing::unfiled);
  const auto policy = t.resolve(yibao::person{}, at, true);
  EXPECT_EQ(policy[yibao::layer_id::basic].applied, (std::vector<std::uint32_t>{0, 3}));
  EXPECT_EQ(policy[yibao::layer_id::critical].applied, (std::vector<std::uint32_t>{2}));
  EXPECT_TRUE(policy[yibao::layer_id::large].applied.empty());
  // Without `record` nothing is kept.
  EXPECT_TRUE(t.resolve(yibao::person{}, at)[yibao::layer_id::basic].applied.empty());
}

TEST(resolve, filing_condition_never_matches_a_local_visit) {
  yibao::tariff t;
  t.rules.push_back(base_rule());
  yibao::rule unfiled;
  unfiled.when.filings = 1U << static_cast<unsigned>(yibao::filing::unfiled);
  unfiled.add = ratio::points(-20);
  t.rules.push_back(unfiled);
  const auto policy = t.resolve(yibao::person{}, visit_at(yibao::location::local, yibao::filing::unfiled));
  EXPECT_EQ(policy[yibao::layer_id::basic].adjustment, ratio{});
}

TEST(resolve, floor_stops_negative_adjustments) {
  yibao::layer_policy lp;
  lp.adjustment = ratio::points(-30);
  lp.floor = ratio::points(50);
  EXPECT_EQ(lp.rate({std::nullopt, ratio::points(70)}), ratio::points(50));
  // A rate already below the floor is not raised by it.
  EXPECT_EQ(lp.rate({std::nullopt, ratio::points(40)}), ratio::points(40));
  lp.adjustment = ratio::points(40);
  EXPECT_EQ(lp.rate({std::nullopt, ratio::points(70)}), ratio::one());
}

TEST(resolve, admission_range_selects_rules) {
  yibao::tariff t;
  t.rules.push_back(base_rule());
  yibao::rule second;
  second.when.admission_min = 2;
  second.deductible_factor = ratio::from_ppm(500'000);
  t.rules.push_back(second);
  auto v = visit_at(yibao::location::local, yibao::filing::long_term);
  EXPECT_EQ(t.resolve({}, v)[yibao::layer_id::basic].deductible, yuan(1000));
  v.admission = 3;
  EXPECT_EQ(t.resolve({}, v)[yibao::layer_id::basic].deductible, yuan(500));
}

// "Progressive: each band's part at its own ratio" (docs/tariff-format.md).
TEST(layer_math, progressive_bands_split_at_edges) {
  const std::vector<yibao::band> bands{{yuan(20000), ratio::points(30)}, {yuan(50000), ratio::points(40)},
                                       {std::nullopt, ratio::points(50)}};
  yibao::layer_policy lp;
  lp.bands = bands;
  // 10,000 .. 60,000 on the scale: 10k at 30%, 30k at 40%, 10k at 50% = 3000 + 12000 + 5000.
  const auto out = yibao::pay_layer(lp, {yuan(10000), yuan(60000), money{}}, yibao::rounding::half_up, money{});
  EXPECT_EQ(out.paid, yuan(20000));
  EXPECT_EQ(yibao::exact_yuan(out.exact_num), "20000.00");
}

// "Whole: the band the cumulative total falls in sets one ratio"; edges are inclusive.
TEST(layer_math, whole_method_uses_the_band_of_the_total_inclusive) {
  const std::vector<yibao::band> bands{{yuan(50000), ratio::points(70)}, {std::nullopt, ratio::points(85)}};
  yibao::layer_policy lp;
  lp.bands = bands;
  lp.method = yibao::band_method::whole;
  auto at = [&](money hi) { return yibao::pay_layer(lp, {money{}, hi, money{}}, yibao::rounding::half_up, money{}).paid; };
  EXPECT_EQ(at(yuan(50000)), yuan(35000));
  EXPECT_EQ(at(yuan(50000) + money::from_fen(1)), money::from_fen(4250001));  // 50000.01 x 0.85 = 42500.0085
}

TEST(layer_math, cap_limits_after_rounding) {
  const std::vector<yibao::band> bands{{std::nullopt, ratio::points(90)}};
  yibao::layer_policy lp;
  lp.bands = bands;
  lp.cap = yuan(1000);
  const auto out = yibao::pay_layer(lp, {money{}, yuan(2000), money{}}, yibao::rounding::half_up, yuan(400));
  EXPECT_EQ(out.rounded, yuan(1800));
  EXPECT_EQ(out.paid, yuan(600));
  EXPECT_TRUE(out.capped);
  EXPECT_EQ(*out.cap_left, money{});
}

TEST(layer_math, rounds_once_with_the_named_mode) {
  const std::vector<yibao::band> bands{{std::nullopt, ratio::from_ppm(500'000)}};
  yibao::layer_policy lp;
  lp.bands = bands;
  const yibao::layer_input in{money{}, money::from_fen(5), money{}};  // 0.05 x 0.5 = 0.025
  EXPECT_EQ(yibao::pay_layer(lp, in, yibao::rounding::half_up, money{}).paid, money::from_fen(3));
  EXPECT_EQ(yibao::pay_layer(lp, in, yibao::rounding::half_even, money{}).paid, money::from_fen(2));
  EXPECT_EQ(yibao::pay_layer(lp, in, yibao::rounding::down, money{}).paid, money::from_fen(2));
  EXPECT_EQ(yibao::exact_yuan(yibao::pay_layer(lp, in, yibao::rounding::half_up, money{}).exact_num), "0.025");
}

}  // namespace
