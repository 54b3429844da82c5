// yibao simulate --sort: the external merge sort (src/cli/sim_sort.cpp) and
// the sorted stream through yibao::sim::run.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "cli/sim_sort.hpp"
#include "sim_fixture.hpp"

namespace {

using namespace sim_test;
using yibao::cli::sorted_jsonl;
using yibao::sim::input_format;
using yibao::sim::output_format;
namespace fs = std::filesystem;

auto options_for(const yibao::tariff& t, const yibao::catalog& c) -> yibao::sim::options {
  yibao::sim::options o;
  o.base = &t;
  o.items = &c;
  o.threads = 2;
  o.batch_bills = 97;
  o.out = output_format::csv;
  return o;
}

auto split_lines(const std::string& text) -> std::vector<std::string> {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

auto join(const std::vector<std::string>& lines) -> std::string {
  std::string out;
  for (const std::string& l : lines) out += l + '\n';
  return out;
}

auto key_of(const std::string& line) -> std::pair<std::string, std::string> {
  std::string_view p, d;
  EXPECT_TRUE(yibao::cli::sort_key_of(line, p, d)) << line;
  return {std::string{p}, std::string{d}};
}

// Shuffles the bills, keeping the relative order of one person's bills of
// the same day (their input order is their order: the sort keeps it).
auto shuffled(const std::string& grouped, unsigned seed) -> std::string {
  const std::vector<std::string> lines = split_lines(grouped);
  std::vector<std::size_t> perm(lines.size());
  for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = i;
  std::mt19937 rng{seed};
  std::shuffle(perm.begin(), perm.end(), rng);
  // perm[pos] = original index placed at pos; restore same-key order.
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> positions;
  for (std::size_t pos = 0; pos < perm.size(); ++pos) positions[key_of(lines[perm[pos]])].push_back(pos);
  for (auto& [key, pos] : positions) {
    std::vector<std::size_t> originals;
    for (const std::size_t p : pos) originals.push_back(perm[p]);
    std::sort(originals.begin(), originals.end());
    for (std::size_t k = 0; k < pos.size(); ++k) perm[pos[k]] = originals[k];
  }
  std::vector<std::string> out;
  for (const std::size_t i : perm) out.push_back(lines[i]);
  return join(out);
}

// The per-bill CSV without its first column (source file:line).
auto without_source(const std::string& csv) -> std::string {
  std::string out;
  for (const std::string& l : split_lines(csv)) out += l.substr(l.find(',') + 1) + '\n';
  return out;
}

auto sorted_run(const yibao::sim::options& o, sorted_jsonl& sorter, const std::vector<yibao::sim::input>& inputs)
    -> captured {
  const auto why = sorter.prepare(inputs);
  if (why) throw std::runtime_error("sort: " + *why);
  return simulate(o, {sorter.input()});
}

auto scratch_dir(const std::string& name) -> fs::path {
  const fs::path dir = fs::temp_directory_path() / ("yibao-sort-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(simulate_sort, key_is_person_id_and_visit_date) {
  std::string_view p, d;
  ASSERT_TRUE(yibao::cli::sort_key_of(
      R"({"id":"B1","lines":[{"x":"}"}],"visit":{"type":"a","date":"2025-01-02"},"person":{"scheme":{"id":"no"},"id":"P\"7"}})",
      p, d));
  EXPECT_EQ(p, R"(P\"7)");
  EXPECT_EQ(d, "2025-01-02");
  EXPECT_FALSE(yibao::cli::sort_key_of(R"({"id":"B1","person":{"id":"P1"},"visit":{"type":"o)", p, d));
  EXPECT_FALSE(yibao::cli::sort_key_of(R"({"person":{"id":"P1"}})", p, d));
  EXPECT_FALSE(yibao::cli::sort_key_of(R"({"person":{"id":7},"visit":{"date":"2025-01-01"}})", p, d));
  EXPECT_FALSE(yibao::cli::sort_key_of("not json", p, d));
}

TEST(simulate_sort, shuffled_input_sorted_in_memory_gives_the_grouped_result) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const auto [grouped, unused] = generated(300, 21, input_format::jsonl, 2);
  const std::string mixed = shuffled(grouped, 1);
  ASSERT_NE(mixed, grouped);
  const auto o = options_for(t, c);
  const captured want = simulate(o, {jsonl_input(grouped, "grouped.jsonl")});
  ASSERT_EQ(want.sum.rejected, 0U) << want.rejects;

  // Unsorted, the shuffled input is mostly rejected.
  EXPECT_GT(simulate(o, {jsonl_input(mixed, "mixed.jsonl")}).sum.rejected, 0U);

  sorted_jsonl sorter{fs::temp_directory_path(), std::size_t{256} << 20};
  const captured got = sorted_run(o, sorter, {jsonl_input(mixed, "mixed.jsonl")});
  EXPECT_EQ(sorter.stats().runs, 1U);
  EXPECT_EQ(sorter.stats().run_files, 0U);  // it all fit: no temporary file
  EXPECT_EQ(sorter.stats().records, split_lines(grouped).size());
  EXPECT_EQ(got.sum.rejected, 0U) << got.rejects;
  EXPECT_EQ(yibao::sim::to_json(got.sum), yibao::sim::to_json(want.sum));
  EXPECT_EQ(without_source(got.out), without_source(want.out));
  EXPECT_NE(got.out.find("mixed.jsonl:"), std::string::npos);  // the source is the original file
}

TEST(simulate_sort, a_small_budget_makes_several_runs_and_the_same_result) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const auto [grouped, unused] = generated(200, 8, input_format::jsonl, 2);
  const std::string mixed = shuffled(grouped, 2);
  // Two inputs: the sort merges across files, and keeps each file's name.
  const std::size_t half = mixed.find('\n', mixed.size() / 2) + 1;
  const auto o = options_for(t, c);
  const captured want = simulate(o, {jsonl_input(grouped)});

  const fs::path tmp = scratch_dir("budget");
  const std::size_t budget = 16 << 10;
  fs::path dir;
  {
    sorted_jsonl sorter{tmp, budget, /*fan_in=*/4};  // 4: merge passes too
    const captured got = sorted_run(o, sorter, {jsonl_input(mixed.substr(0, half), "a.jsonl"),
                                                jsonl_input(mixed.substr(half), "b.jsonl")});
    const auto& st = sorter.stats();
    // The budget is honoured: no chunk above it, so at least size/budget runs.
    EXPECT_LE(st.max_chunk_bytes, budget);
    EXPECT_GE(st.runs, mixed.size() / budget);
    EXPECT_GT(st.runs, 4U);
    EXPECT_GT(st.run_files, st.runs);  // the intermediate merge passes wrote runs too
    dir = sorter.dir();
    EXPECT_TRUE(fs::exists(dir));
    EXPECT_EQ(got.sum.rejected, 0U) << got.rejects;
    EXPECT_EQ(yibao::sim::to_json(got.sum), yibao::sim::to_json(want.sum));
    EXPECT_EQ(without_source(got.out), without_source(want.out));
    EXPECT_NE(got.out.find("a.jsonl:"), std::string::npos);
    EXPECT_NE(got.out.find("b.jsonl:"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(dir));  // the run files are gone
  EXPECT_TRUE(fs::is_empty(tmp));
  fs::remove_all(tmp);
}

TEST(simulate_sort, rejects_name_the_original_file_and_line) {
  const auto t = load_tariff();
  const yibao::catalog c;
  auto o = options_for(t, c);
  sorted_jsonl sorter{fs::temp_directory_path(), 600};  // a few bills per run
  const captured got = sorted_run(o, sorter, {jsonl_input(slurp(data_path("bad.jsonl")), "bad.jsonl")});
  EXPECT_GT(sorter.stats().runs, 3U);
  const std::string& r = got.rejects;
  // As unsorted (simulate_test.cpp), by original line; B7 and B9 are now in order.
  EXPECT_NE(r.find("bad.jsonl,2,,,truncated JSON"), std::string::npos) << r;
  EXPECT_NE(r.find("bad.jsonl,3,,,\"lines[0].amount: invalid decimal \"\"300.001\"\": too many decimals"),
            std::string::npos);
  EXPECT_NE(r.find("bad.jsonl,4,B4,P1,lines[0].code: item NOPE is not in the catalog"), std::string::npos);
  EXPECT_NE(r.find("bad.jsonl,10,,,ytd"), std::string::npos);
  EXPECT_NE(r.find("bad.jsonl,11,,,\"lines[0].amount: expected a decimal string, found a number\""),
            std::string::npos);
  EXPECT_NE(r.find("bad.jsonl,12,B12,P3,visit.date: 2024-05-01 is outside the validity of tariff bulk-test"),
            std::string::npos);
  EXPECT_NE(r.find("bad.jsonl,13,,,\"visit.type: unknown value \"\"dental\"\""), std::string::npos);
  EXPECT_EQ(r.find("out of order"), std::string::npos) << r;
  EXPECT_EQ(got.sum.rejected, 7U) << r;
  EXPECT_EQ(got.sum.settled, 6U);
  // The line without a key keeps its place at the front.
  EXPECT_EQ(r.find("bad.jsonl,2,"), r.find('\n') + 1) << r;
  EXPECT_NE(got.out.find("bad.jsonl:9,"), std::string::npos) << got.out;  // B9, settled
}

TEST(simulate_sort, a_read_error_removes_the_run_files) {
  const auto [grouped, unused] = generated(50, 3, input_format::jsonl);
  yibao::sim::input in = jsonl_input(grouped, "x.jsonl");
  auto inner = in.read;
  auto calls = std::make_shared<int>(0);
  in.read = [inner, calls](char* buf, std::size_t cap) -> std::ptrdiff_t {
    return ++*calls > 3 ? -1 : inner(buf, std::min<std::size_t>(cap, 4096));
  };
  const fs::path tmp = scratch_dir("error");
  fs::path dir;
  {
    sorted_jsonl sorter{tmp, 2048};
    const auto why = sorter.prepare({in});
    ASSERT_TRUE(why.has_value());
    EXPECT_EQ(*why, "cannot read x.jsonl");
    dir = sorter.dir();
    EXPECT_FALSE(dir.empty());
  }
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_TRUE(fs::is_empty(tmp));
  fs::remove_all(tmp);
}

TEST(simulate_sort, cli_sort_flag) {
  const auto [grouped, unused] = generated(120, 4, input_format::jsonl);
  const fs::path dir = scratch_dir("cli");
  const fs::path tmp = dir / "tmp";
  fs::create_directories(tmp);
  std::ofstream(dir / "grouped.jsonl", std::ios::binary) << grouped;
  std::ofstream(dir / "mixed.jsonl", std::ios::binary) << shuffled(grouped, 3);
  const std::string base = std::string{YIBAO_CLI} + " simulate --json --progress never --tariff " +
                           data_path("tariff.toml") + " ";
  ASSERT_EQ(std::system((base + (dir / "grouped.jsonl").string() + " --out " + (dir / "a.csv").string() + " > " +
                         (dir / "a.json").string())
                            .c_str()),
            0);
  ASSERT_EQ(std::system((base + "--sort --sort-memory 1 --tmp " + tmp.string() + " " + (dir / "mixed.jsonl").string() +
                         " --out " + (dir / "b.csv").string() + " > " + (dir / "b.json").string())
                            .c_str()),
            0);
  const std::string a = slurp((dir / "a.json").string()), b = slurp((dir / "b.json").string());
  EXPECT_EQ(a, b);
  EXPECT_EQ(without_source(slurp((dir / "a.csv").string())), without_source(slurp((dir / "b.csv").string())));
  EXPECT_TRUE(fs::is_empty(tmp));
  // CSV input is not sorted.
  EXPECT_NE(std::system((base + "--sort " + data_path("header.csv") + " 2>/dev/null").c_str()), 0);
  fs::remove_all(dir);
}

}  // namespace
