// Policy model 2 (issue 12): what --explain says of it, and the format version.
#include <gtest/gtest.h>

#include <string>

#include "yibao/yibao.hpp"

namespace {

using namespace yibao;

constexpr const char* tariff_text = R"toml(
[tariff]
id = "m2"
name = "m2"
place = "x"
valid_from = 2025-01-01
valid_to = 2025-12-31
rounding = "half_up"
format = 2
assumed = "test"

[pool.outpatient]
label = "门诊共济"
period = "quarter"
assumed = "test"

[[rule]]
name = "outpatient pool"
when = { visit = "outpatient" }
pool = "outpatient"
bands = [ { ratio = "0.50" } ]
cap = "300.00"
assumed = "test"

[[rule]]
name = "70 and over"
when = { age_min = 70, tier = 1 }
add_points = 10
assumed = "test"
)toml";

auto load(const std::string& text) -> result<tariff> { return parse_tariff(text, "m2.toml", {}); }

auto outpatient_bill() -> bill {
  bill b;
  b.id = "B";
  b.who.id = "P";
  b.who.birth_date = date{1950, 6, 2};  // 74 on the visit date, the day before the birthday
  b.who.tier = 1;
  b.at.type = visit_type::outpatient;
  b.at.on = date{2025, 6, 1};
  line l;
  l.code = "X";
  l.cls = item_class::A;
  l.qty = quantity{10'000};
  l.unit_price = price{1'000'000'000};  // 1000.00
  l.amount = money::from_fen(100'000);
  b.lines.push_back(l);
  return b;
}

TEST(policy_model2, explain_names_the_pool_and_the_facts_that_selected_a_rule) {
  const auto t = load(tariff_text);
  ASSERT_TRUE(t.ok()) << t.err().message;
  settle_options o;
  o.trace = true;
  const auto s = settle(t.value(), catalog{}, outpatient_bill(), o);
  ASSERT_TRUE(s.ok()) << s.err().message;
  // 60% of 1000.00 is 600.00, the quarterly cap 300.00 holds it.
  EXPECT_EQ(s.value().hifp_pay, money::from_fen(30'000));
  ASSERT_EQ(s.value().funds.size(), 1U);
  EXPECT_EQ(s.value().funds[0].pool_name(), "outpatient");
  EXPECT_EQ(s.value().funds[0].period_from, (date{2025, 4, 1}));
  EXPECT_EQ(s.value().funds[0].cap_left, money{});
  bool facts = false, pool = false;
  for (const trace_step& st : s.value().trace) {
    if (st.step == "facts") {
      facts = true;
      EXPECT_NE(st.detail.find("age 74"), std::string::npos) << st.detail;
      EXPECT_NE(st.detail.find("tier 1"), std::string::npos) << st.detail;
      EXPECT_NE(st.rule.find("70 and over"), std::string::npos) << st.rule;
    }
    if (st.step == "basic") {
      pool = st.detail.find("pool outpatient 门诊共济 (quarter from 2025-04-01)") != std::string::npos;
      EXPECT_TRUE(pool) << st.detail;
    }
  }
  EXPECT_TRUE(facts);
  EXPECT_TRUE(pool);
}

TEST(policy_model2, a_missing_fact_is_named_with_its_rule) {
  const auto t = load(tariff_text);
  ASSERT_TRUE(t.ok()) << t.err().message;
  bill b = outpatient_bill();
  b.who.tier = 0;  // not given
  const auto s = settle(t.value(), catalog{}, b);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.err().code, errc::failed_precondition);
  EXPECT_EQ(s.err().path, "person.tier");
  EXPECT_NE(s.err().message.find("70 and over (m2.toml:"), std::string::npos) << s.err().message;
}

TEST(policy_model2, a_model2_key_needs_format_2) {
  std::string text = tariff_text;
  text.replace(text.find("format = 2\n"), 11, "");
  const auto t = load(text);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.err().message.find("expected format = 2 in [tariff]"), std::string::npos) << t.err().message;
  // At the first key of model 2: the [pool.outpatient] table.
  EXPECT_EQ(t.err().message.rfind("m2.toml:11:", 0), 0U) << t.err().message;
}

}  // namespace

namespace {

TEST(policy_model2, a_deductible_is_shared_only_with_a_pool_that_counts_one) {
  std::string text = tariff_text;
  text.replace(text.find("period = \"quarter\"\n"), 19, "period = \"quarter\"\ndeductible_with = \"critical\"\n");
  const auto t = yibao::parse_tariff(text, "m2.toml", {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.err().message.find("pool.outpatient.deductible_with: expected a pool with a deductible counter"),
            std::string::npos)
      << t.err().message;
}

}  // namespace
