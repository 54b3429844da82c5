#pragma once
// Shared fixture of the C API tests: the tariff, catalog and bill under
// tests/data/capi, and the same bill as C structs.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "yibao/yibao.h"

namespace capi_test {

inline auto data_path(const std::string& name) -> std::string {
  return std::string(YIBAO_SOURCE_DIR) + "/tests/data/capi/" + name;
}

inline auto read_text(const std::string& path) -> std::string {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline auto bill_json() -> std::string { return read_text(data_path("bill.json")); }

/// tests/data/capi/bill.json as C structs (the strings are literals).
struct bill_structs {
  yibao_bill_c bill{};
  std::vector<yibao_line_c> lines;

  bill_structs() {
    yibao_bill_init(&bill);
    bill.id = "B1";
    bill.person.id = "P1";
    bill.person.scheme = YIBAO_SCHEME_EMPLOYEE;
    bill.person.account_balance_fen = 80000;
    bill.visit.type = YIBAO_VISIT_INPATIENT;
    bill.visit.level = 3;
    bill.visit.location = YIBAO_LOCATION_CROSS_PROVINCE;
    bill.visit.filing = YIBAO_FILING_TEMPORARY;
    bill.visit.admission = 1;
    bill.visit.date = {2025, 3, 19};
    add("X1", "bed", 100000, 120000000, 120000);
    add("X2", "drug", 30000, 45500000, 13650);
    add("X3", "lens", 10000, 3000000000, 300000);
    add("X4", "ct", 20000, 350000000, 70000);
    yibao_line_c& z = add("Z9", "uncatalogued", 15000, 200000000, 30000);
    z.item_class = YIBAO_CLASS_B;
    z.selfpay_ratio_ppm = 200000;
    sync();
  }
  bill_structs(const bill_structs& o) : bill{o.bill}, lines{o.lines} { sync(); }
  auto operator=(const bill_structs&) -> bill_structs& = delete;

  auto add(const char* code, const char* name, int64_t qty, int64_t price_micro, int64_t amount_fen)
      -> yibao_line_c& {
    yibao_line_c l;
    yibao_line_init(&l);
    l.code = code;
    l.name = name;
    l.qty_ten_thousandths = qty;
    l.price_micro = price_micro;
    l.amount_fen = amount_fen;
    lines.push_back(l);
    sync();
    return lines.back();
  }
  void sync() {
    bill.lines = lines.data();
    bill.line_count = lines.size();
  }
};

class capi_fixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(yibao_tariff_load_file(data_path("tariff.toml").c_str(), &tariff_), YIBAO_OK) << yibao_last_error();
    ASSERT_EQ(yibao_catalog_load_file(data_path("catalog.csv").c_str(), &catalog_), YIBAO_OK) << yibao_last_error();
  }
  void TearDown() override {
    yibao_tariff_free(tariff_);
    yibao_catalog_free(catalog_);
  }
  /// Settles JSON; nullptr on failure (the message is in yibao_last_error()).
  auto settle(const std::string& json) const -> yibao_settlement* {
    yibao_settlement* s = nullptr;
    (void)yibao_settle_json(tariff_, catalog_, json.data(), json.size(), nullptr, &s);
    return s;
  }
  /// The settlement JSON (freeing `s`), or "error: <status>: <message>".
  /// Call the settle function first: argument evaluation order is unspecified.
  static auto json_of(yibao_status st, yibao_settlement* s) -> std::string {
    if (st != YIBAO_OK) return std::string("error: ") + yibao_status_name(st) + ": " + yibao_last_error();
    char* json = nullptr;
    (void)yibao_settlement_json(s, &json, nullptr);
    std::string out = json != nullptr ? json : "";
    yibao_free(json);
    yibao_settlement_free(s);
    return out;
  }

  yibao_tariff* tariff_ = nullptr;
  yibao_catalog* catalog_ = nullptr;
};

}  // namespace capi_test
