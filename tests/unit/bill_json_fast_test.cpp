// The bill JSON fast path (src/formats/bill_json_fast.cpp) against the full reader
// on simdjson: whatever the fast path accepts, the full reader accepts with
// the same bill, and parse_bill_json (fast first, full otherwise) gives the
// full reader's answer on every text: the same bill or the same error.
//
// The texts: every bill in the repository (examples, golden cases, the
// bad-bill corpus), a generated population, and single-byte mutations of
// some of them (deleted, replaced or inserted bytes chosen to hit the
// grammar's edges).

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "formats/bill_fields.hpp"
#include "formats/bill_json.hpp"
#include "test_files.hpp"
#include "yibao/bill.hpp"
#include "yibao/simulate.hpp"

namespace {

using namespace yibao;
namespace fs = std::filesystem;

auto files_in(const fs::path& dir, std::string_view ext) -> std::vector<fs::path> {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Pretty-printed bills as people write them.
auto example_bills() -> std::vector<std::string> {
  std::vector<std::string> out;
  for (const auto& p : files_in(yibao_test::source_dir / "examples" / "bills", ".json")) {
    out.push_back(*yibao_test::read_text(p));
  }
  return out;
}

// The golden cases' bills, minified (they carry ytd).
auto golden_bills() -> std::vector<std::string> {
  std::vector<std::string> out;
  simdjson::dom::parser parser;
  for (const std::string& name : yibao_test::golden_files()) {
    const auto text = yibao_test::read_text(yibao_test::source_dir / "tests" / "golden" / name);
    simdjson::dom::element bill;
    if (parser.parse(*text)["bill"].get(bill) == simdjson::SUCCESS) out.push_back(simdjson::minify(bill));
  }
  return out;
}

// The syntax errors of the bad-bill corpus: the cases with a .rule file break
// a rule of yibao::validate, not the syntax, and both readers read them
// (issue 11 item 1); agree() still runs on them with every bill.
auto bad_bills(bool rules = false) -> std::vector<std::string> {
  std::vector<std::string> out;
  for (auto p : files_in(yibao_test::source_dir / "tests" / "data" / "bad_bills", ".json")) {
    const std::string json = *yibao_test::read_text(p);
    if (std::filesystem::exists(p.replace_extension(".rule")) == rules) out.push_back(json);
  }
  return out;
}

// A generated population as JSON Lines: the bulk path's input.
auto generated_bills(std::uint64_t people) -> std::vector<std::string> {
  sim::generate_options g;
  g.people = people;
  g.seed = 7;
  g.format = sim::input_format::jsonl;
  return yibao_test::split_lines(sim::generate_text(g).first);
}

// The full reader's answer and parse_bill_json's agree; and if the fast path
// took the text, the full reader accepted it with the same bill. Returns
// whether the fast path took it.
auto agree(const std::string& text, bool allow_ytd) -> bool {
  const auto full = io::parse_bill_json_full(text, allow_ytd);
  const auto both = parse_bill_json(text, allow_ytd);
  EXPECT_EQ(full.ok(), both.ok()) << text;
  if (full.ok() && both.ok()) {
    EXPECT_TRUE(full.value() == both.value()) << text;
  } else if (!full.ok() && !both.ok()) {
    EXPECT_EQ(full.err().message, both.err().message) << text;
    EXPECT_EQ(full.err().path, both.err().path) << text;
  }
  bill fast;
  if (!io::parse_bill_json_fast(text, allow_ytd, fast)) return false;
  EXPECT_TRUE(full.ok()) << "the fast path accepted a bill the full reader rejects (" << full.err().message
                         << "): " << text;
  if (full.ok()) {
    EXPECT_TRUE(full.value() == fast) << text;
  }
  return true;
}

TEST(bill_json_fast, takes_every_well_formed_example_and_golden_bill) {
  for (const std::string& text : example_bills()) EXPECT_TRUE(agree(text, true)) << text;
  const auto golden = golden_bills();
  ASSERT_GE(golden.size(), 50U);
  for (const std::string& text : golden) EXPECT_TRUE(agree(text, true)) << text;
}

TEST(bill_json_fast, takes_every_generated_bill) {
  std::size_t n = 0;
  for (const std::string& text : generated_bills(300)) {
    EXPECT_TRUE(agree(text, false)) << text;
    ++n;
  }
  EXPECT_GT(n, 1000U);
}

TEST(bill_json_fast, leaves_every_bad_bill_to_the_full_reader) {
  const auto bad = bad_bills();
  ASSERT_GE(bad.size(), 20U);
  for (const std::string& text : bad) {
    // Bad bills whose only fault is bulk-only (ytd) are good with ytd allowed.
    const bool took = agree(text, false);
    if (took) ADD_FAILURE() << "the fast path accepted a bad bill: " << text;
    agree(text, true);
  }
  for (const std::string& text : bad_bills(true)) {
    agree(text, false);
    agree(text, true);
  }
}

// The fuzzer's seeds and any crash it found (tests/fuzz/run.sh).
TEST(bill_json_fast, fuzz_corpus_agrees) {
  const auto dir = yibao_test::source_dir / "tests" / "fuzz" / "bill_corpus";
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string text = *yibao_test::read_text(e.path());
    agree(text, false);
    agree(text, true);
    ++n;
  }
  EXPECT_GE(n, 8U);
}

TEST(bill_json_fast, escapes_and_numbers_outside_the_subset_fall_back) {
  const std::string base =
      R"({"id":"B1","person":{"id":"P1","scheme":"employee"},"visit":{"type":"outpatient","level":2,)"
      R"("location":"local","date":"2025-03-01"},"lines":[{"code":"X1","qty":"1","price":"1.00","amount":"1.00"}]})";
  EXPECT_TRUE(agree(base, false));
  const auto with = [&](std::string_view from, std::string_view to) {
    std::string s = base;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  // Valid JSON the fast path does not read: the full reader gives the bill.
  EXPECT_FALSE(agree(with(R"("code":"X1")", R"("code":"X\u0031")"), false));
  EXPECT_FALSE(agree(with(R"("id":"B1")", R"("i\u0064":"B1")"), false));
  EXPECT_FALSE(agree(with(R"("level":2)", R"("level":2.0)"), false));
  EXPECT_FALSE(agree(with(R"("level":2)", R"("level":2e0)"), false));
  EXPECT_FALSE(agree(with(R"("qty":"1")", R"("qty":"1.")"), false));
  EXPECT_FALSE(agree(with(R"("qty":"1")", R"("qty":"+1")"), false));
  // Invalid: each must fall back and get the full reader's message.
  EXPECT_FALSE(agree(with(R"("level":2)", R"("level":02)"), false));
  EXPECT_FALSE(agree(with(R"("level":2)", R"("level":-0)"), false));
  EXPECT_FALSE(agree(with(R"("level":2)", R"("level":1234567890123)"), false));
  EXPECT_FALSE(agree(with(R"("level":2)", R"("level":4444444444)"), false));  // found by the fuzzer
  EXPECT_TRUE(agree(with(R"("level":2)", R"("level":2,"admission":999999999)"), false));
  EXPECT_FALSE(agree(with(R"("level":2)", R"("level":2,"admission":2147483647)"), false));
  EXPECT_FALSE(agree(with(R"("amount":"1.00"})", R"("amount":"1.00",})"), false));
  EXPECT_FALSE(agree(with(R"("scheme":"employee")", R"("scheme":"employee","scheme":"employee")"), false));
  EXPECT_FALSE(agree(base + " x", false));
  EXPECT_FALSE(agree(with(R"("code":"X1")", "\"code\":\"X\xC3\""), false));
  // Non-ASCII that is valid UTF-8 stays on the fast path.
  EXPECT_TRUE(agree(with(R"("code":"X1")", R"("code":"X1","name":"阿莫西林")"), false));
  EXPECT_TRUE(agree(" \r\n\t" + base + "\n\t ", false));
}

// Every position of a few bills, deleted, replaced by or preceded by bytes
// that sit on the grammar's edges.
TEST(bill_json_fast, mutations_agree_with_the_full_reader) {
  std::vector<std::string> seeds = example_bills();
  seeds.resize(std::min<std::size_t>(seeds.size(), 2));
  for (const std::string& g : generated_bills(2)) {
    seeds.push_back(g);
    if (seeds.size() == 4) break;
  }
  const std::string_view edges{"\"\\,:{}[] 0123.-eE\x80\xC3\xBF\t\n\x01nt"};
  std::size_t taken = 0, mutants = 0;
  for (const std::string& seed : seeds) {
    for (std::size_t i = 0; i <= seed.size(); ++i) {
      for (const std::string& v : yibao_test::mutants_at(seed, i, edges)) {
        taken += agree(v, false) ? 1 : 0;
        ++mutants;
      }
    }
  }
  // Some mutants stay valid (a digit for a digit, added whitespace): the fast
  // path must have been exercised on both sides.
  EXPECT_GT(taken, 0U);
  EXPECT_LT(taken, mutants);
}

}  // namespace

namespace {

// The word-at-a-time decimal reader against io::parse_decimal, the one
// source of decimal values and messages: whatever the fast reader accepts,
// parse_decimal accepts with the same value.
TEST(bill_json_fast, decimals_agree_with_parse_decimal) {
  const std::string_view alphabet{"0123456789.....-+e x\"9"};
  std::uint64_t state = 12345;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(state >> 33);
  };
  std::size_t accepted = 0;
  for (const io::decimal_kind* kind : {&io::money_kind, &io::price_kind, &io::quantity_kind, &io::ratio_kind}) {
    for (int i = 0; i < 60'000; ++i) {
      std::string text(next() % 24, '0');
      for (char& c : text) c = next() % 3 == 0 ? alphabet[next() % alphabet.size()] : static_cast<char>('0' + next() % 10);
      std::int64_t fast = 0;
      if (!io::fast_decimal(text, *kind, fast)) continue;
      ++accepted;
      std::string what;
      const auto slow = io::parse_decimal(text, *kind, what);
      ASSERT_TRUE(slow.has_value()) << text << ": " << what;
      EXPECT_EQ(*slow, fast) << text;
    }
    // Every digit count on both sides of the point, around the word size.
    for (int a = 1; a <= 18; ++a) {
      for (int b = 0; b <= 7; ++b) {
        std::string text;
        for (int k = 0; k < a; ++k) text += static_cast<char>('1' + (k * 7 + b) % 9);
        if (b > 0) text += '.';
        for (int k = 0; k < b; ++k) text += static_cast<char>('0' + (k * 3 + a) % 10);
        std::int64_t fast = 0;
        std::string what;
        const auto slow = io::parse_decimal(text, *kind, what);
        if (io::fast_decimal(text, *kind, fast)) {
          ++accepted;
          ASSERT_TRUE(slow.has_value()) << text;
          EXPECT_EQ(*slow, fast) << text;
        }
      }
    }
  }
  EXPECT_GT(accepted, 1000U);
}

}  // namespace
