// The golden cases (tests/golden/*.json) through the C API: every case settled with
// yibao_settle_json (the case's "filing" override passed as yibao_settle_options.as_filing)
// gives byte for byte the JSON of yibao::to_json of the C++ settlement (yibao::settle with
// settle_options.as_filing), and yibao_settlement_get_fen / get_bool read the same values.
// The concurrency test settles every case from 8 threads on shared loaded tariffs and
// catalogs and must reproduce the serial results (its name matches the tsan preset's
// "concurren" filter).
//
// golden_test.cpp keeps its loading helpers in an anonymous namespace, so this file has
// its own small loader.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "yibao/yibao.h"
#include "concurrency.hpp"
#include "test_files.hpp"
#include "yibao/yibao.hpp"

namespace {

namespace fs = std::filesystem;

using yibao_test::golden_files;
using yibao_test::read_text;
using yibao_test::source_dir;

/// One golden case, as far as settling it goes.
struct golden {
  std::string file;
  std::string tariff;                 ///< relative to the source dir
  std::optional<std::string> catalog;  ///< relative to the source dir
  std::optional<std::string> filing;   ///< the case's "filing" override
  std::string bill;                   ///< minified bill JSON
};


auto load_case(const std::string& file) -> std::optional<golden> {
  const auto text = read_text(source_dir / "tests" / "golden" / file);
  if (!text) return std::nullopt;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(*text).get(doc) != simdjson::SUCCESS) return std::nullopt;
  golden g;
  g.file = file;
  std::string_view v;
  if (doc["tariff"].get(v) != simdjson::SUCCESS) return std::nullopt;
  g.tariff = std::string(v);
  if (doc["catalog"].get(v) == simdjson::SUCCESS) g.catalog = std::string(v);
  if (doc["filing"].get(v) == simdjson::SUCCESS) g.filing = std::string(v);
  simdjson::dom::element bill;
  if (doc["bill"].get(bill) != simdjson::SUCCESS) return std::nullopt;
  g.bill = simdjson::minify(bill);
  return g;
}

auto c_filing(const std::optional<std::string>& f) -> int32_t {
  if (!f) return YIBAO_FILING_NONE;
  if (*f == "long_term") return YIBAO_FILING_LONG_TERM;
  if (*f == "temporary") return YIBAO_FILING_TEMPORARY;
  if (*f == "referral") return YIBAO_FILING_REFERRAL;
  if (*f == "emergency") return YIBAO_FILING_EMERGENCY;
  if (*f == "unfiled") return YIBAO_FILING_UNFILED;
  return -2;  // unknown: the test fails on it
}

/// The C++ path: parse_tariff (extends read from disk), parse_catalog_csv, parse_bill_json,
/// settle, to_json. "error: ..." on failure.
auto cpp_settle(const golden& g, yibao::settlement* out = nullptr) -> std::string {
  const fs::path tp = source_dir / g.tariff;
  const auto ttext = read_text(tp);
  if (!ttext) return "error: cannot read " + tp.string();
  auto t = yibao::parse_tariff(*ttext, tp.generic_string(), [](const std::string& p) { return read_text(p); });
  if (!t.ok()) return "error: tariff: " + t.err().message;
  yibao::catalog cat;
  if (g.catalog) {
    const auto csv = read_text(source_dir / *g.catalog);
    if (!csv) return "error: cannot read " + *g.catalog;
    auto c = yibao::parse_catalog_csv(*csv, *g.catalog);
    if (!c.ok()) return "error: catalog: " + c.err().message;
    cat = std::move(c).value();
  }
  yibao::settle_options opts;
  if (g.filing) {
    opts.as_filing = yibao::parse_filing(*g.filing);
    if (!opts.as_filing) return "error: unknown filing " + *g.filing;
  }
  auto b = yibao::parse_bill_json(g.bill);
  if (!b.ok()) return "error: bill: " + b.err().message;
  auto s = yibao::settle(t.value(), cat, b.value(), opts);
  if (!s.ok()) return "error: settle: " + s.err().message;
  if (out != nullptr) *out = s.value();
  return yibao::to_json(s.value());
}

/// The C API path on loaded handles; "error: ..." on failure. With `keep`, the settlement
/// is handed back (to read fields) instead of freed.
auto capi_settle(const yibao_tariff* t, const yibao_catalog* c, const golden& g,
                 yibao_settlement** keep = nullptr) -> std::string {
  yibao_settle_options opts = YIBAO_SETTLE_OPTIONS_INIT;
  opts.as_filing = c_filing(g.filing);
  yibao_settlement* s = nullptr;
  const yibao_status st = yibao_settle_json(t, c, g.bill.data(), g.bill.size(), &opts, &s);
  if (st != YIBAO_OK) return std::string("error: ") + yibao_status_name(st) + ": " + yibao_last_error();
  char* json = nullptr;
  size_t len = 0;
  const yibao_status js = yibao_settlement_json(s, &json, &len);
  std::string out = js == YIBAO_OK && json != nullptr ? std::string(json, len) : "error: yibao_settlement_json";
  yibao_free(json);
  if (keep != nullptr) {
    *keep = s;
  } else {
    yibao_settlement_free(s);
  }
  return out;
}

struct capi_tariff_deleter {
  void operator()(yibao_tariff* t) const { yibao_tariff_free(t); }
};
struct capi_catalog_deleter {
  void operator()(yibao_catalog* c) const { yibao_catalog_free(c); }
};
using tariff_ptr = std::unique_ptr<yibao_tariff, capi_tariff_deleter>;
using catalog_ptr = std::unique_ptr<yibao_catalog, capi_catalog_deleter>;

auto capi_tariff(const std::string& rel) -> tariff_ptr {
  yibao_tariff* t = nullptr;
  if (yibao_tariff_load_file((source_dir / rel).string().c_str(), &t) != YIBAO_OK) return nullptr;
  return tariff_ptr(t);
}
auto capi_catalog(const std::string& rel) -> catalog_ptr {
  yibao_catalog* c = nullptr;
  if (yibao_catalog_load_file((source_dir / rel).string().c_str(), &c) != YIBAO_OK) return nullptr;
  return catalog_ptr(c);
}

class capi_golden_case : public testing::TestWithParam<std::string> {};

TEST_P(capi_golden_case, settle_json_equals_cpp_settle) {
  const auto g = load_case(GetParam());
  ASSERT_TRUE(g) << GetParam() << ": cannot read tariff, bill or file";
  SCOPED_TRACE(GetParam() + (g->filing ? " (as " + *g->filing + ")" : std::string()));

  yibao::settlement cs;
  const std::string want = cpp_settle(*g, &cs);
  ASSERT_EQ(want.rfind("error", 0), std::string::npos) << want;

  const tariff_ptr t = capi_tariff(g->tariff);
  ASSERT_TRUE(t) << g->tariff << ": " << yibao_last_error();
  catalog_ptr c;
  if (g->catalog) {
    c = capi_catalog(*g->catalog);
    ASSERT_TRUE(c) << *g->catalog << ": " << yibao_last_error();
  }
  ASSERT_NE(c_filing(g->filing), -2) << "unknown filing " << *g->filing;

  yibao_settlement* s = nullptr;
  const std::string got = capi_settle(t.get(), c.get(), *g, &s);
  ASSERT_NE(s, nullptr) << got;
  EXPECT_EQ(got, want) << "yibao_settlement_json differs from yibao::to_json";

  for (const yibao::settlement_field& f : yibao::settlement_fields) {
    const std::string name{f.name};
    int64_t fen = -1;
    ASSERT_EQ(yibao_settlement_get_fen(s, name.c_str(), &fen), YIBAO_OK) << name << ": " << yibao_last_error();
    EXPECT_EQ(fen, (cs.*f.member).fen()) << name;
  }
  for (const yibao::ytd_field& f : yibao::ytd_fields) {
    const std::string name = "ytd." + std::string{f.name};
    int64_t fen = -1;
    ASSERT_EQ(yibao_settlement_get_fen(s, name.c_str(), &fen), YIBAO_OK) << name << ": " << yibao_last_error();
    EXPECT_EQ(fen, (cs.ytd_after.*f.member).fen()) << name;
  }
  int flag = -1;
  ASSERT_EQ(yibao_settlement_get_bool(s, "eligible", &flag), YIBAO_OK);
  EXPECT_EQ(flag != 0, cs.eligible) << "eligible";
  ASSERT_EQ(yibao_settlement_get_bool(s, "direct", &flag), YIBAO_OK);
  EXPECT_EQ(flag != 0, cs.direct) << "direct";
  yibao_settlement_free(s);
}

// The full name "capi_golden/capi_golden_case.<test>/<case>" matches --gtest_filter='capi_golden*'.
INSTANTIATE_TEST_SUITE_P(capi_golden, capi_golden_case, testing::ValuesIn(golden_files()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = fs::path(info.param).stem().string();
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(capi_golden, every_case_is_covered) {
  EXPECT_GE(golden_files().size(), 40U);
  int with_filing = 0;
  for (const std::string& f : golden_files()) {
    const auto g = load_case(f);
    ASSERT_TRUE(g) << f;
    with_filing += g->filing ? 1 : 0;
  }
  // The override path (yibao_settle_options.as_filing) is exercised by some case.
  EXPECT_GE(with_filing, 1);
}

// Every golden case, from 8 threads, 20 rounds, on one set of loaded tariffs and catalogs
// shared by all threads: each result equals the serial one (and the C++ API's).
TEST(capi_concurrency, golden_cases_from_8_threads) {
  constexpr int thread_count = 8;
  constexpr int rounds = 20;

  std::vector<golden> cases;
  for (const std::string& f : golden_files()) {
    auto g = load_case(f);
    ASSERT_TRUE(g) << f;
    cases.push_back(std::move(*g));
  }
  ASSERT_GE(cases.size(), 40U);

  std::map<std::string, tariff_ptr> tariffs;
  std::map<std::string, catalog_ptr> catalogs;
  std::vector<std::pair<const yibao_tariff*, const yibao_catalog*>> handles;
  for (const golden& g : cases) {
    auto& t = tariffs[g.tariff];
    if (!t) {
      t = capi_tariff(g.tariff);
      ASSERT_TRUE(t) << g.tariff << ": " << yibao_last_error();
    }
    const yibao_catalog* c = nullptr;
    if (g.catalog) {
      auto& cp = catalogs[*g.catalog];
      if (!cp) {
        cp = capi_catalog(*g.catalog);
        ASSERT_TRUE(cp) << *g.catalog << ": " << yibao_last_error();
      }
      c = cp.get();
    }
    handles.emplace_back(t.get(), c);
  }

  std::vector<std::string> serial;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    serial.push_back(capi_settle(handles[i].first, handles[i].second, cases[i]));
    EXPECT_EQ(serial.back(), cpp_settle(cases[i])) << cases[i].file;
  }

  const auto got = yibao_test::hammer(thread_count, rounds, cases.size(), [&](std::size_t j) {
    return capi_settle(handles[j].first, handles[j].second, cases[j]) == serial[j];
  });
  EXPECT_EQ(got.mismatches, 0);
  EXPECT_EQ(got.calls, thread_count * rounds * static_cast<int>(cases.size()));
}

}  // namespace
