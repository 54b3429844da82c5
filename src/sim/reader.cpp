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
    "bill_id", "person_id", "scheme",   "status", "group",     "coverage", "account_balance", "rejoined",
    "visit_type", "level",  "location", "filing", "admission", "date",     "disease",         "transfer_from_level"};
constexpr std::array<bool, bill_col_count> bill_required{true,  true,  true, false, false, false, false, false,
                                                         true,  true,  true, false, false, true,  false, false};
constexpr std::array<std::string_view, line_col_count> line_names{
    "bill_id", "code", "name", "class", "selfpay_ratio", "price_limit", "qty", "price", "amount"};
constexpr std::array<bool, line_col_count> line_required{true, true, false, false, false, false, true, true, true};

constexpr std::array<json_field, bill_col_count> bill_json{{
    {"", "id", false},          {"person", "id", false},       {"person", "scheme", false},
    {"person", "status", false}, {"person", "group", false},    {"person", "coverage", false},
    {"person", "account_balance", false}, {"person", "rejoined", false}, {"visit", "type", false},
    {"visit", "level", true},    {"visit", "location", false},  {"visit", "filing", false},
    {"visit", "admission", true}, {"visit", "date", false},     {"visit", "disease", false},
    {"visit", "transfer_from_level", true},
}};

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

// An integer cell goes into the JSON as a number when it is one (no leading
// zeros, no sign but '-'); anything else goes in as a string, so that the
// bill parser reports the type error with its usual wording.
auto is_json_integer(std::string_view s) -> bool {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty() || s.size() > 9 || (s.size() > 1 && s[0] == '0')) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

auto bill_json_field(int c) noexcept -> const json_field& { return bill_json[static_cast<std::size_t>(c)]; }

void append_json_member(std::string& json, bool& first, std::string_view key, std::string_view value, bool integer) {
  if (!first) json += ',';
  first = false;
  json += '"';
  json += key;
  json += "\":";
  if (integer && is_json_integer(value)) {
    json += value;
  } else {
    append_json_string(json, value);
  }
}

auto bill_column_name(int c) noexcept -> std::string_view { return bill_names[c]; }
auto line_column_name(int c) noexcept -> std::string_view { return line_names[c]; }

auto parse_bill_header(std::string_view row, std::string_view file) -> result<bill_layout> {
  return parse_header<bill_col_count>(row, file, bill_names, bill_required);
}
auto parse_line_header(std::string_view row, std::string_view file) -> result<line_layout> {
  return parse_header<line_col_count>(row, file, line_names, line_required);
}

auto csv_bill_to_json(std::string_view bill_row, const bill_layout& bl, const std::vector<row_text>& rows,
                      const line_layout& ll, std::string_view lines_file, std::string& json, std::string& why)
    -> bool {
  thread_local std::vector<std::string_view> cells;
  thread_local std::string scratch;
  scratch.clear();
  scratch.reserve(bill_row.size());
  if (!split_csv(bill_row, cells, scratch, why)) return false;
  if (cells.size() != bl.cells) {
    why = fmt::format("expected {} cells, found {}", bl.cells, cells.size());
    return false;
  }
  json.clear();
  json += '{';
  bool first_root = true;
  append_json_member(json, first_root, "id", cells[bl.at[bc_bill_id]], false);
  for (const char* object : {"person", "visit"}) {
    json += ",\"";
    json += object;
    json += "\":{";
    bool first = true;
    for (int c = 1; c < bill_col_count; ++c) {
      if (bl.at[c] < 0 || std::strcmp(bill_json[c].object, object) != 0) continue;
      const std::string_view cell = cells[bl.at[c]];
      if (cell.empty() && !bill_required[c]) continue;  // empty: the default
      append_json_member(json, first, bill_json[c].name, cell, bill_json[c].integer);
    }
    json += '}';
  }
  json += ",\"lines\":[";
  std::vector<std::string_view> lc;
  std::string ls;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    ls.clear();
    ls.reserve(rows[r].text.size());
    if (!split_csv(rows[r].text, lc, ls, why)) {
      why = fmt::format("{}:{}: {}", lines_file, rows[r].line, why);
      return false;
    }
    if (lc.size() != ll.cells) {
      why = fmt::format("{}:{}: expected {} cells, found {}", lines_file, rows[r].line, ll.cells, lc.size());
      return false;
    }
    if (r > 0) json += ',';
    json += '{';
    bool first = true;
    for (int c = 1; c < line_col_count; ++c) {
      if (ll.at[c] < 0) continue;
      const std::string_view cell = lc[ll.at[c]];
      if (cell.empty() && !line_required[c]) continue;
      append_json_member(json, first, line_names[c], cell, false);
    }
    json += '}';
  }
  json += "]}";
  return true;
}

namespace {

// The cells of a row without quotes, into `cells`; false if the row has a
// quote or not `count` cells.
auto plain_cells(std::string_view row, std::size_t count, std::array<std::string_view, 32>& cells) -> bool {
  if (count > cells.size() || row.find('"') != std::string_view::npos) return false;
  std::string unused;  // no quoted cell: never written
  std::size_t n = 0, pos = 0;
  for (;;) {
    if (n == count) return false;
    cells[n++] = io::read_csv_cell(row, pos, unused).text;
    if (pos >= row.size()) break;
    ++pos;  // the comma
  }
  return n == count;
}

// Text the JSON route carries unchanged: valid UTF-8 without control bytes
// (those it escapes, and the fast JSON reader leaves escapes to the full one).
auto plain_text(std::string_view s) -> bool {
  bool high = false;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20) return false;
    high = high || c >= 0x80;
  }
  return !high || io::is_valid_utf8(s);
}

// An integer cell as the JSON route reads it: 1 to 9 digits, no sign, no
// leading zero (its range is validate()'s).
auto plain_int(std::string_view s, int& out) -> bool {
  if (s.empty() || s.size() > 9 || (s.size() > 1 && s[0] == '0')) return false;
  int v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// One bills-file cell into the bill, as its JSON field would be read.
auto bill_cell(int c, std::string_view v, bill& b) -> bool {
  switch (static_cast<bill_col>(c)) {
    case bc_bill_id: return !v.empty() && plain_text(v) && (b.id.assign(v), true);
    case bc_person_id: return !v.empty() && plain_text(v) && (b.who.id.assign(v), true);
    case bc_scheme: return io::enum_value(v, parse_scheme, b.who.scheme_);
    case bc_status: return io::enum_value(v, parse_status, b.who.status_);
    case bc_group: return io::enum_value(v, parse_group, b.who.group_);
    case bc_coverage: return io::enum_value(v, parse_coverage, b.who.coverage_);
    case bc_account_balance: return io::money_value(v, b.who.account_balance);
    case bc_rejoined: {
      date d;
      if (!io::date_value(v, d)) return false;
      b.who.rejoined = d;
      return true;
    }
    case bc_visit_type: return io::enum_value(v, parse_visit_type, b.at.type);
    case bc_level: return plain_int(v, b.at.level);
    case bc_location: return io::enum_value(v, parse_location, b.at.where);
    case bc_filing: return io::enum_value(v, parse_filing, b.at.filed);
    case bc_admission: return plain_int(v, b.at.admission);
    case bc_date: return io::date_value(v, b.at.on);
    case bc_disease: return plain_text(v) && (b.at.disease.assign(v), true);
    case bc_transfer_from_level: {
      int from = 0;
      if (!plain_int(v, from)) return false;
      b.at.transfer_from_level = from;
      return true;
    }
    case bill_col_count: break;
  }
  return false;
}

// One lines-file cell into the line, as its JSON field would be read.
auto line_cell(int c, std::string_view v, line& l) -> bool {
  switch (static_cast<line_col>(c)) {
    case lc_code: return !v.empty() && plain_text(v) && (l.code.assign(v), true);
    case lc_name: return plain_text(v) && (l.name.assign(v), true);
    case lc_class: {
      item_class k = item_class::C;
      if (!io::enum_value(v, parse_item_class, k)) return false;
      l.cls = k;
      return true;
    }
    case lc_selfpay_ratio: {
      std::int64_t ppm = 0;
      if (!io::fast_decimal(v, io::ratio_kind, ppm)) return false;
      l.selfpay_ratio = ratio::from_ppm(ppm);
      return true;
    }
    case lc_price_limit: {
      std::int64_t micro = 0;
      if (!io::fast_decimal(v, io::price_kind, micro)) return false;
      l.price_limit = price{micro};
      return true;
    }
    case lc_qty: return io::fast_decimal(v, io::quantity_kind, l.qty.ten_thousandths);
    case lc_price: return io::fast_decimal(v, io::price_kind, l.unit_price.micro);
    case lc_amount: return io::money_value(v, l.amount);
    case lc_bill_id:
    case line_col_count: break;
  }
  return false;
}

}  // namespace

auto csv_bill_fast(std::string_view bill_row, const bill_layout& bl, const std::vector<row_text>& rows,
                   const line_layout& ll, bill& out) -> bool {
  std::array<std::string_view, 32> cells;
  if (rows.empty() || !plain_cells(bill_row, bl.cells, cells)) return false;
  bill b;  // into `out` only when whole
  // An empty optional cell is an absent field (its default); an empty
  // required one is an error only the JSON route words.
  for (int c = 0; c < bill_col_count; ++c) {
    if (bl.at[c] < 0) continue;
    const std::string_view v = cells[static_cast<std::size_t>(bl.at[c])];
    if (v.empty() && !bill_required[c]) continue;
    if (!bill_cell(c, v, b)) return false;
  }
  b.lines.resize(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (!plain_cells(rows[r].text, ll.cells, cells)) return false;
    line& l = b.lines[r];
    for (int c = 1; c < line_col_count; ++c) {
      if (ll.at[c] < 0) continue;
      const std::string_view v = cells[static_cast<std::size_t>(ll.at[c])];
      if (v.empty() && !line_required[c]) continue;
      if (!line_cell(c, v, l)) return false;
    }
  }
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
  // person.x / visit.x -> the bills column
  for (int c = 0; c < bill_col_count; ++c) {
    const std::string json_path = *bill_json[c].object == '\0'
                                      ? std::string{bill_json[c].name}
                                      : std::string{bill_json[c].object} + "." + bill_json[c].name;
    if (json_path == path) return fmt::format("{}: {}", bill_names[c], rest);
  }
  return e.message;
}

}  // namespace yibao::sim::detail
