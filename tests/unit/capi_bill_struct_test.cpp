// yibao_settle_bill: the C-struct entry point gives the same settlement as
// the JSON one and applies the checks of the JSON contract, with the same
// field paths in its messages.
#include <gtest/gtest.h>

#include <climits>
#include <cstddef>
#include <cstring>
#include <cstdint>
#include <functional>
#include <string>

#include "capi_fixture.hpp"
#include "capi_internal.hpp"
#include "yibao/yibao.h"
#include "yibao/yibao.hpp"

namespace {

using capi_test::bill_json;
using capi_test::bill_structs;
using capi_test::capi_fixture;

TEST_F(capi_fixture, struct_bill_settles_like_the_json_bill) {
  const std::string bill = bill_json();
  yibao_settlement* a = nullptr;
  const yibao_status st = yibao_settle_json(tariff_, catalog_, bill.data(), bill.size(), nullptr, &a);
  const std::string from_json = json_of(st, a);
  bill_structs b;
  yibao_settlement* s = nullptr;
  const yibao_status st2 = yibao_settle_bill(tariff_, catalog_, &b.bill, nullptr, &s);
  const std::string from_structs = json_of(st2, s);
  EXPECT_EQ(from_structs, from_json);
  EXPECT_NE(from_json.find("\"hifp_pay\":\"885.85\""), std::string::npos) << from_json;
}

TEST_F(capi_fixture, struct_bill_defaults_match_the_json_contract) {
  yibao_bill_c b;
  ASSERT_EQ(yibao_bill_init(&b), YIBAO_OK);
  EXPECT_EQ(b.version, static_cast<unsigned>(YIBAO_BILL_VERSION));
  EXPECT_EQ(b.visit.level, 3);
  EXPECT_EQ(b.visit.admission, 1);
  EXPECT_EQ(b.visit.filing, YIBAO_FILING_NONE);
  EXPECT_EQ(b.visit.transfer_from_level, YIBAO_ABSENT);
  EXPECT_EQ(b.lines, nullptr);
  yibao_line_c l;
  ASSERT_EQ(yibao_line_init(&l), YIBAO_OK);
  EXPECT_EQ(l.item_class, YIBAO_CLASS_NONE);
  EXPECT_EQ(l.selfpay_ratio_ppm, YIBAO_ABSENT);
  EXPECT_EQ(l.price_limit_micro, YIBAO_ABSENT);
}

struct bad_case {
  const char* name;
  std::function<void(bill_structs&)> mutate;
  const char* message;
};

// The C structs convert; yibao::validate (in settle) words the rules as for
// every entry point, so the decimals are quoted as the JSON reader shows them.
TEST_F(capi_fixture, struct_bill_checks_report_the_json_field_path) {
  const bad_case cases[] = {
      {"version", [](bill_structs& b) { b.bill.version = 7; }, "version: 7 is newer than this library's YIBAO_BILL_VERSION (2)"},
      {"null id", [](bill_structs& b) { b.bill.id = nullptr; }, "id: is NULL"},
      {"empty person id", [](bill_structs& b) { b.bill.person.id = ""; }, "person.id: must not be empty"},
      {"invalid utf-8", [](bill_structs& b) { b.lines[1].code = "X\xC0\xAF"; },
       "lines[1].code: invalid UTF-8 at byte 1"},
      {"scheme", [](bill_structs& b) { b.bill.person.scheme = 2; }, "person.scheme: must be between 0 and 1, found 2"},
      {"group", [](bill_structs& b) { b.bill.person.group = -3; }, "person.group: must be between 0 and 6, found -3"},
      {"level", [](bill_structs& b) { b.bill.visit.level = 4; }, "visit.level: must be between 0 and 3, found 4"},
      {"filing", [](bill_structs& b) { b.bill.visit.filing = 9; }, "visit.filing: must be between 0 and 4, found 9"},
      {"admission", [](bill_structs& b) { b.bill.visit.admission = 0; }, "visit.admission: must be between 1 and 1000000, found 0"},
      {"date", [](bill_structs& b) { b.bill.visit.date = {2025, 2, 29}; }, "visit.date: 2025-2-29 is not a valid date"},
      {"huge date", [](bill_structs& b) { b.bill.visit.date = {INT32_MAX, INT32_MIN, 0}; },
       "visit.date: 2147483647--2147483648-0 is not a valid date"},
      {"rejoined", [](bill_structs& b) { b.bill.person.rejoined = {2025, 13, 1}; },
       "person.rejoined: 2025-13-1 is not a valid date"},
      {"transfer", [](bill_structs& b) { b.bill.visit.transfer_from_level = 3; },
       "visit.transfer_from_level: must be below visit.level (3), found 3"},
      {"negative balance", [](bill_structs& b) { b.bill.person.account_balance_fen = -1; },
       "person.account_balance: must not be negative, found \"-0.01\""},
      {"huge ytd", [](bill_structs& b) { b.bill.ytd.hifp_paid_fen = INT64_MAX; },
       "ytd.hifp_paid: \"92233720368547758.07\" exceeds the limit 1000000000.00"},
      {"ratio", [](bill_structs& b) { b.lines[4].selfpay_ratio_ppm = 1000001; },
       "lines[4].selfpay_ratio: must be between 0 and 1, found \"1.000001\""},
      {"class", [](bill_structs& b) { b.lines[0].item_class = 3; }, "lines[0].class: must be between 0 and 2, found 3"},
      {"huge qty", [](bill_structs& b) { b.lines[2].qty_ten_thousandths = INT64_MAX; },
       "lines[2].qty: \"922337203685477.5807\" exceeds the limit 1000000.0000"},
      {"huge price", [](bill_structs& b) { b.lines[2].price_micro = INT64_MIN; },
       "lines[2].price: must not be negative, found \"-9223372036854.775808\""},
      {"amount", [](bill_structs& b) { b.lines[1].amount_fen = 13651; },
       "lines[1].amount: 136.51 is not qty x price = 136.50"},
      {"no lines", [](bill_structs& b) { b.bill.line_count = 0; }, "lines: must not be empty"},
      {"null lines", [](bill_structs& b) { b.bill.lines = nullptr; }, "lines: is NULL"},
      {"too many lines", [](bill_structs& b) { b.bill.line_count = SIZE_MAX; },
       "lines: 18446744073709551615 lines exceed the limit 1000000"},
  };
  for (const bad_case& c : cases) {
    bill_structs b;
    c.mutate(b);
    yibao_settlement* s = nullptr;
    EXPECT_EQ(yibao_settle_bill(tariff_, catalog_, &b.bill, nullptr, &s), YIBAO_EINVAL) << c.name;
    EXPECT_EQ(s, nullptr);
    EXPECT_STREQ(yibao_last_error(), c.message) << c.name;
  }
}

TEST_F(capi_fixture, struct_bill_optional_strings_may_be_null) {
  bill_structs b;
  b.lines[0].name = nullptr;
  b.bill.visit.disease = nullptr;
  yibao_settlement* s = nullptr;
  ASSERT_EQ(yibao_settle_bill(tariff_, catalog_, &b.bill, nullptr, &s), YIBAO_OK) << yibao_last_error();
  yibao_settlement_free(s);
}

TEST_F(capi_fixture, struct_bill_engine_errors) {
  bill_structs b;
  b.lines[0].code = "NOPE";
  yibao_settlement* s = nullptr;
  EXPECT_EQ(yibao_settle_bill(tariff_, catalog_, &b.bill, nullptr, &s), YIBAO_ENOTFOUND);
  EXPECT_STREQ(yibao_last_error(), "lines[0].code: item NOPE is not in the catalog and the line has no class");
  bill_structs late;
  late.bill.visit.date = {2024, 12, 31};
  EXPECT_EQ(yibao_settle_bill(tariff_, catalog_, &late.bill, nullptr, &s), YIBAO_ERANGE);
}

// Version 2: the person's and visit's facts and the named pool totals, read
// as the bill JSON reads them.
TEST_F(capi_fixture, struct_bill_version_2_facts_read_like_the_json_fields) {
  bill_structs b;
  const char* const codes[] = {"I10", "E11"};
  const yibao_pool_total_c pools[] = {{"outpatient", {2025, 1, 1}, 100, 200, 300}, {"two_diseases", {0, 0, 0}, 0, 5, 0}};
  b.bill.birth_date = {1960, 5, 2};
  b.bill.tier = 2;
  b.bill.family_doctor = 1;
  b.bill.chronic = codes;
  b.bill.chronic_count = 2;
  b.bill.enrolled_years = 12;
  b.bill.claim_free_years = 3;
  b.bill.lapsed_years = 2;
  b.bill.back_paid_years = 1;
  b.bill.account_earlier_fen = 4560;
  b.bill.family_account_fen = 700;
  b.bill.contracted = 1;
  b.bill.unfiled_before = 2;
  b.bill.pools = pools;
  b.bill.pool_count = 2;
  const auto from_c = yibao::capi::bill_from_c(b.bill);
  ASSERT_TRUE(from_c.ok()) << from_c.err().message;
  std::string json = bill_json();
  const std::string person = R"("person": {)";
  const std::size_t at = json.find(person);
  ASSERT_NE(at, std::string::npos);
  json.insert(at + person.size(),
              R"("birth_date":"1960-05-02","tier":2,"family_doctor":true,"chronic":["I10","E11"],"enrolled_years":12,)"
              R"("claim_free_years":3,"lapsed_years":2,"back_paid_years":1,"account_earlier":"45.60",)"
              R"("family_account":"7.00",)");
  const std::string visit = R"("visit": {)";
  json.insert(json.find(visit) + visit.size(), R"("contracted":true,"unfiled_before":2,)");
  const std::string maf = R"("maf_paid": "0.00")";
  ASSERT_NE(json.find(maf), std::string::npos);
  json.insert(json.find(maf) + maf.size(),
              R"(,"pools":{"outpatient":{"period_from":"2025-01-01","deductible_paid":"1.00",)"
              R"("paid":"2.00","base":"3.00"},"two_diseases":{"paid":"0.05"}})");
  const auto from_json = yibao::parse_bill_json(json);
  ASSERT_TRUE(from_json.ok()) << from_json.err().message << "\n" << json;
  EXPECT_TRUE(from_c.value() == from_json.value());
  EXPECT_EQ(from_c.value().totals.pools.size(), 2U);
  // The settlement carries the pools into its year-to-date totals.
  yibao_settlement* s = nullptr;
  const yibao_status st = yibao_settle_bill(tariff_, catalog_, &b.bill, nullptr, &s);
  const std::string out = json_of(st, s);
  EXPECT_NE(out.find(R"("maf_base":"0.00","pools":{"outpatient":{"period_from":"2025-01-01","deductible_paid":"1.00",)"
                     R"("paid":"2.00","base":"3.00"},"two_diseases":{"deductible_paid":"0.00","paid":"0.05","base":"0.00"}}})"),
            std::string::npos)
      << out;
}

TEST_F(capi_fixture, struct_bill_version_2_checks_report_the_json_field_path) {
  static const char* const empty_code[] = {"I10", ""};
  static const char* const null_code[] = {nullptr};
  static const yibao_pool_total_c null_pool[] = {{nullptr, {0, 0, 0}, 0, 0, 0}};
  static const yibao_pool_total_c bad_date[] = {{"p", {2025, 2, 30}, 0, 0, 0}};
  static const yibao_pool_total_c twice[] = {{"p", {0, 0, 0}, 0, 0, 0}, {"p", {0, 0, 0}, 0, 0, 0}};
  static const yibao_pool_total_c negative[] = {{"p", {0, 0, 0}, 0, -1, 0}};
  const bad_case cases[] = {
      {"birth date", [](bill_structs& b) { b.bill.birth_date = {1960, 2, 30}; },
       "person.birth_date: 1960-2-30 is not a valid date"},
      {"born after", [](bill_structs& b) { b.bill.birth_date = {2025, 3, 20}; },
       "person.birth_date: must not be after visit.date (2025-03-19), found 2025-03-20"},
      {"tier", [](bill_structs& b) { b.bill.tier = 4; }, "person.tier: must be between 0 and 3, found 4"},
      {"chronic null", [](bill_structs& b) { b.bill.chronic_count = 1; }, "person.chronic: is NULL"},
      {"chronic code null", [](bill_structs& b) { b.bill.chronic = null_code, b.bill.chronic_count = 1; },
       "person.chronic[0]: is NULL"},
      {"chronic code empty", [](bill_structs& b) { b.bill.chronic = empty_code, b.bill.chronic_count = 2; },
       "person.chronic[1]: must not be empty"},
      {"chronic count", [](bill_structs& b) { b.bill.chronic = empty_code, b.bill.chronic_count = 65; },
       "person.chronic: 65 codes exceed the limit 64"},
      {"years", [](bill_structs& b) { b.bill.enrolled_years = 151; },
       "person.enrolled_years: must be between 0 and 150, found 151"},
      {"back paid", [](bill_structs& b) { b.bill.back_paid_years = 1; },
       "person.back_paid_years: must be at most lapsed_years (0), found 1"},
      {"account earlier", [](bill_structs& b) { b.bill.account_earlier_fen = -1; },
       "person.account_earlier: must not be negative, found \"-0.01\""},
      {"unfiled before", [](bill_structs& b) { b.bill.unfiled_before = -1; },
       "visit.unfiled_before: must be between 0 and 1000000, found -1"},
      {"pools null", [](bill_structs& b) { b.bill.pool_count = 1; }, "ytd.pools: is NULL"},
      {"pools count", [](bill_structs& b) { b.bill.pools = twice, b.bill.pool_count = 65; },
       "ytd.pools: 65 pools exceed the limit 64"},
      {"pool name null", [](bill_structs& b) { b.bill.pools = null_pool, b.bill.pool_count = 1; },
       "ytd.pools[0].pool: is NULL"},
      {"pool date", [](bill_structs& b) { b.bill.pools = bad_date, b.bill.pool_count = 1; },
       "ytd.pools[0].period_from: 2025-2-30 is not a valid date"},
      {"pool twice", [](bill_structs& b) { b.bill.pools = twice, b.bill.pool_count = 2; },
       "ytd.pools[1]: pool p appears twice"},
      {"pool negative", [](bill_structs& b) { b.bill.pools = negative, b.bill.pool_count = 1; },
       "ytd.pools[0]: must not be negative, found \"-0.01\""},
  };
  for (const bad_case& c : cases) {
    bill_structs b;
    c.mutate(b);
    yibao_settlement* s = nullptr;
    EXPECT_EQ(yibao_settle_bill(tariff_, catalog_, &b.bill, nullptr, &s), YIBAO_EINVAL) << c.name;
    EXPECT_EQ(s, nullptr);
    EXPECT_STREQ(yibao_last_error(), c.message) << c.name;
  }
}

// yibao_bill_init_version fills only the caller's layout; the exported
// yibao_bill_init (what a version-1 program calls) is version 1.
TEST_F(capi_fixture, struct_bill_init_fills_only_the_given_version) {
  constexpr std::size_t v1_size = offsetof(yibao_bill_c, line_count) + sizeof(size_t);
  unsigned char bytes[sizeof(yibao_bill_c)];
  std::memset(bytes, 0xAB, sizeof bytes);
  auto* b = reinterpret_cast<yibao_bill_c*>(bytes);
  ASSERT_EQ((yibao_bill_init)(b), YIBAO_OK);
  EXPECT_EQ(b->version, 1U);
  EXPECT_EQ(b->visit.level, 3);
  for (std::size_t i = v1_size; i < sizeof bytes; ++i) ASSERT_EQ(bytes[i], 0xAB) << i;
  ASSERT_EQ(yibao_bill_init_version(b, 2), YIBAO_OK);
  EXPECT_EQ(b->version, 2U);
  EXPECT_EQ(b->pools, nullptr);
  EXPECT_EQ(b->tier, 0);
  yibao_bill_c c;
  ASSERT_EQ(yibao_bill_init(&c), YIBAO_OK);  // the macro: this header's version
  EXPECT_EQ(c.version, static_cast<unsigned>(YIBAO_BILL_VERSION));
  EXPECT_EQ(yibao_bill_init_version(&c, 0), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "version: must be between 1 and YIBAO_BILL_VERSION (2), found 0");
  EXPECT_EQ(yibao_bill_init_version(&c, 3), YIBAO_EINVAL);
}

}  // namespace
