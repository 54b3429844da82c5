// The C API (include/yibao/yibao.h): handles, settlement from JSON and from
// C structs, result access, status codes and messages, NULL handling.
// The business handle (JSON in, JSON out) is in capi_business_test.cpp.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "capi_fixture.hpp"
#include "yibao/yibao.h"

namespace {

using capi_test::bill_json;
using capi_test::capi_fixture;
using capi_test::data_path;
using capi_test::read_text;

TEST(capi, version_matches_the_header) {
  EXPECT_STREQ(yibao_version(), YIBAO_VERSION_STRING);
  EXPECT_EQ(yibao_version_number(), YIBAO_VERSION_NUMBER);
  EXPECT_EQ(YIBAO_VERSION_NUMBER, YIBAO_VERSION_MAJOR * 1000000 + YIBAO_VERSION_MINOR * 1000 + YIBAO_VERSION_PATCH);
}

TEST(capi, status_names) {
  EXPECT_STREQ(yibao_status_name(YIBAO_OK), "YIBAO_OK");
  EXPECT_STREQ(yibao_status_name(YIBAO_EINVAL), "YIBAO_EINVAL");
  EXPECT_STREQ(yibao_status_name(YIBAO_ENOTFOUND), "YIBAO_ENOTFOUND");
  EXPECT_STREQ(yibao_status_name(YIBAO_ERANGE), "YIBAO_ERANGE");
  EXPECT_STREQ(yibao_status_name(YIBAO_EPRECONDITION), "YIBAO_EPRECONDITION");
  EXPECT_STREQ(yibao_status_name(YIBAO_EBUFS), "YIBAO_EBUFS");
  EXPECT_STREQ(yibao_status_name(YIBAO_ENOMEM), "YIBAO_ENOMEM");
  EXPECT_STREQ(yibao_status_name(YIBAO_EIO), "YIBAO_EIO");
  EXPECT_STREQ(yibao_status_name(YIBAO_EINTERNAL), "YIBAO_EINTERNAL");
  EXPECT_STREQ(yibao_status_name(-7), "YIBAO_E?");
}

TEST(capi, tariff_load_file_follows_extends) {
  yibao_tariff* t = nullptr;
  ASSERT_EQ(yibao_tariff_load_file(data_path("tariff.toml").c_str(), &t), YIBAO_OK) << yibao_last_error();
  EXPECT_STREQ(yibao_last_error(), "");
  char* id = nullptr;
  ASSERT_EQ(yibao_tariff_id(t, &id), YIBAO_OK);
  EXPECT_STREQ(id, "capi-fixture");
  yibao_free(id);
  yibao_tariff_free(t);
}

struct reader_log {
  std::vector<std::string> paths;
  std::string text;  // kept alive until the load call returns
};

extern "C" int YIBAO_CALL read_from_disk(void* user, const char* path, const char** data, size_t* len) {
  auto* log = static_cast<reader_log*>(user);
  log->paths.emplace_back(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return 1;
  log->text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  *data = log->text.data();
  *len = log->text.size();
  return 0;
}

TEST(capi, tariff_load_text_reads_parents_through_the_callback) {
  const std::string name = data_path("tariff.toml");
  const std::string text = read_text(name);
  reader_log log;
  yibao_tariff* t = nullptr;
  ASSERT_EQ(yibao_tariff_load_text(text.data(), text.size(), name.c_str(), read_from_disk, &log, &t), YIBAO_OK)
      << yibao_last_error();
  ASSERT_EQ(log.paths.size(), 1U);
  EXPECT_EQ(log.paths[0], data_path("base.toml"));
  yibao_tariff_free(t);
}

TEST(capi, tariff_extends_without_reader_is_einval_naming_the_parent) {
  const std::string text = read_text(data_path("tariff.toml"));
  yibao_tariff* t = reinterpret_cast<yibao_tariff*>(0x1);  // must be reset to NULL
  EXPECT_EQ(yibao_tariff_load_text(text.data(), text.size(), "x/tariff.toml", nullptr, nullptr, &t), YIBAO_EINVAL);
  EXPECT_EQ(t, nullptr);
  EXPECT_NE(std::string(yibao_last_error()).find("base.toml"), std::string::npos) << yibao_last_error();
}

TEST(capi, tariff_diagnostics_are_all_listed_with_positions) {
  const std::string text = "[tariff]\nid = 1\nname = 2\n";
  yibao_tariff* t = nullptr;
  EXPECT_EQ(yibao_tariff_load_text(text.data(), text.size(), "bad.toml", nullptr, nullptr, &t), YIBAO_EINVAL);
  const std::string msg = yibao_last_error();
  EXPECT_NE(msg.find("bad.toml:2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("tariff.id"), std::string::npos) << msg;
  EXPECT_NE(msg.find("tariff.name"), std::string::npos) << msg;
  EXPECT_NE(msg.find('\n'), std::string::npos) << "one diagnostic per line: " << msg;
}

TEST(capi, tariff_file_that_cannot_be_read_is_eio) {
  yibao_tariff* t = nullptr;
  EXPECT_EQ(yibao_tariff_load_file("/nonexistent/t.toml", &t), YIBAO_EIO);
  EXPECT_STREQ(yibao_last_error(), "cannot read tariff /nonexistent/t.toml: No such file or directory");
  yibao_catalog* c = nullptr;
  EXPECT_EQ(yibao_catalog_load_file("/nonexistent/c.csv", &c), YIBAO_EIO);
  EXPECT_STREQ(yibao_last_error(), "cannot read catalog /nonexistent/c.csv: No such file or directory");
}

TEST(capi, catalog_load_csv_and_size) {
  const std::string csv = read_text(data_path("catalog.csv"));
  yibao_catalog* c = nullptr;
  ASSERT_EQ(yibao_catalog_load_csv(csv.data(), csv.size(), "catalog.csv", &c), YIBAO_OK) << yibao_last_error();
  size_t n = 0;
  ASSERT_EQ(yibao_catalog_size(c, &n), YIBAO_OK);
  EXPECT_EQ(n, 4U);
  yibao_catalog_free(c);
}

TEST(capi, catalog_bad_rows_are_einval_with_row_positions) {
  const std::string csv = "code,class\nX1,Q\nX2,A\nX3,\n";
  yibao_catalog* c = nullptr;
  EXPECT_EQ(yibao_catalog_load_csv(csv.data(), csv.size(), "bad.csv", &c), YIBAO_EINVAL);
  EXPECT_EQ(c, nullptr);
  const std::string msg = yibao_last_error();
  EXPECT_NE(msg.find("bad.csv:2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bad.csv:4:"), std::string::npos) << msg;
}

TEST_F(capi_fixture, settle_json_reads_every_money_field) {
  yibao_settlement* s = settle(bill_json());
  ASSERT_NE(s, nullptr) << yibao_last_error();
  // Expected values: `yibao estimate --json` on the same inputs.
  const std::pair<const char*, int64_t> want[] = {
      {"medfee_sumamt", 533650},  {"fulamt_ownpay_amt", 300000}, {"overlmt_selfpay", 10000},
      {"preselfpay_amt", 7365},   {"inscp_scp_amt", 216285},    {"inscope_first_pay", 0},
      {"act_pay_dedc", 80000},    {"hifp_pay", 88585},          {"hifmi_pay", 0},
      {"hifob_pay", 0},           {"maf_pay", 0},               {"fund_pay_sumamt", 88585},
      {"psn_part_amt", 445065},   {"acct_pay", 80000},          {"psn_cash_pay", 365065},
      {"pay_now", 445065},        {"claim_later", 0},           {"ytd.hifp_paid", 88585},
      {"ytd.hifp_base", 216285},  {"ytd.deductible_paid", 0},   {"ytd.maf_base", 0}};
  for (const auto& [field, fen] : want) {
    int64_t got = -1;
    ASSERT_EQ(yibao_settlement_get_fen(s, field, &got), YIBAO_OK) << field << ": " << yibao_last_error();
    EXPECT_EQ(got, fen) << field;
  }
  int flag = -1;
  ASSERT_EQ(yibao_settlement_get_bool(s, "eligible", &flag), YIBAO_OK);
  EXPECT_EQ(flag, 1);
  ASSERT_EQ(yibao_settlement_get_bool(s, "direct", &flag), YIBAO_OK);
  EXPECT_EQ(flag, 1);
  yibao_settlement_free(s);
}

TEST_F(capi_fixture, unknown_result_fields_are_enotfound) {
  yibao_settlement* s = settle(bill_json());
  ASSERT_NE(s, nullptr);
  int64_t fen = 42;
  EXPECT_EQ(yibao_settlement_get_fen(s, "hifp_payy", &fen), YIBAO_ENOTFOUND);
  EXPECT_STREQ(yibao_last_error(), "unknown money field \"hifp_payy\"");
  EXPECT_EQ(fen, 42);
  EXPECT_EQ(yibao_settlement_get_fen(s, "ytd.", &fen), YIBAO_ENOTFOUND);
  EXPECT_EQ(yibao_settlement_get_fen(s, "", &fen), YIBAO_ENOTFOUND);
  int flag = 0;
  EXPECT_EQ(yibao_settlement_get_bool(s, "hifp_pay", &flag), YIBAO_ENOTFOUND);
  EXPECT_STREQ(yibao_last_error(), "unknown flag \"hifp_pay\"; expected eligible or direct");
  yibao_settlement_free(s);
}

TEST_F(capi_fixture, settlement_json_has_the_national_names) {
  yibao_settlement* s = settle(bill_json());
  ASSERT_NE(s, nullptr);
  char* json = nullptr;
  size_t len = 0;
  ASSERT_EQ(yibao_settlement_json(s, &json, &len), YIBAO_OK);
  EXPECT_EQ(std::strlen(json), len);
  const std::string text{json, len};
  EXPECT_NE(text.find("\"hifp_pay\":\"885.85\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"tariff_id\":\"capi-fixture\""), std::string::npos) << text;
  EXPECT_EQ(text.find("\"trace\""), std::string::npos);
  yibao_free(json);
  ASSERT_EQ(yibao_settlement_json(s, &json, nullptr), YIBAO_OK);  // len is optional
  yibao_free(json);
  yibao_settlement_free(s);
}

TEST_F(capi_fixture, options_trace_and_as_filing) {
  const std::string bill = bill_json();
  yibao_settle_options o = YIBAO_SETTLE_OPTIONS_INIT;
  o.trace = 1;
  o.as_filing = YIBAO_FILING_UNFILED;
  yibao_settlement* s = nullptr;
  ASSERT_EQ(yibao_settle_json(tariff_, catalog_, bill.data(), bill.size(), &o, &s), YIBAO_OK) << yibao_last_error();
  int direct = -1;
  ASSERT_EQ(yibao_settlement_get_bool(s, "direct", &direct), YIBAO_OK);
  EXPECT_EQ(direct, 0) << "an unfiled cross-province visit is not settled at the hospital";
  char* json = nullptr;
  ASSERT_EQ(yibao_settlement_json(s, &json, nullptr), YIBAO_OK);
  EXPECT_NE(std::string(json).find("\"trace\":["), std::string::npos);
  yibao_free(json);
  yibao_settlement_free(s);

  o.version = 99;
  EXPECT_EQ(yibao_settle_json(tariff_, catalog_, bill.data(), bill.size(), &o, &s), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "options.version: 99 is newer than this library's YIBAO_SETTLE_OPTIONS_VERSION (1)");
  o.version = YIBAO_SETTLE_OPTIONS_VERSION;
  o.as_filing = 5;
  EXPECT_EQ(yibao_settle_json(tariff_, catalog_, bill.data(), bill.size(), &o, &s), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "options.as_filing: must be YIBAO_FILING_NONE or 0..4, found 5");
}

TEST_F(capi_fixture, a_null_catalog_is_an_empty_one) {
  // "an item code is in no catalog and the line has no class" -> not_found.
  const std::string bill = bill_json();
  yibao_settlement* s = nullptr;
  EXPECT_EQ(yibao_settle_json(tariff_, nullptr, bill.data(), bill.size(), nullptr, &s), YIBAO_ENOTFOUND);
  EXPECT_EQ(s, nullptr);
  EXPECT_STREQ(yibao_last_error(), "lines[0].code: item X1 is not in the catalog and the line has no class");
}

TEST_F(capi_fixture, engine_errors_map_to_status_codes) {
  // Date outside the tariff's validity -> YIBAO_ERANGE.
  std::string bill = bill_json();
  bill.replace(bill.find("2025-03-19"), 10, "2026-01-02");
  yibao_settlement* s = nullptr;
  EXPECT_EQ(yibao_settle_json(tariff_, catalog_, bill.data(), bill.size(), nullptr, &s), YIBAO_ERANGE);
  EXPECT_STREQ(yibao_last_error(),
               "visit.date: 2026-01-02 is outside the validity of tariff capi-fixture (2025-01-01 to 2025-12-31)");

  // No basic-fund rule for the visit -> YIBAO_EPRECONDITION.
  const std::string toml = read_text(data_path("base.toml"));
  const std::string inpatient_only = toml.substr(0, toml.find("[[rule]]\nwhen = { visit = [\"outpatient\""));
  yibao_tariff* t = nullptr;
  ASSERT_EQ(yibao_tariff_load_text(inpatient_only.data(), inpatient_only.size(), "in.toml", nullptr, nullptr, &t),
            YIBAO_OK)
      << yibao_last_error();
  bill = bill_json();
  bill.replace(bill.find("inpatient"), 9, "outpatient");
  EXPECT_EQ(yibao_settle_json(t, catalog_, bill.data(), bill.size(), nullptr, &s), YIBAO_EPRECONDITION);
  EXPECT_NE(std::string(yibao_last_error()).find("has no basic-fund rule"), std::string::npos) << yibao_last_error();
  yibao_tariff_free(t);
}

TEST_F(capi_fixture, malformed_bill_json_is_einval_with_the_field_path) {
  std::string bill = bill_json();
  bill.replace(bill.find("\"1200.00\""), 9, "\"1200.01\"");
  yibao_settlement* s = nullptr;
  EXPECT_EQ(yibao_settle_json(tariff_, catalog_, bill.data(), bill.size(), nullptr, &s), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "lines[0].amount: 1200.01 is not qty x price = 1200.00");
}

TEST_F(capi_fixture, hostile_json_inputs_are_einval) {
  const std::string cases[] = {
      "",                                   // empty
      "{\"id\": \"B1\", \"person\": {",     // truncated
      std::string(100000, '['),             // deeply nested
      "{\"id\": \"B\xff\xfe\"}",            // invalid UTF-8
      "{\"id\": 1e999999}",                 // huge number
      "[1, 2, 3]",                          // not an object
      std::string("{\"id\": \"B1\"}\0garbage", 20),  // embedded NUL
  };
  for (const std::string& text : cases) {
    yibao_settlement* s = nullptr;
    EXPECT_EQ(yibao_settle_json(tariff_, catalog_, text.data(), text.size(), nullptr, &s), YIBAO_EINVAL)
        << text.substr(0, 40);
    EXPECT_EQ(s, nullptr);
    EXPECT_STRNE(yibao_last_error(), "");
  }
  // Huge but well-formed decimals hit the sanity limits, not an overflow.
  std::string bill = bill_json();
  bill.replace(bill.find("\"800.00\""), 8, "\"99999999999999999999.00\"");
  yibao_settlement* s = nullptr;
  EXPECT_EQ(yibao_settle_json(tariff_, catalog_, bill.data(), bill.size(), nullptr, &s), YIBAO_EINVAL);
  EXPECT_NE(std::string(yibao_last_error()).find("person.account_balance"), std::string::npos) << yibao_last_error();
}

TEST_F(capi_fixture, null_arguments_are_einval_and_never_crash) {
  const std::string bill = bill_json();
  yibao_settlement* s = nullptr;
  EXPECT_EQ(yibao_settle_json(nullptr, catalog_, bill.data(), bill.size(), nullptr, &s), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "tariff is NULL");
  EXPECT_EQ(yibao_settle_json(tariff_, catalog_, nullptr, 5, nullptr, &s), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "bill_json is NULL");
  EXPECT_EQ(yibao_settle_json(tariff_, catalog_, bill.data(), bill.size(), nullptr, nullptr), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "out is NULL");
  EXPECT_EQ(yibao_settle_bill(tariff_, catalog_, nullptr, nullptr, &s), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "bill is NULL");
  EXPECT_EQ(yibao_tariff_load_file(nullptr, nullptr), YIBAO_EINVAL);
  yibao_tariff* t = nullptr;
  EXPECT_EQ(yibao_tariff_load_file(nullptr, &t), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "path is NULL");
  EXPECT_EQ(yibao_tariff_load_text(nullptr, 3, "x", nullptr, nullptr, &t), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "text is NULL");
  EXPECT_EQ(yibao_tariff_load_text("", 0, nullptr, nullptr, nullptr, &t), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "name is NULL");
  char* str = nullptr;
  EXPECT_EQ(yibao_tariff_id(nullptr, &str), YIBAO_EINVAL);
  EXPECT_EQ(yibao_tariff_id(tariff_, nullptr), YIBAO_EINVAL);
  yibao_catalog* c = nullptr;
  EXPECT_EQ(yibao_catalog_load_csv(nullptr, 1, "c", &c), YIBAO_EINVAL);
  EXPECT_EQ(yibao_catalog_load_csv("", 0, nullptr, &c), YIBAO_EINVAL);
  EXPECT_EQ(yibao_catalog_load_csv("", 0, "c", nullptr), YIBAO_EINVAL);
  EXPECT_EQ(yibao_catalog_load_file(nullptr, &c), YIBAO_EINVAL);
  size_t n = 0;
  EXPECT_EQ(yibao_catalog_size(nullptr, &n), YIBAO_EINVAL);
  EXPECT_EQ(yibao_catalog_size(catalog_, nullptr), YIBAO_EINVAL);
  int64_t fen = 0;
  int flag = 0;
  EXPECT_EQ(yibao_settlement_get_fen(nullptr, "hifp_pay", &fen), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "settlement is NULL");
  EXPECT_EQ(yibao_settlement_get_bool(nullptr, "eligible", &flag), YIBAO_EINVAL);
  EXPECT_EQ(yibao_settlement_json(nullptr, &str, nullptr), YIBAO_EINVAL);
  EXPECT_EQ(yibao_bill_init(nullptr), YIBAO_EINVAL);
  EXPECT_EQ(yibao_line_init(nullptr), YIBAO_EINVAL);
  yibao_settlement* real = settle(bill);
  ASSERT_NE(real, nullptr);
  EXPECT_EQ(yibao_settlement_get_fen(real, nullptr, &fen), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "field is NULL");
  EXPECT_EQ(yibao_settlement_get_fen(real, "hifp_pay", nullptr), YIBAO_EINVAL);
  EXPECT_EQ(yibao_settlement_get_bool(real, nullptr, &flag), YIBAO_EINVAL);
  EXPECT_EQ(yibao_settlement_json(real, nullptr, nullptr), YIBAO_EINVAL);
  yibao_settlement_free(real);
  // Every freeing function accepts NULL.
  yibao_free(nullptr);
  yibao_tariff_free(nullptr);
  yibao_catalog_free(nullptr);
  yibao_settlement_free(nullptr);
}

TEST_F(capi_fixture, success_clears_the_last_error) {
  yibao_settlement* s = nullptr;
  EXPECT_EQ(yibao_settle_json(nullptr, nullptr, "", 0, nullptr, &s), YIBAO_EINVAL);
  EXPECT_STRNE(yibao_last_error(), "");
  s = settle(bill_json());
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ(yibao_last_error(), "");
  yibao_settlement_free(s);
}

TEST_F(capi_fixture, settlements_outlive_their_tariff) {
  yibao_tariff* t = nullptr;
  ASSERT_EQ(yibao_tariff_load_file(data_path("tariff.toml").c_str(), &t), YIBAO_OK);
  const std::string bill = bill_json();
  yibao_settlement* s = nullptr;
  ASSERT_EQ(yibao_settle_json(t, catalog_, bill.data(), bill.size(), nullptr, &s), YIBAO_OK);
  yibao_tariff_free(t);
  int64_t fen = 0;
  EXPECT_EQ(yibao_settlement_get_fen(s, "hifp_pay", &fen), YIBAO_OK);
  EXPECT_EQ(fen, 88585);
  yibao_settlement_free(s);
}

}  // namespace
