// yibao::sim::generate: reproducible, valid, and with the mix it promises.
#include <set>

#include "sim_fixture.hpp"

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

}  // namespace
