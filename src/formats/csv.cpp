// The CSV tokenizer (see formats/csv.hpp).
#include "formats/csv.hpp"

#include <array>

namespace yibao::io {
namespace {

// The bytes that end or break a plain cell: ',', CR, LF and '"'.
constexpr auto stops = [] {
  std::array<bool, 256> out{};
  for (const unsigned char c : {',', '\r', '\n', '"'}) out[c] = true;
  return out;
}();

}  // namespace

auto read_csv_cell(std::string_view text, std::size_t& pos, std::string& scratch) -> csv_cell {
  csv_cell out;
  std::size_t i = pos;
  if (i < text.size() && text[i] == '"') {
    out.quoted = true;
    const std::size_t start = scratch.size();
    ++i;
    for (;;) {
      if (i >= text.size()) {
        out.fault = csv_fault::unterminated_quote;
        out.fault_at = pos;
        break;
      }
      const char c = text[i];
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          scratch += '"';
          i += 2;
          continue;
        }
        ++i;
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          out.fault = csv_fault::text_after_quote;
          out.fault_at = i;
        }
        break;
      }
      scratch += c;
      ++i;
    }
    out.text = std::string_view{scratch}.substr(start);
  } else {
    // Cells are short: one table lookup per byte beats several memchr calls.
    std::size_t end = i;
    for (;;) {
      while (end < text.size() && !stops[static_cast<unsigned char>(text[end])]) ++end;
      if (end == text.size() || text[end] != '"') break;
      if (out.fault == csv_fault::none) {
        out.fault = csv_fault::quote_in_plain;
        out.fault_at = end;
      }
      ++end;
    }
    out.text = text.substr(i, end - i);
    i = end;
  }
  pos = i;
  return out;
}

auto split_csv_row(std::string_view row, std::vector<std::string_view>& cells, std::string& scratch) -> csv_cell {
  cells.clear();
  std::size_t pos = 0;
  for (;;) {
    csv_cell c = read_csv_cell(row, pos, scratch);
    if (c.fault != csv_fault::none) return c;
    cells.push_back(c.text);
    if (pos >= row.size()) return csv_cell{};
    ++pos;  // the comma
  }
}

}  // namespace yibao::io
