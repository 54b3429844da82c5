// yibao::sim::generate: reproducible, valid, and with the mix it promises.
#include <algorithm>
#include <set>

#include "sim_fixture.hpp"
#include "test_files.hpp"

namespace {

using namespace sim_test;
using yibao::sim::input_format;

TEST(generate, the_same_seed_gives_the_same_bytes) {
  EXPECT_EQ(generated(50, 42, input_format::jsonl), generated(50, 42, input_format::jsonl));
  EXPECT_EQ(generated(50, 42, input_format::csv), generated(50, 42, input_format::csv));
  EXPECT_NE(generated(50, 42, input_format::jsonl), generated(50, 43, input_format::jsonl));
}

TEST(generate, every_bill_parses_and_settles) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const auto [jsonl, unused] = generated(400, 1, input_format::jsonl, 2);
  std::set<int> levels;
  std::set<std::string> schemes, locations, filings, groups, types;
  std::size_t bills = 0, lines = 0, huge = 0, people_changes = 0;
  std::string last_person;
  for (std::size_t p = 0; p < jsonl.size();) {
    const std::size_t nl = jsonl.find('\n', p);
    auto b = yibao::parse_bill_json(std::string_view{jsonl}.substr(p, nl - p), false);
    p = nl + 1;
    ASSERT_TRUE(b.ok()) << b.err().message;
    const yibao::bill& bill = b.value();
    ++bills;
    lines += bill.lines.size();
    levels.insert(bill.at.level);
    schemes.insert(std::string{to_string(bill.who.scheme_)});
    groups.insert(std::string{to_string(bill.who.group_)});
    types.insert(std::string{to_string(bill.at.type)});
    locations.insert(std::string{to_string(bill.at.where)});
    if (bill.at.where != yibao::location::local) filings.insert(std::string{to_string(bill.at.filed)});
    if (bill.who.id != last_person) ++people_changes, last_person = bill.who.id;
    auto s = yibao::settle(t, c, bill);
    ASSERT_TRUE(s.ok()) << s.err().message;
    if (s.value().medfee_sumamt > yibao::money::from_fen(10'000'000)) ++huge;
  }
  EXPECT_EQ(levels.size(), 4U);
  EXPECT_EQ(schemes.size(), 2U);
  EXPECT_EQ(types.size(), 3U);
  EXPECT_EQ(locations.size(), 3U);
  EXPECT_EQ(filings.size(), 5U);
  EXPECT_GE(groups.size(), 4U);
  EXPECT_GT(huge, 0U);  // a few very large bills (above 100,000 yuan)
  EXPECT_LT(huge * 100, bills);
  const std::size_t mean_lines = lines / bills;
  EXPECT_GE(mean_lines, 12U);
  EXPECT_LE(mean_lines, 30U);
  EXPECT_GT(bills, 4 * people_changes / 2);  // several bills per person per year
}

// The person's facts: every person has a birth date (retirees 60 and over,
// never after a visit), residents a tier, chronic-visit people the codes they
// hold (their visits' disease among them); the CSV carries the same facts.
TEST(generate, people_carry_their_facts) {
  const auto [jsonl, unused] = generated(400, 3, input_format::jsonl, 2);
  std::size_t bills = 0, with_chronic = 0;
  std::set<int> tiers;
  for (const std::string& text : yibao_test::split_lines(jsonl)) {
    auto b = yibao::parse_bill_json(text, false);
    ASSERT_TRUE(b.ok()) << b.err().message;
    const yibao::person& p = b.value().who;
    const yibao::visit& v = b.value().at;
    ++bills;
    ASSERT_TRUE(p.birth_date.has_value()) << text;
    EXPECT_LE(*p.birth_date, v.on);
    const int age = v.on.year - p.birth_date->year;
    EXPECT_LE(age, 98);
    if (p.status_ == yibao::status::retired) {
      EXPECT_GE(age, 60);
    }
    if (p.scheme_ == yibao::scheme::resident) {
      EXPECT_TRUE(p.tier == 1 || p.tier == 2) << text;
    } else {
      EXPECT_EQ(p.tier, 0);
    }
    tiers.insert(p.tier);
    if (v.type == yibao::visit_type::chronic) {
      ASSERT_FALSE(p.chronic.empty()) << text;
      EXPECT_NE(std::find(p.chronic.begin(), p.chronic.end(), v.disease), p.chronic.end()) << text;
    }
    with_chronic += p.chronic.empty() ? 0 : 1;
    EXPECT_NE(v.type, yibao::visit_type::day_surgery);  // only with more_visit_types
    EXPECT_NE(v.type, yibao::visit_type::maternity);
    EXPECT_TRUE(yibao::validate(b.value())) << text;
  }
  EXPECT_EQ(tiers, (std::set<int>{0, 1, 2}));
  EXPECT_GT(with_chronic, 0U);
  EXPECT_LT(with_chronic, bills);
}

TEST(generate, more_visit_types_adds_day_surgery_and_maternity) {
  yibao::sim::generate_options g;
  g.people = 2000;
  g.seed = 4;
  g.more_visit_types = true;
  const std::string more = yibao::sim::generate_text(g).first;
  EXPECT_EQ(more, yibao::sim::generate_text(g).first);
  std::size_t bills = 0, day_surgery = 0, maternity = 0;
  for (const std::string& text : yibao_test::split_lines(more)) {
    auto b = yibao::parse_bill_json(text, false);
    ASSERT_TRUE(b.ok()) << b.err().message;
    ++bills;
    const yibao::bill& bill = b.value();
    if (bill.at.type == yibao::visit_type::day_surgery) ++day_surgery;
    if (bill.at.type == yibao::visit_type::maternity) {
      ++maternity;
      const int age = bill.at.on.year - bill.who.birth_date->year;
      EXPECT_GE(age, 20);
      EXPECT_LE(age, 41);
    }
  }
  // About 1.5% and 1% of the visits.
  EXPECT_GT(day_surgery * 100, bills / 2);
  EXPECT_LT(day_surgery * 100, bills * 3);
  EXPECT_GT(maternity * 200, bills);
  EXPECT_LT(maternity * 100, bills * 3);
  // Without the option the same people and visits, none of the new kinds.
  g.more_visit_types = false;
  EXPECT_EQ(yibao_test::split_lines(yibao::sim::generate_text(g).first).size(), bills);
}

}  // namespace
