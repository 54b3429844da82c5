// The catalog's CSV loader (yibao::parse_catalog_csv); the catalog itself
// (the lookup) is in the core, src/core/catalog.cpp.
//
// CSV dialect (RFC 4180, see docs/catalog-format.md):
//   - records end with LF, CRLF or a lone CR; the last one may lack an end;
//   - a field is quoted when it starts with '"'; inside, '""' is a quote and
//     commas and line breaks are literal; after the closing quote only ',' or
//     the end of the record may follow; a '"' inside an unquoted field is an
//     error;
//   - a UTF-8 byte order mark at the start is skipped (columns count from the
//     byte after it); empty lines are skipped;
//   - the first record is the header: column names exact, any order, `code`
//     and `class` required, `name`, `selfpay_ratio`, `price_limit` optional.
//
// Rows are numbered from 1 for the first data record (the header is not a
// row; skipped blank lines are not rows). Every problem becomes a diagnostic
// at file:line:column, column being the 1-based byte column where the field
// starts, with key path "header" or "row N.<column>"; all of them are
// collected (up to max_diagnostics) and the error's message is the first
// one's to_string().

#include <array>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/string_hash.hpp"
#include "formats/csv.hpp"
#include "formats/text.hpp"

#include "yibao/catalog.hpp"

namespace yibao {

namespace {

constexpr std::size_t max_diagnostics = 1000;

enum column : std::uint8_t { col_code, col_name, col_class, col_selfpay_ratio, col_price_limit, col_count };
constexpr std::array<std::string_view, col_count> column_names{"code", "name", "class", "selfpay_ratio",
                                                               "price_limit"};
constexpr int no_column = -1;

struct field {
  std::string text;  // unquoted value
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

class csv_loader {
 public:
  csv_loader(std::string_view text, std::string_view file) : text_{text}, file_{file} {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") {
      pos_ = 3;
      line_start_ = 3;
    }
  }

  auto run() -> result<catalog> {
    std::size_t count = 0;
    if (!next_record(count)) {
      if (diags_.empty()) report(1, 1, "header", "empty file, expected a header row with code and class");
      return finish();
    }
    if (!read_header(count)) return finish();
    std::uint32_t row = 0;
    while (next_record(count) && !full()) read_row(++row, count);
    return finish();
  }

 private:
  // --- diagnostics ---------------------------------------------------------
  void report(std::uint32_t line, std::uint32_t column, std::string key, std::string message) {
    if (full()) return;
    diagnostic d;
    d.where = source_location{std::string(file_), line, column};
    d.key_path = std::move(key);
    d.message = std::move(message);
    diags_.push_back(std::move(d));
    if (full()) {
      diagnostic stop;
      stop.where = source_location{std::string(file_), line, column};
      stop.message = "too many errors (" + std::to_string(max_diagnostics) + "), stopping";
      diags_.push_back(std::move(stop));
    }
  }
  [[nodiscard]] auto full() const noexcept -> bool { return diags_.size() >= max_diagnostics; }

  auto finish() -> result<catalog> {
    if (diags_.empty()) return std::move(out_);
    error e;
    e.code = errc::invalid_argument;
    e.message = diags_.front().to_string();
    e.path = diags_.front().key_path;
    e.diagnostics = std::move(diags_);
    return e;
  }

  auto key(std::uint32_t row, int col) const -> std::string {
    std::string k = "row " + std::to_string(row);
    if (col != no_column) {
      k += '.';
      k += column_names[static_cast<std::size_t>(col)];
    }
    return k;
  }

  // --- tokenizer -------------------------------------------------------------
  [[nodiscard]] auto column_here() const noexcept -> std::uint32_t {
    return static_cast<std::uint32_t>(pos_ - line_start_ + 1);
  }

  // Consumes a line break at pos_ if there is one.
  auto eat_newline() noexcept -> bool {
    if (pos_ < text_.size() && text_[pos_] == '\r') {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    } else if (pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
    } else {
      return false;
    }
    ++line_;
    line_start_ = pos_;
    return true;
  }

  // Reads the next non-blank record into fields_[0..count) with the one CSV
  // tokenizer (formats/csv.hpp). Tokenizer errors are reported against the record
  // (`where_key_` names the header or row) and make bad_record_ true.
  // Returns false at the end of the input.
  auto next_record(std::size_t& count) -> bool {
    while (eat_newline()) {
    }
    if (pos_ >= text_.size()) return false;
    count = 0;
    bad_record_ = false;
    record_line_ = line_;
    for (;;) {
      if (count == fields_.size()) fields_.emplace_back();
      field& f = fields_[count++];
      f.line = line_;
      f.column = column_here();
      const std::size_t start = pos_;
      scratch_.clear();
      const io::csv_cell cell = io::read_csv_cell(text_, pos_, scratch_);
      f.text.assign(cell.text);
      if (cell.quoted) count_line_breaks(start, pos_);
      switch (cell.fault) {
        case io::csv_fault::none: break;
        case io::csv_fault::quote_in_plain:
          if (!bad_record_) {
            tokenizer_error(f.line, f.column + static_cast<std::uint32_t>(cell.fault_at - start), count - 1,
                            "quote inside an unquoted field (quote the whole field and double the quote)");
          }
          break;
        case io::csv_fault::unterminated_quote:
          tokenizer_error(f.line, f.column, count - 1, "unterminated quoted field");
          return true;
        case io::csv_fault::text_after_quote:
          tokenizer_error(line_, column_here(), count - 1, "unexpected character after the closing quote");
          // Resynchronize at the end of the physical line.
          while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
          break;
      }
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      eat_newline();
      return true;
    }
  }

  // Counts the line breaks (LF, CRLF or CR) inside a quoted field's bytes.
  void count_line_breaks(std::size_t from, std::size_t to) noexcept {
    for (std::size_t i = from; i < to; ++i) {
      const char c = text_[i];
      if (c != '\r' && c != '\n') continue;
      if (c == '\r' && i + 1 < to && text_[i + 1] == '\n') ++i;
      ++line_;
      line_start_ = i + 1;
    }
  }

  void tokenizer_error(std::uint32_t line, std::uint32_t column, std::size_t index, std::string message) {
    bad_record_ = true;
    std::string k;
    if (in_header_) {
      k = "header";
    } else {
      const int col = index < columns_.size() ? columns_[index] : no_column;
      k = key(row_ + 1, col);
    }
    report(line, column, std::move(k), std::move(message));
  }

  // --- header and rows ---------------------------------------------------------
  auto read_header(std::size_t count) -> bool {
    in_header_ = false;
    if (bad_record_) return false;
    std::array<bool, col_count> seen{};
    columns_.assign(count, no_column);
    bool ok = true;
    for (std::size_t i = 0; i < count; ++i) {
      const field& f = fields_[i];
      std::size_t c = 0;
      while (c < col_count && column_names[c] != f.text) ++c;
      if (c == col_count) {
        report(f.line, f.column, "header",
               "unknown column " + io::quoted(f.text) +
                   "; expected code, name, class, selfpay_ratio, price_limit");
        continue;  // its values are ignored; the other columns still load
      }
      if (seen[c]) {
        report(f.line, f.column, "header", "duplicate column " + io::quoted(f.text));
        ok = false;
        continue;
      }
      seen[c] = true;
      columns_[i] = static_cast<int>(c);
    }
    for (const column c : {col_code, col_class}) {
      if (!seen[c]) {
        report(record_line_, 1, "header", "missing required column \"" + std::string(column_names[c]) + "\"");
        ok = false;
      }
    }
    return ok;
  }

  void read_row(std::uint32_t row, std::size_t count) {
    row_ = row;
    if (bad_record_) return;
    if (count != columns_.size()) {
      const std::uint32_t column = count > columns_.size() ? fields_[columns_.size()].column : 1;
      const std::uint32_t line = count > columns_.size() ? fields_[columns_.size()].line : record_line_;
      report(line, column, key(row, no_column),
             "expected " + std::to_string(columns_.size()) + " fields, found " + std::to_string(count));
      return;
    }
    std::array<const field*, col_count> by_column{};
    for (std::size_t i = 0; i < count; ++i) {
      if (columns_[i] != no_column) by_column[static_cast<std::size_t>(columns_[i])] = &fields_[i];
    }
    bool ok = true;
    const auto bad = [&](int col, std::string message) {
      const field& f = *by_column[static_cast<std::size_t>(col)];
      report(f.line, f.column, key(row, col), std::move(message));
      ok = false;
    };

    const std::string& code = by_column[col_code]->text;
    bool code_ok = false;
    if (code.empty()) {
      bad(col_code, "must not be empty");
    } else if (!io::is_valid_utf8(code)) {
      bad(col_code, "invalid UTF-8 in " + io::quoted(code));
    } else if (is_space(code.front()) || is_space(code.back())) {
      bad(col_code, "leading or trailing whitespace in " + io::quoted(code));
    } else if (const auto [it, inserted] = first_line_.try_emplace(code, by_column[col_code]->line); !inserted) {
      bad(col_code, "duplicate code " + io::quoted(code) + " (first on line " + std::to_string(it->second) + ")");
    } else {
      code_ok = true;
    }

    catalog_entry entry;
    const std::string& cls = by_column[col_class]->text;
    if (cls.empty()) {
      bad(col_class, "must not be empty");
    } else if (const auto c = parse_item_class(cls)) {
      entry.cls = *c;
    } else {
      bad(col_class, "unknown value " + io::quoted(cls) + "; expected one of A, B, C");
    }
    if (const field* f = by_column[col_name]) {
      if (io::is_valid_utf8(f->text)) {
        entry.name = f->text;
      } else {
        bad(col_name, "invalid UTF-8 at byte " + std::to_string(io::first_invalid_utf8(f->text) + 1) +
                          " of the field");
      }
    }
    std::string what;
    if (const field* f = by_column[col_selfpay_ratio]; f != nullptr && !f->text.empty()) {
      if (const auto v = io::parse_decimal(f->text, io::catalog_ratio_kind, what)) {
        entry.selfpay_ratio = ratio::from_ppm(*v);
      } else {
        bad(col_selfpay_ratio, std::move(what));
      }
    }
    if (const field* f = by_column[col_price_limit]; f != nullptr && !f->text.empty()) {
      if (const auto v = io::parse_decimal(f->text, io::catalog_price_kind, what)) {
        entry.price_limit = price{*v};
      } else {
        bad(col_price_limit, std::move(what));
      }
    }
    if (ok && code_ok) out_.add(code, std::move(entry));
  }

  static auto is_space(char c) noexcept -> bool { return c == ' ' || c == '\t'; }

  std::string_view text_;
  std::string_view file_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  std::uint32_t line_ = 1;
  std::uint32_t record_line_ = 1;
  std::uint32_t row_ = 0;
  bool in_header_ = true;
  bool bad_record_ = false;
  std::vector<field> fields_;
  std::string scratch_;  // a quoted field being unquoted
  std::vector<int> columns_;  // header position -> column, or no_column
  std::unordered_map<std::string, std::uint32_t, io::string_hash, std::equal_to<>> first_line_;
  std::vector<diagnostic> diags_;
  catalog out_;
};

}  // namespace

auto parse_catalog_csv(std::string_view text, std::string_view file) -> result<catalog> {
  try {
    return csv_loader{text, file}.run();
  } catch (const std::bad_alloc&) {
    return make_error(errc::out_of_memory, "", std::string(file) + ": out of memory while loading the catalog");
  }
}

}  // namespace yibao
