// Bulk simulation: the settlement core over many generated bills (against a
// plain loop summing line amounts), and `simulate` end to end from JSON Lines
// and CSV with 1 and 2 threads.
//
// The inputs: YIBAO_BENCH_JSONL / YIBAO_BENCH_CSV (a bills CSV; its lines file
// is X.lines.csv) name generated files (bench/run.sh makes 1,000,000 bills);
// without them a small population is generated in memory.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "yibao/simulate.hpp"
#include "yibao/yibao.hpp"

namespace {

auto slurp(const std::string& path) -> std::string {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

auto bench_tariff() -> const yibao::tariff& {
  static const yibao::tariff t = [] {
    const std::string path = std::string{YIBAO_SOURCE_DIR} + "/tests/data/bulk/tariff.toml";
    auto loaded = yibao::parse_tariff(slurp(path), path, {});
    if (!loaded) {
      std::fprintf(stderr, "bench tariff: %s\n", loaded.err().message.c_str());
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return t;
}

auto generated(std::uint64_t people, yibao::sim::input_format f) -> std::pair<std::string, std::string> {
  yibao::sim::generate_options g;
  g.people = people;
  g.seed = 1;
  g.format = f;
  return yibao::sim::generate_text(g);
}

// 100,000 generated bills, parsed once, for the core benchmarks.
auto core_bills() -> const std::vector<yibao::bill>& {
  static const std::vector<yibao::bill> bills = [] {
    std::vector<yibao::bill> out;
    const auto [jsonl, unused] = generated(13'700, yibao::sim::input_format::jsonl);
    for (std::size_t p = 0; p < jsonl.size();) {
      const std::size_t nl = jsonl.find('\n', p);
      auto b = yibao::parse_bill_json(std::string_view{jsonl}.substr(p, nl - p), false);
      if (b) out.push_back(std::move(b).value());
      p = nl + 1;
    }
    return out;
  }();
  return bills;
}

void rates(benchmark::State& state, std::uint64_t bills, std::uint64_t lines, std::uint64_t bytes = 0) {
  state.counters["bills/s"] = benchmark::Counter(static_cast<double>(bills), benchmark::Counter::kIsRate);
  state.counters["lines/s"] = benchmark::Counter(static_cast<double>(lines), benchmark::Counter::kIsRate);
  if (bytes > 0) {
    state.counters["MB/s"] = benchmark::Counter(static_cast<double>(bytes) / 1e6, benchmark::Counter::kIsRate);
  }
}

// The settlement core alone: each bill from a zero ytd, no trace, one thread.
void core_settle(benchmark::State& state) {
  const auto& bills = core_bills();
  const yibao::catalog c;
  std::uint64_t n = 0, lines = 0;
  for (auto _ : state) {
    for (const yibao::bill& b : bills) {
      auto s = yibao::settle(bench_tariff(), c, b, yibao::ytd{});
      benchmark::DoNotOptimize(s);
      lines += b.lines.size();
    }
    n += bills.size();
  }
  rates(state, n, lines);
}
BENCHMARK(core_settle)->Unit(benchmark::kMillisecond);

// The floor: a plain loop summing the line amounts of the same bills.
void core_plain_sum(benchmark::State& state) {
  const auto& bills = core_bills();
  std::uint64_t n = 0, lines = 0;
  for (auto _ : state) {
    std::int64_t total = 0;
    for (const yibao::bill& b : bills) {
      for (const yibao::line& l : b.lines) total += l.amount.fen();
      lines += b.lines.size();
    }
    benchmark::DoNotOptimize(total);
    n += bills.size();
  }
  rates(state, n, lines);
}
BENCHMARK(core_plain_sum)->Unit(benchmark::kMillisecond);

// A reader over a file (or over an in-memory string when no file is named).
auto file_reader(const std::string& path) -> yibao::sim::read_fn {
  std::shared_ptr<std::FILE> f{std::fopen(path.c_str(), "rb"), [](std::FILE* p) {
                                 if (p != nullptr) std::fclose(p);
                               }};
  return [f](char* buf, std::size_t cap) -> std::ptrdiff_t {
    if (!f) return -1;
    return static_cast<std::ptrdiff_t>(std::fread(buf, 1, cap, f.get()));
  };
}
auto string_reader(const std::string* text) -> yibao::sim::read_fn {
  auto pos = std::make_shared<std::size_t>(0);
  return [text, pos](char* buf, std::size_t cap) -> std::ptrdiff_t {
    const std::size_t n = std::min(cap, text->size() - *pos);
    std::memcpy(buf, text->data() + *pos, n);
    *pos += n;
    return static_cast<std::ptrdiff_t>(n);
  };
}

auto make_input(yibao::sim::input_format f) -> yibao::sim::input {
  yibao::sim::input in;
  in.format = f;
  const char* env = std::getenv(f == yibao::sim::input_format::jsonl ? "YIBAO_BENCH_JSONL" : "YIBAO_BENCH_CSV");
  if (env != nullptr && *env != '\0') {
    in.name = env;
    in.read = file_reader(env);
    std::error_code ec;
    in.size = std::filesystem::file_size(env, ec);
    if (f == yibao::sim::input_format::csv) {
      std::string lines{env};
      lines = lines.substr(0, lines.size() - 4) + ".lines.csv";
      in.lines_name = lines;
      in.read_lines = file_reader(lines);
      in.size += std::filesystem::file_size(lines, ec);
    }
    return in;
  }
  static const auto jsonl = generated(20'000, yibao::sim::input_format::jsonl);
  static const auto csv = generated(20'000, yibao::sim::input_format::csv);
  const auto& src = f == yibao::sim::input_format::jsonl ? jsonl : csv;
  in.name = "generated";
  in.read = string_reader(&src.first);
  in.size = src.first.size() + src.second.size();
  if (f == yibao::sim::input_format::csv) {
    in.lines_name = "generated.lines";
    in.read_lines = string_reader(&src.second);
  }
  return in;
}

// simulate end to end: read, parse, order, settle with ytd carry, summarise
// (no per-bill output).
void simulate_end_to_end(benchmark::State& state, yibao::sim::input_format f) {
  const yibao::catalog c;
  std::uint64_t bills = 0, lines = 0, bytes = 0;
  for (auto _ : state) {
    yibao::sim::options o;
    o.threads = static_cast<unsigned>(state.range(0));
    auto r = yibao::sim::run(bench_tariff(), c, {make_input(f)}, o);
    if (!r) {
      state.SkipWithError(r.err().message.c_str());
      return;
    }
    bills += r.value().bills_read;
    lines += r.value().base.all.lines;
    bytes += r.value().bytes_read;
  }
  rates(state, bills, lines, bytes);
}
void simulate_jsonl(benchmark::State& state) { simulate_end_to_end(state, yibao::sim::input_format::jsonl); }
void simulate_csv(benchmark::State& state) { simulate_end_to_end(state, yibao::sim::input_format::csv); }
BENCHMARK(simulate_jsonl)->Arg(1)->Arg(2)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);
BENCHMARK(simulate_csv)->Arg(1)->Arg(2)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace
