// yibao::sim::run: determinism, ytd carry, reconciliation, bad input.
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>

#include "sim_fixture.hpp"

namespace {

using namespace sim_test;
using yibao::sim::input_format;
using yibao::sim::output_format;

auto base_options(unsigned threads) -> yibao::sim::options {
  yibao::sim::options o;
  o.threads = threads;
  o.batch_bills = 97;  // small batches: people straddle batch boundaries
  return o;
}

// Everything but the per-input counts (bytes, line rows), which differ
// between formats by design.
auto comparable(yibao::sim::summary s) -> std::string {
  s.bytes_read = 0;
  s.line_rows_read = 0;
  return yibao::sim::to_json(s);
}

// The per-bill CSV without its first column (source file:line).
auto without_source(const std::string& csv) -> std::string {
  std::string out;
  std::size_t pos = 0;
  while (pos < csv.size()) {
    const std::size_t nl = csv.find('\n', pos);
    const std::size_t comma = csv.find(',', pos);
    out.append(csv, comma + 1, nl - comma);
    pos = nl + 1;
  }
  return out;
}

auto count_lines(const std::string& s) -> std::size_t { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(simulate, same_results_for_one_and_two_threads) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const auto [jsonl, unused] = generated(300, 11, input_format::jsonl, 2);
  auto o1 = base_options(1);
  o1.out = output_format::csv;
  auto o2 = o1;
  o2.threads = 2;
  const captured one = simulate(t, c, o1, {jsonl_input(jsonl)});
  const captured two = simulate(t, c, o2, {jsonl_input(jsonl)});
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(yibao::sim::to_json(one.sum), yibao::sim::to_json(two.sum));
  EXPECT_EQ(one.sum.rejected, 0U) << one.rejects;
  EXPECT_EQ(one.sum.settled, count_lines(jsonl));
  EXPECT_EQ(count_lines(one.out), one.sum.settled + 1);  // + header
  // Batch size changes how people are cut into units, not the result.
  auto o3 = o2;
  o3.batch_bills = 4096;
  EXPECT_EQ(simulate(t, c, o3, {jsonl_input(jsonl)}).out, one.out);
}

TEST(simulate, jsonl_and_csv_give_the_same_settlements) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const auto [jsonl, unused] = generated(250, 5, input_format::jsonl);
  const auto [bills, lines] = generated(250, 5, input_format::csv);
  auto o = base_options(2);
  o.out = output_format::csv;
  const captured a = simulate(t, c, o, {jsonl_input(jsonl)});
  const captured b = simulate(t, c, o, {csv_input(bills, lines)});
  EXPECT_EQ(b.sum.rejected, 0U) << b.rejects;
  EXPECT_EQ(without_source(a.out), without_source(b.out));
  EXPECT_EQ(comparable(a.sum), comparable(b.sum));
  EXPECT_EQ(b.sum.line_rows_read, b.sum.base.all.lines);
}

// Every per-bill settlement equals settle() on that bill with the ytd
// carried from the same person's previous bill of the same policy year,
// recomputed here independently of the pipeline.
TEST(simulate, each_settlement_equals_settle_with_the_carried_ytd) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const auto [jsonl, unused] = generated(120, 3, input_format::jsonl, 2);
  auto o = base_options(2);
  o.out = output_format::jsonl;
  const captured got = simulate(t, c, o, {jsonl_input(jsonl)});
  ASSERT_EQ(got.sum.rejected, 0U) << got.rejects;

  std::map<std::string, std::pair<int, yibao::ytd>> carried;
  std::size_t in_pos = 0, out_pos = 0, n = 0, checked = 0;
  bool saw_reset = false;
  while (in_pos < jsonl.size()) {
    const std::size_t nl = jsonl.find('\n', in_pos);
    auto b = yibao::parse_bill_json(std::string_view{jsonl}.substr(in_pos, nl - in_pos), false);
    in_pos = nl + 1;
    ASSERT_TRUE(b.ok());
    const std::size_t out_nl = got.out.find('\n', out_pos);
    const std::string line = got.out.substr(out_pos, out_nl - out_pos);
    out_pos = out_nl + 1;
    const int year = yibao::sim::policy_year(t, b.value().at.on);
    auto& [y, ytd] = carried[b.value().who.id];
    if (y != year) {
      saw_reset = saw_reset || y != 0;
      y = year;
      ytd = yibao::ytd{};
    }
    auto s = yibao::settle(t, c, b.value(), ytd);
    ASSERT_TRUE(s.ok());
    ytd = s.value().ytd_after;
    if (++n % 7 != 0) continue;  // a sample
    ++checked;
    EXPECT_NE(line.find("\"settlement\":" + yibao::to_json(s.value())), std::string::npos) << line;
  }
  EXPECT_TRUE(saw_reset);  // two years: the ytd reset at the year start was exercised
  EXPECT_GT(checked, 50U);
}

// The same through the command line: `yibao estimate --json` on a bill with
// the ytd the simulation carried into it prints the same settlement.
TEST(simulate, equals_estimate_on_the_command_line) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const auto [jsonl, unused] = generated(40, 21, input_format::jsonl);
  auto o = base_options(1);
  o.out = output_format::jsonl;
  const captured got = simulate(t, c, o, {jsonl_input(jsonl)});
  // The third bill of the first person with at least three bills.
  std::vector<std::string> in_lines, out_lines;
  for (std::size_t p = 0; p < jsonl.size();) {
    const std::size_t nl = jsonl.find('\n', p);
    in_lines.push_back(jsonl.substr(p, nl - p));
    p = nl + 1;
  }
  for (std::size_t p = 0; p < got.out.size();) {
    const std::size_t nl = got.out.find('\n', p);
    out_lines.push_back(got.out.substr(p, nl - p));
    p = nl + 1;
  }
  ASSERT_EQ(in_lines.size(), out_lines.size());
  std::size_t k = 2;
  while (k < in_lines.size() && !(yibao::parse_bill_json(in_lines[k], false).value().who.id ==
                                   yibao::parse_bill_json(in_lines[k - 2], false).value().who.id)) {
    ++k;
  }
  ASSERT_LT(k, in_lines.size());
  // The ytd before bill k is the ytd after bill k-1 (same person, same year).
  const std::string& prev = out_lines[k - 1];
  const std::size_t at = prev.find("\"ytd\":");
  ASSERT_NE(at, std::string::npos);
  const std::string ytd_json = prev.substr(at, prev.find('}', at) - at + 1);
  const std::string bill_with_ytd = "{" + ytd_json + "," + in_lines[k].substr(1);
  const std::string path = testing::TempDir() + "/sim_estimate_bill.json";
  std::ofstream(path) << bill_with_ytd;
  const std::string out_path = testing::TempDir() + "/sim_estimate_out.json";
  const std::string cmd = std::string{YIBAO_CLI} + " estimate --json --tariff " + data_path("tariff.toml") + " " +
                          path + " > " + out_path;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << bill_with_ytd;
  std::string estimated = slurp(out_path);
  while (!estimated.empty() && estimated.back() == '\n') estimated.pop_back();
  EXPECT_NE(out_lines[k].find("\"settlement\":" + estimated + "}"), std::string::npos)
      << out_lines[k] << "\n" << estimated;
}

// "起付线 ... per year": the annual outpatient deductible of the test tariff is
// borne again after the year start (tariff.info.year_start, 01-01 here).
TEST(simulate, ytd_resets_at_the_policy_year_start) {
  const auto t = load_tariff();
  const yibao::catalog c;
  auto b = [](const char* id, const char* date) {
    return std::string{R"({"id":")"} + id + R"(","person":{"id":"P1","scheme":"resident"},"visit":{"type":"outpatient",)" +
           R"("level":2,"location":"local","date":")" + date +
           R"("},"lines":[{"code":"D1","class":"A","qty":"1","price":"150.00","amount":"150.00"}]})" + "\n";
  };
  auto o = base_options(1);
  o.out = output_format::csv;
  const captured got =
      simulate(t, c, o, {jsonl_input(b("B1", "2025-11-01") + b("B2", "2025-12-31") + b("B3", "2026-01-01"))});
  // act_pay_dedc is column 18: 150 of 200 on B1, the remaining 50 on B2, 150 again on B3.
  const std::string out = without_source(got.out);
  EXPECT_NE(out.find("B1,P1,2025-11-01,2025,outpatient,2,local,local,1,1,150.00,0.00,0.00,0.00,150.00,0.00,150.00,"),
            std::string::npos) << out;
  EXPECT_NE(out.find("B2,P1,2025-12-31,2025,outpatient,2,local,local,1,1,150.00,0.00,0.00,0.00,150.00,0.00,50.00,"),
            std::string::npos) << out;
  EXPECT_NE(out.find("B3,P1,2026-01-01,2026,outpatient,2,local,local,1,1,150.00,0.00,0.00,0.00,150.00,0.00,150.00,"),
            std::string::npos) << out;
  EXPECT_EQ(got.sum.people, 1U);
  EXPECT_EQ(got.sum.person_years, 2U);
}

TEST(simulate, bad_jsonl_rows_are_rejected_and_the_rest_settled) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const captured got = simulate(t, c, base_options(2), {jsonl_input(slurp(data_path("bad.jsonl")), "bad.jsonl")});
  EXPECT_EQ(got.sum.bills_read, 13U);  // the blank line is not a bill
  EXPECT_EQ(got.sum.settled, 4U) << got.rejects;
  EXPECT_EQ(got.sum.rejected, 9U);
  EXPECT_EQ(got.sum.bills_read, got.sum.settled + got.sum.rejected);
  EXPECT_EQ(got.sum.people, 3U);
  const std::string& r = got.rejects;
  EXPECT_EQ(r.rfind("file,line,bill_id,person_id,reason\n", 0), 0U);
  EXPECT_NE(r.find("bad.jsonl,2,,,truncated JSON"), std::string::npos) << r;             // truncated
  EXPECT_NE(r.find("bad.jsonl,3,,,\"lines[0].amount: invalid decimal \"\"300.001\"\": too many decimals"), std::string::npos);   // 300.001
  EXPECT_NE(r.find("bad.jsonl,4,B4,P1,lines[0].code: item NOPE is not in the catalog"), std::string::npos);
  EXPECT_NE(r.find("bad.jsonl,7,B7,P1,\"out of order: dated 2025-02-15, after this person's bill dated 2025-03-01 "
                   "(bad.jsonl:6)"),
            std::string::npos);
  EXPECT_NE(r.find("bad.jsonl,9,B9,P1,out of order: person P1 reappears after other people's bills"),
            std::string::npos);
  EXPECT_NE(r.find("bad.jsonl,10,,,ytd"), std::string::npos);
  EXPECT_NE(r.find("bad.jsonl,11,,,\"lines[0].amount: expected a decimal string, found a number\""), std::string::npos);
  EXPECT_NE(r.find("bad.jsonl,12,B12,P3,visit.date: 2024-05-01 is outside the validity of tariff bulk-test"), std::string::npos);
  EXPECT_NE(r.find("bad.jsonl,13,,,\"visit.type: unknown value \"\"dental\"\""), std::string::npos);
  EXPECT_EQ(count_lines(r), 1 + 9U);
}

TEST(simulate, bad_csv_rows_are_rejected_with_file_and_line) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const captured got = simulate(t, c, base_options(1),
                                {csv_input(slurp(data_path("bad.csv")), slurp(data_path("bad.lines.csv")), "bad.csv")});
  EXPECT_EQ(got.sum.settled, 2U) << got.rejects;  // B1, B7
  EXPECT_EQ(got.sum.rejected, 6U);
  EXPECT_EQ(got.sum.bills_read, 8U);
  EXPECT_EQ(got.sum.line_rows_read, 9U);
  EXPECT_EQ(got.sum.line_rows_orphan, 1U);
  EXPECT_EQ(got.sum.base.all.lines, 3U);
  const std::string& r = got.rejects;
  EXPECT_NE(r.find("bad.csv,3,,,\"level: expected an integer, found a string\""), std::string::npos) << r;
  EXPECT_NE(r.find("bad.csv,4,,,\"date: \"\"2025-02-30\"\" is not a valid date"), std::string::npos);
  EXPECT_NE(r.find("bad.lines.csv,6,BX,,\"line row for bill \"\"BX\"\", which does not come next in bad.csv"),
            std::string::npos);
  EXPECT_NE(r.find("bad.csv,5,,,no line rows: must not be empty"), std::string::npos);
  EXPECT_NE(r.find("bad.csv,6,,,\"bad.lines.csv:7: amount: invalid decimal"), std::string::npos);
  EXPECT_NE(r.find("bad.csv,7,,,\"expected 7 cells, found 6\""), std::string::npos);
  EXPECT_NE(r.find("bad.csv,9,B8,P3,\"out of order: dated 2025-02-01"), std::string::npos);
}

TEST(simulate, empty_and_header_only_inputs_settle_nothing) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const captured got =
      simulate(t, c, base_options(2),
               {jsonl_input("", "empty.jsonl"), csv_input("", "", "empty.csv"),
                csv_input(slurp(data_path("header.csv")), slurp(data_path("header.lines.csv")), "header.csv")});
  EXPECT_EQ(got.sum.bills_read, 0U);
  EXPECT_EQ(got.sum.people, 0U);
  EXPECT_EQ(got.sum.base.patient_share.mean(), 0);
}

TEST(simulate, a_bad_csv_header_fails_the_run) {
  const auto t = load_tariff();
  const yibao::catalog c;
  auto r = yibao::sim::run(
      t, c, {csv_input(slurp(data_path("badheader.csv")), slurp(data_path("badheader.lines.csv")), "badheader.csv")},
      base_options(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, yibao::errc::invalid_argument);
  EXPECT_NE(r.err().message.find("badheader.csv:1: unknown column \"person\""), std::string::npos) << r.err().message;
}

TEST(simulate, strict_stops_at_the_first_bad_row) {
  const auto t = load_tariff();
  const yibao::catalog c;
  auto o = base_options(2);
  o.strict = true;
  const captured got = simulate(t, c, o, {jsonl_input(slurp(data_path("bad.jsonl")), "bad.jsonl")});
  ASSERT_TRUE(got.sum.stopped_at.has_value());
  EXPECT_EQ(got.sum.stopped_at->line, 2U);
  EXPECT_EQ(got.sum.stopped_at->file, "bad.jsonl");
}

TEST(simulate, a_stop_request_gives_a_partial_summary_that_reconciles) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const auto [jsonl, unused] = generated(200, 8, input_format::jsonl);
  std::atomic<bool> stop{false};
  auto o = base_options(1);
  o.stop = &stop;
  o.on_progress = [&stop](const yibao::sim::progress& p) {
    if (p.bills > 300) stop = true;
  };
  const captured got = simulate(t, c, o, {jsonl_input(jsonl)});
  EXPECT_TRUE(got.sum.partial);
  EXPECT_GT(got.sum.bills_read, 300U);
  EXPECT_LT(got.sum.bills_read, count_lines(jsonl));
  EXPECT_EQ(got.sum.bills_read, got.sum.settled + got.sum.rejected);
}

TEST(simulate, reform_reports_the_change) {
  const auto t = load_tariff();
  const auto t2 = load_tariff("tariff-reform.toml");
  const yibao::catalog c;
  const auto [jsonl, unused] = generated(300, 9, input_format::jsonl);
  auto o = base_options(2);
  o.reform = &t2;
  o.out = output_format::csv;
  const captured got = simulate(t, c, o, {jsonl_input(jsonl)});
  ASSERT_TRUE(got.sum.reform.has_value());
  const auto& d = got.sum.delta;
  EXPECT_EQ(d.more + d.less + d.same, got.sum.settled);
  // The reform raises the outpatient cap and softens the unfiled cut: the
  // funds pay more and patients less overall. Single bills can pay more:
  // with more from the basic fund earlier in the year, a person reaches the
  // critical-illness deductible later.
  EXPECT_GT(d.less, d.more);
  constexpr auto psn = &yibao::settlement::psn_part_amt;
  EXPECT_EQ((*got.sum.reform).all[psn] - got.sum.base.all[psn], d.raised - d.lowered);
  EXPECT_LT((*got.sum.reform).all[psn], got.sum.base.all[psn]);
  EXPECT_NE(got.out.find(",reform_hifp_pay,"), std::string::npos);
}

TEST(simulate, versions_settle_each_bill_under_the_version_in_force_on_its_date) {
  // tariff_set.hpp: "Each bill is then settled under `pick(bill date)`"; a bill no version covers is rejected.
  const std::string root = YIBAO_SOURCE_DIR;
  auto set = yibao::load_tariff_set({root + "/tests/data/versions"});
  ASSERT_TRUE(set) << set.err().message;
  auto c = yibao::parse_catalog_csv(slurp(root + "/tariffs/catalog/sample-catalog.csv"), "sample-catalog.csv");
  ASSERT_TRUE(c) << c.err().message;
  const std::string jsonl = slurp(root + "/tests/cli/inputs/versions.jsonl");  // 2024, 2026 and 2023 bills
  auto o = base_options(2);
  o.out = output_format::csv;
  const captured got = simulate(set.value(), c.value(), o, {jsonl_input(jsonl, "versions.jsonl")});
  EXPECT_EQ(got.sum.base.tariff_id, "yingkou-2024, yingkou-2026");
  EXPECT_EQ(got.sum.settled, 2U);
  EXPECT_EQ(got.sum.rejected, 1U);
  EXPECT_NE(got.rejects.find("versions.jsonl,3,V-2023,P-V-3,visit.date: no tariff version is in force on 2023-06-15 "
                             "(out_of_range)"),
            std::string::npos)
      << got.rejects;
  // The totals are those of each bill settled alone under its version.
  yibao::money share, fund;
  std::istringstream lines{jsonl};
  for (std::string line; std::getline(lines, line);) {
    auto b = yibao::parse_bill_json(line, false);
    ASSERT_TRUE(b) << b.err().message;
    auto s = yibao::settle(set.value(), c.value(), b.value());
    if (!s) continue;  // the 2023 bill
    share = share + s.value().psn_part_amt;
    fund = fund + s.value().fund_pay_sumamt;
  }
  EXPECT_EQ(got.sum.base.all[&yibao::settlement::psn_part_amt], share.fen());
  EXPECT_EQ(got.sum.base.all[&yibao::settlement::fund_pay_sumamt], fund.fen());
  EXPECT_GT(fund, yibao::money{});
}

TEST(simulate, histogram_percentiles) {
  yibao::sim::histogram h;
  for (int v = 1; v <= 1000; ++v) h.add(v);
  EXPECT_EQ(h.percentile(500), 500);
  EXPECT_EQ(h.percentile(1000), 1000);
  EXPECT_EQ(h.mean(), 501);  // 500.5 half-up
  h.add(1'000'000'00);
  EXPECT_EQ(h.percentile(1000), 1'000'000'00);
  EXPECT_LE(h.percentile(999), 1000);
}

}  // namespace

// Issue 12: a format 2 tariff with five pools (separate inpatient and
// outpatient pools, a quarterly 两病 pool, a monthly chronic pool and a
// per-bill critical pool): one and two threads, JSON Lines and CSV give the
// same settlements, and across every person's year no pool pays past its cap
// within its period (read back from the settlements' ytd).
namespace pools_test {

constexpr const char* five_pools = R"toml(
[tariff]
id = "five-pools"
name = "five pools"
place = "test"
valid_from = 2025-01-01
valid_to = 2026-12-31
rounding = "half_up"
format = 2
assumed = "test"

[pool.inpatient]
period = "year"
assumed = "test"
[pool.outpatient]
period = "year"
assumed = "test"
[pool.two_diseases]
period = "quarter"
assumed = "test"
[pool.chronic]
period = "month"
assumed = "test"
[pool.critical_visit]
period = "admission"
assumed = "test"

[[rule]]
when = { visit = "inpatient" }
pool = "inpatient"
deductible = "800.00"
per = "year"
bands = [ { upto = "50000.00", ratio = "0.85" }, { ratio = "0.90" } ]
cap = "20000.00"
assumed = "test"

[[rule]]
when = { visit = ["outpatient", "day_surgery", "maternity", "pharmacy"] }
pool = "outpatient"
deductible = "100.00"
per = "year"
bands = [ { ratio = "0.60" } ]
cap = "300.00"
assumed = "test"

[[rule]]
when = { visit = "outpatient", holds = ["I10", "E11"] }
pool = "two_diseases"
deductible = "0.00"
cap = "90.00"
assumed = "test"

[[rule]]
when = { visit = "chronic" }
pool = "chronic"
deductible = "50.00"
per = "year"
bands = [ { ratio = "0.70" } ]
cap = "150.00"
assumed = "test"

[[rule]]
layer = "critical"
when = { scheme = "resident" }
pool = "critical_visit"
deductible = "1000.00"
bands = [ { ratio = "0.60" } ]
cap = "5000.00"
assumed = "test"
)toml";

auto load() -> yibao::tariff {
  auto t = yibao::parse_tariff(five_pools, "five-pools.toml", {});
  if (!t) throw std::runtime_error("five pools: " + t.err().message);
  return std::move(t).value();
}

}  // namespace pools_test

TEST(simulate, five_pools_same_results_and_no_pool_past_its_cap) {
  const auto t = pools_test::load();
  const yibao::catalog c;
  const auto [jsonl, unused] = generated(400, 12, input_format::jsonl, 2);
  const auto [bills, lines] = generated(400, 12, input_format::csv, 2);
  auto o1 = base_options(1);
  o1.out = output_format::jsonl;
  auto o2 = o1;
  o2.threads = 2;
  const captured one = simulate(t, c, o1, {jsonl_input(jsonl)});
  const captured two = simulate(t, c, o2, {jsonl_input(jsonl)});
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(one.sum.rejected, 0U) << one.rejects;
  EXPECT_EQ(one.sum.settled, count_lines(jsonl));
  auto oc = o2;
  oc.out = output_format::csv;
  const captured a = simulate(t, c, oc, {jsonl_input(jsonl)});
  const captured b = simulate(t, c, oc, {csv_input(bills, lines)});
  EXPECT_EQ(without_source(a.out), without_source(b.out));
  EXPECT_EQ(comparable(a.sum), comparable(b.sum));

  // Every settlement's ytd holds the pools it drew from, in their period.
  const std::map<std::string, std::int64_t> caps{
      {"inpatient", 2'000'000}, {"outpatient", 30'000}, {"two_diseases", 9'000}, {"chronic", 15'000}};
  std::map<std::string, std::size_t> seen;
  std::istringstream rows(one.out);
  std::string row;
  while (std::getline(rows, row)) {
    for (const auto& [pool, cap] : caps) {
      const std::string key = "\"" + pool + "\":{\"period_from\":\"";
      const auto at = row.find(key);
      if (at == std::string::npos) continue;
      const auto paid_at = row.find("\"paid\":\"", at);
      ASSERT_NE(paid_at, std::string::npos) << row;
      const auto from = paid_at + 8;
      const auto money = yibao::parse_money(row.substr(from, row.find('"', from) - from));
      ASSERT_TRUE(money) << row;
      const std::int64_t paid = money->fen();
      EXPECT_LE(paid, cap) << pool << " in " << row;
      ++seen[pool];
    }
    EXPECT_EQ(row.find("\"critical_visit\":{"), std::string::npos) << "a per-bill pool is never carried: " << row;
  }
  for (const auto& [pool, cap] : caps) EXPECT_GT(seen[pool], 0U) << pool;
}
