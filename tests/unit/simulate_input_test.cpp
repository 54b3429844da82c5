// Bulk input of yibao::sim::run (issue #10): people told apart by their ids,
// duplicate bill ids, the record length limit, one person with many bills,
// byte order marks and line endings, the line limit of one bill, and a
// reform with its own policy year.
#include <fmt/format.h>

#include <filesystem>

#include "sim/sort.hpp"
#include "formats/bill_json.hpp"
#include "sim/reader.hpp"
#include "run_detail.hpp"
#include "sim_fixture.hpp"

namespace {

using sim_test::options_for;

using namespace sim_test;
using yibao::sim::input_format;
using yibao::sim::max_record_bytes;
using yibao::sim::output_format;

// One bill of the test tariff's world as JSON Lines (no line break).
auto bill_json(const std::string& id, const std::string& person, const std::string& date, std::size_t lines = 1,
               const std::string& disease = "") -> std::string {
  std::string out = fmt::format(
      R"({{"id":"{}","person":{{"id":"{}","scheme":"resident"}},"visit":{{"type":"outpatient","level":2,)"
      R"("location":"local","date":"{}"{}}},"lines":[)",
      id, person, date, disease.empty() ? "" : R"(,"disease":")" + disease + '"');
  for (std::size_t i = 0; i < lines; ++i) {
    if (i > 0) out += ',';
    out += R"({"code":"D1","class":"A","qty":"1","price":"10.00","amount":"10.00"})";
  }
  return out + "]}";
}

const std::string bills_header = "bill_id,person_id,scheme,visit_type,level,location,date\n";
const std::string lines_header = "bill_id,code,class,qty,price,amount\n";

auto bill_row(const std::string& id, const std::string& person, const std::string& date) -> std::string {
  return fmt::format("{},{},resident,outpatient,2,local,{}\n", id, person, date);
}
auto line_row(const std::string& id, const std::string& amount = "10.00") -> std::string {
  return fmt::format("{},D1,A,1,{},{}\n", id, amount, amount);
}

// The rejects CSV without its header.
auto body(const std::string& rejects) -> std::string { return rejects.substr(rejects.find('\n') + 1); }

auto count(const std::string& text, const std::string& what) -> std::size_t {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// --- item 2: people are told apart by their ids, not by a hash -------------

TEST(simulate_input, Issue10_Item2_id_set_tells_apart_ids_with_the_same_hash) {
  // Every id hashes alike: only the ids themselves can tell people apart.
  yibao::sim::detail::id_set same{[](std::string_view) noexcept -> std::uint64_t { return 0x5EED; }};
  EXPECT_TRUE(same.insert("P1"));
  EXPECT_TRUE(same.insert("P2"));  // a bare hash took P2 for P1
  EXPECT_FALSE(same.insert("P1"));
  EXPECT_FALSE(same.insert("P2"));

  // Sixteen hash values for thousands of ids, through several growths.
  yibao::sim::detail::id_set few{[](std::string_view id) noexcept -> std::uint64_t {
    return yibao::sim::detail::id_set::default_hash(id) & 0xF000'0000'0000'000FULL;
  }};
  for (int i = 0; i < 3000; ++i) ASSERT_TRUE(few.insert("person-" + std::to_string(i))) << i;
  for (int i = 0; i < 3000; ++i) ASSERT_FALSE(few.insert("person-" + std::to_string(i))) << i;
  EXPECT_EQ(few.size(), 3000U);
  // Long ids (a length of more than one byte) and the empty id.
  const std::string long_id(300, 'x');
  EXPECT_TRUE(few.insert(long_id));
  EXPECT_TRUE(few.insert(long_id + "y"));
  EXPECT_FALSE(few.insert(long_id));
  EXPECT_TRUE(few.insert(""));
  EXPECT_FALSE(few.insert(""));
}

TEST(simulate_input, Issue10_Item2_a_person_who_reappears_is_still_rejected) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const std::string in = bill_json("B1", "P1", "2025-01-10") + "\n" + bill_json("B2", "P2", "2025-01-11") + "\n" +
                         bill_json("B3", "P1", "2025-01-12") + "\n";
  const captured got = simulate(t, c, options_for(), {jsonl_input(in)});
  EXPECT_EQ(got.sum.settled, 2U);
  EXPECT_NE(got.rejects.find("bills.jsonl,3,B3,P1,out of order: person P1 reappears"), std::string::npos)
      << got.rejects;
}

// --- item 4: duplicate bill ids ---------------------------------------------

TEST(simulate_input, Issue10_Item4_csv_adjacent_duplicate_bill_ids_are_both_rejected) {
  const auto t = load_tariff();
  const yibao::catalog c;
  // Two people's bills share B1: whose lines are whose cannot be told.
  const std::string bills = bills_header + bill_row("B0", "P0", "2025-01-09") + bill_row("B1", "P1", "2025-01-10") +
                            bill_row("B1", "P2", "2025-01-10") + bill_row("B2", "P3", "2025-01-11");
  const std::string lines = lines_header + line_row("B0") + line_row("B1", "100.00") + line_row("B1", "200.00") +
                            line_row("B2");
  for (const bool sorted : {false, true}) {
    SCOPED_TRACE(sorted ? "--sort" : "unsorted");
    const auto o = options_for();
    captured got;
    if (sorted) {
      yibao::sim::sorted_input sorter{std::filesystem::temp_directory_path(), std::size_t{1} << 20};
      const std::vector<yibao::sim::input> inputs{csv_input(bills, lines)};
      ASSERT_FALSE(sorter.prepare(inputs));
      got = capture(o, [&](const yibao::sim::options& opts) { return yibao::sim::run_sorted(t, c, sorter, opts); });
    } else {
      got = simulate(t, c, o, {csv_input(bills, lines)});
    }
    EXPECT_EQ(got.sum.settled, 2U) << got.rejects;
    EXPECT_EQ(got.sum.rejected, 2U);
    EXPECT_EQ(got.sum.line_rows_orphan, 0U);
    EXPECT_EQ(got.sum.line_rows_read, 4U);
    EXPECT_NE(got.rejects.find("bills.csv,3,B1,P1,\"duplicate bill_id \"\"B1\"\" (also at bills.csv:4)"),
              std::string::npos)
        << got.rejects;
    EXPECT_NE(got.rejects.find("bills.csv,4,B1,P2,\"duplicate bill_id \"\"B1\"\" (also at bills.csv:3)"),
              std::string::npos)
        << got.rejects;
    EXPECT_EQ(got.out.find("P1"), std::string::npos);  // nobody is charged the lines of B1
  }
}

TEST(simulate_input, Issue10_Item4_csv_duplicate_within_the_join_window_is_rejected) {
  const auto t = load_tariff();
  const yibao::catalog c;
  // B1, B2 (no lines), B1: the line rows of both B1 follow each other.
  const std::string bills = bills_header + bill_row("B1", "P1", "2025-01-10") + bill_row("B2", "P2", "2025-01-10") +
                            bill_row("B1", "P3", "2025-01-10");
  const std::string lines = lines_header + line_row("B1") + line_row("B1");
  const captured got = simulate(t, c, options_for(), {csv_input(bills, lines)});
  EXPECT_EQ(got.sum.settled, 0U);
  EXPECT_EQ(count(got.rejects, "duplicate bill_id \"\"B1\"\""), 2U) << got.rejects;
  EXPECT_NE(got.rejects.find("bills.csv,3,,,no line rows"), std::string::npos) << got.rejects;
}

TEST(simulate_input, Issue10_Item4_jsonl_duplicate_bill_id_is_rejected_as_such) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const std::string in = bill_json("B1", "P1", "2025-01-10") + "\n" + bill_json("B1", "P1", "2025-01-10") + "\n" +
                         bill_json("B1", "P2", "2025-01-10") + "\n" + bill_json("B2", "P2", "2025-01-11") + "\n";
  for (const std::size_t batch : {1U, 97U}) {
    auto o = options_for();
    o.batch_bills = batch;
    const captured got = simulate(t, c, o, {jsonl_input(in)});
    EXPECT_EQ(got.sum.settled, 2U) << got.rejects;
    EXPECT_NE(got.rejects.find("bills.jsonl,2,B1,P1,\"duplicate bill id \"\"B1\"\" (also at bills.jsonl:1)"),
              std::string::npos)
        << got.rejects;
    EXPECT_NE(got.rejects.find("bills.jsonl,3,B1,P2,\"duplicate bill id \"\"B1\"\" (also at bills.jsonl:1)"),
              std::string::npos)
        << got.rejects;
  }
}

// --- item 8: a reform's person-years follow its own year start --------------

TEST(simulate_input, Issue10_Item8_reform_person_years_use_the_reforms_year_start) {
  const auto base = load_tariff();
  std::string text = slurp(data_path("tariff.toml"));
  const std::string marker = "[tariff]\n";
  text.insert(text.find(marker) + marker.size(), "year_start = \"07-01\"\n");
  auto parsed = yibao::parse_tariff(text, data_path("tariff.toml"), {});
  ASSERT_TRUE(parsed) << parsed.err().message;
  const yibao::tariff reform = std::move(parsed).value();
  const yibao::catalog c;
  // Base years: 2025 (both bills). Reform years: 2024 (March) and 2025 (September).
  const std::string in = bill_json("B1", "P1", "2025-03-10", 3) + "\n" + bill_json("B2", "P1", "2025-09-10", 2) + "\n";
  auto o = options_for();
  o.reform = &reform;
  const captured got = simulate(base, c, o, {jsonl_input(in)});
  ASSERT_EQ(got.sum.settled, 2U) << got.rejects;
  EXPECT_EQ(got.sum.person_years, 1U);
  EXPECT_EQ(got.sum.base.person_year_share.n, 1U);
  ASSERT_TRUE(got.sum.reform);
  EXPECT_EQ(got.sum.reform->person_year_share.n, 2U);
  EXPECT_EQ(got.sum.reform->person_year_share.sum, got.sum.reform->patient_share.sum);
  EXPECT_EQ(got.sum.reform->person_year_share.max, got.sum.reform->patient_share.max);  // one bill per year
}

// --- item 10: the record length limit ---------------------------------------

// A reader of `before`, then `fill` bytes of `byte`, then `after`, produced
// on the fly (nothing of that size is held by the test).
auto made_reader(std::string before, std::size_t fill, char byte, std::string after) -> yibao::sim::read_fn {
  auto pos = std::make_shared<std::size_t>(0);
  return [=](char* buf, std::size_t cap) -> std::ptrdiff_t {
    const std::size_t total = before.size() + fill + after.size();
    std::size_t n = 0;
    while (n < cap && *pos < total) {
      if (*pos < before.size()) {
        const std::size_t k = std::min(cap - n, before.size() - *pos);
        std::memcpy(buf + n, before.data() + *pos, k);
        n += k, *pos += k;
      } else if (*pos < before.size() + fill) {
        const std::size_t k = std::min(cap - n, before.size() + fill - *pos);
        std::memset(buf + n, byte, k);
        n += k, *pos += k;
      } else {
        const std::size_t at = *pos - before.size() - fill;
        const std::size_t k = std::min(cap - n, after.size() - at);
        std::memcpy(buf + n, after.data() + at, k);
        n += k, *pos += k;
      }
    }
    return static_cast<std::ptrdiff_t>(n);
  };
}

TEST(simulate_input, Issue10_Item10_line_reader_at_the_limit_and_one_past_it) {
  for (const bool cr : {false, true}) {
    const std::string text = std::string(100, 'a') + "\n" + std::string(101, 'b') + "\r\n" + std::string(100, 'c') +
                             "\r\n" + std::string(5000, 'd') + "\nlast";
    const yibao::sim::read_fn read = string_reader(text, 7);
    yibao::sim::detail::line_reader r{&read, cr, 100};
    std::string_view line;
    ASSERT_TRUE(r.next(line));
    EXPECT_TRUE(line == std::string(100, 'a')) << line.size();
    EXPECT_FALSE(r.overlong());
    ASSERT_TRUE(r.next(line));
    EXPECT_TRUE(r.overlong());
    EXPECT_EQ(r.line_no(), 2U);
    EXPECT_TRUE(line.substr(0, 101) == std::string(101, 'b')) << line.size();  // the prefix kept for the message
    ASSERT_TRUE(r.next(line));
    EXPECT_FALSE(r.overlong());
    EXPECT_TRUE(line == std::string(100, 'c')) << line.size();
    ASSERT_TRUE(r.next(line));
    EXPECT_TRUE(r.overlong());
    EXPECT_LE(line.size(), yibao::sim::detail::line_reader::overlong_prefix);
    EXPECT_EQ(line.find_first_not_of('d'), std::string_view::npos);
    ASSERT_TRUE(r.next(line));
    EXPECT_FALSE(r.overlong());
    EXPECT_TRUE(line == "last") << line.size();
    EXPECT_EQ(r.line_no(), 5U);
    EXPECT_FALSE(r.next(line));
    EXPECT_EQ(r.bytes(), text.size());
  }
}

TEST(simulate_input, Issue10_Item10_jsonl_record_at_the_limit_is_read_and_one_past_it_rejected) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const std::string bill = bill_json("B1", "P1", "2025-01-10");
  // Padded with spaces (JSON whitespace) to exactly the limit, then one more.
  const std::string first = bill_json("B0", "P0", "2025-01-09") + "\n";
  const std::string next = "\n" + bill_json("B2", "P2", "2025-01-11") + "\n";
  for (const std::size_t size : {max_record_bytes, max_record_bytes + 1}) {
    yibao::sim::input in;
    in.name = "big.jsonl";
    in.read = made_reader(first + bill, size - bill.size(), ' ', next);
    const captured got = simulate(t, c, options_for(), {in});
    if (size == max_record_bytes) {
      EXPECT_EQ(got.sum.settled, 3U) << got.rejects;
    } else {
      EXPECT_EQ(got.sum.settled, 2U);
      EXPECT_EQ(body(got.rejects),
                fmt::format("big.jsonl,2,,,record longer than {} bytes (the limit of one line of bulk input)\n",
                            max_record_bytes));
    }
  }
}

TEST(simulate_input, Issue10_Item10_input_without_line_breaks_is_skipped_not_held) {
  const auto t = load_tariff();
  const yibao::catalog c;
  // Three times the limit of zero bytes (as /dev/zero gives), then a bill.
  yibao::sim::input in;
  in.name = "zero.jsonl";
  in.read = made_reader("", 3 * max_record_bytes, '\0', "\n" + bill_json("B1", "P1", "2025-01-10") + "\n");
  const captured got = simulate(t, c, options_for(), {in});
  EXPECT_EQ(got.sum.settled, 1U);
  EXPECT_EQ(got.sum.rejected, 1U);
  EXPECT_EQ(body(got.rejects).substr(0, 15), "zero.jsonl,1,,,");
}

TEST(simulate_input, Issue10_Item10_csv_rows_past_the_limit_reject_their_bill) {
  const auto t = load_tariff();
  const yibao::catalog c;
  // A disease code (bills) and an item name (lines) long enough to make the
  // row exactly the limit, or one byte more.
  for (const std::size_t size : {max_record_bytes, max_record_bytes + 1}) {
    const std::string row = "B2,P2,resident,outpatient,2,local,2025-01-11,";
    yibao::sim::input bills_long = csv_input("", lines_header + line_row("B1") + line_row("B2"));
    bills_long.read = made_reader("bill_id,person_id,scheme,visit_type,level,location,date,disease\n"
                                  "B1,P1,resident,outpatient,2,local,2025-01-10,\n" + row,
                                  size - row.size(), 'x', "\n");
    const captured a = simulate(t, c, options_for(), {bills_long});
    EXPECT_EQ(a.sum.line_rows_orphan, 0U);
    if (size == max_record_bytes) {
      EXPECT_EQ(a.sum.settled, 2U) << a.rejects;
    } else {
      EXPECT_EQ(a.sum.settled, 1U);
      EXPECT_EQ(body(a.rejects), fmt::format("bills.csv,3,B2,P2,record longer than {} bytes (the limit of one line of "
                                       "bulk input)\n",
                                       max_record_bytes));
    }

    const std::string lines_cols = "bill_id,code,name,class,qty,price,amount\n";
    const std::string start = "B2,D1,";
    const std::string end = ",A,1,10.00,10.00";
    yibao::sim::input lines_long = csv_input(bills_header + bill_row("B1", "P1", "2025-01-10") +
                                                 bill_row("B2", "P2", "2025-01-11"),
                                             "");
    lines_long.read_lines = made_reader(lines_cols + "B1,D1,,A,1,10.00,10.00\n" + start,
                                        size - start.size() - end.size(), 'x', end + "\n");
    const captured b = simulate(t, c, options_for(), {lines_long});
    EXPECT_EQ(b.sum.line_rows_read, 2U);
    EXPECT_EQ(b.sum.line_rows_orphan, 0U);
    if (size == max_record_bytes) {
      EXPECT_EQ(b.sum.settled, 2U) << b.rejects;
    } else {
      EXPECT_EQ(b.sum.settled, 1U);
      EXPECT_EQ(body(b.rejects), fmt::format("bills.csv,3,B2,P2,bills.lines.csv:3: record longer than {} bytes (the limit "
                                       "of one line of bulk input)\n",
                                       max_record_bytes));
    }
  }
}

// --- item 11: one person's bills in bounded memory ---------------------------

TEST(simulate_input, Issue10_Item11_a_person_with_more_bills_than_a_batch_settles_as_one) {
  const auto base = load_tariff();
  const auto reform = load_tariff("tariff-reform.toml");
  const yibao::catalog c;
  // P1 has 700 bills over two policy years, among other people.
  std::string in = bill_json("A1", "P0", "2025-01-01") + "\n";
  for (int i = 0; i < 700; ++i) {
    const int day = i / 2;  // two bills a day
    const std::string date = fmt::format("{}-{:02}-{:02}", 2025 + day / 300, day % 300 / 28 + 1, day % 300 % 28 + 1);
    in += bill_json(fmt::format("B{}", i), "P1", date, 1 + i % 5) + "\n";
  }
  in += bill_json("Z1", "P2", "2025-01-01") + "\n" + bill_json("Z2", "P3", "2025-01-01") + "\n";
  auto o = options_for();
  o.reform = &reform;
  o.batch_bills = 1'000'000;  // everyone whole in one unit
  const captured whole = simulate(base, c, o, {jsonl_input(in)});
  ASSERT_EQ(whole.sum.rejected, 0U) << whole.rejects;
  for (const std::size_t batch : {1U, 7U, 64U, 699U}) {
    for (const unsigned threads : {1U, 2U}) {
      SCOPED_TRACE(fmt::format("batch {} threads {}", batch, threads));
      o.batch_bills = batch;
      o.threads = threads;
      const captured pieces = simulate(base, c, o, {jsonl_input(in)});
      EXPECT_EQ(pieces.out, whole.out);
      EXPECT_EQ(yibao::sim::to_json(pieces.sum), yibao::sim::to_json(whole.sum));
    }
  }
}

// --- item 22: byte order marks and line endings ------------------------------

TEST(simulate_input, Issue10_Item22_a_byte_order_mark_before_the_first_bill_is_skipped) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const std::string bom = "\xEF\xBB\xBF";
  const captured got = simulate(t, c, options_for(), {jsonl_input(bom + bill_json("B1", "P1", "2025-01-10") + "\n")});
  EXPECT_EQ(got.sum.settled, 1U) << got.rejects;
  const captured csv = simulate(
      t, c, options_for(),
      {csv_input(bom + bills_header + bill_row("B1", "P1", "2025-01-10"), bom + lines_header + line_row("B1"))});
  EXPECT_EQ(csv.sum.settled, 1U) << csv.rejects;
}

TEST(simulate_input, Issue10_Item22_csv_reads_lf_crlf_and_cr_line_endings) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const auto [bills, lines] = generated(40, 3, input_format::csv);
  const captured want = simulate(t, c, options_for(), {csv_input(bills, lines)});
  ASSERT_EQ(want.sum.rejected, 0U) << want.rejects;
  auto with = [](std::string text, const std::string& eol) {
    std::string out;
    for (const char ch : text) ch == '\n' ? out += eol : out += ch;
    return out;
  };
  for (const std::string eol : {"\r\n", "\r"}) {
    // The last row without a line break, too.
    std::string b = with(bills, eol), l = with(lines, eol);
    b.resize(b.size() - eol.size());
    const captured got = simulate(t, c, options_for(), {csv_input(b, l)});
    EXPECT_EQ(got.out, want.out) << got.rejects;
    EXPECT_EQ(got.sum.line_rows_read, want.sum.line_rows_read);
  }
}

// --- item 24: one line limit for every bill reader; strict orphans ----------

TEST(simulate_input, Issue10_Item24_a_bill_may_have_max_bill_lines_lines_and_no_more) {
  for (const std::size_t n : {yibao::max_bill_lines, yibao::max_bill_lines + 1}) {
    const std::string json = bill_json("B1", "P1", "2025-01-10", n);
    const auto fast = yibao::parse_bill_json(json, false);
    const auto full = yibao::io::parse_bill_json_full(json, false);
    if (n == yibao::max_bill_lines) {
      ASSERT_TRUE(fast) << fast.err().message;
      EXPECT_EQ(fast.value().lines.size(), n);
      ASSERT_TRUE(full) << full.err().message;
    } else {
      ASSERT_FALSE(fast);
      EXPECT_EQ(fast.err().message, "lines: 1000001 lines exceed the limit 1000000");
      ASSERT_FALSE(full);
      EXPECT_EQ(full.err().message, fast.err().message);
    }
  }
}

TEST(simulate_input, Issue10_Item24_csv_bill_may_have_max_bill_lines_line_rows_and_no_more) {
  const auto t = load_tariff();
  const yibao::catalog c;
  for (const std::size_t n : {yibao::max_bill_lines, yibao::max_bill_lines + 1}) {
    std::string lines = lines_header;
    lines.reserve(lines.size() + (n + 1) * 22);
    for (std::size_t i = 0; i < n; ++i) lines += "B1,D1,A,1,0.01,0.01\n";
    lines += line_row("B2");
    const std::string bills = bills_header + bill_row("B1", "P1", "2025-01-10") + bill_row("B2", "P2", "2025-01-11");
    auto o = options_for();
    o.out = output_format::none;
    const captured got = simulate(t, c, o, {csv_input(bills, lines)});
    EXPECT_EQ(got.sum.line_rows_read, n + 1);
    EXPECT_EQ(got.sum.line_rows_orphan, 0U);
    if (n == yibao::max_bill_lines) {
      EXPECT_EQ(got.sum.settled, 2U) << got.rejects;
      EXPECT_EQ(got.sum.base.all.lines, n + 1);
    } else {
      EXPECT_EQ(got.sum.settled, 1U);
      EXPECT_EQ(body(got.rejects), "bills.csv,2,B1,P1,more than 1000000 line rows (the limit of one bill)\n");
    }
  }
}

// Runs `o` on `inputs`, unsorted or through simulate --sort.
auto run_either(const yibao::tariff& t, const yibao::catalog& c, const yibao::sim::options& o,
                const std::vector<yibao::sim::input>& inputs, bool sorted) -> captured {
  if (!sorted) return simulate(t, c, o, inputs);
  yibao::sim::sorted_input sorter{std::filesystem::temp_directory_path(), std::size_t{1} << 20};
  if (sorter.prepare(inputs)) throw std::runtime_error("sort failed");
  return capture(o, [&](const yibao::sim::options& opts) { return yibao::sim::run_sorted(t, c, sorter, opts); });
}

TEST(simulate_input, Issue10_Item24_strict_names_the_first_bad_row_orphan_or_bill) {
  const auto t = load_tariff();
  const yibao::catalog c;
  const std::string bills = bills_header + bill_row("B1", "P1", "2025-01-10") + bill_row("B3", "P3", "2025-01-10");
  // The orphan (B2, lines row 3) comes before the bad bill B3; then after a bad B1.
  const std::string orphan_first = lines_header + line_row("B1") + line_row("B2") + "B3,D1,A,1,1.00,1.01\n";
  const std::string bill_first = lines_header + "B1,D1,A,1,1.00,1.01\n" + line_row("B2") + line_row("B3");
  for (const bool sorted : {false, true}) {
    for (const std::size_t batch : {1U, 97U}) {
      SCOPED_TRACE(fmt::format("{} batch {}", sorted ? "--sort" : "unsorted", batch));
      auto o = options_for();
      o.strict = true;
      o.batch_bills = batch;
      const captured a = run_either(t, c, o, {csv_input(bills, orphan_first)}, sorted);
      ASSERT_TRUE(a.sum.stopped_at);
      EXPECT_EQ(a.sum.stopped_at->file, "bills.lines.csv");
      EXPECT_EQ(a.sum.stopped_at->line, 3U);
      const captured b = run_either(t, c, o, {csv_input(bills, bill_first)}, sorted);
      ASSERT_TRUE(b.sum.stopped_at);
      EXPECT_EQ(b.sum.stopped_at->file, "bills.csv");
      EXPECT_EQ(b.sum.stopped_at->line, 2U);
    }
  }
}

}  // namespace
