// Reading bills from JSON: parse_bill_json (the single-pass fast path, with
// the full reader behind it) against the full reader on simdjson alone, on
// the same generated bills as the bulk benchmarks (one JSON Lines row each).
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "formats/bill_json.hpp"
#include "yibao/simulate.hpp"

namespace {

auto rows() -> const std::vector<std::string>& {
  static const std::vector<std::string> out = [] {
    yibao::sim::generate_options g;
    g.people = 2'000;
    g.seed = 1;
    g.format = yibao::sim::input_format::jsonl;
    const std::string text = yibao::sim::generate_text(g).first;
    std::vector<std::string> rows;
    for (std::size_t p = 0; p < text.size();) {
      const std::size_t nl = text.find('\n', p);
      rows.push_back(text.substr(p, nl - p));
      p = nl + 1;
    }
    return rows;
  }();
  return out;
}

template <typename Parse>
void parse_rows(benchmark::State& state, Parse parse) {
  std::uint64_t bills = 0, bytes = 0, lines = 0;
  for (auto _ : state) {
    for (const std::string& row : rows()) {
      auto b = parse(row);
      if (!b) {
        state.SkipWithError(b.err().message.c_str());
        return;
      }
      lines += b.value().lines.size();
      bytes += row.size();
      benchmark::DoNotOptimize(b);
    }
    bills += rows().size();
  }
  state.counters["bills/s"] = benchmark::Counter(static_cast<double>(bills), benchmark::Counter::kIsRate);
  state.counters["lines/s"] = benchmark::Counter(static_cast<double>(lines), benchmark::Counter::kIsRate);
  state.counters["MB/s"] = benchmark::Counter(static_cast<double>(bytes) / 1e6, benchmark::Counter::kIsRate);
}

void parse_bill(benchmark::State& state) {
  parse_rows(state, [](std::string_view row) { return yibao::parse_bill_json(row, false); });
}
BENCHMARK(parse_bill)->Unit(benchmark::kMillisecond);

void parse_bill_full_reader(benchmark::State& state) {
  parse_rows(state, [](std::string_view row) { return yibao::io::parse_bill_json_full(row, false); });
}
BENCHMARK(parse_bill_full_reader)->Unit(benchmark::kMillisecond);

}  // namespace
