#pragma once
// Private: reading the bulk formats. A line reader over a byte stream, the
// CSV cell splitter, the CSV header layouts, and one CSV bill (its row and
// its line rows) built cell by cell with the converters of the bill JSON
// reader (formats/bill_fields.hpp), so that both formats give identical
// bills and words, and share one validation (yibao::validate).
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.hpp"
#include "yibao/simulate.hpp"

namespace yibao::sim::detail {

/// Splits a byte stream into lines, with 1-based line numbers. A line ends
/// at LF (a CR before it is dropped); with `cr_ends_lines` (CSV) also at a
/// lone CR, so LF, CRLF and CR files all read. A UTF-8 byte order mark at the
/// start of the stream is skipped. A line longer than `max` bytes (without
/// its line break) is not held: next() gives its first bytes (at most
/// overlong_prefix) and overlong() is true, and the rest is skipped up to the
/// next line break. A view stays valid until the next call.
class line_reader {
 public:
  static constexpr std::size_t overlong_prefix = 4096;
  explicit line_reader(const read_fn* read, bool cr_ends_lines = false, std::size_t max = max_record_bytes)
      : read_{read}, max_{max}, cr_{cr_ends_lines} {}
  /// The next line; false at the end of the stream or on a read error.
  auto next(std::string_view& out) -> bool;
  /// Whether the line next() gave was longer than the limit (cut to its prefix).
  [[nodiscard]] auto overlong() const noexcept -> bool { return overlong_; }
  [[nodiscard]] auto line_no() const noexcept -> std::uint64_t { return line_no_; }
  [[nodiscard]] auto bytes() const noexcept -> std::uint64_t { return consumed_; }
  [[nodiscard]] auto failed() const noexcept -> bool { return failed_; }

 private:
  auto fill() -> bool;
  [[nodiscard]] auto find_break(std::size_t from) const noexcept -> std::size_t;
  auto take(std::size_t len, std::size_t skip, std::string_view& out) -> bool;
  const read_fn* read_;
  std::size_t max_;
  bool cr_;
  std::vector<char> buf_ = std::vector<char>(std::size_t{1} << 20);
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false, failed_ = false, started_ = false, after_cr_ = false;
  bool skipping_ = false, overlong_ = false;
  std::string prefix_;  // of the overlong line being skipped
  std::uint64_t line_no_ = 0, consumed_ = 0;
};

/// The reason a record longer than the limit is rejected with.
[[nodiscard]] auto overlong_reason() -> std::string;

/// Splits one CSV row into cells (RFC 4180 quoting, "" inside quotes).
/// Cells that needed unquoting live in `scratch` (reserved by the caller to
/// at least the row's size). On a malformed row returns false and sets `why`.
auto split_csv(std::string_view row, std::vector<std::string_view>& cells, std::string& scratch, std::string& why)
    -> bool;

/// Appends `text` as a JSON string literal: the core's one escaper.
using yibao::detail::append_json_string;
/// Appends `text` as a CSV cell (quoted if it holds a comma, quote or line break).
void append_csv_cell(std::string& out, std::string_view text);

/// Columns of the bills CSV, in the order of docs/bulk-format.md.
enum bill_col : int {
  bc_bill_id, bc_person_id, bc_scheme, bc_status, bc_group, bc_coverage, bc_account_balance, bc_rejoined,
  bc_birth_date, bc_tier, bc_family_doctor, bc_chronic, bc_enrolled_years, bc_claim_free_years, bc_lapsed_years,
  bc_back_paid_years, bc_account_earlier, bc_family_account,
  bc_visit_type, bc_level, bc_location, bc_filing, bc_admission, bc_date, bc_disease, bc_transfer_from_level,
  bc_contracted, bc_unfiled_before,
  bill_col_count
};
/// Columns of the lines CSV.
enum line_col : int {
  lc_bill_id, lc_code, lc_name, lc_class, lc_selfpay_ratio, lc_price_limit, lc_qty, lc_price, lc_amount,
  line_col_count
};
[[nodiscard]] auto bill_column_name(int c) noexcept -> std::string_view;

/// The field path (yibao::validate's) a bills column fills: "id",
/// "person.scheme", "visit.level", ...
[[nodiscard]] auto bill_field_path(int c) -> std::string;
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

/// One bills cell (column `c`) into the bill, or one lines cell (a column
/// after bill_id) into the line, through its field's converter
/// (formats/bill_fields.hpp). False with `what` set (without the column).
/// Also used by Python's settle_frame, whose tables have these columns.
auto bill_cell(int c, std::string_view v, bill& b, std::string& what) -> bool;
auto line_cell(int c, std::string_view v, line& l, std::string& what) -> bool;
/// Whether a column must be in the header (its field is required).
[[nodiscard]] auto bill_column_required(int c) noexcept -> bool;
[[nodiscard]] auto line_column_required(int c) noexcept -> bool;

/// Builds the bill of a CSV bill row and its line rows, each cell through
/// its field's converter (formats/bill_fields.hpp); an empty optional cell is
/// the field's default. Syntax only: the caller runs yibao::validate. On a
/// malformed row or a bad cell returns false with `out` untouched and `why`
/// set: "<column>: <what>" for a bills cell, "<lines file>:<line>: <column>:
/// <what>" for a lines cell (the reject names the bills file and line). A
/// malformed row (a quote, the cell count) is told before a bad cell, and
/// otherwise the first bad cell in the bill's order (the bill row, then each
/// line row), as the bill JSON reader tells the first in document order.
auto csv_bill(std::string_view bill_row, const bill_layout& bl, const std::vector<row_text>& rows,
              const line_layout& ll, std::string_view lines_file, bill& out, std::string& why) -> bool;

/// One CSV bill as joined by csv_joiner: its bill row and its line rows.
struct joined_bill {
  std::uint64_t line = 0;      ///< of the bill row in the bills file
  std::string_view text;       ///< the bill row
  std::vector<row_text> rows;  ///< its line rows, in order (empty when `note` is set)
  /// Non-empty: the reader rejects the bill with this reason (a row longer
  /// than the limit, a duplicate bill_id, too many line rows) and the ids
  /// below are what the row shows.
  std::string note;
  std::string bill_id, person_id;
};

/// Joins each bill row of a CSV input to its line rows (docs/bulk-format.md):
/// the lines file lists the bills in the bills file's order; a line row whose
/// bill is neither the current one nor among the next `lookahead` bill rows
/// is an orphan. A bill_id that two bill rows within `lookahead` rows of each
/// other share rejects both (their line rows cannot be told apart), and so do
/// a row longer than max_record_bytes and more than max_bill_lines line rows.
/// Used by sim::run and by simulate --sort, so both join alike.
class csv_joiner {
 public:
  static constexpr std::size_t lookahead = 64;
  explicit csv_joiner(const input& in);
  /// Reads both headers: invalid_argument (bad header) or io_error.
  auto open() -> std::optional<error>;
  /// The next bill into `out` (views valid until the next call); orphan line
  /// rows met on the way are appended to `orphans`. False at the end or on a
  /// read error (failed()).
  auto next(joined_bill& out, std::vector<reject>& orphans) -> bool;
  [[nodiscard]] auto failed() const noexcept -> bool { return bills_.failed() || lines_.failed(); }
  /// The name of the file that failed.
  [[nodiscard]] auto failed_name() const -> const std::string& { return bills_.failed() ? in_.name : in_.lines_name; }
  [[nodiscard]] auto bytes() const noexcept -> std::uint64_t { return bills_.bytes() + lines_.bytes(); }
  [[nodiscard]] auto line_rows_read() const noexcept -> std::uint64_t { return line_rows_read_; }
  [[nodiscard]] auto bills() const noexcept -> const bill_layout& { return bl_; }
  [[nodiscard]] auto lines() const noexcept -> const line_layout& { return ll_; }

 private:
  struct pending_row {
    std::uint64_t line = 0;
    std::string text;  // an overlong row: its first bytes
    std::string id;    // the bill_id cell ("" if the row is malformed)
    std::uint64_t hash = 0;
    bool overlong = false;
  };
  void read_ahead();
  auto next_line_row() -> bool;
  void orphan(std::vector<reject>& orphans, std::string reason);
  auto cell(std::string_view row, int col) -> std::string;

  const input& in_;
  line_reader bills_, lines_;
  bill_layout bl_{};
  line_layout ll_{};
  std::deque<pending_row> ahead_;
  std::deque<pending_row> recent_;  // the last `lookahead` bill rows taken (ids only)
  std::optional<pending_row> pending_line_;
  pending_row current_;
  std::string rows_text_;
  std::vector<std::pair<std::uint64_t, std::size_t>> row_at_;  // line, end in rows_text_
  std::string scratch_;
  std::uint64_t line_rows_read_ = 0;
};

/// Turns a yibao::validate error on a CSV bill into a message that names CSV
/// columns and, for a line, the lines file and its line number.
auto csv_reason(const error& e, const std::vector<row_text>& rows, std::string_view lines_file) -> std::string;

}  // namespace yibao::sim::detail
