// Tests of parse_tariff against docs/tariff-format.md (the contract).

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "test_files.hpp"
#include "yibao/tariff.hpp"

namespace {

using yibao::diagnostic;
using yibao::money;
using yibao::ratio;

const std::string corpus_dir = "tests/data/bad_tariffs";

/// Reads a file named relative to the source tree (the tests' file_reader).
auto read_repo_file(const std::string& path) -> std::optional<std::string> {
  std::ifstream in(std::string(YIBAO_SOURCE_DIR) + "/" + path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A reader over an in-memory set of files.
auto memory_reader(std::map<std::string, std::string> files) -> yibao::file_reader {
  return [files = std::move(files)](const std::string& path) -> std::optional<std::string> {
    const auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  };
}

auto strings(const std::vector<diagnostic>& ds) -> std::vector<std::string> {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.to_string());
  return out;
}

auto errors_of(const yibao::result<yibao::tariff>& r) -> std::vector<std::string> {
  return r.ok() ? std::vector<std::string>{} : strings(r.err().diagnostics);
}

constexpr std::uint8_t bit(int i) { return static_cast<std::uint8_t>(1U << i); }

// A tariff that uses every key of the format once.
constexpr const char* full_tariff = R"(# a full tariff
[tariff]
id = "yingkou-2025"
name = "营口市 医保待遇 2025"
place = "辽宁省营口市"
valid_from = 2025-01-01
valid_to = "2025-12-31"
rounding = "half_even"
year_start = "07-01"
source = "seed000"

[sources]
seed000 = "shared/seeds/000: 营口 cross-region outpatient ratios"
seed001 = "shared/seeds/001: Dalian temporary cross-region deductible"

[catalog]
b_first_pay = "0.10"
source = "seed000"

[account]
pays = "inscope_selfpay"
schemes = ["employee"]
on_unfiled = true
source = "seed001"

[coverage]
waiting_months = 3
assumed = "re-joining outside the window: at least 3 months"

[unfiled]
documents = ["身份证 ID card", "发票 invoices"]
source = "seed001"

[[rule]]
name = "employee inpatient, level 3"
when = { scheme = "employee", visit = "inpatient", level = 3 }
deductible = "800.00"
per = "year"
bands = [ { upto = "50000.00", ratio = "0.85" },
          { upto = 100000, ratio = "0.9" },
          { ratio = 1 } ]
method = "whole"
basis = "from_zero"
cap = "500000.00"
floor = "0.5"
source = "seed000"

[[rule]]
layer = "critical"
when = { scheme = "resident", status = ["active", "retired"], group = ["dibao", "poverty"], location = ["cross_city", "cross_province"], filing = "unfiled", level = [0, 1], admission = [2, 3], disease = "Q21" }
add_points = "-2.5"
deductible_factor = "0.5"
deductible_minus = 100
cap = "none"
first_pay = "0.4"
transfer = "difference"
reimbursed = false
reason = "unfiled treatment is not reimbursed"
source = "Shaanxi 大病: deductible halved"
)";

TEST(tariff_parse, full_tariff_values) {
  std::vector<diagnostic> warnings;
  auto r = yibao::parse_tariff(full_tariff, "tariffs/full.toml", {}, &warnings);
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(strings(warnings), std::vector<std::string>{});
  const yibao::tariff& t = r.value();

  EXPECT_EQ(t.file, "tariffs/full.toml");
  EXPECT_EQ(t.info.id, "yingkou-2025");
  EXPECT_EQ(t.info.name, "营口市 医保待遇 2025");
  EXPECT_EQ(t.info.place, "辽宁省营口市");
  EXPECT_EQ(t.info.valid_from, (yibao::date{2025, 1, 1}));
  EXPECT_EQ(t.info.valid_to, (yibao::date{2025, 12, 31}));  // written as a string
  EXPECT_EQ(t.info.round, yibao::rounding::half_even);
  EXPECT_EQ(t.info.year_start_month, 7);
  EXPECT_EQ(t.info.year_start_day, 1);
  EXPECT_TRUE(t.info.extends.empty());
  // `source` naming a [sources] key resolves to its text; where = the table.
  EXPECT_EQ(t.info.origin.source, "shared/seeds/000: 营口 cross-region outpatient ratios");
  EXPECT_EQ(t.info.origin.where.to_string(), "tariffs/full.toml:2:1");
  EXPECT_EQ(t.sources.size(), 2U);

  EXPECT_EQ(t.b_first_pay_default, ratio::points(10));
  EXPECT_EQ(t.b_first_pay_origin.where.to_string(), "tariffs/full.toml:16:1");
  EXPECT_EQ(t.account, yibao::account_use::inscope_selfpay);
  EXPECT_EQ(t.account_for, (std::array<bool, yibao::scheme_count>{true, false}));
  EXPECT_TRUE(t.account_on_unfiled);
  EXPECT_EQ(t.account_origin.source, "shared/seeds/001: Dalian temporary cross-region deductible");
  EXPECT_EQ(t.waiting_months, 3);
  EXPECT_EQ(t.waiting_origin.assumed, "re-joining outside the window: at least 3 months");
  EXPECT_EQ(t.waiting_origin.source, "");
  EXPECT_EQ(t.claim_documents, (std::vector<std::string>{"身份证 ID card", "发票 invoices"}));

  ASSERT_EQ(t.rules.size(), 2U);
  const yibao::rule& a = t.rules[0];
  EXPECT_EQ(a.label, "employee inpatient, level 3");
  EXPECT_EQ(a.layer, yibao::layer_id::basic);
  EXPECT_EQ(a.origin.where.to_string(), "tariffs/full.toml:34:1");
  EXPECT_EQ(a.origin.source, "shared/seeds/000: 营口 cross-region outpatient ratios");
  EXPECT_EQ(a.when.schemes, bit(0));
  EXPECT_EQ(a.when.visits, bit(1));
  EXPECT_EQ(a.when.levels, bit(3));
  EXPECT_EQ(a.when.statuses, yibao::selector::any);
  EXPECT_EQ(a.when.filings, yibao::selector::any);
  EXPECT_EQ(a.when.admission_min, 1);
  EXPECT_EQ(a.when.admission_max, std::numeric_limits<int>::max());
  EXPECT_EQ(a.deductible, money::from_fen(80000));
  EXPECT_EQ(a.per, yibao::deductible_scope::year);
  ASSERT_TRUE(a.bands.has_value());
  ASSERT_EQ(a.bands->size(), 3U);
  EXPECT_EQ((*a.bands)[0].upto, money::from_fen(5'000'000));
  EXPECT_EQ((*a.bands)[0].rate, ratio::points(85));
  EXPECT_EQ((*a.bands)[1].upto, money::from_fen(10'000'000));  // integer yuan
  EXPECT_EQ((*a.bands)[1].rate, ratio::points(90));
  EXPECT_EQ((*a.bands)[2].upto, std::nullopt);
  EXPECT_EQ((*a.bands)[2].rate, ratio::one());  // integer 1
  EXPECT_EQ(a.method, yibao::band_method::whole);
  EXPECT_EQ(a.basis, yibao::band_basis::from_zero);
  ASSERT_TRUE(a.cap.has_value());
  EXPECT_EQ(*a.cap, money::from_fen(50'000'000));
  EXPECT_EQ(a.floor, ratio::points(50));
  EXPECT_FALSE(a.add.has_value());
  EXPECT_FALSE(a.transfer_difference.has_value());

  const yibao::rule& b = t.rules[1];
  EXPECT_EQ(b.label, "rule[1]");
  EXPECT_EQ(b.layer, yibao::layer_id::critical);
  EXPECT_EQ(b.when.schemes, bit(1));
  EXPECT_EQ(b.when.statuses, bit(0) | bit(1));
  EXPECT_EQ(b.when.groups, bit(1) | bit(3));
  EXPECT_EQ(b.when.locations, bit(1) | bit(2));
  EXPECT_EQ(b.when.filings, bit(4));
  EXPECT_EQ(b.when.levels, bit(0) | bit(1));
  EXPECT_EQ(b.when.visits, yibao::selector::any);
  EXPECT_EQ(b.when.admission_min, 2);
  EXPECT_EQ(b.when.admission_max, 3);
  EXPECT_EQ(b.when.diseases, std::vector<std::string>{"Q21"});
  EXPECT_EQ(b.add, ratio::from_ppm(-25'000));  // "-2.5" points
  EXPECT_EQ(b.deductible_factor, ratio::points(50));
  EXPECT_EQ(b.deductible_minus, money::from_fen(10'000));
  ASSERT_TRUE(b.cap.has_value());  // "none": set, to no cap
  EXPECT_EQ(*b.cap, std::nullopt);
  EXPECT_EQ(b.first_pay, ratio::points(40));
  EXPECT_EQ(b.transfer_difference, true);
  EXPECT_EQ(b.reimbursed, false);
  EXPECT_EQ(b.reason, "unfiled treatment is not reimbursed");
  EXPECT_EQ(b.origin.source, "Shaanxi 大病: deductible halved");  // literal text
  EXPECT_FALSE(b.deductible.has_value());
  EXPECT_FALSE(b.bands.has_value());
}

constexpr const char* minimal_head = yibao_test::minimal_tariff_head;

TEST(tariff_parse, defaults_when_keys_are_absent) {
  auto r = yibao::parse_tariff(std::string(minimal_head) + "[[rule]]\nbands = [{ ratio = 0 }]\nassumed = \"x\"\n",
                               "t.toml", {});
  ASSERT_TRUE(r.ok()) << r.err().message;
  const yibao::tariff& t = r.value();
  EXPECT_EQ(t.info.year_start_month, 1);
  EXPECT_EQ(t.info.year_start_day, 1);
  EXPECT_EQ(t.b_first_pay_default, ratio::points(10));
  EXPECT_EQ(t.account, yibao::account_use::none);
  EXPECT_EQ(t.account_for, (std::array<bool, yibao::scheme_count>{false, false}));
  ASSERT_EQ(t.rules.size(), 1U);
  EXPECT_EQ(t.rules[0].label, "rule[0]");
  EXPECT_EQ(t.rules[0].layer, yibao::layer_id::basic);
  EXPECT_EQ((*t.rules[0].bands)[0].rate, ratio{});
  EXPECT_FALSE(t.rules[0].cap.has_value());
  EXPECT_EQ(t.rules[0].when.schemes, yibao::selector::any);
}

// "Warnings: a ratio above 1, a cap below the deductible, a [sources] key
// nothing cites, a table with figures but no source or assumed."
TEST(tariff_parse, warnings_do_not_fail_the_load) {
  const std::string text = std::string(minimal_head) + R"(
[sources]
unused = "a citation nobody uses"

[[rule]]
deductible = "800.00"
bands = [ { ratio = "1.00" } ]
cap = "500.00"

[coverage]
waiting_months = 3
source = "literal citation"
)";
  std::vector<diagnostic> warnings;
  auto r = yibao::parse_tariff(text, "w.toml", {}, &warnings);
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(strings(warnings),
            (std::vector<std::string>{
                "w.toml:10:1: warning: sources.unused: expected some \"source\" to cite this key, found none",
                "w.toml:12:1: warning: rule[0]: expected \"source\" (a [sources] key or citation text) or "
                "\"assumed\" (why the figures are assumed), found neither",
                "w.toml:15:7: warning: rule[0].cap: expected a cap of at least the deductible 800.00, found 500.00",
            }));
  EXPECT_EQ(warnings[0].level, yibao::severity::warning);
}

// extends: "the child's [tariff] keys override, [sources] merge, ... rules =
// parent's rules followed by the child's".
TEST(tariff_parse, extends_overrides_and_appends_rules) {
  auto read = memory_reader({{"tariffs/base.toml", std::string(minimal_head) + R"(source = "base"
[sources]
base = "base policy text"

[catalog]
b_first_pay = "0.10"
source = "base"

[coverage]
waiting_months = 3
source = "base"

[[rule]]
name = "general"
bands = [ { ratio = "0.70" } ]
source = "base"
)"}});
  const std::string child = R"([tariff]
extends = "../base.toml"
id = "child"
valid_to = 2025-06-30

[sources]
child = "child policy text"

[catalog]
b_first_pay = "0.20"
source = "child"

[[rule]]
when = { group = "dibao" }
add_points = 5
source = "child"
)";
  std::vector<diagnostic> warnings;
  auto r = yibao::parse_tariff(child, "tariffs/city/child.toml", read, &warnings);
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(strings(warnings), std::vector<std::string>{});
  const yibao::tariff& t = r.value();
  EXPECT_EQ(t.file, "tariffs/city/child.toml");
  EXPECT_EQ(t.info.extends, std::vector<std::string>{"tariffs/base.toml"});
  EXPECT_EQ(t.info.id, "child");                            // overridden
  EXPECT_EQ(t.info.name, "t");                              // inherited
  EXPECT_EQ(t.info.valid_to, (yibao::date{2025, 6, 30}));   // overridden
  EXPECT_EQ(t.info.origin.source, "base policy text");      // inherited, resolved
  EXPECT_EQ(t.info.origin.where.file, "tariffs/city/child.toml");
  EXPECT_EQ(t.sources.size(), 2U);
  EXPECT_EQ(t.b_first_pay_default, ratio::points(20));
  EXPECT_EQ(t.b_first_pay_origin.source, "child policy text");
  EXPECT_EQ(t.waiting_months, 3);
  EXPECT_EQ(t.waiting_origin.where.file, "tariffs/base.toml");
  ASSERT_EQ(t.rules.size(), 2U);
  EXPECT_EQ(t.rules[0].label, "general");
  EXPECT_EQ(t.rules[0].origin.where.to_string(), "tariffs/base.toml:20:1");
  EXPECT_EQ(t.rules[1].label, "rule[0]");  // N counts this file's rules
  EXPECT_EQ(t.rules[1].add, ratio::points(5));
  EXPECT_EQ(t.rules[1].origin.where.to_string(), "tariffs/city/child.toml:13:1");
}

TEST(tariff_parse, extends_array_and_chain) {
  auto read = memory_reader({
      {"x/root.toml", std::string(minimal_head) + "[[rule]]\nname = \"root\"\n"},
      {"x/a.toml", "[tariff]\nextends = \"root.toml\"\n[[rule]]\nname = \"a\"\n"},
      {"x/b.toml", "[[rule]]\nname = \"b\"\n"},
  });
  auto r = yibao::parse_tariff("[tariff]\nextends = [\"a.toml\", \"b.toml\"]\n[[rule]]\nname = \"child\"\n",
                               "x/child.toml", read);
  ASSERT_TRUE(r.ok()) << r.err().message;
  const yibao::tariff& t = r.value();
  EXPECT_EQ(t.info.extends, (std::vector<std::string>{"x/root.toml", "x/a.toml", "x/b.toml"}));
  std::vector<std::string> labels;
  for (const auto& rule : t.rules) labels.push_back(rule.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"root", "a", "b", "child"}));
}

TEST(tariff_parse, extends_cycle_is_error) {
  auto read = memory_reader({
      {"x/a.toml", std::string(minimal_head) + "extends = \"b.toml\"\n"},
      {"x/b.toml", "[tariff]\nextends = \"./a.toml\"\n"},
  });
  auto r = yibao::parse_tariff(*read("x/a.toml"), "x/a.toml", read);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, yibao::errc::invalid_argument);
  EXPECT_EQ(errors_of(r), (std::vector<std::string>{
                              "x/b.toml:2:11: error: tariff.extends: expected a file that does not extend itself, "
                              "found the cycle x/a.toml -> x/b.toml -> x/a.toml",
                          }));
  EXPECT_EQ(r.err().message, errors_of(r)[0]);
  EXPECT_EQ(r.err().path, "tariff.extends");
}

TEST(tariff_parse, parent_diagnostics_carry_the_parent_file) {
  auto read = memory_reader({{"dir/base.toml", std::string(minimal_head) + "[[rule]]\nbands = [{ ratio = 0.5 }]\n"}});
  std::vector<diagnostic> warnings;
  auto r = yibao::parse_tariff("[tariff]\nextends = \"base.toml\"\nid = 5\n", "dir/child.toml", read, &warnings);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(errors_of(r), (std::vector<std::string>{
                              "dir/base.toml:9:20: error: rule[0].bands[0].ratio: expected a decimal string such as "
                              "\"0.85\", found a float",
                              "dir/child.toml:3:6: error: tariff.id: expected a string, found an integer",
                          }));
  EXPECT_EQ(r.err().diagnostics[0].where.file, "dir/base.toml");
}

TEST(tariff_parse, unreadable_extends_in_array_names_the_entry) {
  auto read = memory_reader({{"ok.toml", std::string(minimal_head)}});
  auto r = yibao::parse_tariff("[tariff]\nextends = [\"ok.toml\", \"gone.toml\"]\n", "main.toml", read);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(errors_of(r), (std::vector<std::string>{
                              "main.toml:2:23: error: tariff.extends[1]: expected a readable tariff file, found "
                              "none at \"gone.toml\"",
                          }));
}

// "Loading reports every problem at once, compiler style."
TEST(tariff_parse, several_mistakes_are_all_reported) {
  const std::string text = R"([tariff]
id = "several"
place = "p"
valid_from = 2025-01-01
valid_to = 2025-12-31
rounding = "bankers"

[[rule]]
when = { scheme = "employee", levle = 3 }
deductible = 800.5
bands = [ { upto = "50000.00", ratio = "0.85" }, { upto = "10000.00", ratio = "0.9" }, { ratio = "0.95" } ]
add_points = 2.5
assumed = "test"
)";
  auto r = yibao::parse_tariff(text, "several.toml", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, yibao::errc::invalid_argument);
  const std::vector<std::string> expected{
      "several.toml:1:1: error: tariff.name: expected a string (a required key), found none",
      "several.toml:6:12: error: tariff.rounding: expected one of \"half_up\", \"half_even\", \"down\", \"up\", "
      "found \"bankers\"",
      "several.toml:9:31: error: rule[0].when.levle: unknown key, expected one of: scheme, status, group, visit, "
      "level, location, filing, admission, admission_min, admission_max, disease, tier, family_doctor, contracted, "
      "age_min, age_max, holds, holds_min, holds_max, unfiled_before, unfiled_before_min",
      "several.toml:10:14: error: rule[0].deductible: expected a decimal string such as \"1200.00\" or an integer "
      "number of yuan, found a float",
      "several.toml:11:59: error: rule[0].bands[1].upto: expected an edge above the previous band's 50000.00 "
      "(bands ascend), found 10000.00",
      "several.toml:12:14: error: rule[0].add_points: expected percentage points as an integer or a decimal string "
      "such as \"-2.5\", found a float",
  };
  EXPECT_EQ(errors_of(r), expected);
  EXPECT_EQ(r.err().message, expected[0]);
  EXPECT_EQ(r.err().path, "tariff.name");
}

// --- the bad-tariff corpus: one mistake per file, exact first diagnostic ---

auto corpus_cases() -> std::vector<std::string> {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(YIBAO_SOURCE_DIR) + "/" + corpus_dir)) {
    if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class tariff_parse_corpus : public testing::TestWithParam<std::string> {};

TEST_P(tariff_parse_corpus, first_diagnostic_is_exact) {
  const std::string file = corpus_dir + "/" + GetParam() + ".toml";
  const auto text = read_repo_file(file);
  const auto expected_text = read_repo_file(corpus_dir + "/" + GetParam() + ".expected");
  ASSERT_TRUE(text.has_value()) << file;
  ASSERT_TRUE(expected_text.has_value()) << "missing " << GetParam() << ".expected";
  const std::string expected = expected_text->substr(0, expected_text->find('\n'));

  auto r = yibao::parse_tariff(*text, file, read_repo_file);
  ASSERT_FALSE(r.ok()) << file << " loaded without error";
  EXPECT_EQ(r.err().code, yibao::errc::invalid_argument);
  ASSERT_FALSE(r.err().diagnostics.empty());
  const diagnostic& first = r.err().diagnostics.front();
  EXPECT_EQ(first.to_string(), expected);
  EXPECT_EQ(r.err().message, expected);
  EXPECT_EQ(first.level, yibao::severity::error);
  EXPECT_EQ(first.where.file, file);
  EXPECT_EQ(r.err().diagnostics.size(), 1U) << "each corpus file holds exactly one mistake";

  // "file:line:col: error: ..." -> line and column.
  const std::string rest = expected.substr(file.size() + 1);
  const auto line = std::stoul(rest);
  const auto column = std::stoul(rest.substr(rest.find(':') + 1));
  EXPECT_EQ(first.where.line, line);
  EXPECT_EQ(first.where.column, column);
}

INSTANTIATE_TEST_SUITE_P(tariff_parse, tariff_parse_corpus, testing::ValuesIn(corpus_cases()),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(tariff_parse, corpus_has_at_least_25_mistakes) { EXPECT_GE(corpus_cases().size(), 25U); }

}  // namespace
