// yibao_tariff_load_set: the versions of one place as one tariff handle, each
// bill settled under the version in force on its visit date (issue #11 item 2:
// "loading a set of tariff versions chosen by date ... only estimate has it and
// simulate, the C API and Python do not"). The versions are the test fixtures
// tests/data/versions/yingkou-2024.toml and yingkou-2026.toml, both extending
// the shipped tariffs/liaoning/yingkou-2025.toml with another validity window.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "capi_fixture.hpp"
#include "yibao/yibao.h"

namespace {

using capi_test::read_text;

auto source(const std::string& rel) -> std::string { return std::string(YIBAO_SOURCE_DIR) + "/" + rel; }

const std::string versions_dir = source("tests/data/versions");
const std::string v2024 = source("tests/data/versions/yingkou-2024.toml");
const std::string v2026 = source("tests/data/versions/yingkou-2026.toml");

/// The bill of `yibao estimate` golden case estimate_versions_pick_2024, dated `date`.
auto yingkou_bill(const std::string& date) -> std::string {
  std::string b = read_text(source("tests/cli/inputs/yingkou-2024.json"));
  const std::string from = "\"date\": \"2024-06-15\"";
  const std::size_t at = b.find(from);
  EXPECT_NE(at, std::string::npos);
  return b.replace(at, from.size(), "\"date\": \"" + date + "\"");
}

auto load_set(const std::vector<std::string>& paths, yibao_tariff** out) -> yibao_status {
  std::vector<const char*> p;
  for (const std::string& s : paths) p.push_back(s.c_str());
  return yibao_tariff_load_set(p.data(), p.size(), out);
}

/// The JSON of `s`, which it frees.
auto json_and_free(yibao_settlement* s) -> std::string {
  char* json = nullptr;
  EXPECT_EQ(yibao_settlement_json(s, &json, nullptr), YIBAO_OK);
  std::string out = json != nullptr ? json : "";
  yibao_free(json);
  yibao_settlement_free(s);
  return out;
}

/// The settlement JSON, or "error: <status>: <message>".
auto settle_json(const yibao_tariff* t, const yibao_catalog* c, const std::string& bill) -> std::string {
  yibao_settlement* s = nullptr;
  const yibao_status st = yibao_settle_json(t, c, bill.data(), bill.size(), nullptr, &s);
  if (st != YIBAO_OK) {
    EXPECT_EQ(s, nullptr);
    return std::string("error: ") + yibao_status_name(st) + ": " + yibao_last_error();
  }
  return json_and_free(s);
}

class capi_tariff_set : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(load_set({versions_dir}, &set_), YIBAO_OK) << yibao_last_error();
    ASSERT_EQ(yibao_catalog_load_file(source("tariffs/catalog/sample-catalog.csv").c_str(), &catalog_), YIBAO_OK)
        << yibao_last_error();
  }
  void TearDown() override {
    yibao_tariff_free(set_);
    yibao_catalog_free(catalog_);
  }
  yibao_tariff* set_ = nullptr;
  yibao_catalog* catalog_ = nullptr;
};

TEST_F(capi_tariff_set, a_directory_gives_its_versions_oldest_first) {
  char* ids = nullptr;
  ASSERT_EQ(yibao_tariff_id(set_, &ids), YIBAO_OK);
  EXPECT_STREQ(ids, "yingkou-2024\nyingkou-2026");
  yibao_free(ids);
}

TEST_F(capi_tariff_set, the_date_picks_the_older_version_as_estimate_does) {
  // The same settlement, byte for byte, as `yibao estimate -t ... --json` in
  // the golden case estimate_versions_pick_2024 (its output ends in a newline).
  std::string golden = read_text(source("tests/cli/estimate_versions_pick_2024.out"));
  ASSERT_FALSE(golden.empty());
  golden.pop_back();
  const std::string got = settle_json(set_, catalog_, yingkou_bill("2024-06-15"));
  EXPECT_EQ(got, golden);
  EXPECT_NE(got.find("\"tariff_id\":\"yingkou-2024\""), std::string::npos) << got;
  EXPECT_STREQ(yibao_last_error(), "");
}

TEST_F(capi_tariff_set, the_date_picks_the_newer_version) {
  const std::string got = settle_json(set_, catalog_, yingkou_bill("2026-12-31"));
  EXPECT_NE(got.find("\"tariff_id\":\"yingkou-2026\""), std::string::npos) << got;
  EXPECT_NE(got.find("\"hifp_pay\":\"319.34\""), std::string::npos) << got;  // the same figures as 2024
}

TEST_F(capi_tariff_set, a_date_outside_every_version_is_erange_with_its_message) {
  EXPECT_EQ(settle_json(set_, catalog_, yingkou_bill("2023-06-15")),
            "error: YIBAO_ERANGE: visit.date: no tariff version is in force on 2023-06-15");
  EXPECT_EQ(settle_json(set_, catalog_, yingkou_bill("2027-01-01")),
            "error: YIBAO_ERANGE: visit.date: no tariff version is in force on 2027-01-01");
  // 2025 is the gap between the two versions (the 2025 file is their base, not a version).
  EXPECT_EQ(settle_json(set_, catalog_, yingkou_bill("2025-06-15")),
            "error: YIBAO_ERANGE: visit.date: no tariff version is in force on 2025-06-15");
}

TEST_F(capi_tariff_set, a_malformed_bill_is_einval_whatever_its_date_as_with_one_tariff) {
  std::string bad = yingkou_bill("2023-06-15");
  const std::string amount = "\"amount\": \"36.00\"";
  bad.replace(bad.find(amount), amount.size(), "\"amount\": \"36.01\"");
  yibao_tariff* one = nullptr;
  ASSERT_EQ(yibao_tariff_load_file(v2024.c_str(), &one), YIBAO_OK) << yibao_last_error();
  const std::string with_one = settle_json(one, catalog_, bad);
  yibao_tariff_free(one);
  EXPECT_EQ(with_one.rfind("error: YIBAO_EINVAL: lines[0].amount: ", 0), 0U) << with_one;
  EXPECT_EQ(settle_json(set_, catalog_, bad), with_one);
}

TEST_F(capi_tariff_set, struct_bills_pick_the_version_too) {
  std::vector<yibao_line_c> lines;
  auto add = [&lines](const char* code, int64_t qty, int64_t price_micro, int64_t amount_fen) {
    yibao_line_c l;
    ASSERT_EQ(yibao_line_init(&l), YIBAO_OK);
    l.code = code;
    l.qty_ten_thousandths = qty;
    l.price_micro = price_micro;
    l.amount_fen = amount_fen;
    lines.push_back(l);
  };
  add("YP0005", 20000, 18000000, 3600);
  add("YP0028", 10000, 32000000, 3200);
  add("YP0003", 30000, 25000000, 7500);
  add("YP0013", 10000, 45600000, 4560);
  add("YP0035", 10000, 380000000, 38000);
  yibao_bill_c b;
  ASSERT_EQ(yibao_bill_init(&b), YIBAO_OK);
  b.id = "EX-YINGKOU-001";
  b.person.id = "P-YK-0001";
  b.person.scheme = YIBAO_SCHEME_EMPLOYEE;
  b.person.status = YIBAO_PERSON_ACTIVE;
  b.person.account_balance_fen = 10000;
  b.visit.type = YIBAO_VISIT_OUTPATIENT;
  b.visit.level = 2;
  b.visit.location = YIBAO_LOCATION_CROSS_CITY;
  b.visit.filing = YIBAO_FILING_TEMPORARY;
  b.visit.date = {2024, 6, 15};
  b.lines = lines.data();
  b.line_count = lines.size();

  yibao_settlement* s = nullptr;
  ASSERT_EQ(yibao_settle_bill(set_, catalog_, &b, nullptr, &s), YIBAO_OK) << yibao_last_error();
  EXPECT_EQ(json_and_free(s),
            settle_json(set_, catalog_, yingkou_bill("2024-06-15")));

  b.visit.date = {2023, 6, 15};
  s = nullptr;
  EXPECT_EQ(yibao_settle_bill(set_, catalog_, &b, nullptr, &s), YIBAO_ERANGE);
  EXPECT_EQ(s, nullptr);
  EXPECT_STREQ(yibao_last_error(), "visit.date: no tariff version is in force on 2023-06-15");
}

TEST(capi_tariff_set_load, files_in_any_order_are_ordered_by_valid_from) {
  yibao_tariff* t = nullptr;
  ASSERT_EQ(load_set({v2026, v2024}, &t), YIBAO_OK) << yibao_last_error();
  char* ids = nullptr;
  ASSERT_EQ(yibao_tariff_id(t, &ids), YIBAO_OK);
  EXPECT_STREQ(ids, "yingkou-2024\nyingkou-2026");
  yibao_free(ids);
  yibao_tariff_free(t);
}

TEST(capi_tariff_set_load, a_file_the_others_extend_is_their_base_not_a_version) {
  yibao_tariff* t = nullptr;
  ASSERT_EQ(load_set({source("tariffs/liaoning/yingkou-2025.toml"), v2024}, &t), YIBAO_OK) << yibao_last_error();
  char* ids = nullptr;
  ASSERT_EQ(yibao_tariff_id(t, &ids), YIBAO_OK);
  EXPECT_STREQ(ids, "yingkou-2024");
  yibao_free(ids);
  yibao_tariff_free(t);
}

TEST(capi_tariff_set_load, errors) {
  yibao_tariff* t = reinterpret_cast<yibao_tariff*>(&t);  // must be reset to NULL on failure
  const std::string missing = source("tests/data/versions/no-such-file.toml");
  EXPECT_EQ(load_set({v2024, missing}, &t), YIBAO_EIO);
  EXPECT_EQ(t, nullptr);
  EXPECT_EQ(std::string(yibao_last_error()), "cannot read tariff " + missing);

  // The same version twice: its windows overlap.
  EXPECT_EQ(load_set({v2024, v2024}, &t), YIBAO_EINVAL);
  EXPECT_EQ(t, nullptr);
  EXPECT_EQ(std::string(yibao_last_error()),
            v2024 + ":6:1: error: tariff.valid_from: expected a date after valid_to 2024-12-31 of yingkou-2024 at " +
                v2024 + ":7:1 (versions must not overlap), found 2024-01-01");

  const char* paths[] = {v2024.c_str(), nullptr};
  EXPECT_EQ(yibao_tariff_load_set(paths, 2, &t), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "paths[1] is NULL");
  EXPECT_EQ(yibao_tariff_load_set(paths, 0, &t), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "count is 0; expected at least one tariff file or directory");
  EXPECT_EQ(yibao_tariff_load_set(nullptr, 1, &t), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "paths is NULL");
  EXPECT_EQ(yibao_tariff_load_set(paths, 1, nullptr), YIBAO_EINVAL);
  EXPECT_STREQ(yibao_last_error(), "out is NULL");
}

TEST_F(capi_tariff_set, a_registered_set_settles_business_handle_requests_by_date) {
  ASSERT_EQ(yibao_register_tariff("yingkou", set_), YIBAO_OK);
  ASSERT_EQ(yibao_register_catalog("sample", catalog_), YIBAO_OK);
  auto request = [](const std::string& bill) {
    return R"({"infno": "2206", "msgid": "M1", "input": {"tariff": "yingkou", "catalog": "sample", "bill": )" + bill +
           "}}";
  };
  std::vector<char> buf(1 << 16);
  size_t len = 0;
  std::string in = request(yingkou_bill("2024-06-15"));
  ASSERT_EQ(yibao_business_handle(in.data(), in.size(), buf.data(), buf.size(), &len), YIBAO_OK)
      << yibao_last_error();
  EXPECT_NE(std::string(buf.data(), len).find("\"tariff_id\":\"yingkou-2024\""), std::string::npos);
  in = request(yingkou_bill("2023-06-15"));
  EXPECT_EQ(yibao_business_handle(in.data(), in.size(), buf.data(), buf.size(), &len), YIBAO_ERANGE);
  EXPECT_STREQ(yibao_last_error(), "visit.date: no tariff version is in force on 2023-06-15");
  EXPECT_EQ(yibao_registry_clear(), YIBAO_OK);
}

}  // namespace
