// Per-bill overhead of the C API (include/yibao/yibao.h) against the C++
// core, on the 5-line fixture bill of tests/data/capi: what an embedding
// billing system pays per call through each entry point.
//
//   capi_core_settle          yibao::settle on a parsed bill (the floor)
//   capi_core_parse_settle    parse_bill_json + settle (the C++ JSON path)
//   capi_settle_json          yibao_settle_json + get_fen x3 + free
//   capi_settle_struct        yibao_settle_bill + get_fen x3 + free
//   capi_settle_json_to_json  yibao_settle_json + yibao_settlement_json
//   capi_business_handle      yibao_business_handle (envelope in, envelope out)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "yibao/yibao.h"
#include "yibao/yibao.hpp"

namespace {

auto fixture(const char* name) -> std::string {
  return std::string(YIBAO_SOURCE_DIR) + "/tests/data/capi/" + name;
}

auto slurp(const std::string& path) -> std::string {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "bench_capi: %s: %s\n", what, yibao_last_error());
  std::abort();
}

struct capi_inputs {
  yibao_tariff* t = nullptr;
  yibao_catalog* c = nullptr;
  std::string bill = slurp(fixture("bill.json"));
  capi_inputs() {
    if (yibao_tariff_load_file(fixture("tariff.toml").c_str(), &t) != YIBAO_OK) die("tariff");
    if (yibao_catalog_load_file(fixture("catalog.csv").c_str(), &c) != YIBAO_OK) die("catalog");
  }
  ~capi_inputs() {
    yibao_tariff_free(t);
    yibao_catalog_free(c);
  }
  capi_inputs(const capi_inputs&) = delete;
  auto operator=(const capi_inputs&) -> capi_inputs& = delete;
};

void rate(benchmark::State& state) {
  state.counters["bills/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void capi_core_settle(benchmark::State& state) {
  const auto read = [](const std::string& p) -> std::optional<std::string> { return slurp(p); };
  const std::string path = fixture("tariff.toml");
  auto t = yibao::parse_tariff(slurp(path), path, read);
  auto c = yibao::parse_catalog_csv(slurp(fixture("catalog.csv")), "catalog.csv");
  auto b = yibao::parse_bill_json(slurp(fixture("bill.json")));
  if (!t || !c || !b) die("core inputs");
  for (auto _ : state) {
    auto s = yibao::settle(t.value(), c.value(), b.value());
    benchmark::DoNotOptimize(s);
  }
  rate(state);
}
BENCHMARK(capi_core_settle);

void capi_core_parse_settle(benchmark::State& state) {
  const auto read = [](const std::string& p) -> std::optional<std::string> { return slurp(p); };
  const std::string path = fixture("tariff.toml");
  auto t = yibao::parse_tariff(slurp(path), path, read);
  auto c = yibao::parse_catalog_csv(slurp(fixture("catalog.csv")), "catalog.csv");
  const std::string json = slurp(fixture("bill.json"));
  if (!t || !c) die("core inputs");
  for (auto _ : state) {
    auto b = yibao::parse_bill_json(json);
    auto s = yibao::settle(t.value(), c.value(), b.value());
    benchmark::DoNotOptimize(s);
  }
  rate(state);
}
BENCHMARK(capi_core_parse_settle);

void read_three(const yibao_settlement* s) {
  int64_t a = 0, b = 0, c = 0;
  if (yibao_settlement_get_fen(s, "hifp_pay", &a) != YIBAO_OK || yibao_settlement_get_fen(s, "acct_pay", &b) != YIBAO_OK ||
      yibao_settlement_get_fen(s, "psn_cash_pay", &c) != YIBAO_OK) {
    die("get_fen");
  }
  benchmark::DoNotOptimize(a + b + c);
}

void capi_settle_json(benchmark::State& state) {
  const capi_inputs in;
  for (auto _ : state) {
    yibao_settlement* s = nullptr;
    if (yibao_settle_json(in.t, in.c, in.bill.data(), in.bill.size(), nullptr, &s) != YIBAO_OK) die("settle_json");
    read_three(s);
    yibao_settlement_free(s);
  }
  rate(state);
}
BENCHMARK(capi_settle_json);

void capi_settle_struct(benchmark::State& state) {
  const capi_inputs in;
  yibao_bill_c b;
  yibao_bill_init(&b);
  b.id = "B1";
  b.person.id = "P1";
  b.person.account_balance_fen = 80000;
  b.visit.type = YIBAO_VISIT_INPATIENT;
  b.visit.location = YIBAO_LOCATION_CROSS_PROVINCE;
  b.visit.filing = YIBAO_FILING_TEMPORARY;
  b.visit.date = {2025, 3, 19};
  struct spec {
    const char* code;
    int64_t qty, price, amount;
  };
  const spec specs[] = {{"X1", 100000, 120000000, 120000},
                        {"X2", 30000, 45500000, 13650},
                        {"X3", 10000, 3000000000, 300000},
                        {"X4", 20000, 350000000, 70000},
                        {"Z9", 15000, 200000000, 30000}};
  std::vector<yibao_line_c> lines;
  for (const spec& sp : specs) {
    yibao_line_c l;
    yibao_line_init(&l);
    l.code = sp.code;
    l.qty_ten_thousandths = sp.qty;
    l.price_micro = sp.price;
    l.amount_fen = sp.amount;
    lines.push_back(l);
  }
  lines.back().item_class = YIBAO_CLASS_B;
  lines.back().selfpay_ratio_ppm = 200000;
  b.lines = lines.data();
  b.line_count = lines.size();
  for (auto _ : state) {
    yibao_settlement* s = nullptr;
    if (yibao_settle_bill(in.t, in.c, &b, nullptr, &s) != YIBAO_OK) die("settle_bill");
    read_three(s);
    yibao_settlement_free(s);
  }
  rate(state);
}
BENCHMARK(capi_settle_struct);

void capi_settle_json_to_json(benchmark::State& state) {
  const capi_inputs in;
  for (auto _ : state) {
    yibao_settlement* s = nullptr;
    if (yibao_settle_json(in.t, in.c, in.bill.data(), in.bill.size(), nullptr, &s) != YIBAO_OK) die("settle_json");
    char* json = nullptr;
    if (yibao_settlement_json(s, &json, nullptr) != YIBAO_OK) die("settlement_json");
    benchmark::DoNotOptimize(json);
    yibao_free(json);
    yibao_settlement_free(s);
  }
  rate(state);
}
BENCHMARK(capi_settle_json_to_json);

void capi_business_handle(benchmark::State& state) {
  const capi_inputs in;
  if (yibao_register_tariff("bench", in.t) != YIBAO_OK || yibao_register_catalog("bench", in.c) != YIBAO_OK) {
    die("register");
  }
  const std::string req = R"({"infno":"2206","msgid":"B","input":{"tariff":"bench","catalog":"bench","bill":)" +
                          in.bill + "}}";
  std::vector<char> out(1 << 16);
  for (auto _ : state) {
    size_t len = 0;
    if (yibao_business_handle(req.data(), req.size(), out.data(), out.size(), &len) != YIBAO_OK) die("handle");
    benchmark::DoNotOptimize(out.data());
  }
  rate(state);
  yibao_registry_clear();
}
BENCHMARK(capi_business_handle);

}  // namespace
