// Tests of yibao::catalog and yibao::parse_catalog_csv (docs/catalog-format.md).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "yibao/catalog.hpp"

namespace {

using namespace yibao;

auto diagnostics_of(std::string_view csv) -> std::vector<std::string> {
  auto r = parse_catalog_csv(csv, "cat.csv");
  std::vector<std::string> out;
  if (r.ok()) return out;
  EXPECT_EQ(r.err().code, errc::invalid_argument);
  EXPECT_FALSE(r.err().diagnostics.empty());
  if (!r.err().diagnostics.empty()) {
    EXPECT_EQ(r.err().message, r.err().diagnostics.front().to_string());
    EXPECT_EQ(r.err().path, r.err().diagnostics.front().key_path);
  }
  for (const auto& d : r.err().diagnostics) out.push_back(d.to_string());
  return out;
}

using lines = std::vector<std::string>;

TEST(catalog, valid_file) {
  const std::string csv =
      "code,name,class,selfpay_ratio,price_limit\n"
      "X1,冠脉支架,B,0.10,100.00\n"
      "X2,阿司匹林,A,,\n"
      "X3,美容,C,,\n"
      "X4,,B,0.05,\n";
  auto r = parse_catalog_csv(csv, "cat.csv");
  ASSERT_TRUE(r.ok()) << r.err().message;
  const catalog& c = r.value();
  EXPECT_EQ(c.size(), 4U);
  const catalog_entry* x1 = c.find("X1");
  ASSERT_NE(x1, nullptr);
  EXPECT_EQ(x1->cls, item_class::B);
  EXPECT_EQ(x1->name, "冠脉支架");
  EXPECT_EQ(x1->selfpay_ratio, ratio::from_ppm(100'000));
  EXPECT_EQ(x1->price_limit, price{100'000'000});
  const catalog_entry* x2 = c.find(std::string_view("X2"));
  ASSERT_NE(x2, nullptr);
  EXPECT_EQ(x2->cls, item_class::A);
  EXPECT_FALSE(x2->selfpay_ratio.has_value());
  EXPECT_FALSE(x2->price_limit.has_value());
  EXPECT_EQ(c.find("X3")->cls, item_class::C);
  EXPECT_EQ(c.find("X4")->name, "");
  EXPECT_EQ(c.find("X5"), nullptr);
  EXPECT_EQ(c.find("x1"), nullptr);
}

TEST(catalog, any_column_order_optional_columns_bom_crlf_and_blank_lines) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "class,code\r\n"
      "\r\n"
      "A,X1\r\n"
      "\n"
      "B,X2";  // no final line break
  auto r = parse_catalog_csv(csv, "cat.csv");
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r.value().size(), 2U);
  EXPECT_EQ(r.value().find("X2")->cls, item_class::B);
  EXPECT_EQ(r.value().find("X2")->name, "");
}

TEST(catalog, quoted_fields) {
  const std::string csv =
      "code,name,class\n"
      "\"X1\",\"stent, drug-eluting\",B\n"
      "X2,\"the \"\"best\"\" one\",A\n"
      "X3,\"two\nlines\",C\n"
      "X4,\"\",\"A\"\n";
  auto r = parse_catalog_csv(csv, "cat.csv");
  ASSERT_TRUE(r.ok()) << r.err().message;
  const catalog& c = r.value();
  EXPECT_EQ(c.size(), 4U);
  EXPECT_EQ(c.find("X1")->name, "stent, drug-eluting");
  EXPECT_EQ(c.find("X2")->name, "the \"best\" one");
  EXPECT_EQ(c.find("X3")->name, "two\nlines");
  EXPECT_EQ(c.find("X4")->cls, item_class::A);
}

TEST(catalog, empty_catalog_with_header_only) {
  auto r = parse_catalog_csv("code,class\n", "cat.csv");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().size(), 0U);
}

TEST(catalog, empty_file) {
  EXPECT_EQ(diagnostics_of(""), lines{"cat.csv:1:1: error: header: empty file, expected a header row with code and class"});
  EXPECT_EQ(diagnostics_of("\xEF\xBB\xBF\n\n"),
            lines{"cat.csv:1:1: error: header: empty file, expected a header row with code and class"});
}

TEST(catalog, unknown_column) {
  EXPECT_EQ(diagnostics_of("code,class,colour\nX1,A,red\n"),
            lines{"cat.csv:1:12: error: header: unknown column \"colour\"; expected code, name, class, "
                  "selfpay_ratio, price_limit"});
}

TEST(catalog, missing_and_duplicate_columns) {
  EXPECT_EQ(diagnostics_of("code,name\nX1,a\n"),
            lines{"cat.csv:1:1: error: header: missing required column \"class\""});
  EXPECT_EQ(diagnostics_of("code,class,code\nX1,A,X1\n"),
            lines{"cat.csv:1:12: error: header: duplicate column \"code\""});
}

TEST(catalog, bad_rows_are_all_reported) {
  const std::string csv =
      "code,name,class,selfpay_ratio,price_limit\n"  // line 1
      "X1,ok,B,0.10,100.00\n"                        // row 1
      ",empty code,A,,\n"                            // row 2
      "X3,bad class,D,,\n"                           // row 3
      "X4,ratio,B,1.5,\n"                            // row 4
      "X5,ratio digits,B,0.1234567,\n"               // row 5
      "X6,negative limit,A,,-1\n"                    // row 6
      "X1,duplicate,A,,\n"                           // row 7
      "X8,too few,A\n"                               // row 8
      "X9,too many,A,,,extra\n"                      // row 9
      "X10,not a number,B,abc,1e3\n"                 // row 10
      "X11,,,,\n"                                    // row 11
      " X12,,A,,\n"                                  // row 12
      "X13,bad \xff name,A,,\n";                     // row 13
  EXPECT_EQ(diagnostics_of(csv),
            (lines{
                "cat.csv:3:1: error: row 2.code: must not be empty",
                "cat.csv:4:14: error: row 3.class: unknown value \"D\"; expected one of A, B, C",
                "cat.csv:5:12: error: row 4.selfpay_ratio: must be between 0 and 1, found \"1.5\"",
                "cat.csv:6:19: error: row 5.selfpay_ratio: invalid decimal \"0.1234567\": too many decimals (at "
                "most 6)",
                "cat.csv:7:22: error: row 6.price_limit: must not be negative, found \"-1\"",
                "cat.csv:8:1: error: row 7.code: duplicate code \"X1\" (first on line 2)",
                "cat.csv:9:1: error: row 8: expected 5 fields, found 3",
                "cat.csv:10:17: error: row 9: expected 5 fields, found 6",
                "cat.csv:11:20: error: row 10.selfpay_ratio: invalid decimal \"abc\": not a decimal number",
                "cat.csv:11:24: error: row 10.price_limit: invalid decimal \"1e3\": not a decimal number",
                "cat.csv:12:6: error: row 11.class: must not be empty",
                "cat.csv:13:1: error: row 12.code: leading or trailing whitespace in \" X12\"",
                "cat.csv:14:5: error: row 13.name: invalid UTF-8 at byte 5 of the field",
            }));
}

TEST(catalog, quoting_errors) {
  EXPECT_EQ(diagnostics_of("code,name,class\nX1,\"stent\"s,B\nX2,a,A\n"),
            lines{"cat.csv:2:11: error: row 1.name: unexpected character after the closing quote"});
  EXPECT_EQ(diagnostics_of("code,name,class\nX1,5\" stent,B\n"),
            lines{"cat.csv:2:5: error: row 1.name: quote inside an unquoted field (quote the whole field and "
                  "double the quote)"});
  EXPECT_EQ(diagnostics_of("code,name,class\nX1,a,A\nX2,\"open,B\nX3,b,A\n"),
            lines{"cat.csv:3:4: error: row 2.name: unterminated quoted field"});
  EXPECT_EQ(diagnostics_of("code,\"na\"me,class\nX1,a,A\n"),
            lines{"cat.csv:1:10: error: header: unexpected character after the closing quote"});
}

TEST(catalog, lines_count_inside_quoted_fields) {
  // A quoted name spanning lines 2-3 moves later rows' line numbers.
  EXPECT_EQ(diagnostics_of("code,name,class\nX1,\"two\nlines\",A\nX2,b,Q\n"),
            lines{"cat.csv:4:6: error: row 2.class: unknown value \"Q\"; expected one of A, B, C"});
}

TEST(catalog, bom_is_not_a_column) {
  EXPECT_EQ(diagnostics_of("\xEF\xBB\xBF" "code,class\nX1,Z\n"),
            lines{"cat.csv:2:4: error: row 1.class: unknown value \"Z\"; expected one of A, B, C"});
}

TEST(catalog, add_find_and_move) {
  catalog c;
  EXPECT_EQ(c.size(), 0U);
  catalog_entry e;
  e.cls = item_class::A;
  c.add("K", e);
  e.cls = item_class::B;
  c.add("K", e);  // replaces
  EXPECT_EQ(c.size(), 1U);
  EXPECT_EQ(c.find("K")->cls, item_class::B);
  catalog moved = std::move(c);
  EXPECT_EQ(moved.find("K")->cls, item_class::B);
  EXPECT_EQ(c.find("K"), nullptr);  // NOLINT(bugprone-use-after-move): moved-from is empty, not broken
  EXPECT_EQ(c.size(), 0U);          // NOLINT(bugprone-use-after-move)
  c.add("L", e);                    // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c.size(), 1U);
}

TEST(catalog, lookup_is_heterogeneous_and_pointers_are_stable) {
  std::string csv = "code,class\n";
  for (int i = 0; i < 10000; ++i) csv += "C" + std::to_string(i) + ",A\n";
  auto r = parse_catalog_csv(csv, "big.csv");
  ASSERT_TRUE(r.ok()) << r.err().message;
  const catalog& c = r.value();
  EXPECT_EQ(c.size(), 10000U);
  const char buf[] = "C9999 trailing";
  EXPECT_NE(c.find(std::string_view(buf, 5)), nullptr);
  EXPECT_EQ(c.find(std::string_view(buf, 4))->cls, item_class::A);  // "C999"
}

TEST(catalog, garbage_never_crashes) {
  const std::string csv = "code,name,class,selfpay_ratio,price_limit\nX1,\"a,\"\"b\",B,0.10,100.00\nX2,c,A,,\n";
  unsigned state = 777;
  for (int round = 0; round < 3000; ++round) {
    std::string mutated = csv;
    for (int k = 0; k < 3; ++k) {
      state = state * 1103515245U + 12345U;
      const std::size_t at = (state >> 8) % mutated.size();
      state = state * 1103515245U + 12345U;
      mutated[at] = "\",\n\r\xEF AB.-9"[(state >> 16) % 12];
    }
    auto r = parse_catalog_csv(mutated, "f.csv");
    if (!r.ok()) {
      EXPECT_EQ(r.err().code, errc::invalid_argument);
      EXPECT_FALSE(r.err().diagnostics.empty());
    }
    for (std::size_t n = 0; n < mutated.size(); n += 7) (void)parse_catalog_csv(mutated.substr(0, n), "f.csv");
  }
}

}  // namespace
