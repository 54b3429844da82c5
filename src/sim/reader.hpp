#pragma once
// Private: reading the bulk formats. A line reader over a byte stream, the
// CSV cell splitter, the CSV header layouts, and the conversion of one CSV
// bill (its row and its line rows) to the bill JSON of parse_bill_json, so
// that both formats share one validation and give identical bills.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yibao/simulate.hpp"

namespace yibao::sim::detail {

/// Splits a byte stream into lines ('\n', a trailing '\r' dropped), with
/// 1-based line numbers. A view stays valid until the next call.
class line_reader {
 public:
  explicit line_reader(const read_fn* read) : read_{read} {}
  /// The next line; false at the end of the stream or on a read error.
  auto next(std::string_view& out) -> bool;
  [[nodiscard]] auto line_no() const noexcept -> std::uint64_t { return line_no_; }
  [[nodiscard]] auto bytes() const noexcept -> std::uint64_t { return consumed_; }
  [[nodiscard]] auto failed() const noexcept -> bool { return failed_; }

 private:
  auto fill() -> bool;
  const read_fn* read_;
  std::vector<char> buf_ = std::vector<char>(std::size_t{1} << 20);
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false, failed_ = false;
  std::uint64_t line_no_ = 0, consumed_ = 0;
};

/// Splits one CSV row into cells (RFC 4180 quoting, "" inside quotes).
/// Cells that needed unquoting live in `scratch` (reserved by the caller to
/// at least the row's size). On a malformed row returns false and sets `why`.
auto split_csv(std::string_view row, std::vector<std::string_view>& cells, std::string& scratch, std::string& why)
    -> bool;

/// Appends `text` as a JSON string literal.
void append_json_string(std::string& out, std::string_view text);
/// Appends `text` as a CSV cell (quoted if it holds a comma, quote or line break).
void append_csv_cell(std::string& out, std::string_view text);

/// Columns of the bills CSV, in the order of docs/bulk-format.md.
enum bill_col : int {
  bc_bill_id, bc_person_id, bc_scheme, bc_status, bc_group, bc_coverage, bc_account_balance, bc_rejoined,
  bc_visit_type, bc_level, bc_location, bc_filing, bc_admission, bc_date, bc_disease, bc_transfer_from_level,
  bill_col_count
};
/// Columns of the lines CSV.
enum line_col : int {
  lc_bill_id, lc_code, lc_name, lc_class, lc_selfpay_ratio, lc_price_limit, lc_qty, lc_price, lc_amount,
  line_col_count
};
[[nodiscard]] auto bill_column_name(int c) noexcept -> std::string_view;
[[nodiscard]] auto line_column_name(int c) noexcept -> std::string_view;

/// Where each known column is in a file (-1: absent), and the cell count.
template <int N>
struct layout {
  std::array<int, N> at{};
  std::size_t cells = 0;
};
using bill_layout = layout<bill_col_count>;
using line_layout = layout<line_col_count>;

/// Reads a header row. Unknown, duplicate and missing required columns are
/// errors (message names the file).
auto parse_bill_header(std::string_view row, std::string_view file) -> result<bill_layout>;
auto parse_line_header(std::string_view row, std::string_view file) -> result<line_layout>;

/// One row of a lines file, as read.
struct row_text {
  std::uint64_t line = 0;
  std::string_view text;
};

/// Builds the bill JSON for a CSV bill row and its line rows. On a malformed
/// row returns false and sets `why` (with file:line of a bad line row).
auto csv_bill_to_json(std::string_view bill_row, const bill_layout& bl, const std::vector<row_text>& rows,
                      const line_layout& ll, std::string_view lines_file, std::string& json, std::string& why)
    -> bool;

/// The fast path both CSV readers try first: the bill straight from the
/// cells, for rows without quotes whose every cell is what the fast bill JSON
/// reader accepts. True with `out` filled exactly as converting to JSON and
/// parsing would fill it; false, with `out` untouched, when only that route
/// can say what the rows are (including every error).
auto csv_bill_fast(std::string_view bill_row, const bill_layout& bl, const std::vector<row_text>& rows,
                   const line_layout& ll, bill& out) -> bool;

/// Turns a parse_bill_json error on a converted CSV bill into a message that
/// names CSV columns and, for a line, the lines file and its line number.
auto csv_reason(const error& e, const std::vector<row_text>& rows, std::string_view lines_file) -> std::string;

}  // namespace yibao::sim::detail
