// Reading the bulk formats (docs/bulk-format.md).
#include "sim/reader.hpp"

#include "formats/bill_fields.hpp"
#include "formats/csv.hpp"
#include "formats/text.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace yibao::sim::detail {

auto line_reader::fill() -> bool {
  if (eof_ || failed_) return false;
  if (begin_ > 0) {  // keep the unfinished line at the front
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) {  // a line longer than the buffer: grow, up to what the limit needs
    buf_.resize(std::max(buf_.size() + 1, std::min(buf_.size() * 2, max_ + (std::size_t{1} << 16))));
  }
  const std::ptrdiff_t got = (*read_)(buf_.data() + end_, buf_.size() - end_);
  if (got < 0) {
    failed_ = true;
    return false;
  }
  if (got == 0) {
    eof_ = true;
    return false;
  }
  end_ += static_cast<std::size_t>(got);
  return true;
}

auto line_reader::find_break(std::size_t from) const noexcept -> std::size_t {
  const char* const base = buf_.data();
  if (!cr_) {
    const void* nl = std::memchr(base + from, '\n', end_ - from);
    return nl == nullptr ? std::string_view::npos : static_cast<std::size_t>(static_cast<const char*>(nl) - base);
  }
  // Either byte, eight at a time (a zero byte in x ^ pattern marks a match).
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  std::size_t i = from;
  for (; i + 8 <= end_; i += 8) {
    std::uint64_t v;
    std::memcpy(&v, base + i, 8);
    const std::uint64_t a = v ^ (ones * '\n'), b = v ^ (ones * '\r');
    if ((((a - ones) & ~a) | ((b - ones) & ~b)) & highs) break;
  }
  for (; i < end_; ++i) {
    if (base[i] == '\n' || base[i] == '\r') return i;
  }
  return std::string_view::npos;
}

// Ends the line at begin_ + len; `skip` bytes of line break follow it.
auto line_reader::take(std::size_t len, std::size_t skip, std::string_view& out) -> bool {
  const std::size_t advance = len + skip;
  if (!cr_ && len > 0 && buf_[begin_ + len - 1] == '\r') --len;
  if (skipping_ || len > max_) {
    if (!skipping_) prefix_.assign(buf_.data() + begin_, std::min(len, overlong_prefix));
    skipping_ = false;
    overlong_ = true;
    out = prefix_;
  } else {
    out = std::string_view{buf_.data() + begin_, len};
  }
  consumed_ += advance;
  begin_ += advance;
  ++line_no_;
  return true;
}

auto line_reader::next(std::string_view& out) -> bool {
  overlong_ = false;
  if (!started_ || after_cr_) {  // a BOM first; after a CR, its LF
    while (end_ - begin_ < 3 && fill()) {
    }
    if (!started_ && end_ - begin_ >= 3 && std::memcmp(buf_.data() + begin_, "\xEF\xBB\xBF", 3) == 0) {
      begin_ += 3;
      consumed_ += 3;
    } else if (after_cr_ && begin_ < end_ && buf_[begin_] == '\n') {
      ++begin_;
      ++consumed_;
    }
    started_ = true;
    after_cr_ = false;
  }
  std::size_t scanned = begin_;
  for (;;) {
    const std::size_t at = find_break(scanned);
    if (at != std::string_view::npos) {
      after_cr_ = buf_[at] == '\r';  // (only found as a break with cr_)
      return take(at - begin_, 1, out);
    }
    // No break yet. Past the limit (and room for a CR), keep only a prefix.
    if (end_ - begin_ > max_ + 1) {
      if (!skipping_) prefix_.assign(buf_.data() + begin_, std::min(end_ - begin_, overlong_prefix));
      skipping_ = true;
    }
    if (skipping_) {
      consumed_ += end_ - begin_;
      begin_ = end_;
    }
    const std::size_t offset = end_ - begin_;
    if (!fill()) {
      if (failed_ || (begin_ == end_ && !skipping_)) return false;
      return take(end_ - begin_, 0, out);  // the last line has no line break
    }
    scanned = begin_ + offset;
  }
}

auto overlong_reason() -> std::string {
  return fmt::format("record longer than {} bytes (the limit of one line of bulk input)", max_record_bytes);
}

auto split_csv(std::string_view row, std::vector<std::string_view>& cells, std::string& scratch, std::string& why)
    -> bool {
  const io::csv_cell bad = io::split_csv_row(row, cells, scratch);
  switch (bad.fault) {
    case io::csv_fault::none: return true;
    case io::csv_fault::unterminated_quote: why = "unterminated quoted cell"; break;
    case io::csv_fault::text_after_quote:
      why = fmt::format("unexpected text after the closing quote of cell {}", cells.size() + 1);
      break;
    case io::csv_fault::quote_in_plain: why = fmt::format("a quote inside unquoted cell {}", cells.size() + 1); break;
  }
  return false;
}

void append_csv_cell(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (const char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

namespace {

constexpr std::array<std::string_view, bill_col_count> bill_names{
    "bill_id",         "person_id",      "scheme",          "status",     "group",
    "coverage",        "account_balance", "rejoined",       "birth_date", "tier",
    "family_doctor",   "chronic",        "enrolled_years",  "claim_free_years", "lapsed_years",
    "back_paid_years", "account_earlier", "family_account", "visit_type", "level",
    "location",        "filing",         "admission",       "date",       "disease",
    "transfer_from_level", "contracted", "unfiled_before"};
constexpr std::array<std::string_view, line_col_count> line_names{
    "bill_id", "code", "name", "class", "selfpay_ratio", "price_limit", "qty", "price", "amount"};

// Where each bills column goes: the bill's id, or a field of its person or
// visit (an index into io::person_fields or io::visit_fields). The lines
// columns after bill_id are io::line_fields, in order.
enum class part : std::uint8_t { bill, person, visit };
struct column_field {
  part of;
  std::uint8_t index;
};
constexpr std::array<column_field, bill_col_count> bill_fields{{
    {part::bill, 0},    {part::person, 0},  {part::person, 1},  {part::person, 2},  {part::person, 3},
    {part::person, 4},  {part::person, 5},  {part::person, 6},  {part::person, 7},  {part::person, 8},
    {part::person, 9},  {part::person, 10}, {part::person, 11}, {part::person, 12}, {part::person, 13},
    {part::person, 14}, {part::person, 15}, {part::person, 16}, {part::visit, 0},   {part::visit, 1},
    {part::visit, 2},   {part::visit, 3},   {part::visit, 4},   {part::visit, 5},   {part::visit, 6},
    {part::visit, 7},   {part::visit, 8},   {part::visit, 9},
}};

// A column is required when its field is (bill_id in the lines file always:
// it joins the row to its bill).
constexpr auto bill_required = [] {
  std::array<bool, bill_col_count> out{};
  for (std::size_t c = 0; c < out.size(); ++c) {
    const column_field f = bill_fields[c];
    const std::uint32_t mask = f.of == part::bill     ? io::root_required
                               : f.of == part::person ? io::person_required
                                                      : io::visit_required;
    out[c] = ((mask >> f.index) & 1U) != 0;
  }
  return out;
}();
constexpr auto line_required = [] {
  std::array<bool, line_col_count> out{};
  out[lc_bill_id] = true;
  for (std::size_t c = 1; c < out.size(); ++c) out[c] = ((io::line_required >> (c - 1)) & 1U) != 0;
  return out;
}();

constexpr auto field_name(column_field f) -> std::string_view {
  return f.of == part::bill ? "id" : f.of == part::person ? io::person_fields[f.index] : io::visit_fields[f.index];
}

// A column is named as its field, or "bill_id", "person_id", "visit_type".
static_assert([] {
  for (int c = 0; c < bill_col_count; ++c) {
    const std::string_view name = bill_names[c], field = field_name(bill_fields[c]);
    const part of = bill_fields[c].of;
    const std::string_view prefix = of == part::bill ? "bill_" : of == part::person ? "person_" : "visit_";
    if (name != field && (name.substr(0, prefix.size()) != prefix || name.substr(prefix.size()) != field)) return false;
  }
  for (int c = 1; c < line_col_count; ++c) {
    if (line_names[c] != io::line_fields[c - 1]) return false;
  }
  return true;
}());

template <int N>
auto parse_header(std::string_view row, std::string_view file, const std::array<std::string_view, N>& names,
                  const std::array<bool, N>& required) -> result<layout<N>> {
  if (row.substr(0, 3) == "\xEF\xBB\xBF") row.remove_prefix(3);  // UTF-8 byte order mark
  std::vector<std::string_view> cells;
  std::string scratch;
  scratch.reserve(row.size());
  std::string why;
  if (!split_csv(row, cells, scratch, why)) {
    return make_error(errc::invalid_argument, "", fmt::format("{}:1: bad header: {}", file, why));
  }
  layout<N> out;
  out.at.fill(-1);
  out.cells = cells.size();
  for (std::size_t i = 0; i < cells.size(); ++i) {
    int found = -1;
    for (int c = 0; c < N; ++c) {
      if (names[c] == cells[i]) found = c;
    }
    if (found < 0) {
      return make_error(errc::invalid_argument, "",
                        fmt::format("{}:1: unknown column \"{}\" (known: {})", file, cells[i], fmt::join(names, ", ")));
    }
    if (out.at[found] >= 0) {
      return make_error(errc::invalid_argument, "", fmt::format("{}:1: column \"{}\" appears twice", file, cells[i]));
    }
    out.at[found] = static_cast<int>(i);
  }
  for (int c = 0; c < N; ++c) {
    if (required[c] && out.at[c] < 0) {
      return make_error(errc::invalid_argument, "", fmt::format("{}:1: missing column \"{}\"", file, names[c]));
    }
  }
  return out;
}

}  // namespace

auto bill_field_path(int c) -> std::string {
  const column_field f = bill_fields[static_cast<std::size_t>(c)];
  const std::string_view name = field_name(f);
  return f.of == part::bill ? std::string{name} : fmt::format("{}.{}", f.of == part::person ? "person" : "visit", name);
}

auto bill_column_name(int c) noexcept -> std::string_view { return bill_names[c]; }
auto line_column_name(int c) noexcept -> std::string_view { return line_names[c]; }

auto parse_bill_header(std::string_view row, std::string_view file) -> result<bill_layout> {
  return parse_header<bill_col_count>(row, file, bill_names, bill_required);
}
auto parse_line_header(std::string_view row, std::string_view file) -> result<line_layout> {
  return parse_header<line_col_count>(row, file, line_names, line_required);
}

auto bill_cell(int c, std::string_view v, bill& b, std::string& what) -> bool {
  const column_field f = bill_fields[static_cast<std::size_t>(c)];
  switch (f.of) {
    case part::bill: return io::text_from_text(v, b.id, what);
    case part::person: return io::person_field_from_text(f.index, v, b.who, what);
    case part::visit: break;
  }
  return io::visit_field_from_text(f.index, v, b.at, what);
}

auto line_cell(int c, std::string_view v, line& l, std::string& what) -> bool {
  return io::line_field_from_text(static_cast<std::size_t>(c - 1), v, l, what);
}

auto bill_column_required(int c) noexcept -> bool { return bill_required[static_cast<std::size_t>(c)]; }
auto line_column_required(int c) noexcept -> bool { return line_required[static_cast<std::size_t>(c)]; }

auto csv_bill(std::string_view bill_row, const bill_layout& bl, const std::vector<row_text>& rows,
              const line_layout& ll, std::string_view lines_file, bill& out, std::string& why) -> bool {
  thread_local std::vector<std::string_view> cells;
  thread_local std::string scratch;
  thread_local std::string what;
  scratch.clear();
  scratch.reserve(bill_row.size());
  if (!split_csv(bill_row, cells, scratch, why)) return false;
  if (cells.size() != bl.cells) {
    why = fmt::format("expected {} cells, found {}", bl.cells, cells.size());
    return false;
  }
  // An empty optional cell is an absent field (its default). The first bad
  // cell is the reason, but a malformed line row comes first.
  bill b;
  bool bad = false;
  for (int c = 0; c < bill_col_count && !bad; ++c) {
    if (bl.at[c] < 0) continue;
    const std::string_view v = cells[static_cast<std::size_t>(bl.at[c])];
    if (v.empty() && !bill_required[c]) continue;
    if (!bill_cell(c, v, b, what)) {
      why = fmt::format("{}: {}", bill_names[c], what);
      bad = true;
    }
  }
  b.lines.resize(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    scratch.clear();
    scratch.reserve(rows[r].text.size());
    if (!split_csv(rows[r].text, cells, scratch, why)) {
      why = fmt::format("{}:{}: {}", lines_file, rows[r].line, why);
      return false;
    }
    if (cells.size() != ll.cells) {
      why = fmt::format("{}:{}: expected {} cells, found {}", lines_file, rows[r].line, ll.cells, cells.size());
      return false;
    }
    for (int c = 1; c < line_col_count && !bad; ++c) {
      if (ll.at[c] < 0) continue;
      const std::string_view v = cells[static_cast<std::size_t>(ll.at[c])];
      if (v.empty() && !line_required[c]) continue;
      if (!line_cell(c, v, b.lines[r], what)) {
        why = fmt::format("{}:{}: {}: {}", lines_file, rows[r].line, line_names[c], what);
        bad = true;
      }
    }
  }
  if (bad) return false;
  out = std::move(b);
  return true;
}

auto csv_reason(const error& e, const std::vector<row_text>& rows, std::string_view lines_file) -> std::string {
  std::string_view path = e.path;
  std::string_view rest = e.message;
  if (!path.empty() && rest.substr(0, path.size()) == path) rest.remove_prefix(std::min(rest.size(), path.size() + 2));
  if (path.substr(0, 6) == "lines[") {
    const std::size_t close = path.find(']');
    const std::size_t index = std::strtoul(std::string{path.substr(6, close - 6)}.c_str(), nullptr, 10);
    std::string_view column = close + 2 <= path.size() ? path.substr(close + 2) : std::string_view{};
    if (index < rows.size()) {
      return fmt::format("{}:{}: {}{}{}", lines_file, rows[index].line, column, column.empty() ? "" : ": ", rest);
    }
  }
  if (path == "lines") return fmt::format("no line rows: {}", rest);
  // person.x / visit.x -> the bills column; an item of a list keeps its
  // index (person.chronic[1] -> chronic[1])
  for (int c = 0; c < bill_col_count; ++c) {
    const std::string field = bill_field_path(c);
    if (path.substr(0, field.size()) == field && (path.size() == field.size() || path[field.size()] == '[')) {
      return fmt::format("{}{}: {}", bill_names[c], path.substr(field.size()), rest);
    }
  }
  return e.message;
}

}  // namespace yibao::sim::detail
