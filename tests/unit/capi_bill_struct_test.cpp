// yibao_settle_bill: the C-struct entry point gives the same settlement as
// the JSON one and applies the checks of the JSON contract, with the same
// field paths in its messages.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>
#include <functional>
#include <string>

#include "capi_fixture.hpp"
#include "yibao/yibao.h"

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
      {"version", [](bill_structs& b) { b.bill.version = 7; }, "version: 7 is newer than this library's YIBAO_BILL_VERSION (1)"},
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

}  // namespace
