// yibao::sim::summary::merge and the summary's exact state text
// (summary_state, parse_summary_state): what Python's partial summaries of
// table partitions rest on (python/yibao/summary.py, yibao.dask).
#include <fmt/format.h>

#include <filesystem>

#include "sim_fixture.hpp"
#include "test_files.hpp"

namespace {

using namespace sim_test;
using yibao::sim::input_format;

auto person_of(std::string_view line) -> std::string_view {
  constexpr std::string_view key = R"("person":{"id":")";
  const std::size_t at = line.find(key) + key.size();
  return line.substr(at, line.find('"', at) - at);
}

/// The JSON Lines text cut in two at the first person boundary after half.
auto halves(const std::string& jsonl) -> std::pair<std::string, std::string> {
  std::size_t cut = jsonl.find('\n', jsonl.size() / 2) + 1;
  const std::string_view before = person_of(std::string_view{jsonl}.substr(jsonl.rfind('\n', cut - 2) + 1));
  while (cut < jsonl.size() && person_of(std::string_view{jsonl}.substr(cut)) == before) {
    cut = jsonl.find('\n', cut) + 1;
  }
  return {jsonl.substr(0, cut), jsonl.substr(cut)};
}

auto run_with_reform(const std::string& jsonl, const yibao::tariff& t, const yibao::tariff& reform)
    -> yibao::sim::summary {
  const yibao::catalog c;
  auto o = options_for();
  o.reform = &reform;
  return simulate(t, c, o, {jsonl_input(jsonl)}).sum;
}

TEST(summary, merge_of_two_groups_of_people_equals_the_whole_run) {
  const auto t = load_tariff();
  const auto t2 = load_tariff("tariff-reform.toml");
  const auto [jsonl, unused] = generated(300, 5, input_format::jsonl, 2);
  const auto [first, second] = halves(jsonl);
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  ASSERT_NE(person_of(first.substr(first.rfind('\n', first.size() - 2) + 1)), person_of(second));
  const yibao::sim::summary whole = run_with_reform(jsonl, t, t2);
  const yibao::sim::summary a = run_with_reform(first, t, t2);
  const yibao::sim::summary b = run_with_reform(second, t, t2);
  ASSERT_GT(a.settled, 0U);
  ASSERT_GT(b.settled, 0U);
  yibao::sim::summary ab = a;
  ASSERT_TRUE(ab.merge(b).ok());
  yibao::sim::summary ba = b;
  ASSERT_TRUE(ba.merge(a).ok());
  EXPECT_EQ(yibao::sim::to_json(ab), yibao::sim::to_json(whole));
  EXPECT_EQ(yibao::sim::to_json(ba), yibao::sim::to_json(whole));
  EXPECT_EQ(ab.people, whole.people);
  EXPECT_EQ(ab.person_years, whole.person_years);
  // Into an empty summary: the thresholds and tariff ids come along.
  yibao::sim::summary none;
  ASSERT_TRUE(none.merge(whole).ok());
  EXPECT_EQ(yibao::sim::to_json(none), yibao::sim::to_json(whole));
}

TEST(summary, merge_refuses_other_thresholds) {
  yibao::sim::summary a, b;
  a.thresholds = yibao::sim::default_thresholds();
  b.thresholds = {yibao::money::from_fen(100)};
  b.settled = 3;
  const auto r = a.merge(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().code, yibao::errc::invalid_argument);
  EXPECT_EQ(r.err().path, "thresholds");
  EXPECT_EQ(r.err().message, "thresholds: cannot merge summaries that count bills above different thresholds");
  EXPECT_EQ(a.settled, 0U);  // unchanged
}

TEST(summary, state_reads_back_into_the_same_summary) {
  const auto t = load_tariff();
  const auto t2 = load_tariff("tariff-reform.toml");
  const auto [jsonl, unused] = generated(120, 3, input_format::jsonl);
  yibao::sim::summary s = run_with_reform(jsonl, t, t2);
  // Everything the text must carry exactly: a stop with spaces, a line break
  // and a colon in its texts, a sum beyond 64 bits, a negative sum.
  s.partial = true;
  s.stopped_at = yibao::sim::reject{"in put.jsonl", 7, "B 1", "", "visit.date: bad\nday"};
  s.base.all.sum[0] = yibao::sim::fen_sum::from_parts(3, 0xFFFF'FFFF'FFFF'FFFFULL);
  s.delta.raised = yibao::sim::fen_sum{-12345};
  const std::string state = yibao::sim::summary_state(s);
  EXPECT_EQ(state.rfind("yibao-summary 1 " + std::to_string(yibao::sim::field_count) + " 1 1 12:in put.jsonl 7", 0), 0U)
      << state.substr(0, 80);
  EXPECT_LT(state.size(), 40'000U);  // sparse: not every bucket of every histogram
  const auto back = yibao::sim::parse_summary_state(state);
  ASSERT_TRUE(back.ok()) << back.err().message;
  EXPECT_EQ(yibao::sim::summary_state(back.value()), state);
  EXPECT_EQ(yibao::sim::to_json(back.value()), yibao::sim::to_json(s));
  EXPECT_EQ(back.value().base.all.sum[0], s.base.all.sum[0]);
  EXPECT_EQ(back.value().stopped_at->reason, "visit.date: bad\nday");
  // A summary read back merges like the original.
  yibao::sim::summary twice = back.value();
  ASSERT_TRUE(twice.merge(s).ok());
  EXPECT_EQ(twice.base.patient_share.n, 2 * s.base.patient_share.n);
  // An empty summary too.
  const auto empty = yibao::sim::parse_summary_state(yibao::sim::summary_state(yibao::sim::summary{}));
  ASSERT_TRUE(empty.ok()) << empty.err().message;
  EXPECT_EQ(yibao::sim::to_json(empty.value()), yibao::sim::to_json(yibao::sim::summary{}));
}

TEST(summary, a_bad_state_is_an_error_saying_what) {
  const auto t = load_tariff();
  const auto t2 = load_tariff("tariff-reform.toml");
  const auto [jsonl, unused] = generated(20, 3, input_format::jsonl);
  const std::string state = yibao::sim::summary_state(run_with_reform(jsonl, t, t2));
  const auto message = [](std::string_view text) {
    const auto r = yibao::sim::parse_summary_state(text);
    EXPECT_FALSE(r.ok()) << text.substr(0, 60);
    if (r.ok()) return std::string{};
    EXPECT_EQ(r.err().code, yibao::errc::invalid_argument);
    return r.err().message;
  };
  EXPECT_EQ(message(""), "not a yibao summary state: ends early (at byte 0)");
  EXPECT_EQ(message("pickle 1"), "not a yibao summary state: expected \"yibao-summary\" (at byte 6)");
  EXPECT_EQ(message("yibao-summary 2" + state.substr(15)),
            "not a yibao summary state: another format version (at byte 15)");
  const std::string fields = "yibao-summary 1 " + std::to_string(yibao::sim::field_count);
  ASSERT_EQ(state.rfind(fields + " ", 0), 0U);
  EXPECT_EQ(message("yibao-summary 1 3" + state.substr(fields.size())),
            "not a yibao summary state: another number of settlement fields (at byte 17)");
  EXPECT_EQ(message(state.substr(0, state.find(" delta"))).rfind("not a yibao summary state: ends early", 0), 0U);
  EXPECT_EQ(message(state + " 1"),
            fmt::format("not a yibao summary state: has trailing text (at byte {})", state.size() + 1));
  // A histogram of another size.
  const std::size_t hist = state.find(" 28160 ");
  ASSERT_NE(hist, std::string::npos);
  std::string bad = state;
  bad.replace(hist, 7, " 28159 ");
  EXPECT_NE(message(bad).find("a histogram has the wrong number of buckets"), std::string::npos);
  // Counts that are not in increasing order of their index.
  const std::size_t pairs = state.find(' ', hist + 7) + 1;  // after the number of pairs
  const std::size_t second = state.find(' ', state.find(' ', pairs) + 1) + 1;
  bad = state;
  bad.replace(pairs, second - pairs, "99999 ");
  EXPECT_NE(message(bad).find("a count is out of place"), std::string::npos);
  // A list longer than the text could hold.
  EXPECT_NE(message(fields + " 0 0 1 1 1 1 1 1 1 1 99999999 5").find("a list of 99999999 is too long"),
            std::string::npos);
}

// The fuzzer's seeds and any crash it found (tests/fuzz/fuzz_summary_state.cpp):
// the reader either refuses with invalid_argument or gives a summary whose
// state text is a fixed point of writing and reading; the seeds are summaries.
TEST(summary, fuzz_corpus_replays) {
  const auto dir = yibao_test::source_dir / "tests" / "fuzz" / "summary_corpus";
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string text = *yibao_test::read_text(e.path());
    const bool seed = e.path().filename().string().rfind("partial-", 0) == 0;
    ++n;
    auto s = yibao::sim::parse_summary_state(text);
    if (!s) {
      EXPECT_FALSE(seed) << e.path() << ": " << s.err().message;
      EXPECT_EQ(s.err().code, yibao::errc::invalid_argument);
      continue;
    }
    const std::string once = yibao::sim::summary_state(s.value());
    auto again = yibao::sim::parse_summary_state(once);
    ASSERT_TRUE(again.ok()) << e.path();
    EXPECT_EQ(yibao::sim::summary_state(again.value()), once);
    if (seed) {
      EXPECT_EQ(once, text);
    }
  }
  EXPECT_GE(n, 1U);
}

}  // namespace
