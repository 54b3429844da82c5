// Joining the rows of a CSV input into bills (docs/bulk-format.md, "CSV
// input"), for sim::run and simulate --sort alike.
#include <fmt/format.h>

#include "core/string_hash.hpp"
#include "formats/csv.hpp"
#include "sim/reader.hpp"

namespace yibao::sim::detail {

csv_joiner::csv_joiner(const input& in) : in_{in}, bills_{&in.read, true}, lines_{&in.read_lines, true} {}

auto csv_joiner::open() -> std::optional<error> {
  std::string_view header;
  if (bills_.next(header)) {
    auto l = parse_bill_header(header, in_.name);
    if (!l) return std::move(l).err();
    bl_ = l.value();
  }
  if (lines_.next(header)) {
    auto l = parse_line_header(header, in_.lines_name);
    if (!l) return std::move(l).err();
    ll_ = l.value();
  }
  if (failed()) return make_error(errc::io_error, "", fmt::format("cannot read {}", failed_name()));
  return std::nullopt;
}

// The cell of column `col` of a CSV row ("" if the row is malformed).
auto csv_joiner::cell(std::string_view row, int col) -> std::string {
  if (col < 0) return {};
  scratch_.clear();
  scratch_.reserve(row.size());
  // Without a quote no cell can be malformed: stop at the one wanted.
  const bool whole = row.find('"') != std::string_view::npos;
  std::string_view found;
  std::size_t pos = 0;
  for (int c = 0;; ++c) {
    const io::csv_cell cell = io::read_csv_cell(row, pos, scratch_);
    if (cell.fault != io::csv_fault::none) return {};
    if (c == col) {
      found = cell.text;
      if (!whole) break;
    }
    if (pos >= row.size()) break;
    ++pos;  // the comma
  }
  return std::string{found};
}

void csv_joiner::read_ahead() {
  while (ahead_.size() <= lookahead) {
    std::string_view row;
    if (!bills_.next(row)) return;
    pending_row p{bills_.line_no(), std::string{row}, cell(row, bl_.at[bc_bill_id]), 0, bills_.overlong()};
    p.hash = io::string_hash{}(p.id);
    ahead_.push_back(std::move(p));
  }
}

auto csv_joiner::next_line_row() -> bool {
  if (pending_line_) return true;
  std::string_view row;
  if (!lines_.next(row)) return false;
  ++line_rows_read_;
  pending_row p{lines_.line_no(), std::string{row}, cell(row, ll_.at[lc_bill_id]), 0, lines_.overlong()};
  p.hash = io::string_hash{}(p.id);
  pending_line_ = std::move(p);
  return true;
}

void csv_joiner::orphan(std::vector<reject>& orphans, std::string reason) {
  if (pending_line_->overlong) reason = overlong_reason();
  orphans.push_back(reject{in_.lines_name, pending_line_->line, pending_line_->id, "", std::move(reason)});
  pending_line_.reset();
}

auto csv_joiner::next(joined_bill& out, std::vector<reject>& orphans) -> bool {
  read_ahead();
  if (ahead_.empty()) {  // the bills are done: any line rows left are orphans
    while (next_line_row()) orphan(orphans, "line row for a bill that is not in the bills file");
    return false;
  }
  current_ = std::move(ahead_.front());
  ahead_.pop_front();
  read_ahead();
  const pending_row& bill = current_;
  out.line = bill.line;
  out.text = bill.text;
  out.rows.clear();
  out.note.clear();
  if (bill.overlong) out.note = overlong_reason();
  // A bill_id is the key that joins line rows to their bill: two bill rows
  // close enough to share line rows must not share it.
  if (out.note.empty() && !bill.id.empty()) {
    const pending_row* twin = nullptr;
    for (const pending_row& r : recent_) twin = r.hash == bill.hash && r.id == bill.id ? &r : twin;
    for (const pending_row& r : ahead_) {
      if (twin == nullptr && r.hash == bill.hash && r.id == bill.id) twin = &r;
    }
    if (twin != nullptr) {
      out.note = fmt::format("duplicate bill_id \"{}\" (also at {}:{}): the line rows of bills with the same id "
                             "cannot be told apart",
                             bill.id, in_.name, twin->line);
    }
  }
  recent_.push_back(pending_row{bill.line, {}, bill.id, bill.hash, false});
  if (recent_.size() > lookahead) recent_.pop_front();

  rows_text_.clear();
  row_at_.clear();
  std::uint64_t rows = 0;
  while (next_line_row()) {
    if (pending_line_->hash == bill.hash && pending_line_->id == bill.id) {
      if (out.note.empty() && pending_line_->overlong) {
        out.note = fmt::format("{}:{}: {}", in_.lines_name, pending_line_->line, overlong_reason());
      }
      if (++rows > max_bill_lines && out.note.empty()) {
        out.note = fmt::format("more than {} line rows (the limit of one bill)", max_bill_lines);
      }
      if (out.note.empty()) {
        rows_text_ += pending_line_->text;
        row_at_.emplace_back(pending_line_->line, rows_text_.size());
      }
      pending_line_.reset();
      continue;
    }
    bool later = false;
    for (const pending_row& r : ahead_) later = later || (r.hash == pending_line_->hash && r.id == pending_line_->id);
    if (later) break;
    orphan(orphans, fmt::format("line row for bill \"{}\", which does not come next in {} (the lines file must "
                                "list bills in the bills file's order)",
                                pending_line_->id, in_.name));
  }
  if (!out.note.empty()) {
    out.bill_id = bill.id;
    out.person_id = cell(bill.text, bl_.at[bc_person_id]);
    return true;
  }
  std::size_t begin = 0;
  for (const auto& [line, end] : row_at_) {
    out.rows.push_back(row_text{line, std::string_view{rows_text_}.substr(begin, end - begin)});
    begin = end;
  }
  return true;
}

}  // namespace yibao::sim::detail
