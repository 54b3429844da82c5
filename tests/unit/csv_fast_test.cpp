// The CSV fast path (sim::detail::csv_bill_fast) against the route it
// short-cuts: the CSV bill converted to bill JSON and read by the full JSON
// reader. Whatever the fast path accepts, the route accepts with the same
// bill; on a generated population it takes every bill; and mutated rows
// never make them disagree.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "formats/bill_json.hpp"
#include "sim/reader.hpp"
#include "test_files.hpp"
#include "yibao/simulate.hpp"

namespace {

using namespace yibao;
using namespace yibao::sim::detail;

struct csv_bill {
  std::string row;
  std::vector<std::string> line_rows;
};

struct population {
  bill_layout bl;
  line_layout ll;
  std::vector<csv_bill> bills;
};

// A generated population, each bill row with its line rows (the lines file
// lists bills in the bills file's order; the bill id is the first column of
// both files).
auto generated(std::uint64_t people) -> population {
  sim::generate_options g;
  g.people = people;
  g.seed = 11;
  g.format = sim::input_format::csv;
  const auto [bills_text, lines_text] = sim::generate_text(g);
  const auto bills = yibao_test::split_lines(bills_text);
  const auto lines = yibao_test::split_lines(lines_text);
  population out;
  out.bl = parse_bill_header(bills.at(0), "bills.csv").value();
  out.ll = parse_line_header(lines.at(0), "bills.lines.csv").value();
  EXPECT_EQ(out.bl.at[bc_bill_id], 0);
  EXPECT_EQ(out.ll.at[lc_bill_id], 0);
  std::size_t l = 1;
  for (std::size_t b = 1; b < bills.size(); ++b) {
    csv_bill cb{bills[b], {}};
    const std::string id = bills[b].substr(0, bills[b].find(','));
    while (l < lines.size() && lines[l].substr(0, lines[l].find(',')) == id) cb.line_rows.push_back(lines[l++]);
    out.bills.push_back(std::move(cb));
  }
  return out;
}

// The two routes agree; returns whether the fast path took the bill.
auto agree(const population& p, const std::string& row, const std::vector<std::string>& line_rows) -> bool {
  std::vector<row_text> rows;
  for (std::size_t i = 0; i < line_rows.size(); ++i) rows.push_back(row_text{i + 2, line_rows[i]});
  std::string json, why;
  std::optional<result<bill>> slow;
  if (csv_bill_to_json(row, p.bl, rows, p.ll, "bills.lines.csv", json, why)) {
    slow = io::parse_bill_json_full(json, false);
  }
  bill fast;
  if (!csv_bill_fast(row, p.bl, rows, p.ll, fast)) return false;
  EXPECT_TRUE(slow && slow->ok()) << "the fast path accepted a bill the JSON route rejects: " << row << " ("
                                  << (slow ? slow->err().message : why) << ")";
  if (slow && slow->ok()) { EXPECT_TRUE(slow->value() == fast) << row; }
  return true;
}

TEST(csv_fast, takes_every_generated_bill_with_the_same_result) {
  const population p = generated(300);
  ASSERT_GT(p.bills.size(), 1000U);
  for (const csv_bill& b : p.bills) EXPECT_TRUE(agree(p, b.row, b.line_rows)) << b.row;
}

TEST(csv_fast, mutated_rows_agree_with_the_json_route) {
  const population p = generated(3);
  const std::string_view edges{",\"-.0 9x\x80\xC3\t\\eB"};
  std::size_t taken = 0, mutants = 0;
  for (std::size_t k = 0; k < std::min<std::size_t>(p.bills.size(), 4); ++k) {
    const csv_bill& b = p.bills[k];
    // Every byte of the bill row and of its first two line rows.
    for (std::size_t which = 0; which < 3 && which <= b.line_rows.size(); ++which) {
      const std::string& text = which == 0 ? b.row : b.line_rows[which - 1];
      for (std::size_t i = 0; i <= text.size(); ++i) {
        for (const std::string& v : yibao_test::mutants_at(text, i, edges)) {
          std::vector<std::string> lines = b.line_rows;
          std::string row = b.row;
          (which == 0 ? row : lines[which - 1]) = v;
          taken += agree(p, row, lines) ? 1 : 0;
          ++mutants;
        }
      }
    }
  }
  EXPECT_GT(taken, 0U);
  EXPECT_LT(taken, mutants);
}

TEST(csv_fast, leaves_quotes_empty_required_cells_and_no_lines_to_the_json_route) {
  const population p = generated(1);
  ASSERT_FALSE(p.bills.empty());
  const csv_bill& b = p.bills.front();
  EXPECT_TRUE(agree(p, b.row, b.line_rows));
  EXPECT_FALSE(agree(p, b.row, {}));                                  // no line rows
  EXPECT_FALSE(agree(p, "\"" + b.row.substr(0, b.row.find(',')) + "\"" + b.row.substr(b.row.find(',')),
                     b.line_rows));                                   // a quoted cell
  EXPECT_FALSE(agree(p, b.row.substr(b.row.find(',')), b.line_rows));  // an empty bill id
}

}  // namespace
