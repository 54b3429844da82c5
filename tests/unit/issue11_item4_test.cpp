// Issue #11 item 4: one JSON bill reader behind the fast path (simdjson
// On-Demand, placing syntax errors with current_location() instead of a
// second grammar checker), the sort key read by the same parser, and one CSV
// tokenizer (io/csv.hpp) for the catalog and the bulk files.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "formats/bill_json.hpp"
#include "formats/csv.hpp"
#include "sim/reader.hpp"
#include "yibao/bill.hpp"
#include "yibao/catalog.hpp"

namespace {

using namespace yibao;

constexpr std::string_view good =
    R"({"id": "B1", "person": {"id": "P1", "scheme": "employee"}, "visit": {"type": "outpatient", "level": 1, )"
    R"("location": "local", "date": "2025-01-01"}, "lines": [{"code": "X", "qty": "1", "price": "1.00", "amount": "1.00"}]})";

auto message_of(std::string_view json) -> std::string {
  auto r = io::parse_bill_json_full(json, false);
  return r.ok() ? std::string{"ok"} : r.err().message;
}

auto with(std::string_view from, std::string_view to) -> std::string {
  std::string s{good};
  s.replace(s.find(from), from.size(), to);
  return s;
}

TEST(Issue11_Item4, full_reader_is_on_demand_and_places_syntax_errors) {
  EXPECT_EQ(message_of(good), "ok");
  // A missing comma: where simdjson stopped, the next field name.
  const std::string no_comma = with(R"("P1", "scheme")", R"("P1" "scheme")");
  EXPECT_EQ(message_of(no_comma),
            "malformed JSON: expected ',' or '}' at byte offset " + std::to_string(no_comma.find(R"("scheme")")));
  // Truncated anywhere: the end of the input.
  EXPECT_EQ(message_of(good.substr(0, 30)), "truncated JSON: unexpected end of input at byte offset 30");
  // What simdjson reports without a place is placed at its byte.
  const std::string control = with("\"P1\"", "\"P\t1\"");
  EXPECT_EQ(message_of(control), "malformed JSON: unescaped control character in a string at byte offset " +
                                     std::to_string(control.find('\t')));
  const std::string surrogate = with("\"P1\"", R"("P\ud800")");
  EXPECT_EQ(message_of(surrogate), "malformed JSON: lone UTF-16 surrogate in a string at byte offset " +
                                       std::to_string(surrogate.find('\\')));
  const std::string trailing = std::string{good} + " {}";
  EXPECT_EQ(message_of(trailing),
            "trailing content after the object at byte offset " + std::to_string(good.size() + 1));
  EXPECT_EQ(message_of(""), "empty input: expected a JSON object");
  EXPECT_EQ(message_of("[1]"), "expected a JSON object at the top level, found an array");
  // Semantic errors keep their field paths.
  EXPECT_EQ(message_of(with(R"("level": 1)", R"("level": 1.5)")),
            "visit.level: expected an integer, found a number with a fraction or exponent");
  EXPECT_EQ(message_of(with(R"("qty": "1")", R"("qty": 1)")), "lines[0].qty: expected a decimal string, found a number");
}

TEST(Issue11_Item4, fast_path_and_full_reader_agree_on_escapes) {
  // Escapes are outside the fast path's subset: the full reader decodes them.
  const std::string escaped = with("\"P1\"", R"("P\u0031")");
  bill fast;
  EXPECT_FALSE(io::parse_bill_json_fast(escaped, false, fast));
  auto r = parse_bill_json(escaped, false);
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r.value().who.id, "P1");
}

TEST(Issue11_Item4, sort_key_is_read_by_the_same_parser) {
  std::string_view p, d;
  const std::string line{good};
  ASSERT_TRUE(io::bill_sort_key(line, p, d));
  EXPECT_EQ(p, "P1");
  EXPECT_EQ(d, "2025-01-01");
  // Views into the line itself, escapes as written.
  EXPECT_EQ(p.data(), line.data() + line.find("P1"));
  const std::string escaped = with("\"P1\"", R"("P\"1")");
  ASSERT_TRUE(io::bill_sort_key(escaped, p, d));
  EXPECT_EQ(p, R"(P\"1)");
  EXPECT_FALSE(io::bill_sort_key(good.substr(0, 60), p, d));
}

TEST(Issue11_Item4, one_csv_tokenizer) {
  std::vector<std::string_view> cells;
  std::string scratch;
  scratch.reserve(64);
  EXPECT_EQ(io::split_csv_row(R"(a,"b,""c""",,d)", cells, scratch).fault, io::csv_fault::none);
  EXPECT_EQ(cells, (std::vector<std::string_view>{"a", R"(b,"c")", "", "d"}));
  EXPECT_EQ(io::split_csv_row("a,", cells, scratch).fault, io::csv_fault::none);
  EXPECT_EQ(cells.size(), 2U);
  const io::csv_cell bad = io::split_csv_row(R"(a,b"c)", cells, scratch);
  EXPECT_EQ(bad.fault, io::csv_fault::quote_in_plain);
  EXPECT_EQ(bad.fault_at, 3U);
  EXPECT_EQ(io::split_csv_row(R"(a,"b"c)", cells, scratch).fault, io::csv_fault::text_after_quote);
  EXPECT_EQ(io::split_csv_row(R"(a,"b)", cells, scratch).fault, io::csv_fault::unterminated_quote);
  // The bulk reader words the tokenizer's faults as before.
  std::string why;
  scratch.clear();
  EXPECT_FALSE(sim::detail::split_csv(R"(a,b"c)", cells, scratch, why));
  EXPECT_EQ(why, "a quote inside unquoted cell 2");
  // A quoted catalog field may hold a line break; its row keeps counting lines.
  auto c = parse_catalog_csv("code,class,name\n\"X1\",A,\"two\nlines\"\nX2,B,\"bad\"x\n", "cat.csv");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.err().message.find("cat.csv:4:"), std::string::npos) << c.err().message;
  EXPECT_NE(c.err().message.find("unexpected character after the closing quote"), std::string::npos)
      << c.err().message;
}

}  // namespace
