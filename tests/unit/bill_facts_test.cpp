// The person's and visit's facts and the named pool totals (ytd.pools) in
// the bill JSON: the full reader, the fast path and the writer agree on them,
// and every problem names its field path.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "formats/bill_json.hpp"
#include "test_files.hpp"
#include "yibao/bill.hpp"
#include "yibao/settlement.hpp"

namespace {

using namespace yibao;

const std::string facts_bill =
    R"({"id":"F1","person":{"id":"P1","scheme":"resident","group":"illness_poverty","birth_date":"1958-11-30",)"
    R"("tier":2,"family_doctor":true,"chronic":["I10","E11"],"enrolled_years":12,"claim_free_years":3,)"
    R"("lapsed_years":2,"back_paid_years":1,"account_earlier":"45.60","family_account":"7.00"},)"
    R"("visit":{"type":"maternity","level":2,"location":"local","date":"2025-06-01","contracted":true,)"
    R"("unfiled_before":2},"ytd":{"pools":{"outpatient":{"period_from":"2025-01-01","deductible_paid":"1.00",)"
    R"("paid":"2.00","base":"3.00"},"two_diseases":{"paid":"0.05"}}},)"
    R"("lines":[{"code":"X1","class":"A","qty":"1","price":"10.00","amount":"10.00"}]})";

// The text with `from` replaced by `to` (once).
auto with(std::string_view from, std::string_view to, std::string text = facts_bill) -> std::string {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// Both readers' answer, which must agree; "<ok>" or the message.
auto message_of(const std::string& text, bool allow_ytd = true) -> std::string {
  const auto full = io::parse_bill_json_full(text, allow_ytd);
  const auto both = parse_bill_json(text, allow_ytd);
  EXPECT_EQ(full.ok(), both.ok()) << text;
  bill fast;
  const bool took = io::parse_bill_json_fast(text, allow_ytd, fast);
  if (full.ok()) {
    if (both.ok()) {
      EXPECT_TRUE(full.value() == both.value()) << text;
    }
    if (took) {
      EXPECT_TRUE(full.value() == fast) << text;
    }
    const auto v = validate(full.value());
    return v ? "<ok>" : v.err().message;
  }
  EXPECT_FALSE(took) << "the fast path accepted: " << text;
  if (!both.ok()) {
    EXPECT_EQ(full.err().path, both.err().path) << text;
    EXPECT_EQ(full.err().message, both.err().message) << text;
  }
  return full.err().message;
}

TEST(bill_facts, read_by_both_readers) {
  bill fast;
  ASSERT_TRUE(io::parse_bill_json_fast(facts_bill, true, fast));  // the fast path reads the facts itself
  const auto full = io::parse_bill_json_full(facts_bill, true);
  ASSERT_TRUE(full.ok()) << full.err().message;
  EXPECT_TRUE(full.value() == fast);
  const bill& b = fast;
  EXPECT_EQ(b.who.group_, group::illness_poverty);
  EXPECT_EQ(b.who.birth_date, parse_date("1958-11-30"));
  EXPECT_EQ(b.who.tier, 2);
  EXPECT_TRUE(b.who.family_doctor);
  EXPECT_EQ(b.who.chronic, (std::vector<std::string>{"I10", "E11"}));
  EXPECT_EQ(b.who.enrolled_years, 12);
  EXPECT_EQ(b.who.claim_free_years, 3);
  EXPECT_EQ(b.who.lapsed_years, 2);
  EXPECT_EQ(b.who.back_paid_years, 1);
  EXPECT_EQ(b.who.account_earlier.fen(), 4560);
  EXPECT_EQ(b.who.family_account.fen(), 700);
  EXPECT_EQ(b.at.type, visit_type::maternity);
  EXPECT_TRUE(b.at.contracted);
  EXPECT_EQ(b.at.unfiled_before, 2);
  ASSERT_EQ(b.totals.pools.size(), 2U);
  EXPECT_EQ(b.totals.pools[0].pool, "outpatient");
  EXPECT_EQ(b.totals.pools[0].period_from, *parse_date("2025-01-01"));
  EXPECT_EQ(b.totals.pools[0].deductible_paid.fen(), 100);
  EXPECT_EQ(b.totals.pools[0].paid.fen(), 200);
  EXPECT_EQ(b.totals.pools[0].base.fen(), 300);
  EXPECT_EQ(b.totals.pools[1].pool, "two_diseases");
  EXPECT_EQ(b.totals.pools[1].period_from, date{});
  EXPECT_EQ(b.totals.pools[1].paid.fen(), 5);
  EXPECT_EQ(b.totals.pools[1].base.fen(), 0);
  EXPECT_EQ(b.totals.hifp_paid.fen(), 0);
  EXPECT_EQ(message_of(facts_bill), "<ok>");
}

TEST(bill_facts, absent_facts_are_the_defaults) {
  const std::string plain =
      R"({"id":"B1","person":{"id":"P1","scheme":"employee"},"visit":{"type":"pharmacy","level":0,)"
      R"("location":"local","date":"2025-03-01"},"lines":[{"code":"X1","qty":"1","price":"1.00","amount":"1.00"}]})";
  const auto b = parse_bill_json(plain);
  ASSERT_TRUE(b.ok()) << b.err().message;
  const person p;
  const visit v;
  EXPECT_TRUE(b.value().who.birth_date == p.birth_date);
  EXPECT_EQ(b.value().who.tier, 0);
  EXPECT_FALSE(b.value().who.family_doctor);
  EXPECT_TRUE(b.value().who.chronic.empty());
  EXPECT_EQ(b.value().who.account_earlier.fen(), 0);
  EXPECT_FALSE(b.value().at.contracted);
  EXPECT_EQ(b.value().at.unfiled_before, v.unfiled_before);
  EXPECT_TRUE(b.value().totals.pools.empty());
  // An empty chronic list and an empty pools object are no facts.
  EXPECT_EQ(message_of(with(R"("chronic":["I10","E11"])", R"("chronic":[])")), "<ok>");
  EXPECT_EQ(message_of(with(R"("family_doctor":true)", R"("family_doctor":false)")), "<ok>");
  const auto empty_pools = parse_bill_json(with(R"("pools":{"outpatient")", R"("pools":{},"x":{"outpatient")"));
  EXPECT_FALSE(empty_pools.ok());  // ("x" is unknown; the empty object itself reads)
  EXPECT_EQ(empty_pools.err().message, "ytd.x: unknown field");
}

// read -> write -> read gives the same bill; a bill without facts is written
// as before (no new keys).
TEST(bill_facts, round_trip_through_the_writer) {
  const auto first = parse_bill_json(facts_bill);
  ASSERT_TRUE(first.ok()) << first.err().message;
  std::string written;
  io::append_bill_json(written, first.value());
  const auto second = parse_bill_json(written);
  ASSERT_TRUE(second.ok()) << second.err().message << "\n" << written;
  EXPECT_TRUE(first.value() == second.value()) << written;
  bill fast;
  EXPECT_TRUE(io::parse_bill_json_fast(written, true, fast)) << written;
  EXPECT_NE(written.find(R"("chronic":["I10","E11"])"), std::string::npos) << written;
  EXPECT_NE(written.find(R"("ytd":{"pools":{"outpatient":{"period_from":"2025-01-01","deductible_paid":"1.00",)"
                         R"("paid":"2.00","base":"3.00"},"two_diseases":{"deductible_paid":"0.00","paid":"0.05",)"
                         R"("base":"0.00"}}})"),
            std::string::npos)
      << written;

  bill plain = first.value();
  person bare;
  bare.id = plain.who.id;
  bare.scheme_ = plain.who.scheme_;
  plain.who = bare;
  plain.at.contracted = false;
  plain.at.unfiled_before = 0;
  plain.totals = ytd{};
  std::string out;
  io::append_bill_json(out, plain);
  for (const char* key : {"birth_date", "tier", "family_doctor", "chronic", "_years", "account_earlier",
                          "family_account", "contracted", "unfiled_before", "ytd", "pools"}) {
    EXPECT_EQ(out.find(key), std::string::npos) << key << " in " << out;
  }
}

TEST(bill_facts, settlement_json_writes_pools_after_the_totals_only_when_present) {
  settlement s;
  EXPECT_EQ(to_json(s).find("pools"), std::string::npos);
  s.ytd_after.pools.push_back(pool_total{"outpatient", *parse_date("2025-01-01"), money::from_fen(1),
                                         money::from_fen(2), money::from_fen(3)});
  pool_total quoted;
  quoted.pool = "a\"b";
  s.ytd_after.pools.push_back(quoted);
  EXPECT_NE(to_json(s).find(R"("maf_base":"0.00","pools":{"outpatient":{"period_from":"2025-01-01",)"
                            R"("deductible_paid":"0.01","paid":"0.02","base":"0.03"},)"
                            R"("a\"b":{"deductible_paid":"0.00","paid":"0.00","base":"0.00"}}})"),
            std::string::npos)
      << to_json(s);
}

TEST(bill_facts, errors_name_the_field_path) {
  struct bad {
    std::string text, message;
  };
  const bad cases[] = {
      {with(R"("tier":2)", R"("tier":"2")"), "person.tier: expected an integer, found a string"},
      {with(R"("tier":2)", R"("tier":2.5)"), "person.tier: expected an integer, found a number with a fraction or exponent"},
      {with(R"("tier":2)", R"("tier":4)"), "person.tier: must be between 0 and 3, found 4"},
      {with(R"("tier":2)", R"("tier":-1)"), "person.tier: must be between 0 and 3, found -1"},
      {with(R"("tier":2)", R"("tier":12345678901)"), "person.tier: must be between 0 and 3, found 12345678901"},
      {with(R"("family_doctor":true)", R"("family_doctor":"true")"),
       "person.family_doctor: expected a boolean, found a string"},
      {with(R"("family_doctor":true)", R"("family_doctor":1)"), "person.family_doctor: expected a boolean, found a number"},
      {with(R"("chronic":["I10","E11"])", R"("chronic":"I10")"),
       "person.chronic: expected an array of strings, found a string"},
      {with(R"("chronic":["I10","E11"])", R"("chronic":["I10",11])"), "person.chronic[1]: expected a string, found a number"},
      {with(R"("chronic":["I10","E11"])", R"("chronic":["I10",""])"), "person.chronic[1]: must not be empty"},
      {with(R"("birth_date":"1958-11-30")", R"("birth_date":"1958-02-30")"),
       R"(person.birth_date: "1958-02-30" is not a valid date (expected YYYY-MM-DD))"},
      {with(R"("birth_date":"1958-11-30")", R"("birth_date":"2025-06-02")"),
       "person.birth_date: must not be after visit.date (2025-06-01), found 2025-06-02"},
      {with(R"("enrolled_years":12)", R"("enrolled_years":151)"), "person.enrolled_years: must be between 0 and 150, found 151"},
      {with(R"("back_paid_years":1)", R"("back_paid_years":3)"),
       "person.back_paid_years: must be at most lapsed_years (2), found 3"},
      {with(R"("account_earlier":"45.60")", R"("account_earlier":45.6)"),
       "person.account_earlier: expected a decimal string, found a number"},
      {with(R"("family_account":"7.00")", R"("family_account":"7.001")"),
       R"(person.family_account: invalid decimal "7.001": too many decimals (at most 2))"},
      {with(R"("contracted":true)", R"("contracted":null)"), "visit.contracted: expected a boolean, found null"},
      {with(R"("unfiled_before":2)", R"("unfiled_before":-2)"), "visit.unfiled_before: must be between 0 and 1000000, found -2"},
      {with(R"("type":"maternity")", R"("type":"birth")"),
       R"(visit.type: unknown value "birth"; expected one of outpatient, inpatient, chronic, day_surgery, maternity, pharmacy)"},
      {with(R"("pools":{)", R"("pools":[{)"), "ytd.pools: expected an object, found an array"},
      {with(R"("pools":{"outpatient":{"period_from":"2025-01-01","deductible_paid":"1.00","paid":"2.00","base":"3.00"},"two_diseases":{"paid":"0.05"}})",
            R"("pools":[])"),
       "ytd.pools: expected an object, found an array"},
      {with(R"("paid":"2.00")", R"("paid":"2.001")"),
       R"(ytd.pools.outpatient.paid: invalid decimal "2.001": too many decimals (at most 2))"},
      {with(R"("paid":"2.00")", R"("paid":2)"), "ytd.pools.outpatient.paid: expected a decimal string, found a number"},
      {with(R"("paid":"2.00")", R"("payd":"2.00")"), "ytd.pools.outpatient.payd: unknown field"},
      {with(R"("paid":"2.00")", R"("paid":"2.00","paid":"2.00")"), "ytd.pools.outpatient.paid: duplicate field"},
      {with(R"("period_from":"2025-01-01")", R"("period_from":"2025-13-01")"),
       R"(ytd.pools.outpatient.period_from: "2025-13-01" is not a valid date (expected YYYY-MM-DD))"},
      {with(R"("two_diseases":{)", R"("outpatient":{)"), "ytd.pools.outpatient: duplicate field"},
      {with(R"("two_diseases":{"paid":"0.05"})", R"("two_diseases":5)"),
       "ytd.pools.two_diseases: expected an object, found a number"},
      {with(R"("two_diseases":{)", R"("":{)"), "ytd.pools[1]: the pool name must not be empty"},
      {with(R"("two_diseases":{"paid":"0.05"})", R"("two_diseases":{"paid":"-0.05"})"),
       R"(ytd.pools[1]: must not be negative, found "-0.05")"},
  };
  for (const bad& c : cases) EXPECT_EQ(message_of(c.text), c.message) << c.text;
  // Bulk input carries no ytd, pools or not.
  EXPECT_EQ(message_of(facts_bill, false), "ytd: not allowed in bulk input");
}

TEST(bill_facts, at_most_64_pools) {
  std::string pools;
  for (int i = 0; i < 65; ++i) pools += (i ? ",\"p" : "\"p") + std::to_string(i) + R"(":{})";
  const std::string text = with(R"("pools":{"outpatient":{"period_from":"2025-01-01","deductible_paid":"1.00","paid":"2.00","base":"3.00"},"two_diseases":{"paid":"0.05"}})",
                                R"("pools":{)" + pools + "}");
  EXPECT_EQ(message_of(text), "ytd.pools: 65 pools exceed the limit 64");
  const std::string p64 = pools.substr(0, pools.rfind(",\"p64\""));
  EXPECT_EQ(message_of(with(R"("pools":{"outpatient":{"period_from":"2025-01-01","deductible_paid":"1.00","paid":"2.00","base":"3.00"},"two_diseases":{"paid":"0.05"}})",
                            R"("pools":{)" + p64 + "}")),
            "<ok>");
}

// Texts the fast path declines (escaped pool names, whitespace in odd
// places is fine) still read through the full reader with the same bill.
TEST(bill_facts, fast_path_declines_what_it_does_not_read) {
  EXPECT_EQ(message_of(with(R"("outpatient":{)", R"("out\u0070atient":{)")), "<ok>");
  EXPECT_EQ(message_of(with(R"("chronic":["I10","E11"])", R"("chronic" : [ "I10" , "E11" ] )")), "<ok>");
  EXPECT_EQ(message_of(with(R"("family_doctor":true)", R"("family_doctor": true )")), "<ok>");
  const std::string truex = with(R"("family_doctor":true)", R"("family_doctor":truex)");
  EXPECT_EQ(message_of(truex), "malformed JSON: invalid literal at byte offset " +
                                   std::to_string(truex.find("truex")));
  const std::string tru = with(R"("contracted":true)", R"("contracted":tru)");
  EXPECT_EQ(message_of(tru), "malformed JSON: invalid literal at byte offset " + std::to_string(tru.find(":tru,") + 1));
}

// Every position of the facts bill, deleted, replaced by or preceded by
// bytes on the grammar's edges: both readers agree (message_of checks).
TEST(bill_facts, mutations_agree_with_the_full_reader) {
  const std::string_view edges{"\"\\,:{}[] 0123.-eE\x80\xC3\t\x01ntf"};
  std::size_t n = 0;
  for (std::size_t i = 0; i <= facts_bill.size(); ++i) {
    for (const std::string& v : yibao_test::mutants_at(facts_bill, i, edges)) {
      (void)message_of(v);
      ++n;
    }
  }
  EXPECT_GT(n, facts_bill.size());
}

}  // namespace
