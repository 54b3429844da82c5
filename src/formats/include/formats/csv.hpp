#pragma once
// Private: the one CSV tokenizer (RFC 4180) behind every CSV the project
// reads: the catalog (catalog_csv.cpp) and the bulk bills and lines files
// (sim/reader.cpp, sim/csv_join.cpp). Each reader words its own errors from
// the fault and the byte offset given here.
//
// The dialect: cells are separated by ','; a cell that starts with '"' is
// quoted, '""' inside it is a quote and ',', CR and LF are literal; after the
// closing quote only ',', a line break or the end may follow. A cell that does
// not start with '"' ends at ',', CR, LF or the end and may not hold a '"'.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace yibao::io {

enum class csv_fault {
  none,
  unterminated_quote,  ///< the text ends inside a quoted cell
  text_after_quote,    ///< something other than ',' or a line break after a closing quote
  quote_in_plain,      ///< a '"' inside a cell that does not start with one
};

/// One cell read by read_csv_cell.
struct csv_cell {
  std::string_view text;  ///< the value (quotes removed, "" made ")
  bool quoted = false;
  csv_fault fault = csv_fault::none;
  std::size_t fault_at = 0;  ///< byte offset of the fault in the input
};

/// Reads the cell that starts at text[pos] and moves `pos` to the byte after
/// it (the ',' or line break that ends it, or text.size()); for a
/// text_after_quote fault, to the offending byte. A plain cell's text is a
/// view into `text`; a quoted cell's is appended to `scratch` and viewed
/// there (reserve it so that earlier views stay valid). A quote_in_plain cell
/// is still read to its end (the view holds the quote).
auto read_csv_cell(std::string_view text, std::size_t& pos, std::string& scratch) -> csv_cell;

/// Splits one row that holds no line break into cells. `scratch` must be
/// reserved by the caller to at least row.size(). On a fault stops and
/// returns the faulty cell (its index is cells.size()).
auto split_csv_row(std::string_view row, std::vector<std::string_view>& cells, std::string& scratch) -> csv_cell;

}  // namespace yibao::io
