// Issue 11 item 1: one validator (yibao::validate, run by settle) behind
// every entry point. Each case of the bad-bill corpus that breaks a rule of
// the bill contract rather than its syntax has a NN_name.rule file next to
// its NN_name.json (tests/data/bad_bills/):
//
//   rule: what the case checks
//   code: the expected errc
//   path: the expected field path
//   fast: yes if the JSON fast path reads it (its syntax is the fast subset)
//   bulk: yes if bulk input can carry it (no ytd, at least one line row)
//
// Each case goes through the bill JSON (parse_bill_json + settle), the JSON
// fast path, the bulk CSV reader (csv_bill, then validate as `yibao
// simulate` does), the C structs (yibao_settle_bill) and validate()
// on the bill built in C++, and must get the same code and path from each.
// python/tests/test_issue11_item1.py runs the same cases through yibao.settle and
// settle_frame.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "formats/bill_json.hpp"
#include "sim/reader.hpp"
#include "test_files.hpp"
#include "yibao/catalog.hpp"
#include "yibao/engine.hpp"
#include "yibao/input.hpp"
#include "yibao/yibao.h"

namespace {

using namespace yibao;

const std::filesystem::path corpus = std::filesystem::path(YIBAO_SOURCE_DIR) / "tests/data/bad_bills";

struct rule_case {
  std::string name, rule, code, path;
  bool fast = false, bulk = false;
  std::string json;
};

auto read(const std::filesystem::path& p) -> std::string { return yibao_test::read_text(p).value_or(""); }

auto rule_cases() -> std::vector<std::string> {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(corpus)) {
    if (e.path().extension() == ".rule") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

auto load_case(const std::string& name) -> rule_case {
  rule_case c;
  c.name = name;
  c.json = read(corpus / (name + ".json"));
  std::istringstream in(read(corpus / (name + ".rule")));
  std::map<std::string, std::string> kv;
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(": ");
    if (colon != std::string::npos) kv[line.substr(0, colon)] = line.substr(colon + 2);
  }
  c.rule = kv["rule"];
  c.code = kv["code"];
  c.path = kv["path"];
  c.fast = kv["fast"] == "yes";
  c.bulk = kv["bulk"] == "yes";
  return c;
}

struct engine {
  tariff t;
  catalog c;
};

auto fixture_engine() -> const engine& {
  static const engine e = [] {
    const std::string dir = std::string(YIBAO_SOURCE_DIR) + "/tests/data/capi/";
    auto t = load_tariff_file(dir + "tariff.toml");
    EXPECT_TRUE(t.ok());
    auto c = parse_catalog_csv(read(dir + "catalog.csv"), "catalog.csv");
    EXPECT_TRUE(c.ok());
    return engine{std::move(t).value(), std::move(c).value()};
  }();
  return e;
}

auto expect_error(const error& e, const rule_case& c, const char* entry) {
  EXPECT_EQ(to_string(e.code), c.code) << c.name << " via " << entry << ": " << e.message;
  EXPECT_EQ(e.path, c.path) << c.name << " via " << entry << ": " << e.message;
}

// The syntax is fine: the bill reads, and only settle (validate) rejects it.
auto bill_of(const rule_case& c, bool allow_ytd = true) -> bill {
  auto b = parse_bill_json(c.json, allow_ytd);
  EXPECT_TRUE(b.ok()) << c.name << ": the reader must only convert syntax: " << b.err().message;
  return b.ok() ? std::move(b).value() : bill{};
}

// --- the bill as bulk CSV rows ----------------------------------------------

auto csv_cell(std::string_view v) -> std::string {
  std::string out;
  sim::detail::append_csv_cell(out, v);
  return out;
}

auto fixed(std::int64_t v, int decimals) -> std::string { return format_fixed(v, decimals); }

// Only what the bulk format carries; absent optional fields are empty cells.
void to_csv(const bill& b, std::string& header, std::string& row, std::string& line_header,
            std::vector<std::string>& line_rows) {
  using namespace sim::detail;
  std::vector<std::string> cells(bill_col_count);
  cells[bc_bill_id] = b.id;
  cells[bc_person_id] = b.who.id;
  cells[bc_scheme] = to_string(b.who.scheme_);
  cells[bc_status] = to_string(b.who.status_);
  cells[bc_group] = to_string(b.who.group_);
  cells[bc_coverage] = to_string(b.who.coverage_);
  cells[bc_account_balance] = fixed(b.who.account_balance.fen(), 2);
  if (b.who.rejoined) cells[bc_rejoined] = b.who.rejoined->to_string();
  cells[bc_visit_type] = to_string(b.at.type);
  cells[bc_level] = std::to_string(b.at.level);
  cells[bc_location] = to_string(b.at.where);
  cells[bc_filing] = to_string(b.at.filed);
  cells[bc_admission] = std::to_string(b.at.admission);
  cells[bc_date] = b.at.on.to_string();
  cells[bc_disease] = b.at.disease;
  if (b.at.transfer_from_level) cells[bc_transfer_from_level] = std::to_string(*b.at.transfer_from_level);
  const person& p = b.who;
  if (p.birth_date) cells[bc_birth_date] = p.birth_date->to_string();
  cells[bc_tier] = std::to_string(p.tier);
  cells[bc_family_doctor] = p.family_doctor ? "true" : "false";
  for (std::size_t i = 0; i < p.chronic.size(); ++i) cells[bc_chronic] += (i > 0 ? ";" : "") + p.chronic[i];
  cells[bc_enrolled_years] = std::to_string(p.enrolled_years);
  cells[bc_claim_free_years] = std::to_string(p.claim_free_years);
  cells[bc_lapsed_years] = std::to_string(p.lapsed_years);
  cells[bc_back_paid_years] = std::to_string(p.back_paid_years);
  cells[bc_account_earlier] = fixed(p.account_earlier.fen(), 2);
  cells[bc_family_account] = fixed(p.family_account.fen(), 2);
  cells[bc_contracted] = b.at.contracted ? "true" : "false";
  cells[bc_unfiled_before] = std::to_string(b.at.unfiled_before);
  header.clear();
  row.clear();
  for (int c = 0; c < bill_col_count; ++c) {
    if (c > 0) {
      header += ',';
      row += ',';
    }
    header += bill_column_name(c);
    row += csv_cell(cells[static_cast<std::size_t>(c)]);
  }
  line_header.clear();
  for (int c = 0; c < line_col_count; ++c) {
    if (c > 0) line_header += ',';
    line_header += line_column_name(c);
  }
  line_rows.clear();
  for (const line& l : b.lines) {
    std::vector<std::string> lc(line_col_count);
    lc[lc_bill_id] = b.id;
    lc[lc_code] = l.code;
    lc[lc_name] = l.name;
    if (l.cls) lc[lc_class] = to_string(*l.cls);
    if (l.selfpay_ratio) lc[lc_selfpay_ratio] = fixed(l.selfpay_ratio->ppm(), 6);
    if (l.price_limit) lc[lc_price_limit] = fixed(l.price_limit->micro, 6);
    lc[lc_qty] = fixed(l.qty.ten_thousandths, 4);
    lc[lc_price] = fixed(l.unit_price.micro, 6);
    lc[lc_amount] = fixed(l.amount.fen(), 2);
    std::string r;
    for (int c = 0; c < line_col_count; ++c) {
      if (c > 0) r += ',';
      r += csv_cell(lc[static_cast<std::size_t>(c)]);
    }
    line_rows.push_back(std::move(r));
  }
}

// --- the bill as C structs --------------------------------------------------

struct c_bill {
  yibao_bill_c b{};
  std::vector<yibao_line_c> lines;
  std::vector<const char*> chronic;
  std::vector<yibao_pool_total_c> pools;
};

auto to_c(const bill& in) -> c_bill {
  c_bill out;
  yibao_bill_init(&out.b);
  out.b.id = in.id.c_str();
  out.b.person.id = in.who.id.c_str();
  out.b.person.scheme = static_cast<int32_t>(in.who.scheme_);
  out.b.person.status = static_cast<int32_t>(in.who.status_);
  out.b.person.group = static_cast<int32_t>(in.who.group_);
  out.b.person.coverage = static_cast<int32_t>(in.who.coverage_);
  out.b.person.account_balance_fen = in.who.account_balance.fen();
  if (in.who.rejoined) out.b.person.rejoined = {in.who.rejoined->year, in.who.rejoined->month, in.who.rejoined->day};
  out.b.visit.type = static_cast<int32_t>(in.at.type);
  out.b.visit.level = in.at.level;
  out.b.visit.location = static_cast<int32_t>(in.at.where);
  out.b.visit.filing = static_cast<int32_t>(in.at.filed);
  out.b.visit.admission = in.at.admission;
  out.b.visit.date = {in.at.on.year, in.at.on.month, in.at.on.day};
  out.b.visit.disease = in.at.disease.c_str();
  if (in.at.transfer_from_level) out.b.visit.transfer_from_level = *in.at.transfer_from_level;
  const person& p = in.who;
  if (p.birth_date) out.b.birth_date = {p.birth_date->year, p.birth_date->month, p.birth_date->day};
  out.b.tier = p.tier;
  out.b.family_doctor = p.family_doctor ? 1 : 0;
  for (const std::string& code : p.chronic) out.chronic.push_back(code.c_str());
  out.b.chronic = out.chronic.data();
  out.b.chronic_count = out.chronic.size();
  out.b.enrolled_years = p.enrolled_years;
  out.b.claim_free_years = p.claim_free_years;
  out.b.lapsed_years = p.lapsed_years;
  out.b.back_paid_years = p.back_paid_years;
  out.b.account_earlier_fen = p.account_earlier.fen();
  out.b.family_account_fen = p.family_account.fen();
  out.b.contracted = in.at.contracted ? 1 : 0;
  out.b.unfiled_before = in.at.unfiled_before;
  for (const pool_total& t : in.totals.pools) {
    out.pools.push_back({t.pool.c_str(), {t.period_from.year, t.period_from.month, t.period_from.day},
                         t.deductible_paid.fen(), t.paid.fen(), t.base.fen()});
  }
  out.b.pools = out.pools.data();
  out.b.pool_count = out.pools.size();
  const ytd& y = in.totals;
  out.b.ytd = {y.deductible_paid.fen(), y.hifp_paid.fen(),  y.hifmi_paid.fen(), y.hifob_paid.fen(), y.maf_paid.fen(),
               y.hifp_base.fen(),       y.hifmi_base.fen(), y.hifob_base.fen(), y.maf_base.fen()};
  for (const line& l : in.lines) {
    yibao_line_c c;
    yibao_line_init(&c);
    c.code = l.code.c_str();
    c.name = l.name.c_str();
    if (l.cls) c.item_class = static_cast<int32_t>(*l.cls);
    if (l.selfpay_ratio) c.selfpay_ratio_ppm = l.selfpay_ratio->ppm();
    if (l.price_limit) c.price_limit_micro = l.price_limit->micro;
    c.qty_ten_thousandths = l.qty.ten_thousandths;
    c.price_micro = l.unit_price.micro;
    c.amount_fen = l.amount.fen();
    out.lines.push_back(c);
  }
  out.b.lines = out.lines.data();
  out.b.line_count = out.lines.size();
  return out;
}

class Issue11_Item1_rules : public testing::TestWithParam<std::string> {};

TEST_P(Issue11_Item1_rules, same_code_and_path_from_every_entry_point) {
  const rule_case c = load_case(GetParam());
  ASSERT_FALSE(c.json.empty()) << c.name;
  ASSERT_FALSE(c.rule.empty()) << c.name;
  ASSERT_FALSE(c.path.empty()) << c.name;
  const engine& e = fixture_engine();

  // The bill JSON: the reader converts, settle rejects.
  const bill b = bill_of(c);
  {
    auto s = settle(e.t, e.c, b);
    ASSERT_FALSE(s.ok()) << c.name;
    expect_error(s.err(), c, "parse_bill_json + settle");
    auto v = validate(b);
    ASSERT_FALSE(v.ok()) << c.name;
    expect_error(v.err(), c, "validate");
    EXPECT_EQ(v.err().message, s.err().message) << c.name;
  }

  // The JSON fast path, which reads the same subset whatever the ranges.
  {
    bill fast;
    const bool taken = io::parse_bill_json_fast(c.json, true, fast);
    EXPECT_EQ(taken, c.fast) << c.name << ": the fast path reads only syntax";
    if (taken) {
      EXPECT_TRUE(fast == b) << c.name;
      auto s = settle(e.t, e.c, fast);
      ASSERT_FALSE(s.ok()) << c.name;
      expect_error(s.err(), c, "fast path + settle");
    }
  }

  // The bulk CSV rows, through the simulate reader (each cell through its
  // field's converter) and validate, as `yibao simulate` does.
  if (c.bulk) {
    using namespace sim::detail;
    std::string header, row, line_header;
    std::vector<std::string> line_rows;
    to_csv(b, header, row, line_header, line_rows);
    const bill_layout bl = parse_bill_header(header, "bills.csv").value();
    const line_layout ll = parse_line_header(line_header, "bills.lines.csv").value();
    std::vector<row_text> rows;
    for (std::size_t i = 0; i < line_rows.size(); ++i) rows.push_back(row_text{i + 2, line_rows[i]});
    bill got;
    std::string why;
    ASSERT_TRUE(csv_bill(row, bl, rows, ll, "bills.lines.csv", got, why)) << c.name << ": " << why;
    EXPECT_TRUE(got == b) << c.name;
    auto v = validate(got);
    ASSERT_FALSE(v.ok()) << c.name;
    expect_error(v.err(), c, "CSV + validate");
  }

  // The C structs.
  {
    yibao_tariff* t = nullptr;
    yibao_catalog* cat = nullptr;
    const std::string dir = std::string(YIBAO_SOURCE_DIR) + "/tests/data/capi/";
    ASSERT_EQ(yibao_tariff_load_file((dir + "tariff.toml").c_str(), &t), YIBAO_OK);
    ASSERT_EQ(yibao_catalog_load_file((dir + "catalog.csv").c_str(), &cat), YIBAO_OK);
    const c_bill cb = to_c(b);
    yibao_settlement* out = nullptr;
    EXPECT_EQ(yibao_settle_bill(t, cat, &cb.b, nullptr, &out), YIBAO_EINVAL) << c.name;
    EXPECT_EQ(std::string(yibao_last_error()).rfind(c.path + ": ", 0), 0U) << c.name << ": " << yibao_last_error();
    yibao_settlement_free(out);
    yibao_catalog_free(cat);
    yibao_tariff_free(t);
  }
}

INSTANTIATE_TEST_SUITE_P(corpus, Issue11_Item1_rules, testing::ValuesIn(rule_cases()),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(Issue11_Item1, corpus_covers_the_rules) { EXPECT_GE(rule_cases().size(), 18U); }

// A bill built in C++ is checked by settle too, with values no reader makes.
TEST(Issue11_Item1, settle_validates_a_bill_built_in_cpp) {
  const engine& e = fixture_engine();
  const bill good = bill_of(load_case("16_amount_not_qty_times_price"));
  bill b = good;
  b.lines[0].amount = money::from_fen(24000);
  ASSERT_TRUE(validate(b).ok()) << validate(b).err().message;
  ASSERT_TRUE(settle(e.t, e.c, b).ok());

  const auto expect = [&](const bill& bad, const std::string& path, const std::string& message) {
    auto s = settle(e.t, e.c, bad);
    ASSERT_FALSE(s.ok()) << path;
    EXPECT_EQ(s.err().code, errc::invalid_argument) << path;
    EXPECT_EQ(s.err().path, path);
    EXPECT_EQ(s.err().message, path + ": " + message);
  };
  bill x = b;
  x.who.scheme_ = static_cast<scheme>(7);
  expect(x, "person.scheme", "must be between 0 and 1, found 7");
  x = b;
  x.at.filed = static_cast<filing>(5);
  expect(x, "visit.filing", "must be between 0 and 4, found 5");
  x = b;
  x.lines[1].cls = static_cast<item_class>(3);
  expect(x, "lines[1].class", "must be between 0 and 2, found 3");
  x = b;
  x.at.on = date{2025, 2, 29};
  expect(x, "visit.date", "2025-02-29 is not a valid date");
  x = b;
  x.who.rejoined = date{2024, 13, 1};
  expect(x, "person.rejoined", "2024-13-01 is not a valid date");
  x = b;
  x.at.level = -1;
  expect(x, "visit.level", "must be between 0 and 3, found -1");
  x = b;
  x.at.transfer_from_level = -2;
  expect(x, "visit.transfer_from_level", "must be between 0 and 3, found -2");
  x = b;
  x.lines[0].selfpay_ratio = ratio::from_ppm(-1);
  expect(x, "lines[0].selfpay_ratio", "must be between 0 and 1, found \"-0.000001\"");
  x = b;
  x.lines.clear();
  expect(x, "lines", "must not be empty");
  // qty x price beyond 64 bits before the bounds are checked: still worded.
  x = b;
  x.lines[0].qty = quantity{max_qty_ten_thousandths};
  x.lines[0].unit_price = price{max_price_micro};
  x.lines[0].amount = money::from_fen(max_money_fen);
  expect(x, "lines[0].amount", "1000000000.00 is not qty x price = 1000000000000000.00");
  // The largest bill the bounds allow settles: qty x price within int64.
  x = b;
  x.lines[0].qty = quantity{max_qty_ten_thousandths / 1000};  // 1000 units
  x.lines[0].unit_price = price{max_price_micro / 1000};      // 1,000,000 yuan
  x.lines[0].amount = money::from_fen(max_money_fen);
  EXPECT_TRUE(validate(x).ok()) << validate(x).err().message;
}

// A broken rule is reported before the tariff's validity or the catalog.
TEST(Issue11_Item1, the_bill_contract_comes_before_the_tariff_and_catalog) {
  const engine& e = fixture_engine();
  bill b = bill_of(load_case("16_amount_not_qty_times_price"));  // lines[0].amount is wrong
  b.at.on = date{1990, 1, 1};                                     // outside the tariff
  b.lines[1].code = "NOT-IN-CATALOG";
  b.lines[1].cls.reset();
  auto s = settle(e.t, e.c, b);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.err().code, errc::invalid_argument);
  EXPECT_EQ(s.err().path, "lines[0].amount");
  b.lines[0].amount = money::from_fen(24000);
  s = settle(e.t, e.c, b);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.err().code, errc::out_of_range);  // as before: the date first, then the catalog
}

}  // namespace
