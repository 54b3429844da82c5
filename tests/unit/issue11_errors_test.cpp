// Issue #11 item 5: one error model. Every engine error code has one C API
// status, one exit code and one Python class (docs/c-api.md "Status and
// messages"); an overflow inside a settlement is an internal error, as yibao.h
// documents; no command ends in an escaped exception on a tariff beyond the
// loader's bounds; the C structs grow compatibly ("this version or older") and
// yibao_business_handle returns a yibao_status.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <type_traits>

#include "capi_internal.hpp"
#include "capi_fixture.hpp"
#include "yibao/yibao.h"
#include "yibao/yibao.hpp"

namespace {

namespace fs = std::filesystem;
using capi_test::bill_structs;
using capi_test::capi_fixture;
using yibao::errc;

// --- one status type, codes that match yibao.h --------------------------------

TEST(Issue11_Item5, ErrorCodesKeepTheirNumbersAndMapToTheDocumentedStatuses) {
  // "keep existing numeric order, append"
  EXPECT_EQ(static_cast<int>(errc::io_error), 5);
  EXPECT_EQ(static_cast<int>(errc::internal), 6);
  EXPECT_EQ(static_cast<int>(errc::out_of_memory), 7);
  EXPECT_STREQ(yibao::to_string(errc::internal), "internal");
  EXPECT_STREQ(yibao::to_string(errc::out_of_memory), "out_of_memory");
  // yibao.h: YIBAO_ENOMEM "out of memory", YIBAO_EINTERNAL "a bug (broken invariant, e.g. an overflow)"
  using yibao::capi::status_of;
  EXPECT_EQ(status_of(errc::ok), YIBAO_OK);
  EXPECT_EQ(status_of(errc::invalid_argument), YIBAO_EINVAL);
  EXPECT_EQ(status_of(errc::failed_precondition), YIBAO_EPRECONDITION);
  EXPECT_EQ(status_of(errc::out_of_range), YIBAO_ERANGE);
  EXPECT_EQ(status_of(errc::not_found), YIBAO_ENOTFOUND);
  EXPECT_EQ(status_of(errc::io_error), YIBAO_EIO);
  EXPECT_EQ(status_of(errc::internal), YIBAO_EINTERNAL);
  EXPECT_EQ(status_of(errc::out_of_memory), YIBAO_ENOMEM);
}

TEST(Issue11_Item5, TheCApiGuardMapsExceptionsToTheirStatuses) {
  using yibao::capi::guarded;
  EXPECT_EQ(guarded([]() -> yibao_status { throw std::bad_alloc{}; }), YIBAO_ENOMEM);
  EXPECT_STREQ(yibao_last_error(), "out of memory");
  EXPECT_EQ(guarded([]() -> yibao_status { throw std::overflow_error("yibao: money overflow"); }), YIBAO_EINTERNAL);
  EXPECT_STREQ(yibao_last_error(), "internal error: yibao: money overflow");
}

auto read_all(const std::string& path) -> std::string {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A tariff built in C++ past the loader's bounds (a deductible factor of
// 10^12) overflows inside the settlement: errc::internal, as yibao.h maps an
// overflow (it was invalid_argument, which blamed the bill).
TEST(Issue11_Item5, AnOverflowInsideTheSettlementIsAnInternalError) {
  const std::string dir = std::string(YIBAO_SOURCE_DIR) + "/tests/data/capi/";
  auto loaded = yibao::load_tariff_file(dir + "tariff.toml");
  ASSERT_TRUE(loaded.ok()) << loaded.err().message;
  yibao::tariff t = std::move(loaded).value();
  for (yibao::rule& r : t.rules) r.deductible_factor = yibao::ratio::from_ppm(INT64_C(1'000'000) * 1'000'000'000'000);
  auto b = yibao::parse_bill_json(read_all(dir + "bill.json"));
  ASSERT_TRUE(b.ok()) << b.err().message;
  const yibao::catalog items;
  const auto s = yibao::settle(t, items, b.value());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.err().code, errc::internal);
  EXPECT_EQ(s.err().message, "amounts too large: a total does not fit in 64-bit fen");
}

// --- no exception escapes a command -------------------------------------------

struct run_result {
  int code = -1;
  std::string err;
};

auto yibao_cli(const std::string& args) -> run_result {
  const std::string err_file = "/tmp/yibao_issue11_" + std::to_string(::getpid()) + ".err";
  const std::string cmd = std::string("cd '") + YIBAO_SOURCE_DIR + "' && '" + YIBAO_CLI + "' " + args + " >'" +
                          err_file + ".out' 2>'" + err_file + "'";
  run_result r;
  const int status = std::system(cmd.c_str());
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = read_all(err_file) + read_all(err_file + ".out");  // check prints its diagnostics on stdout
  fs::remove(err_file);
  fs::remove(err_file + ".out");
  return r;
}

// "yibao check on a tariff with a huge deductible_factor exits 70 internal
// error": every command that loads such a tariff says what is wrong with it
// (exit 78, invalid tariff), none ends in an escaped exception.
TEST(Issue11_Item5, NoCommandEndsInAnInternalErrorOnAHugeDeductibleFactor) {
  const fs::path dir = fs::temp_directory_path() / ("yibao_issue11_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(std::string(YIBAO_SOURCE_DIR) + "/tests/data/capi/base.toml", dir / "base.toml",
                fs::copy_options::overwrite_existing);
  const std::string huge = (dir / "huge.toml").string();
  std::ofstream(huge) << read_all(std::string(YIBAO_SOURCE_DIR) + "/tests/data/capi/tariff.toml")
                      << "\n[[rule]]\nwhen = { level = [3] }\ndeductible_factor = \"99\"\nassumed = \"x\"\n"
                      << "\n[[rule]]\nwhen = { level = [3] }\ndeductible_factor = \"99\"\nassumed = \"x\"\n"
                      << "\n[[rule]]\nwhen = { level = [3] }\ndeductible_factor = \"99999999999\"\nassumed = \"x\"\n";
  const std::string bill = std::string(YIBAO_SOURCE_DIR) + "/tests/data/capi/bill.json";
  for (const std::string& args : {"check " + huge, "show " + huge, "diff " + huge + " " + huge,
                                 "estimate -t " + huge + " " + bill}) {
    const run_result r = yibao_cli(args);
    EXPECT_EQ(r.code, 78) << args << "\n" << r.err;
    EXPECT_NE(r.err.find("deductible_factor"), std::string::npos) << args << "\n" << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << args << "\n" << r.err;
  }
  // The C API: a status and a message, no exception.
  yibao_tariff* t = nullptr;
  EXPECT_EQ(yibao_tariff_load_file(huge.c_str(), &t), YIBAO_EINVAL);
  EXPECT_NE(std::string(yibao_last_error()).find("deductible_factor"), std::string::npos) << yibao_last_error();
  EXPECT_EQ(t, nullptr);
  fs::remove_all(dir);
}

// --- the business handle returns a yibao_status -------------------------------

TEST(Issue11_Item5, BusinessHandleReturnsAStatus) {
  static_assert(std::is_same_v<decltype(yibao_business_handle(nullptr, 0, nullptr, 0, nullptr)), yibao_status>);
  std::size_t len = 0;
  const yibao_status st = yibao_business_handle(nullptr, 0, nullptr, 0, &len);
  EXPECT_EQ(st, YIBAO_EINVAL);
}

// --- the C structs grow compatibly ---------------------------------------------

// The version-1 layouts, declared apart from yibao.h: when yibao_bill_c or
// yibao_line_c grows (version 2), a program compiled with these keeps working.
struct line_v1 {
  const char* code;
  const char* name;
  int32_t item_class;
  int64_t selfpay_ratio_ppm;
  int64_t price_limit_micro;
  int64_t qty_ten_thousandths;
  int64_t price_micro;
  int64_t amount_fen;
};
struct bill_v1 {
  unsigned int version;
  const char* id;
  yibao_person_c person;
  yibao_visit_c visit;
  yibao_ytd_c ytd;
  const line_v1* lines;
  size_t line_count;
};
struct options_v1 {
  unsigned int version;
  int trace;
  int32_t as_filing;
};

TEST_F(capi_fixture, Issue11_Item5_AnOldVersionOneStructKeepsWorking) {
  const bill_structs now;
  yibao_settlement* s = nullptr;
  const yibao_status st = yibao_settle_bill(tariff_, catalog_, &now.bill, nullptr, &s);
  const std::string expected = json_of(st, s);
  ASSERT_EQ(expected.rfind("error", 0), std::string::npos) << expected;

  std::vector<line_v1> lines;
  for (const yibao_line_c& l : now.lines) {
    lines.push_back({l.code, l.name, l.item_class, l.selfpay_ratio_ppm, l.price_limit_micro, l.qty_ten_thousandths,
                     l.price_micro, l.amount_fen});
  }
  const bill_v1 old{1, now.bill.id, now.bill.person, now.bill.visit, now.bill.ytd, lines.data(), lines.size()};
  const options_v1 opts{1, 0, YIBAO_FILING_NONE};
  yibao_settlement* s1 = nullptr;
  const yibao_status st1 = yibao_settle_bill(tariff_, catalog_, reinterpret_cast<const yibao_bill_c*>(&old),
                                             reinterpret_cast<const yibao_settle_options*>(&opts), &s1);
  EXPECT_EQ(json_of(st1, s1), expected);
}

TEST_F(capi_fixture, Issue11_Item5_ANewerOrZeroStructVersionIsRefusedClearly) {
  bill_structs b;
  yibao_settlement* s = nullptr;
  b.bill.version = YIBAO_BILL_VERSION + 1;
  EXPECT_EQ(yibao_settle_bill(tariff_, catalog_, &b.bill, nullptr, &s), YIBAO_EINVAL);
  EXPECT_EQ(std::string(yibao_last_error()),
            "version: " + std::to_string(YIBAO_BILL_VERSION + 1) + " is newer than this library's YIBAO_BILL_VERSION (" +
                std::to_string(YIBAO_BILL_VERSION) + ")");
  EXPECT_EQ(s, nullptr);
  b.bill.version = 0;
  EXPECT_EQ(yibao_settle_bill(tariff_, catalog_, &b.bill, nullptr, &s), YIBAO_EINVAL);
  EXPECT_EQ(std::string(yibao_last_error()), "version: must be between 1 and YIBAO_BILL_VERSION (2), found 0");
  b.bill.version = YIBAO_BILL_VERSION;
  yibao_settle_options o = YIBAO_SETTLE_OPTIONS_INIT;
  o.version = YIBAO_SETTLE_OPTIONS_VERSION + 1;
  EXPECT_EQ(yibao_settle_bill(tariff_, catalog_, &b.bill, &o, &s), YIBAO_EINVAL);
  EXPECT_EQ(std::string(yibao_last_error()), "options.version: " + std::to_string(YIBAO_SETTLE_OPTIONS_VERSION + 1) +
                                                 " is newer than this library's YIBAO_SETTLE_OPTIONS_VERSION (1)");
}

}  // namespace
