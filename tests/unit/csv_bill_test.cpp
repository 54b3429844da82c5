// Issue 11 item 4: CSV bills built directly (sim::detail::csv_bill), each
// cell through the converter the bill JSON reader uses for the same field
// (formats/bill_fields.hpp), with no bill JSON in between. A good row gives
// the bill its JSON gives; each kind of bad cell is told with the column (and
// for a line row, the lines file and line; the reject adds the bills file and
// line); a generated population reads the same from CSV and from JSON Lines;
// and the bill JSON writer that simulate --sort stores CSV bills with reads
// back as the same bill.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "formats/bill_json.hpp"
#include "formats/csv.hpp"
#include "sim/reader.hpp"
#include "test_files.hpp"
#include "yibao/simulate.hpp"

namespace {

using namespace yibao;
using namespace yibao::sim::detail;

const std::string bills_header =
    "bill_id,person_id,scheme,status,group,coverage,account_balance,rejoined,visit_type,level,location,filing,"
    "admission,date,disease,transfer_from_level";
const std::string lines_header = "bill_id,code,name,class,selfpay_ratio,price_limit,qty,price,amount";

struct parsed {
  bool ok = false;
  bill b;
  std::string why;
};

// Reads one bill: `row` under bills_header (or `header`), its line rows at
// lines 2, 3, ... of bills.lines.csv.
auto read(const std::string& row, const std::vector<std::string>& line_rows, const std::string& header = bills_header)
    -> parsed {
  const bill_layout bl = parse_bill_header(header, "bills.csv").value();
  const line_layout ll = parse_line_header(lines_header, "bills.lines.csv").value();
  std::vector<row_text> rows;
  for (std::size_t i = 0; i < line_rows.size(); ++i) rows.push_back(row_text{i + 2, line_rows[i]});
  parsed out;
  out.ok = csv_bill(row, bl, rows, ll, "bills.lines.csv", out.b, out.why);
  return out;
}

const std::string good_row =
    R"(B1,P1,employee,retired,dibao,waiting,12.50,2024-03-01,inpatient,2,cross_city,referral,2,2025-01-10,"I10, ""essential""",1)";
const std::string good_line = "B1,X1,\xE8\x8D\xAF,B,0.2,30,2,35.5,71";

// The fuzzer's seeds and any crash it found (tests/fuzz/fuzz_csv_bill.cpp):
// line 1 the bills header, line 2 the bill row, line 3 the lines header, then
// the line rows. The same checks as the fuzzer; the generated seeds read as
// valid bills.
TEST(csv_bill, fuzz_corpus_replays) {
  const auto dir = yibao_test::source_dir / "tests" / "fuzz" / "csv_corpus";
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string text = *yibao_test::read_text(e.path());
    std::vector<std::string_view> parts;
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t end = std::min(text.find('\n', at), text.size());
      parts.push_back(std::string_view{text}.substr(at, end - at));
      at = end + 1;
    }
    parts.resize(std::max<std::size_t>(parts.size(), 3));
    const auto bl = parse_bill_header(parts[0], "bills.csv");
    const auto ll = parse_line_header(parts[2], "bills.lines.csv");
    // Generated seeds and the facts seed must read as valid bills.
    const std::string file = e.path().filename().string();
    const bool generated = file.rfind("generated-", 0) == 0 || file.rfind("facts-", 0) == 0;
    ++n;
    if (!bl || !ll) {
      EXPECT_FALSE(generated) << e.path();
      continue;
    }
    std::vector<row_text> rows;
    for (std::size_t i = 3; i < parts.size(); ++i) rows.push_back(row_text{i - 1, parts[i]});
    bill b;
    std::string why;
    if (!csv_bill(parts[1], bl.value(), rows, ll.value(), "bills.lines.csv", b, why)) {
      EXPECT_FALSE(generated) << e.path() << ": " << why;
      EXPECT_FALSE(why.empty());
      EXPECT_EQ(b, bill{});
      continue;
    }
    const auto valid = validate(b);
    EXPECT_TRUE(valid || !generated) << e.path() << ": " << valid.err().message;
  }
  EXPECT_GE(n, 4U);
}

TEST(csv_bill, good_row_gives_the_bill_its_json_gives) {
  const parsed p = read(good_row, {good_line, "B1,X2,,,,,1,1.00,1.00"});
  ASSERT_TRUE(p.ok) << p.why;
  const auto json = parse_bill_json(
      R"({"id":"B1","person":{"id":"P1","scheme":"employee","status":"retired","group":"dibao","coverage":"waiting",)"
      R"("account_balance":"12.50","rejoined":"2024-03-01"},"visit":{"type":"inpatient","level":2,"location":"cross_city",)"
      R"("filing":"referral","admission":2,"date":"2025-01-10","disease":"I10, \"essential\"","transfer_from_level":1},)"
      R"("lines":[{"code":"X1","name":"\u836f","class":"B","selfpay_ratio":"0.2","price_limit":"30","qty":"2",)"
      R"("price":"35.5","amount":"71"},{"code":"X2","qty":"1","price":"1.00","amount":"1.00"}]})",
      false);
  ASSERT_TRUE(json.ok()) << json.err().message;
  EXPECT_TRUE(p.b == json.value());
  EXPECT_EQ(p.b.at.disease, R"(I10, "essential")");
  EXPECT_EQ(p.b.lines[0].selfpay_ratio->ppm(), 200'000);
  EXPECT_EQ(p.b.lines[0].amount.fen(), 7100);
  EXPECT_FALSE(p.b.lines[1].cls.has_value());  // an empty optional cell: the catalog's
}

TEST(csv_bill, empty_optional_cells_and_absent_columns_are_the_defaults) {
  const std::string header = "bill_id,person_id,scheme,visit_type,level,location,date,status";
  const parsed p = read("B1,P1,resident,outpatient,0,local,2025-01-10,", {"B1,X1,,,,,1,2,2"}, header);
  ASSERT_TRUE(p.ok) << p.why;
  const bill defaults;
  EXPECT_EQ(p.b.who.status_, defaults.who.status_);
  EXPECT_EQ(p.b.who.account_balance, defaults.who.account_balance);
  EXPECT_EQ(p.b.at.admission, defaults.at.admission);
  EXPECT_EQ(p.b.at.filed, defaults.at.filed);
  EXPECT_FALSE(p.b.who.rejoined.has_value());
  EXPECT_FALSE(p.b.at.transfer_from_level.has_value());
}

// The row with one bills cell replaced (`row` under `header`).
auto with_cell(std::string_view column, const std::string& value, const std::string& row = good_row,
               const std::string& header = bills_header) -> std::string {
  std::vector<std::string_view> views, names;
  std::string scratch, name_scratch;
  scratch.reserve(row.size());
  name_scratch.reserve(header.size());
  EXPECT_EQ(io::split_csv_row(row, views, scratch).fault, io::csv_fault::none);
  EXPECT_EQ(io::split_csv_row(header, names, name_scratch).fault, io::csv_fault::none);
  EXPECT_EQ(views.size(), names.size());
  std::string out;
  for (std::size_t c = 0; c < views.size(); ++c) {
    if (c > 0) out += ',';
    if (names[c] == column) {
      out += value;
    } else {
      append_csv_cell(out, views[c]);
    }
  }
  return out;
}

// Every bills column, the facts included.
const std::string facts_header =
    "bill_id,person_id,scheme,birth_date,tier,family_doctor,chronic,enrolled_years,claim_free_years,lapsed_years,"
    "back_paid_years,account_earlier,family_account,visit_type,level,location,date,contracted,unfiled_before";
const std::string facts_row =
    "B1,P1,resident,1960-05-02,2,true,I10;E11,12,3,2,1,45.60,7.00,day_surgery,2,local,2025-01-10,false,2";

TEST(csv_bill, the_facts_columns_give_the_bill_its_json_gives) {
  const parsed p = read(facts_row, {"B1,X1,,,,,1,2,2"}, facts_header);
  ASSERT_TRUE(p.ok) << p.why;
  const auto json = parse_bill_json(
      R"({"id":"B1","person":{"id":"P1","scheme":"resident","birth_date":"1960-05-02","tier":2,"family_doctor":true,)"
      R"("chronic":["I10","E11"],"enrolled_years":12,"claim_free_years":3,"lapsed_years":2,"back_paid_years":1,)"
      R"("account_earlier":"45.60","family_account":"7.00"},"visit":{"type":"day_surgery","level":2,)"
      R"("location":"local","date":"2025-01-10","contracted":false,"unfiled_before":2},)"
      R"("lines":[{"code":"X1","qty":"1","price":"2","amount":"2"}]})",
      false);
  ASSERT_TRUE(json.ok()) << json.err().message;
  EXPECT_TRUE(p.b == json.value());
  EXPECT_EQ(p.b.who.chronic, (std::vector<std::string>{"I10", "E11"}));
  EXPECT_EQ(p.b.who.birth_date, parse_date("1960-05-02"));
  EXPECT_TRUE(p.b.who.family_doctor);
  EXPECT_EQ(p.b.who.account_earlier.fen(), 4560);
  EXPECT_EQ(p.b.at.unfiled_before, 2);
  // A true contracted, an empty chronic cell: no codes.
  const parsed q = read(with_cell("chronic", "", with_cell("contracted", "true", facts_row, facts_header), facts_header),
                        {"B1,X1,,,,,1,2,2"}, facts_header);
  ASSERT_TRUE(q.ok) << q.why;
  EXPECT_TRUE(q.b.at.contracted);
  EXPECT_TRUE(q.b.who.chronic.empty());
}

TEST(csv_bill, each_kind_of_bad_facts_cell_names_its_column) {
  struct bad_cell {
    std::string_view column;
    std::string value, why;
  };
  const std::vector<bad_cell> cases{
      {"birth_date", "1960-02-30", R"(birth_date: "1960-02-30" is not a valid date (expected YYYY-MM-DD))"},
      {"tier", "one", "tier: expected an integer, found a string"},
      {"family_doctor", "yes", R"(family_doctor: expected true or false, found "yes")"},
      {"family_doctor", "True", R"(family_doctor: expected true or false, found "True")"},
      {"chronic", "I10;\xE8", "chronic: invalid UTF-8 at byte 0"},
      {"enrolled_years", "1.5", "enrolled_years: expected an integer, found a string"},
      {"back_paid_years", "x", "back_paid_years: expected an integer, found a string"},
      {"account_earlier", "1.234", R"(account_earlier: invalid decimal "1.234": too many decimals (at most 2))"},
      {"family_account", "abc", R"(family_account: invalid decimal "abc": not a decimal number)"},
      {"contracted", "1", R"(contracted: expected true or false, found "1")"},
      {"unfiled_before", "01", "unfiled_before: expected an integer, found a string"},
  };
  for (const bad_cell& c : cases) {
    const parsed p = read(with_cell(c.column, c.value, facts_row, facts_header), {"B1,X1,,,,,1,2,2"}, facts_header);
    EXPECT_FALSE(p.ok) << c.column << "=" << c.value;
    EXPECT_EQ(p.why, c.why) << c.column << "=" << c.value;
  }
  // Ranges are validate()'s, named by their column.
  const parsed range = read(with_cell("tier", "4", facts_row, facts_header), {"B1,X1,,,,,1,2,2"}, facts_header);
  ASSERT_TRUE(range.ok) << range.why;
  EXPECT_EQ(validate(range.b).err().path, "person.tier");
  EXPECT_EQ(csv_reason(validate(range.b).err(), {}, "bills.lines.csv"), "tier: must be between 0 and 3, found 4");
  const parsed empty = read(with_cell("chronic", "I10;", facts_row, facts_header), {"B1,X1,,,,,1,2,2"}, facts_header);
  ASSERT_TRUE(empty.ok) << empty.why;
  EXPECT_EQ(validate(empty.b).err().message, "person.chronic[1]: must not be empty");
}

TEST(csv_bill, each_kind_of_bad_bills_cell_names_its_column) {
  struct bad_cell {
    std::string_view column;
    std::string value, why;
  };
  const std::vector<bad_cell> cases{
      {"scheme", "employe", R"(scheme: unknown value "employe"; expected one of employee, resident)"},
      {"scheme", "", R"(scheme: unknown value ""; expected one of employee, resident)"},  // a required cell
      {"status", "dead", R"(status: unknown value "dead"; expected one of active, retired)"},
      {"account_balance", "1.234", R"(account_balance: invalid decimal "1.234": too many decimals (at most 2))"},
      {"account_balance", "1e3", R"(account_balance: invalid decimal "1e3": not a decimal number)"},
      {"rejoined", "2024-13-01", R"(rejoined: "2024-13-01" is not a valid date (expected YYYY-MM-DD))"},
      {"date", "2025-02-30", R"(date: "2025-02-30" is not a valid date (expected YYYY-MM-DD))"},
      {"level", "1.5", "level: expected an integer, found a string"},
      {"level", "01", "level: expected an integer, found a string"},
      {"level", "", "level: expected an integer, found a string"},
      {"admission", "1234567890", "admission: expected an integer, found a string"},
      {"transfer_from_level", "x", "transfer_from_level: expected an integer, found a string"},
      {"bill_id", "B\xFF", "bill_id: invalid UTF-8 at byte 1"},
      {"disease", "\xE8\x8D", "disease: invalid UTF-8 at byte 0"},
  };
  for (const bad_cell& c : cases) {
    const parsed p = read(with_cell(c.column, c.value), {good_line});
    EXPECT_FALSE(p.ok) << c.column << "=" << c.value;
    EXPECT_EQ(p.why, c.why) << c.column << "=" << c.value;
  }
  // Syntax only: a value out of range reads, for validate() to reject.
  const parsed range = read(with_cell("level", "-7"), {good_line});
  ASSERT_TRUE(range.ok) << range.why;
  EXPECT_EQ(range.b.at.level, -7);
  EXPECT_EQ(validate(range.b).err().path, "visit.level");
}

TEST(csv_bill, each_kind_of_bad_lines_cell_names_the_lines_file_line_and_column) {
  struct bad_line {
    std::string row, why;
  };
  const std::vector<bad_line> cases{
      {"B1,X1,,D,,,1,2,2", R"(bills.lines.csv:3: class: unknown value "D"; expected one of A, B, C)"},
      {"B1,X1,,,0.1234567,,1,2,2",
       R"(bills.lines.csv:3: selfpay_ratio: invalid decimal "0.1234567": too many decimals (at most 6))"},
      {"B1,X1,,,,abc,1,2,2", R"(bills.lines.csv:3: price_limit: invalid decimal "abc": not a decimal number)"},
      {"B1,X1,,,,,,2,2", R"(bills.lines.csv:3: qty: invalid decimal "": empty number)"},
      {"B1,X1,,,,,1,35,5,2", "bills.lines.csv:3: expected 9 cells, found 10"},
      {"B1,X1,,,,,1,2,2.001", R"(bills.lines.csv:3: amount: invalid decimal "2.001": too many decimals (at most 2))"},
      {"B1,X\xC3,,,,,1,2,2", "bills.lines.csv:3: code: invalid UTF-8 at byte 1"},
      {"B1,X1,a\"b,,,,1,2,2", "bills.lines.csv:3: a quote inside unquoted cell 3"},
      {"B1,X1,\"ab,,,,1,2,2", "bills.lines.csv:3: unterminated quoted cell"},
  };
  for (const bad_line& c : cases) {
    const parsed p = read(good_row, {good_line, c.row});
    EXPECT_FALSE(p.ok) << c.row;
    EXPECT_EQ(p.why, c.why) << c.row;
  }
}

TEST(csv_bill, a_malformed_row_comes_before_a_bad_cell_and_the_first_bad_cell_wins) {
  // The bills row's own faults.
  EXPECT_EQ(read(good_row + ",extra", {good_line}).why, "expected 16 cells, found 17");
  EXPECT_EQ(read("\"B1\"x" + good_row.substr(2), {good_line}).why, "unexpected text after the closing quote of cell 1");
  // A bad cell in the bill row, a malformed line row after it: the line row.
  EXPECT_EQ(read(with_cell("level", "x"), {good_line, "B1,X1"}).why, "bills.lines.csv:3: expected 9 cells, found 2");
  // Two bad cells: the first in the bill's order (the bill row, then the lines).
  EXPECT_EQ(read(with_cell("level", "x"), {"B1,X1,,D,,,1,2,2"}).why, "level: expected an integer, found a string");
  EXPECT_EQ(read(good_row, {"B1,X1,,D,,,x,2,2", "B1,X1,,D,,,1,2,2"}).why,
            R"(bills.lines.csv:2: class: unknown value "D"; expected one of A, B, C)");
  // A failed read leaves the bill as it was.
  bill b;
  b.id = "kept";
  const bill_layout bl = parse_bill_header(bills_header, "bills.csv").value();
  const line_layout ll = parse_line_header(lines_header, "bills.lines.csv").value();
  std::string why;
  EXPECT_FALSE(csv_bill(with_cell("level", "x"), bl, {row_text{2, good_line}}, ll, "l.csv", b, why));
  EXPECT_EQ(b.id, "kept");
}

TEST(csv_bill, validate_errors_name_csv_columns) {
  const parsed p = read(with_cell("level", "9"), {good_line});
  ASSERT_TRUE(p.ok) << p.why;
  const auto v = validate(p.b);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(csv_reason(v.err(), {row_text{2, good_line}}, "bills.lines.csv"),
            "level: must be between 0 and 3, found 9");
  bill b = read(good_row, {good_line, "B1,X2,,,,,1,1.00,2.00"}).b;
  const auto amount = validate(b);
  ASSERT_FALSE(amount.ok());
  EXPECT_EQ(amount.err().path, "lines[1].amount");
  EXPECT_EQ(csv_reason(amount.err(), {row_text{2, good_line}, row_text{3, "B1,X2,,,,,1,1.00,2.00"}}, "bills.lines.csv")
                .rfind("bills.lines.csv:3: amount: ", 0),
            0U);
}

// A generated population, each bill row with its line rows, and its JSON Lines.
struct population {
  bill_layout bl;
  line_layout ll;
  std::vector<std::string> rows;
  std::vector<std::vector<std::string>> line_rows;
  std::vector<std::string> jsonl;
};

auto generated(std::uint64_t people) -> population {
  sim::generate_options g;
  g.people = people;
  g.seed = 11;
  g.format = sim::input_format::csv;
  const auto [bills_text, lines_text] = sim::generate_text(g);
  g.format = sim::input_format::jsonl;
  const std::string jsonl_text = sim::generate_text(g).first;
  const auto bills = yibao_test::split_lines(bills_text);
  const auto lines = yibao_test::split_lines(lines_text);
  population out;
  out.bl = parse_bill_header(bills.at(0), "bills.csv").value();
  out.ll = parse_line_header(lines.at(0), "bills.lines.csv").value();
  std::size_t l = 1;
  for (std::size_t b = 1; b < bills.size(); ++b) {
    if (bills[b].empty()) continue;
    const std::string id = bills[b].substr(0, bills[b].find(','));
    out.rows.push_back(bills[b]);
    out.line_rows.emplace_back();
    while (l < lines.size() && lines[l].substr(0, lines[l].find(',')) == id) out.line_rows.back().push_back(lines[l++]);
  }
  for (std::string& j : yibao_test::split_lines(jsonl_text)) {
    if (!j.empty()) out.jsonl.push_back(std::move(j));
  }
  return out;
}

auto csv_of(const population& p, const std::string& row, const std::vector<std::string>& line_rows, bill& out,
            std::string& why) -> bool {
  std::vector<row_text> rows;
  for (std::size_t i = 0; i < line_rows.size(); ++i) rows.push_back(row_text{i + 2, line_rows[i]});
  return csv_bill(row, p.bl, rows, p.ll, "bills.lines.csv", out, why);
}

TEST(csv_bill, a_generated_population_reads_the_same_from_csv_and_json_lines) {
  const population p = generated(300);
  ASSERT_GT(p.rows.size(), 1000U);
  ASSERT_EQ(p.rows.size(), p.jsonl.size());
  for (std::size_t i = 0; i < p.rows.size(); ++i) {
    bill b;
    std::string why;
    ASSERT_TRUE(csv_of(p, p.rows[i], p.line_rows[i], b, why)) << p.rows[i] << ": " << why;
    const auto j = parse_bill_json(p.jsonl[i], false);
    ASSERT_TRUE(j.ok()) << j.err().message;
    EXPECT_TRUE(b == j.value()) << p.rows[i];
  }
}

// simulate --sort stores each CSV bill as the bill JSON writer writes it.
TEST(csv_bill, the_bill_json_writer_reads_back_as_the_same_bill) {
  const population p = generated(3);
  const std::string_view edges{",\"-.0 9x\x80\xC3\t\\eB"};
  std::size_t taken = 0, mutants = 0;
  for (std::size_t k = 0; k < std::min<std::size_t>(p.rows.size(), 4); ++k) {
    // Every byte of the bill row and of its first two line rows.
    for (std::size_t which = 0; which < 3 && which <= p.line_rows[k].size(); ++which) {
      const std::string& text = which == 0 ? p.rows[k] : p.line_rows[k][which - 1];
      for (std::size_t i = 0; i <= text.size(); ++i) {
        for (const std::string& v : yibao_test::mutants_at(text, i, edges)) {
          std::vector<std::string> lines = p.line_rows[k];
          std::string row = p.rows[k];
          (which == 0 ? row : lines[which - 1]) = v;
          ++mutants;
          bill b;
          std::string why;
          if (!csv_of(p, row, lines, b, why)) {
            EXPECT_FALSE(why.empty()) << row;
            continue;
          }
          ++taken;
          std::string json;
          io::append_bill_json(json, b);
          EXPECT_EQ(json.find('\n'), std::string::npos);
          const auto back = parse_bill_json(json, false);
          ASSERT_TRUE(back.ok()) << json << ": " << back.err().message;
          EXPECT_TRUE(back.value() == b) << json;
        }
      }
    }
  }
  EXPECT_GT(taken, 0U);
  EXPECT_LT(taken, mutants);
}

TEST(csv_bill, the_bill_json_writer_writes_totals_only_when_there_are_some) {
  bill b = read(good_row, {good_line}).b;
  std::string json;
  io::append_bill_json(json, b);
  EXPECT_EQ(json.find("\"ytd\""), std::string::npos);
  b.totals.hifp_paid = money::from_fen(12345);
  json.clear();
  io::append_bill_json(json, b);
  EXPECT_NE(json.find(R"("hifp_paid":"123.45")"), std::string::npos) << json;
  const auto back = parse_bill_json(json, true);
  ASSERT_TRUE(back.ok()) << back.err().message;
  EXPECT_TRUE(back.value() == b);
}

}  // namespace
