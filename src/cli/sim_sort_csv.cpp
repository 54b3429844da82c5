// yibao simulate --sort, CSV inputs: each bill row is joined to its line rows
// exactly as the CSV reader of sim::run joins them (src/sim/run.cpp,
// reader::csv_row: the lines file lists bills in the bills file's order; a
// line row whose bill is neither the current one nor among the next 64 bill
// rows is an orphan), converted to the bill JSON and validated by the
// reader's own functions (src/sim/reader.hpp), and becomes one sorted record
// at the bills file's name and line. A bill that fails keeps the CSV
// reader's reason (naming CSV columns, and the lines file's line for a bad
// line row); it and the orphans are the sort's rejects (see run_sorted).
#include <deque>

#include <fmt/format.h>

#include "cli/sim_sort.hpp"
#include "sim/reader.hpp"
#include "yibao/bill.hpp"

namespace yibao::cli {
namespace {

using namespace sim::detail;

constexpr std::size_t csv_lookahead = 64;  // as src/sim/run.cpp: bill rows searched for a line row's bill

struct pending_row {
  std::uint64_t line = 0;
  std::string text;
  std::string id;  // the bill_id cell ("" if the row is malformed)
};

}  // namespace

auto sorted_input::read_csv(const sim::input& in, std::uint32_t origin) -> std::optional<sort_error> {
  line_reader bills{&in.read}, lines{&in.read_lines};
  auto read_failure = [&]() -> std::optional<sort_error> {
    if (!bills.failed() && !lines.failed()) return std::nullopt;
    return sort_error{errc::io_error, false, fmt::format("cannot read {}", bills.failed() ? in.name : in.lines_name)};
  };
  bill_layout bl{};
  line_layout ll{};
  std::string_view row;
  if (bills.next(row)) {
    auto l = parse_bill_header(row, in.name);
    if (!l) return sort_error{errc::invalid_argument, false, l.err().message};
    bl = l.value();
  }
  if (lines.next(row)) {
    auto l = parse_line_header(row, in.lines_name);
    if (!l) return sort_error{errc::invalid_argument, false, l.err().message};
    ll = l.value();
  }
  if (auto e = read_failure()) return e;

  std::vector<std::string_view> cells;
  std::string scratch, why;
  auto cell = [&](std::string_view text, int col) -> std::string {
    if (col < 0) return {};
    scratch.clear();
    scratch.reserve(text.size());
    if (!split_csv(text, cells, scratch, why) || static_cast<std::size_t>(col) >= cells.size()) return {};
    return std::string{cells[col]};
  };
  std::deque<pending_row> ahead;
  auto read_ahead = [&] {
    while (ahead.size() <= csv_lookahead && bills.next(row)) {
      ahead.push_back(pending_row{bills.line_no(), std::string{row}, cell(row, bl.at[bc_bill_id])});
    }
  };
  std::optional<pending_row> pending;  // the next line row
  auto next_line_row = [&] {
    if (pending) return true;
    if (!lines.next(row)) return false;
    ++stats_.line_rows_read;
    pending = pending_row{lines.line_no(), std::string{row}, cell(row, ll.at[lc_bill_id])};
    return true;
  };
  auto orphan = [&](std::string reason) {
    const pending_row r = std::move(*pending);
    pending.reset();
    return add_reject(sim::reject{in.lines_name, r.line, r.id, "", std::move(reason)}, false);
  };

  struct row_at {
    std::uint64_t line;
    std::size_t begin, len;
  };
  std::string rows_text, json;
  std::vector<row_at> at;
  std::vector<row_text> rows;
  for (;;) {
    read_ahead();
    if (ahead.empty()) {  // the bills are done: any line rows left are orphans
      while (next_line_row()) {
        if (auto e = orphan("line row for a bill that is not in the bills file")) return e;
      }
      break;
    }
    const pending_row bill = std::move(ahead.front());
    ahead.pop_front();
    read_ahead();
    rows_text.clear();
    at.clear();
    while (next_line_row()) {
      if (pending->id == bill.id) {
        at.push_back(row_at{pending->line, rows_text.size(), pending->text.size()});
        rows_text += pending->text;
        pending.reset();
        continue;
      }
      bool later = false;
      for (const pending_row& r : ahead) later = later || r.id == pending->id;
      if (later) break;
      if (auto e = orphan(fmt::format("line row for bill \"{}\", which does not come next in {} (the lines file must "
                                      "list bills in the bills file's order)",
                                      pending->id, in.name))) {
        return e;
      }
    }
    rows.clear();
    for (const row_at& r : at) rows.push_back(row_text{r.line, std::string_view{rows_text}.substr(r.begin, r.len)});

    std::optional<std::string> reason;
    if (!csv_bill_to_json(bill.text, bl, rows, ll, in.lines_name, json, why)) {
      reason = why;
    } else if (auto parsed = parse_bill_json(json, false); !parsed) {
      reason = csv_reason(parsed.err(), rows, in.lines_name);
    }
    // A bill that cannot be parsed has no ids in the rejects, as in sim::run.
    auto e = reason ? add_reject(sim::reject{in.name, bill.line, "", "", std::move(*reason)}, true)
                    : add(json, origin, bill.line);
    if (e) return e;
  }
  stats_.bytes_read += bills.bytes() + lines.bytes();
  return read_failure();
}

}  // namespace yibao::cli
