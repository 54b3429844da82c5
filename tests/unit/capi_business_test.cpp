// yibao_business_handle: the vendor-DLL shape (JSON in, JSON out), the
// registry of named tariffs and catalogs, and the YIBAO_EBUFS protocol.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "capi_fixture.hpp"
#include "yibao/yibao.h"

namespace {

using capi_test::bill_json;
using capi_test::capi_fixture;
using capi_test::data_path;

auto envelope(const std::string& tariff, const std::string& bill, const std::string& extra = "") -> std::string {
  return R"({"infno": "2206", "msgid": "H0001202503191200000001", "opter": "cashier 7", "input": {"tariff": ")" +
         tariff + "\"" + extra + ", \"bill\": " + bill + "}}";
}

/// Calls the handle with a buffer as large as needed; returns status and response.
auto call(const std::string& in, std::string& out) -> int {
  size_t need = 0;
  int st = yibao_business_handle(in.data(), in.size(), nullptr, 0, &need);
  if (st != YIBAO_EBUFS) return st;
  std::vector<char> buf(need + 1, 'x');
  size_t len = 0;
  st = yibao_business_handle(in.data(), in.size(), buf.data(), buf.size(), &len);
  EXPECT_EQ(len, need);
  EXPECT_EQ(buf[len], '\0');
  out.assign(buf.data(), len);
  return st;
}

class capi_business : public capi_fixture {
 protected:
  void SetUp() override {
    capi_fixture::SetUp();
    ASSERT_EQ(yibao_register_tariff("fixture", tariff_), YIBAO_OK);
    ASSERT_EQ(yibao_register_catalog("fixture-catalog", catalog_), YIBAO_OK);
  }
  void TearDown() override {
    EXPECT_EQ(yibao_registry_clear(), YIBAO_OK);
    capi_fixture::TearDown();
  }
};

TEST_F(capi_business, pre_settlement_with_a_registered_tariff) {
  std::string out;
  ASSERT_EQ(call(envelope("fixture", bill_json(), R"(, "catalog": "fixture-catalog")"), out), YIBAO_OK)
      << yibao_last_error();
  EXPECT_EQ(out.rfind(R"({"infcode":0,"err_msg":"","yibao_status":"YIBAO_OK",)"
                      R"("inf_refmsgid":"H0001202503191200000001","output":{"setlinfo":{"bill_id":"B1",)",
                      0),
            0U)
      << out;
  EXPECT_NE(out.find("\"hifp_pay\":\"885.85\""), std::string::npos) << out;
  EXPECT_STREQ(yibao_last_error(), "");
}

TEST_F(capi_business, same_settlement_as_the_handle_api) {
  const std::string bill = bill_json();
  yibao_settlement* s = nullptr;
  const yibao_status st = yibao_settle_json(tariff_, catalog_, bill.data(), bill.size(), nullptr, &s);
  const std::string direct = json_of(st, s);
  std::string out;
  ASSERT_EQ(call(envelope("fixture", bill, R"(, "catalog": "fixture-catalog")"), out), YIBAO_OK);
  EXPECT_NE(out.find("{\"setlinfo\":" + direct + "}"), std::string::npos) << out;
}

TEST_F(capi_business, tariff_and_catalog_by_path_are_loaded_and_cached) {
  std::string out;
  const std::string in = envelope(data_path("tariff.toml"), bill_json(),
                                  R"(, "catalog": ")" + data_path("catalog.csv") + R"(", "options": {"trace": true, "as_filing": "unfiled"})");
  ASSERT_EQ(call(in, out), YIBAO_OK) << yibao_last_error();
  EXPECT_NE(out.find("\"direct\":false"), std::string::npos) << out;
  EXPECT_NE(out.find("\"trace\":["), std::string::npos);
  ASSERT_EQ(call(in, out), YIBAO_OK);  // from the cache
}

TEST_F(capi_business, ebufs_reports_the_needed_length_and_writes_nothing) {
  const std::string in = envelope("fixture", bill_json(), R"(, "catalog": "fixture-catalog")");
  size_t need = 0;
  EXPECT_EQ(yibao_business_handle(in.data(), in.size(), nullptr, 0, &need), YIBAO_EBUFS);
  EXPECT_GT(need, 100U);
  EXPECT_EQ(std::string(yibao_last_error()), "output buffer of 0 bytes is too small; " + std::to_string(need + 1) +
                                                 " needed (*out_len + 1 for the NUL)");
  std::vector<char> buf(need, 'x');  // one byte short: no room for the NUL
  size_t len = 0;
  EXPECT_EQ(yibao_business_handle(in.data(), in.size(), buf.data(), buf.size(), &len), YIBAO_EBUFS);
  EXPECT_EQ(len, need);
  EXPECT_EQ(buf[0], '\0');
  EXPECT_EQ(buf[1], 'x');
  buf.resize(need + 1);
  EXPECT_EQ(yibao_business_handle(in.data(), in.size(), buf.data(), buf.size(), &len), YIBAO_OK);
  EXPECT_EQ(len, need);
  EXPECT_EQ(buf[need], '\0');
}

TEST_F(capi_business, errors_come_back_as_an_envelope_and_a_status) {
  struct error_case {
    std::string in;
    int status;
    std::string message;
  };
  const std::string bill = bill_json();
  const error_case cases[] = {
      {R"({"infno": "2207", "input": {}})", YIBAO_EINVAL,
       "infno: unsupported transaction \"2207\"; yibao answers 2206 (pre-settlement) only, settlement (2207) stays "
       "with the platform"},
      {R"({"input": {"tariff": "fixture", "bill": {}}})", YIBAO_EINVAL, "infno: missing (expected \"2206\")"},
      {R"({"infno": "2206"})", YIBAO_EINVAL, "input: missing"},
      {R"({"infno": 2206, "input": {}})", YIBAO_EINVAL, "infno: expected a string, found a number"},
      {R"({"infno": "2206", "input": {"bill": {}}})", YIBAO_EINVAL,
       "input.tariff: missing (a registered tariff name or a path)"},
      {R"({"infno": "2206", "input": {"tariff": "fixture"}})", YIBAO_EINVAL, "input.bill: missing"},
      {R"({"infno": "2206", "input": {"tariff": "fixture", "bill": []}})", YIBAO_EINVAL,
       "input.bill: expected an object, found an array"},
      {R"({"infno": "2206", "input": {"tariff": "fixture", "bill": {}, "x": 1}})", YIBAO_EINVAL,
       "input: unknown key \"x\"; expected tariff, catalog, options or bill"},
      {R"({"infno": "2206", "input": {"tariff": "fixture", "options": {"as_filing": "maybe"}, "bill": {}}})",
       YIBAO_EINVAL, "input.options.as_filing: unknown filing \"maybe\""},
      {envelope("nosuch", bill), YIBAO_EIO, "cannot read tariff nosuch: No such file or directory (nor is anything registered under this name)"},
      {envelope("fixture", bill, R"(, "catalog": "nosuch.csv")"), YIBAO_EIO,
       "cannot read catalog nosuch.csv: No such file or directory (nor is anything registered under this name)"},
      {envelope("fixture", bill), YIBAO_ENOTFOUND,
       "lines[0].code: item X1 is not in the catalog and the line has no class"},
      {envelope("fixture", R"({"id": "B1"})"), YIBAO_EINVAL, "input.bill.person: missing required field"},
  };
  for (const error_case& c : cases) {
    std::string out;
    EXPECT_EQ(call(c.in, out), c.status) << c.in;
    EXPECT_EQ(std::string(yibao_last_error()), c.message) << c.in;
    EXPECT_EQ(out.rfind(R"({"infcode":-1,"err_msg":")", 0), 0U) << out;
    EXPECT_NE(out.find(std::string("\"yibao_status\":\"") + yibao_status_name(c.status) + "\""), std::string::npos)
        << out;
    EXPECT_NE(out.find("\"output\":null}"), std::string::npos) << out;
  }
}

TEST_F(capi_business, hostile_requests) {
  const std::string cases[] = {
      "",
      "{",
      std::string(5000, '{'),
      "{\"infno\": \"22\xff\"}",
      "{\"infno\": 1e99999}",
      std::string("{\"infno\":\"2206\"}\0{", 18),
      "null",
      R"({"infno": "2206", "input": {"tariff": "fixture", "bill": )" + std::string(3000, '[') + "}}",
  };
  for (const std::string& in : cases) {
    std::string out;
    EXPECT_EQ(call(in, out), YIBAO_EINVAL) << in.substr(0, 40);
    EXPECT_EQ(out.rfind(R"({"infcode":-1,)", 0), 0U) << out;
  }
}

TEST(capi_business_args, null_arguments) {
  char buf[16];
  size_t len = 99;
  EXPECT_EQ(yibao_business_handle("{}", 2, buf, sizeof buf, nullptr), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "out_len is NULL");
  EXPECT_EQ(yibao_business_handle(nullptr, 0, buf, sizeof buf, &len), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "in is NULL");
  EXPECT_EQ(len, 0U);
  EXPECT_EQ(buf[0], '\0');
  EXPECT_EQ(yibao_business_handle("{}", 2, nullptr, 5, &len), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "out is NULL but out_cap is not 0");
  EXPECT_EQ(yibao_register_tariff(nullptr, nullptr), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "name is NULL or empty");
  EXPECT_EQ(yibao_register_tariff("x", nullptr), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "tariff is NULL");
  EXPECT_EQ(yibao_register_catalog("", nullptr), YIBAO_EINVAL);
  EXPECT_EQ(yibao_register_catalog("x", nullptr), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "catalog is NULL");
}

TEST_F(capi_business, the_registry_keeps_its_own_reference) {
  yibao_tariff* t = nullptr;
  ASSERT_EQ(yibao_tariff_load_file(data_path("tariff.toml").c_str(), &t), YIBAO_OK);
  ASSERT_EQ(yibao_register_tariff("mine", t), YIBAO_OK);
  yibao_tariff_free(t);
  std::string out;
  EXPECT_EQ(call(envelope("mine", bill_json(), R"(, "catalog": "fixture-catalog")"), out), YIBAO_OK)
      << yibao_last_error();
  ASSERT_EQ(yibao_registry_clear(), YIBAO_OK);
  EXPECT_EQ(call(envelope("mine", bill_json()), out), YIBAO_EIO);
}

}  // namespace
