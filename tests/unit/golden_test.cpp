// Golden cases: tests/golden/<NN_name>.json, each a bill settled under a shipped tariff
// and catalog, with every money field of the settlement worked out by hand (the case's
// "work" shows the arithmetic). One parameterized test per file.
//
// A case file:
//   {"description": "...", "rule": "the policy sentence or tariff rule it checks",
//    "tariff": "tariffs/....toml", "catalog": "tariffs/catalog/sample-catalog.csv" (optional),
//    "filing": "unfiled" (optional: settle as if the visit had this filing),
//    "bill": {bill JSON}, "expect": {every money field as a decimal string, "eligible",
//    "ytd": {the year-to-date totals after}, optional "claim_documents": count},
//    "work": "the hand calculation"}
//
// Besides the expected values every settlement is checked against the identities of
// shared/domain.md section 5, and every shipped tariff must load with no error or warning.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tariff/semantic_checks.hpp"
#include "test_files.hpp"
#include "yibao/yibao.hpp"

namespace {

namespace fs = std::filesystem;

using yibao_test::golden_files;
using yibao_test::read_text;
using yibao_test::source_dir;

/// Loads a tariff through the public parser; `extends` paths are read from disk.
auto load_tariff(const fs::path& p, std::vector<yibao::diagnostic>* warnings = nullptr)
    -> yibao::result<yibao::tariff> {
  const auto text = read_text(p);
  if (!text) return yibao::make_error(yibao::errc::io_error, "", "cannot read " + p.string());
  return yibao::parse_tariff(
      *text, p.generic_string(), [](const std::string& path) { return read_text(path); }, warnings);
}

auto describe(const yibao::error& e) -> std::string {
  std::string out = e.message;
  for (const auto& d : e.diagnostics) out += "\n  " + d.to_string();
  return out;
}


/// The settlement fields a case must give: every field of the table.
using yibao::settlement_fields;
using yibao::ytd_fields;

auto get_string(simdjson::dom::element obj, std::string_view key) -> std::optional<std::string> {
  std::string_view v;
  if (obj[key].get(v) != simdjson::SUCCESS) return std::nullopt;
  return std::string(v);
}

/// The identities of shared/domain.md section 5, to the fen.
void check_identities(const yibao::settlement& s) {
  using yibao::money;
  EXPECT_EQ(s.medfee_sumamt, s.fulamt_ownpay_amt + s.overlmt_selfpay + s.preselfpay_amt + s.inscp_scp_amt)
      << "medfee_sumamt = fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt";
  EXPECT_EQ(s.fund_pay_sumamt, s.hifp_pay + s.hifmi_pay + s.hifob_pay + s.maf_pay + s.oth_pay)
      << "fund_pay_sumamt = hifp_pay + hifmi_pay + hifob_pay + maf_pay + oth_pay";
  EXPECT_EQ(s.medfee_sumamt, s.fund_pay_sumamt + s.psn_part_amt) << "medfee_sumamt = fund_pay_sumamt + psn_part_amt";
  EXPECT_EQ(s.psn_part_amt, s.acct_pay + s.acct_mulaid_pay + s.psn_cash_pay)
      << "psn_part_amt = acct_pay + acct_mulaid_pay + psn_cash_pay";
  for (const auto& f : settlement_fields) EXPECT_GE(s.*(f.member), money{}) << f.name << " must not be negative";
  EXPECT_LE(s.fund_pay_sumamt, s.inscp_scp_amt) << "the funds never pay more than the in-scope amount";
  EXPECT_LE(s.act_pay_dedc + s.inscope_first_pay, s.inscp_scp_amt);
  if (s.direct) {
    EXPECT_EQ(s.pay_now, s.psn_part_amt) << "direct settlement: the patient pays their share now";
    EXPECT_EQ(s.claim_later, money{});
  } else {
    EXPECT_EQ(s.pay_now, s.medfee_sumamt) << "unfiled: the patient pays everything now";
    EXPECT_EQ(s.claim_later, s.fund_pay_sumamt) << "unfiled: the funds' share is claimed later";
  }
  if (!s.eligible) {
    EXPECT_EQ(s.fund_pay_sumamt, money{}) << "ineligible: no fund pays";
    EXPECT_FALSE(s.ineligible_reason.empty()) << "ineligible: the reason is stated";
  }
  for (const auto& fd : s.funds) {
    if (fd.cap_left) { EXPECT_GE(*fd.cap_left, money{}) << "a cap is never exceeded"; }
  }
}

class golden_case : public testing::TestWithParam<std::string> {};

TEST_P(golden_case, settles) {
  const fs::path file = source_dir / "tests" / "golden" / GetParam();
  const auto text = read_text(file);
  ASSERT_TRUE(text) << "cannot read " << file;

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(*text).get(doc), simdjson::SUCCESS) << file << ": not valid JSON";
  simdjson::dom::object root;
  ASSERT_EQ(doc.get(root), simdjson::SUCCESS) << file << ": not a JSON object";
  for (const auto field : root) {
    static constexpr std::string_view known[] = {"description", "rule", "tariff", "catalog", "filing",
                                                 "bill",        "expect", "work"};
    EXPECT_NE(std::find(std::begin(known), std::end(known), field.key), std::end(known))
        << file << ": unknown member " << field.key;
  }

  const auto description = get_string(doc, "description");
  const auto rule_text = get_string(doc, "rule");
  const auto work = get_string(doc, "work");
  const auto tariff_path = get_string(doc, "tariff");
  ASSERT_TRUE(description && rule_text && work && tariff_path)
      << file << ": description, rule, tariff and work are required strings";
  ASSERT_FALSE(work->empty()) << file << ": the hand calculation is required";
  SCOPED_TRACE("case " + GetParam() + ": " + *description + "\nrule: " + *rule_text + "\nwork: " + *work);

  std::vector<yibao::diagnostic> warnings;
  auto t = load_tariff(source_dir / *tariff_path, &warnings);
  ASSERT_TRUE(t.ok()) << *tariff_path << ": " << describe(t.err());

  yibao::catalog cat;
  if (const auto catalog_path = get_string(doc, "catalog")) {
    const auto csv = read_text(source_dir / *catalog_path);
    ASSERT_TRUE(csv) << "cannot read " << *catalog_path;
    auto c = yibao::parse_catalog_csv(*csv, *catalog_path);
    ASSERT_TRUE(c.ok()) << describe(c.err());
    cat = std::move(c).value();
  }

  yibao::settle_options opts;
  if (const auto filing = get_string(doc, "filing")) {
    opts.as_filing = yibao::parse_filing(*filing);
    ASSERT_TRUE(opts.as_filing) << "unknown filing " << *filing;
  }

  simdjson::dom::element bill_json;
  ASSERT_EQ(doc["bill"].get(bill_json), simdjson::SUCCESS) << file << ": no bill";
  const std::string bill_text = simdjson::minify(bill_json);
  auto b = yibao::parse_bill_json(bill_text);
  ASSERT_TRUE(b.ok()) << "bill: " << b.err().message;

  auto settled = yibao::settle(t.value(), cat, b.value(), opts);
  ASSERT_TRUE(settled.ok()) << "settle: " << settled.err().message;
  const yibao::settlement& s = settled.value();

  check_identities(s);

  simdjson::dom::element expect;
  ASSERT_EQ(doc["expect"].get(expect), simdjson::SUCCESS) << file << ": no expect";
  for (const auto& f : settlement_fields) {
    const auto want = get_string(expect, f.name);
    if (!want) {
      ADD_FAILURE() << "expect." << f.name << " is missing (every money field is required, as a decimal string)";
      continue;
    }
    const auto parsed = yibao::parse_money(*want);
    if (!parsed) {
      ADD_FAILURE() << "expect." << f.name << ": " << *want << " is not a decimal string";
      continue;
    }
    EXPECT_EQ((s.*(f.member)).to_string(), parsed->to_string()) << f.name;
  }
  bool eligible = false;
  ASSERT_EQ(expect["eligible"].get(eligible), simdjson::SUCCESS) << "expect.eligible (a boolean) is required";
  EXPECT_EQ(s.eligible, eligible) << "eligible (reason: " << s.ineligible_reason << ")";

  simdjson::dom::element ytd;
  ASSERT_EQ(expect["ytd"].get(ytd), simdjson::SUCCESS) << "expect.ytd is required";
  for (const auto& f : ytd_fields) {
    const auto want = get_string(ytd, f.name);
    if (!want) {
      ADD_FAILURE() << "expect.ytd." << f.name << " is missing";
      continue;
    }
    const auto parsed = yibao::parse_money(*want);
    ASSERT_TRUE(parsed) << "expect.ytd." << f.name << ": " << *want;
    EXPECT_EQ((s.ytd_after.*(f.member)).to_string(), parsed->to_string()) << "ytd." << f.name;
  }

  std::int64_t documents = 0;
  if (expect["claim_documents"].get(documents) == simdjson::SUCCESS) {
    EXPECT_EQ(static_cast<std::int64_t>(s.claim_documents.size()), documents) << "claim_documents";
  }
}

INSTANTIATE_TEST_SUITE_P(golden, golden_case, testing::ValuesIn(golden_files()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = fs::path(info.param).stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(golden, at_least_forty_cases) { EXPECT_GE(golden_files().size(), 40U); }

// Every shipped tariff (tariffs/) and every golden-case tariff (tests/golden/tariffs/) loads
// with no error and no warning (every table with figures cites a source or says what is
// assumed; every [sources] key is cited), and `yibao check`'s semantic checks find nothing
// (no rule that matches no visit, none whose every value a later rule replaces, ...).
void expect_clean_tariffs(const fs::path& dir, std::size_t at_least) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  EXPECT_GE(files.size(), at_least);
  for (const fs::path& p : files) {
    std::vector<yibao::diagnostic> warnings;
    auto t = load_tariff(p, &warnings);
    EXPECT_TRUE(t.ok()) << p << ": " << (t.ok() ? "" : describe(t.err()));
    for (const auto& w : warnings) ADD_FAILURE() << "warning: " << w.to_string();
    if (!t.ok()) continue;
    for (const auto& d : yibao::semantic_checks(t.value())) ADD_FAILURE() << "yibao check: " << d.to_string();
    for (const auto& r : t.value().rules) {
      EXPECT_FALSE(r.origin.source.empty() && r.origin.assumed.empty())
          << p << ": rule " << r.label << " cites no source and says nothing is assumed";
    }
  }
}

TEST(golden, shipped_tariffs_load_cleanly) { expect_clean_tariffs(source_dir / "tariffs", 7U); }

TEST(golden, golden_case_tariffs_load_cleanly) {
  expect_clean_tariffs(source_dir / "tests" / "golden" / "tariffs", 17U);
}

// The example bills of the README parse.
TEST(golden, example_bills_parse) {
  const fs::path dir = source_dir / "examples" / "bills";
  ASSERT_TRUE(fs::is_directory(dir));
  int count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++count;
    const auto text = read_text(entry.path());
    ASSERT_TRUE(text);
    auto b = yibao::parse_bill_json(*text);
    EXPECT_TRUE(b.ok()) << entry.path() << ": " << (b.ok() ? "" : b.err().message);
  }
  EXPECT_GE(count, 4);
}

}  // namespace
