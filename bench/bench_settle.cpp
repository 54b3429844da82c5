// Settling one 20-line bill: the cost an embedding billing system pays per call.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "yibao/yibao.hpp"

namespace {

// A tariff with the usual shape: basic fund with level deductibles and bands,
// cross-region modifiers, a critical-illness layer and medical assistance.
constexpr const char* bench_tariff = R"toml(
[tariff]
id = "bench"
name = "benchmark tariff"
place = "bench"
valid_from = 2025-01-01
valid_to = 2025-12-31
rounding = "half_up"
source = "benchmark fixture"

[catalog]
b_first_pay = "0.10"
assumed = "benchmark"

[account]
pays = "all"
schemes = ["employee"]
assumed = "benchmark"

[[rule]]
when = { visit = "inpatient" }
deductible = "800.00"
bands = [ { upto = "50000.00", ratio = "0.85" }, { ratio = "0.90" } ]
cap = "500000.00"
assumed = "benchmark"

[[rule]]
when = { visit = "inpatient", level = [0, 1] }
deductible = "300.00"
assumed = "benchmark"

[[rule]]
when = { visit = ["outpatient", "chronic"] }
deductible = "200.00"
per = "year"
bands = [ { ratio = "0.60" } ]
cap = "4000.00"
assumed = "benchmark"

[[rule]]
when = { filing = ["temporary", "unfiled"] }
add_points = -20
assumed = "benchmark"

[[rule]]
when = { filing = ["referral", "emergency"] }
add_points = -10
assumed = "benchmark"

[[rule]]
layer = "critical"
when = { scheme = "resident" }
deductible = "15000.00"
per = "year"
basis = "from_zero"
bands = [ { upto = "50000.00", ratio = "0.60" }, { ratio = "0.70" } ]
cap = "300000.00"
assumed = "benchmark"

[[rule]]
layer = "assistance"
when = { group = ["dibao", "tekun"] }
per = "year"
bands = [ { ratio = "0.70" } ]
cap = "30000.00"
assumed = "benchmark"
)toml";

// The same policy in format 2 with five named pools (issue 12's measure): the
// inpatient and outpatient pools, a quarterly 两病 pool, a monthly chronic pool
// sharing the inpatient cap, and a per-bill pool for the critical layer; the
// bill carries year-to-date totals of all five.
constexpr const char* five_pool_tariff = R"toml(
[tariff]
id = "bench5"
name = "benchmark tariff, five pools"
place = "bench"
valid_from = 2025-01-01
valid_to = 2025-12-31
rounding = "half_up"
format = 2
source = "benchmark fixture"

[catalog]
b_first_pay = "0.10"
assumed = "benchmark"

[account]
pays = "all"
schemes = ["employee"]
assumed = "benchmark"

[pool.inpatient]
period = "year"
assumed = "benchmark"
[pool.outpatient]
period = "year"
assumed = "benchmark"
[pool.two_diseases]
period = "quarter"
assumed = "benchmark"
[pool.chronic]
period = "month"
cap_with = "inpatient"
assumed = "benchmark"
[pool.critical_visit]
period = "admission"
assumed = "benchmark"

[[rule]]
when = { visit = "inpatient" }
pool = "inpatient"
deductible = "800.00"
per = "year"
bands = [ { upto = "50000.00", ratio = "0.85" }, { ratio = "0.90" } ]
cap = "500000.00"
assumed = "benchmark"

[[rule]]
when = { visit = "inpatient", level = [0, 1] }
deductible = "300.00"
assumed = "benchmark"

[[rule]]
when = { visit = ["outpatient"] }
pool = "outpatient"
deductible = "200.00"
per = "year"
bands = [ { ratio = "0.60" } ]
cap = "4000.00"
assumed = "benchmark"

[[rule]]
when = { visit = "chronic" }
pool = "chronic"
bands = [ { ratio = "0.70" } ]
cap = "500000.00"
assumed = "benchmark"

[[rule]]
when = { visit = "outpatient", holds = ["I10", "E11"] }
pool = "two_diseases"
visit_cap = "100.00"
assumed = "benchmark"

[[rule]]
when = { filing = ["temporary", "unfiled"] }
add_points = -20
assumed = "benchmark"

[[rule]]
when = { filing = ["referral", "emergency"] }
ratio_factor = "0.90"
assumed = "benchmark"

[[rule]]
layer = "critical"
pool = "critical_visit"
deductible = "15000.00"
per = "year"
basis = "from_zero"
bands = [ { upto = "50000.00", ratio = "0.60" }, { ratio = "0.70" } ]
cap = "300000.00"
visit_cap = "200000.00"
assumed = "benchmark"

[[rule]]
layer = "assistance"
when = { group = ["dibao", "tekun"] }
per = "year"
bands = [ { ratio = "0.70" } ]
cap = "30000.00"
assumed = "benchmark"
)toml";

auto load(const char* text = bench_tariff) -> yibao::tariff {
  auto t = yibao::parse_tariff(text, "bench.toml", {});
  if (!t) {
    std::fprintf(stderr, "bench tariff: %s\n", t.err().message.c_str());
    std::abort();
  }
  return std::move(t).value();
}

auto make_bill(int lines) -> yibao::bill {
  yibao::bill b;
  b.id = "B1";
  b.who.id = "P1";
  b.who.scheme_ = yibao::scheme::employee;
  b.who.account_balance = yibao::money::from_fen(80000);
  b.at.type = yibao::visit_type::inpatient;
  b.at.level = 3;
  b.at.where = yibao::location::cross_province;
  b.at.filed = yibao::filing::temporary;
  b.at.on = *yibao::parse_date("2025-06-01");
  for (int i = 0; i < lines; ++i) {
    yibao::line l;
    l.code = "ITEM" + std::to_string(i);
    l.cls = static_cast<yibao::item_class>(i % 3);
    if (i % 5 == 0) l.price_limit = yibao::price{80'000'000};
    l.qty = yibao::quantity{(1 + i % 4) * 10'000};
    l.unit_price = yibao::price{(50 + 37 * i) * 1'000'000LL};
    l.amount = yibao::extend(l.qty, l.unit_price, yibao::rounding::half_up);
    b.lines.push_back(l);
  }
  return b;
}

void settle_one_bill(benchmark::State& state) {
  const yibao::tariff t = load();
  const yibao::catalog c;
  const yibao::bill b = make_bill(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto s = yibao::settle(t, c, b);
    benchmark::DoNotOptimize(s);
  }
  state.counters["bills/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["lines/s"] = benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(settle_one_bill)->Arg(20);

// The same bill under five pools, with year-to-date totals of each (the
// inpatient pool's in the current year, the others' of earlier periods).
void settle_one_bill_five_pools(benchmark::State& state) {
  const yibao::tariff t = load(five_pool_tariff);
  const yibao::catalog c;
  yibao::bill b = make_bill(static_cast<int>(state.range(0)));
  const yibao::date year{2025, 1, 1};
  const yibao::date april{2025, 4, 1};
  for (const char* name : {"inpatient", "outpatient", "two_diseases", "chronic", "critical_visit"}) {
    b.totals.pools.push_back(yibao::pool_total{name, std::string_view{name} == "inpatient" ? year : april,
                                               yibao::money::from_fen(30000), yibao::money::from_fen(120000),
                                               yibao::money::from_fen(200000)});
  }
  for (auto _ : state) {
    auto s = yibao::settle(t, c, b);
    benchmark::DoNotOptimize(s);
  }
  state.counters["bills/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(settle_one_bill_five_pools)->Arg(20);

void settle_one_bill_traced(benchmark::State& state) {
  const yibao::tariff t = load();
  const yibao::catalog c;
  const yibao::bill b = make_bill(static_cast<int>(state.range(0)));
  const yibao::settle_options traced{true, std::nullopt};
  for (auto _ : state) {
    auto s = yibao::settle(t, c, b, traced);
    benchmark::DoNotOptimize(s);
  }
  state.counters["bills/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(settle_one_bill_traced)->Arg(20);

}  // namespace

BENCHMARK_MAIN();
