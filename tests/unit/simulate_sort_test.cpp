// yibao simulate --sort: the external merge sort (src/sim/sort.cpp,
// sort_csv.cpp) and the sorted stream through yibao::sim::run.
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include <fmt/format.h>

#include "sim/sort.hpp"
#include "sim_fixture.hpp"

namespace {

using sim_test::options_for;

using namespace sim_test;
using yibao::sim::sorted_input;
using yibao::sim::input_format;
using yibao::sim::output_format;
namespace fs = std::filesystem;

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
  EXPECT_TRUE(yibao::sim::sort_key_of(line, p, d)) << line;
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

// Sorts `inputs` and simulates the sorted stream as `yibao simulate --sort` does.
auto sorted_run(const yibao::tariff& t, const yibao::catalog& c, yibao::sim::options o, sorted_input& sorter,
                const std::vector<yibao::sim::input>& inputs) -> captured {
  if (const auto why = sorter.prepare(inputs)) throw std::runtime_error("sort: " + why->message);
  return capture(std::move(o),
                 [&](const yibao::sim::options& opts) { return yibao::sim::run_sorted(t, c, sorter, opts); });
}

// CSV pairs (bills, lines) with the bill rows of `bills` shuffled as
// `shuffled` does and cut into `parts` files; the line rows follow their
// bills (the lines file lists the bills in the bills file's order).
auto shuffled_csv(const std::string& bills, const std::string& lines, unsigned seed, std::size_t parts = 1)
    -> std::vector<std::pair<std::string, std::string>> {
  const std::vector<std::string> rows = split_lines(bills);
  // Generated rows are unquoted: bill_id is cell 0, person_id cell 1, date cell 12.
  auto cell = [](const std::string& row, int k) {
    std::size_t b = 0;
    for (int i = 0; i < k; ++i) b = row.find(',', b) + 1;
    return row.substr(b, row.find(',', b) - b);
  };
  EXPECT_EQ(cell(rows[0], 12), "date");
  // `shuffled` keys JSON Lines records: give each row a stand-in record.
  std::string records;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    records += R"({"n":)" + std::to_string(i) + R"(,"person":{"id":")" + cell(rows[i], 1) + R"("},"visit":{"date":")" +
               cell(rows[i], 12) + "\"}}\n";
  }
  std::map<std::string, std::vector<std::string>> rows_of;
  const std::vector<std::string> line_rows = split_lines(lines);
  for (std::size_t i = 1; i < line_rows.size(); ++i) rows_of[cell(line_rows[i], 0)].push_back(line_rows[i]);
  const std::vector<std::string> order = split_lines(shuffled(records, seed));
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k * parts / order.size() == out.size()) out.emplace_back(rows[0] + '\n', line_rows[0] + '\n');
    const std::string& row = rows[std::stoul(order[k].substr(5))];
    out.back().first += row + '\n';
    for (const std::string& l : rows_of[cell(row, 0)]) out.back().second += l + '\n';
  }
  return out;
}

// The lines of `text` but those holding `skip`, sorted.
auto sorted_lines(const std::string& text, const std::string& skip = "\x01") -> std::vector<std::string> {
  std::vector<std::string> out;
  for (const std::string& l : split_lines(text)) {
    if (l.find(skip) == std::string::npos) out.push_back(l);
  }
  std::sort(out.begin(), out.end());
  return out;
}

auto scratch_dir(const std::string& name) -> fs::path {
  const fs::path dir = fs::temp_directory_path() / ("yibao-sort-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(simulate_sort, key_is_person_id_and_visit_date) {
  std::string_view p, d;
  ASSERT_TRUE(yibao::sim::sort_key_of(
      R"({"id":"B1","lines":[{"x":"}"}],"visit":{"type":"a","date":"2025-01-02"},"person":{"scheme":{"id":"no"},"id":"P\"7"}})",
      p, d));
  EXPECT_EQ(p, R"(P\"7)");
  EXPECT_EQ(d, "2025-01-02");
  EXPECT_FALSE(yibao::sim::sort_key_of(R"({"id":"B1","person":{"id":"P1"},"visit":{"type":"o)", p, d));
  EXPECT_FALSE(yibao::sim::sort_key_of(R"({"person":{"id":"P1"}})", p, d));
  EXPECT_FALSE(yibao::sim::sort_key_of(R"({"person":{"id":7},"visit":{"date":"2025-01-01"}})", p, d));
  EXPECT_FALSE(yibao::sim::sort_key_of("not json", p, d));
}

TEST(simulate_sort, shuffled_input_sorted_in_memory_gives_the_grouped_result) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const auto [grouped, unused] = generated(300, 21, input_format::jsonl, 2);
  const std::string mixed = shuffled(grouped, 1);
  ASSERT_NE(mixed, grouped);
  const auto o = options_for();
  const captured want = simulate(t, c, o, {jsonl_input(grouped, "grouped.jsonl")});
  ASSERT_EQ(want.sum.rejected, 0U) << want.rejects;

  // Unsorted, the shuffled input is mostly rejected.
  EXPECT_GT(simulate(t, c, o, {jsonl_input(mixed, "mixed.jsonl")}).sum.rejected, 0U);

  sorted_input sorter{fs::temp_directory_path(), std::size_t{256} << 20};
  const captured got = sorted_run(t, c, o, sorter, {jsonl_input(mixed, "mixed.jsonl")});
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
  const auto o = options_for();
  const captured want = simulate(t, c, o, {jsonl_input(grouped)});

  const fs::path tmp = scratch_dir("budget");
  const std::size_t budget = 16 << 10;
  fs::path dir;
  {
    sorted_input sorter{tmp, budget, /*fan_in=*/4};  // 4: merge passes too
    const captured got = sorted_run(
        t, c, o, sorter, {jsonl_input(mixed.substr(0, half), "a.jsonl"), jsonl_input(mixed.substr(half), "b.jsonl")});
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
  auto o = options_for();
  sorted_input sorter{fs::temp_directory_path(), 600};  // a few bills per run
  const captured got = sorted_run(t, c, o, sorter, {jsonl_input(slurp(data_path("bad.jsonl")), "bad.jsonl")});
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

// CSV: each bill is sorted with its line rows, as one record.
TEST(simulate_sort, shuffled_csv_in_several_runs_gives_the_presorted_result) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const auto [bills, lines] = generated(150, 9, input_format::csv, 2);
  // Two inputs: the sort merges across files, and keeps each file's name.
  const auto mixed = shuffled_csv(bills, lines, 4, 2);
  ASSERT_EQ(mixed.size(), 2U);
  const auto o = options_for();
  const captured want = simulate(t, c, o, {csv_input(bills, lines, "grouped.csv")});
  ASSERT_EQ(want.sum.rejected, 0U) << want.rejects;
  ASSERT_GT(want.sum.line_rows_read, 0U);
  const std::vector<yibao::sim::input> inputs{csv_input(mixed[0].first, mixed[0].second, "a.csv"),
                                              csv_input(mixed[1].first, mixed[1].second, "b.csv")};
  // Unsorted, the shuffled input is mostly rejected.
  EXPECT_GT(simulate(t, c, o, inputs).sum.rejected, 0U);

  const fs::path tmp = scratch_dir("csv");
  const std::size_t budget = 64 << 10;
  fs::path dir;
  {
    sorted_input sorter{tmp, budget, /*fan_in=*/4};
    const captured got = sorted_run(
        t, c, o, sorter,
        {csv_input(mixed[0].first, mixed[0].second, "a.csv"), csv_input(mixed[1].first, mixed[1].second, "b.csv")});
    const auto& st = sorter.stats();
    EXPECT_LE(st.max_chunk_bytes, budget);
    EXPECT_GT(st.runs, 4U);
    EXPECT_GT(st.run_files, st.runs);  // the intermediate merge passes wrote runs too
    EXPECT_EQ(st.records, split_lines(bills).size() - 1);
    EXPECT_EQ(st.line_rows_read, want.sum.line_rows_read);
    dir = sorter.dir();
    EXPECT_TRUE(fs::exists(dir));
    EXPECT_EQ(got.sum.rejected, 0U) << got.rejects;
    // The whole summary, line rows read included; the bytes read are those
    // of the two files (one header more).
    EXPECT_EQ(got.sum.bytes_read, mixed[0].first.size() + mixed[0].second.size() + mixed[1].first.size() +
                                      mixed[1].second.size());
    yibao::sim::summary same = got.sum;
    same.bytes_read = want.sum.bytes_read;
    EXPECT_EQ(yibao::sim::to_json(same), yibao::sim::to_json(want.sum));
    EXPECT_EQ(without_source(got.out), without_source(want.out));
    // Each source is the bill's row in its shuffled bills file.
    std::size_t checked = 0;
    for (const std::string& row : split_lines(got.out)) {
      if (row.rfind("source,", 0) == 0) continue;
      const std::size_t colon = row.find(':'), comma = row.find(',');
      const std::string file = row.substr(0, colon);
      const std::size_t line = std::stoul(row.substr(colon + 1, comma - colon - 1));
      ASSERT_TRUE(file == "a.csv" || file == "b.csv") << row;
      const std::string bill_row = split_lines(file == "a.csv" ? mixed[0].first : mixed[1].first).at(line - 1);
      const std::string bill_id = row.substr(comma + 1, row.find(',', comma + 1) - comma - 1);
      ASSERT_EQ(bill_row.substr(0, bill_row.find(',')), bill_id) << row;
      ++checked;
    }
    EXPECT_EQ(checked, got.sum.settled);
  }
  EXPECT_FALSE(fs::exists(dir));  // the run files are gone
  EXPECT_TRUE(fs::is_empty(tmp));
  fs::remove_all(tmp);
}

TEST(simulate_sort, csv_rejects_name_the_original_file_and_line) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const auto o = options_for();
  auto bad = [] { return csv_input(slurp(data_path("bad.csv")), slurp(data_path("bad.lines.csv")), "bad.csv"); };
  const captured unsorted = simulate(t, c, o, {bad()});
  sorted_input sorter{fs::temp_directory_path(), 400};  // a bill or two per run
  const captured got = sorted_run(t, c, o, sorter, {bad()});
  EXPECT_GE(sorter.stats().runs, 2U);
  const std::string& r = got.rejects;
  // The rows of the unsorted run, with their file, line and reason; but B8,
  // out of order there, is in order once sorted.
  EXPECT_EQ(sorted_lines(r), sorted_lines(unsorted.rejects, "out of order")) << r;
  EXPECT_EQ(r.find("out of order"), std::string::npos) << r;
  // A bad bill row: the bills file's line; a bad line row: the lines file's line.
  EXPECT_NE(r.find("bad.csv,3,,,\"level: expected an integer, found a string\""), std::string::npos) << r;
  EXPECT_NE(r.find("bad.csv,6,,,\"bad.lines.csv:7: amount: invalid decimal"), std::string::npos);
  EXPECT_NE(r.find("bad.lines.csv,6,BX,,\"line row for bill \"\"BX\"\", which does not come next in bad.csv"),
            std::string::npos);
  EXPECT_EQ(got.sum.settled, 3U);  // B1, B8, B7
  EXPECT_EQ(got.sum.rejected, 5U);
  EXPECT_EQ(got.sum.bills_read, 8U);
  EXPECT_EQ(got.sum.line_rows_read, 9U);
  EXPECT_EQ(got.sum.line_rows_orphan, 1U);
  EXPECT_EQ(got.sum.base.all.lines, 4U);
  // B8 (2025-02-01, line 9) now comes before B7 (2025-03-01, line 8).
  ASSERT_NE(got.out.find("bad.csv:9,B8,"), std::string::npos) << got.out;
  EXPECT_LT(got.out.find("bad.csv:9,"), got.out.find("bad.csv:8,"));
}

TEST(simulate_sort, strict_stops_at_the_first_row_the_sort_rejects) {
  const auto t = load_tariff();
  const yibao::catalog c;
  auto o = options_for();
  o.strict = true;
  sorted_input sorter{fs::temp_directory_path(), std::size_t{1} << 20};
  const captured got = sorted_run(
      t, c, o, sorter, {csv_input(slurp(data_path("bad.csv")), slurp(data_path("bad.lines.csv")), "bad.csv")});
  ASSERT_TRUE(got.sum.stopped_at.has_value());
  EXPECT_EQ(got.sum.stopped_at->file, "bad.csv");
  EXPECT_EQ(got.sum.stopped_at->line, 3U);
  EXPECT_EQ(got.sum.stopped_at->reason, "level: expected an integer, found a string");
  EXPECT_EQ(got.sum.settled, 0U);
  EXPECT_EQ(got.out, "");
}

TEST(simulate_sort, many_csv_rejects_go_through_a_file_in_input_order) {
  const auto t = load_tariff();
  const yibao::catalog c;
  // Bills without line rows: each is rejected by the sort, about 1.3 MB of rejects in all.
  std::string bills = "bill_id,person_id,scheme,visit_type,level,location,date\n";
  const std::size_t n = 30'000;
  for (std::size_t i = 0; i < n; ++i) bills += fmt::format("B{},P{},resident,outpatient,2,local,2025-01-10\n", n - i, i % 7);
  const fs::path tmp = scratch_dir("spool");
  fs::path dir;
  {
    sorted_input sorter{tmp, std::size_t{1} << 20};
    const captured got =
        sorted_run(t, c, options_for(), sorter, {csv_input(bills, "bill_id,code,qty,price,amount\n", "x.csv")});
    dir = sorter.dir();
    EXPECT_TRUE(fs::exists(dir / "rejects"));  // past 1 MB the rejects wait in a file
    EXPECT_EQ(got.sum.rejected, n);
    EXPECT_EQ(got.sum.bills_read, n);
    EXPECT_EQ(got.sum.settled, 0U);
    const std::vector<std::string> rows = split_lines(got.rejects);
    ASSERT_EQ(rows.size(), n + 1);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(rows[i + 1], fmt::format("x.csv,{},,,no line rows: must not be empty", i + 2));
    }
  }
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_TRUE(fs::is_empty(tmp));
  fs::remove_all(tmp);
}

TEST(simulate_sort, a_bad_csv_header_fails_as_without_sort) {
  sorted_input sorter{fs::temp_directory_path(), std::size_t{1} << 20};
  const auto why = sorter.prepare(
      {csv_input(slurp(data_path("badheader.csv")), slurp(data_path("badheader.lines.csv")), "badheader.csv")});
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->code, yibao::errc::invalid_argument);
  EXPECT_FALSE(why->temporary);
  EXPECT_NE(why->message.find("badheader.csv:1: unknown column \"person\""), std::string::npos) << why->message;
}

TEST(simulate_sort, a_csv_read_error_removes_the_run_files) {
  const auto [bills, lines] = generated(50, 3, input_format::csv);
  yibao::sim::input in = csv_input(bills, lines, "x.csv");
  auto inner = in.read_lines;
  auto calls = std::make_shared<int>(0);
  in.read_lines = [inner, calls](char* buf, std::size_t cap) -> std::ptrdiff_t {
    return ++*calls > 20 ? -1 : inner(buf, cap);
  };
  const fs::path tmp = scratch_dir("csv-error");
  fs::path dir;
  {
    sorted_input sorter{tmp, 4096};
    const auto why = sorter.prepare({in});
    ASSERT_TRUE(why.has_value());
    EXPECT_EQ(why->message, "cannot read x.lines.csv");
    EXPECT_EQ(why->code, yibao::errc::io_error);
    EXPECT_FALSE(why->temporary);
    dir = sorter.dir();
    EXPECT_FALSE(dir.empty());
    EXPECT_GT(sorter.stats().run_files, 0U);
  }
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_TRUE(fs::is_empty(tmp));
  fs::remove_all(tmp);
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
    sorted_input sorter{tmp, 2048};
    const auto why = sorter.prepare({in});
    ASSERT_TRUE(why.has_value());
    EXPECT_EQ(why->message, "cannot read x.jsonl");
    EXPECT_EQ(why->code, yibao::errc::io_error);
    EXPECT_FALSE(why->temporary);
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

  // CSV: the same, and the same summary as JSON Lines but for the bytes and line rows read.
  const auto [bills, lines] = generated(120, 4, input_format::csv);
  std::ofstream(dir / "grouped.csv", std::ios::binary) << bills;
  std::ofstream(dir / "grouped.lines.csv", std::ios::binary) << lines;
  const auto mixed = shuffled_csv(bills, lines, 3);
  std::ofstream(dir / "mixed.csv", std::ios::binary) << mixed[0].first;
  std::ofstream(dir / "mixed.lines.csv", std::ios::binary) << mixed[0].second;
  ASSERT_EQ(std::system((base + (dir / "grouped.csv").string() + " --out " + (dir / "c.csv").string() + " > " +
                         (dir / "c.json").string())
                            .c_str()),
            0);
  ASSERT_EQ(std::system((base + "--sort --sort-memory 1 --tmp " + tmp.string() + " " + (dir / "mixed.csv").string() +
                         " --out " + (dir / "d.csv").string() + " > " + (dir / "d.json").string())
                            .c_str()),
            0);
  const std::string cj = slurp((dir / "c.json").string());
  EXPECT_EQ(cj, slurp((dir / "d.json").string()));
  EXPECT_NE(cj.find("\"line_rows_read\":" + std::to_string(split_lines(lines).size() - 1)), std::string::npos) << cj;
  const std::string d = slurp((dir / "d.csv").string());
  EXPECT_EQ(without_source(slurp((dir / "c.csv").string())), without_source(d));
  EXPECT_NE(d.find("mixed.csv:"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(tmp));
  // A bad header fails the run as without --sort (65), and leaves no run files.
  const int code = std::system((base + "--sort --tmp " + tmp.string() + " " + data_path("badheader.csv") +
                                " 2>/dev/null")
                                   .c_str());
  EXPECT_TRUE(WIFEXITED(code) && WEXITSTATUS(code) == 65) << code;
  EXPECT_TRUE(fs::is_empty(tmp));
  fs::remove_all(dir);
}

}  // namespace
