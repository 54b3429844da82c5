// Concurrent settlement through the C API on one shared tariff and catalog:
// 8 threads settle the same set of varied bills repeatedly (struct, JSON and
// business-handle entry points) and must get exactly the serial results.
// Run under ThreadSanitizer with the `tsan` preset:
//   cmake --preset tsan && cmake --build --preset tsan && ctest --preset tsan
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "capi_fixture.hpp"
#include "concurrency.hpp"
#include "yibao/yibao.h"

namespace {

using capi_test::bill_structs;
using capi_test::capi_fixture;

constexpr int thread_count = 8;
constexpr int rounds = 20;

/// Varied bills: schemes, groups, filings, visit types, amounts, ytd.
auto make_bills() -> std::vector<bill_structs> {
  std::vector<bill_structs> bills;
  for (int i = 0; i < 24; ++i) {
    bill_structs b;
    b.bill.person.scheme = i % 2;
    b.bill.person.group = i % 5;
    b.bill.visit.type = i % 3;
    b.bill.visit.filing = i % 5;
    b.bill.visit.location = i % 3;
    b.bill.ytd.hifp_paid_fen = 1000LL * i;
    b.bill.ytd.deductible_paid_fen = i % 4 == 0 ? 20000 : 0;
    b.lines[0].qty_ten_thousandths = 10000LL * (1 + i);  // bed days
    b.lines[0].amount_fen = 12000LL * (1 + i);
    bills.push_back(b);
  }
  return bills;
}

auto settle_struct(const yibao_tariff* t, const yibao_catalog* c, const bill_structs& b) -> std::string {
  yibao_settlement* s = nullptr;
  const yibao_status st = yibao_settle_bill(t, c, &b.bill, nullptr, &s);
  if (st != YIBAO_OK) return std::string("error: ") + yibao_status_name(st) + ": " + yibao_last_error();
  char* json = nullptr;
  (void)yibao_settlement_json(s, &json, nullptr);
  std::string out = json;
  yibao_free(json);
  yibao_settlement_free(s);
  return out;
}

TEST_F(capi_fixture, concurrent_settlement_matches_serial_results) {
  const std::vector<bill_structs> bills = make_bills();
  std::vector<std::string> serial;
  for (const bill_structs& b : bills) serial.push_back(settle_struct(tariff_, catalog_, b));
  int ok = 0;
  for (const std::string& s : serial) ok += s.rfind("error", 0) == 0 ? 0 : 1;
  ASSERT_GT(ok, 12) << "most fixture bills should settle";

  const auto got = yibao_test::hammer(thread_count, rounds, bills.size(), [&](std::size_t j) {
    return settle_struct(tariff_, catalog_, bills[j]) == serial[j];
  });
  EXPECT_EQ(got.mismatches, 0);
  EXPECT_EQ(got.calls, thread_count * rounds * static_cast<int>(bills.size()));
}

TEST_F(capi_fixture, concurrent_business_handle_with_registry_updates) {
  ASSERT_EQ(yibao_register_tariff("shared", tariff_), YIBAO_OK);
  ASSERT_EQ(yibao_register_catalog("shared-catalog", catalog_), YIBAO_OK);
  const std::string in = R"({"infno": "2206", "input": {"tariff": "shared", "catalog": "shared-catalog", "bill": )" +
                         capi_test::bill_json() + "}}";
  std::vector<char> first(1 << 16);
  size_t len = 0;
  ASSERT_EQ(yibao_business_handle(in.data(), in.size(), first.data(), first.size(), &len), YIBAO_OK)
      << yibao_last_error();
  const std::string expected(first.data(), len);

  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < thread_count; ++k) {
    threads.emplace_back([&, k] {
      std::vector<char> buf(1 << 16);
      for (int r = 0; r < rounds * 4; ++r) {
        if (k == 0 && r % 8 == 0) {
          // Re-registering replaces the entry; calls in flight keep the old one.
          if (yibao_register_tariff("shared", tariff_) != YIBAO_OK) ++mismatches;
          continue;
        }
        size_t n = 0;
        const int st = yibao_business_handle(in.data(), in.size(), buf.data(), buf.size(), &n);
        if (st != YIBAO_OK || std::string(buf.data(), n) != expected) ++mismatches;
        // The last error is per thread: this thread's success left it empty.
        if (std::string(yibao_last_error()) != "") ++mismatches;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(yibao_registry_clear(), YIBAO_OK);
}

TEST(capi_concurrency, last_error_is_per_thread) {
  yibao_settlement* s = nullptr;
  EXPECT_EQ(yibao_settle_json(nullptr, nullptr, "", 0, nullptr, &s), YIBAO_EINVAL);
  std::string other;
  std::thread([&] {
    other = yibao_last_error();  // nothing happened on this thread yet
  }).join();
  EXPECT_EQ(other, "");
  EXPECT_STREQ(yibao_last_error(), "tariff is NULL");
}

}  // namespace
