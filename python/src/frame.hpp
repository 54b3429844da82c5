#pragma once
// Settling a table of bills given as text columns (behind yibao.settle_frame):
// parse every row, order each person's bills by date, carry the year-to-date
// totals from bill to bill (reset at the tariff's policy-year start) and
// settle. Pure C++ (no Python): the binding calls it with the GIL released.
// The column contract is documented in python/README.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "yibao/fields.hpp"
#include "yibao/yibao.hpp"

namespace yibao_py {

/// Columns of the bills table, one row per bill.
/// The person's and visit's facts (birth_date ... family_account, contracted,
/// unfiled_before) are optional columns, as in the bulk CSV.
inline constexpr std::array<const char*, 28> bill_column_names{
    "bill_id",         "person_id",       "scheme",         "status",           "group",
    "coverage",        "account_balance", "rejoined",       "birth_date",       "tier",
    "family_doctor",   "chronic",         "enrolled_years", "claim_free_years", "lapsed_years",
    "back_paid_years", "account_earlier", "family_account", "visit_type",       "level",
    "location",        "filing",          "admission",      "date",             "disease",
    "transfer_from_level", "contracted",  "unfiled_before"};
inline constexpr std::size_t bill_column_count = bill_column_names.size();
enum bill_col : std::size_t {
  b_id, b_person, b_scheme, b_status, b_group, b_coverage, b_balance, b_rejoined,
  b_birth_date, b_tier, b_family_doctor, b_chronic, b_enrolled_years, b_claim_free_years, b_lapsed_years,
  b_back_paid_years, b_account_earlier, b_family_account,
  b_type, b_level, b_location, b_filing, b_admission, b_date, b_disease, b_transfer, b_contracted, b_unfiled_before
};

/// Columns of the lines table, one row per item, joined to bills on bill_id.
inline constexpr std::array<const char*, 9> line_column_names{
    "bill_id", "code", "name", "class", "selfpay_ratio", "price_limit", "qty", "price", "amount"};
inline constexpr std::size_t line_column_count = line_column_names.size();
enum line_col : std::size_t { l_bill, l_code, l_name, l_class, l_ratio, l_limit, l_qty, l_price, l_amount };

/// Money columns of the result (int64 fen): the settlement's money fields of
/// the field table (yibao/fields.hpp), named as in yibao::to_json.
inline constexpr std::size_t money_column_count = yibao::settlement_fields.size();

/// Year-to-date totals after each bill (int64 fen): the table's ytd fields,
/// as columns "ytd_<name>".
inline constexpr std::size_t ytd_column_count = yibao::ytd_fields.size();
[[nodiscard]] inline auto ytd_column_name(std::size_t k) -> std::string {
  return "ytd_" + std::string{yibao::ytd_fields[k].name};
}

/// Text columns; an absent column is an empty vector, a missing cell "".
template <std::size_t N>
struct text_columns {
  std::array<std::vector<std::string>, N> cols;
  [[nodiscard]] auto get(std::size_t col, std::size_t row) const -> std::string_view {
    return cols[col].empty() ? std::string_view{} : std::string_view{cols[col][row]};
  }
  [[nodiscard]] auto has(std::size_t col) const -> bool { return !cols[col].empty(); }
};
using bill_columns = text_columns<bill_column_count>;
using line_columns = text_columns<line_column_count>;

/// One entry per bill row, in the bills table's order.
struct frame_result {
  std::array<std::vector<std::int64_t>, money_column_count> money;
  std::array<std::vector<std::int64_t>, ytd_column_count> ytd;
  /// Per layer (basic, critical, large, assistance): the annual cap left after
  /// the bill (crt_payb_lmt_amt), -1 when the layer has no cap or did not take part.
  std::array<std::vector<std::int64_t>, yibao::layer_count> cap_left;
  std::vector<std::uint8_t> ok, direct, eligible;  ///< booleans (bytes: rows are written from several threads)
  std::vector<std::int64_t> lines, admission, level, year;  ///< year: policy year (0 if not settled)
  std::vector<std::string_view> scheme, status, group, visit_type, location;  ///< static enum names
  std::vector<std::string> tariff_id, filed_as, ineligible_reason, error_code, error;
};

/// Settles every bill. Each bill row and its line rows are read as the bill
/// JSON contract by yibao::parse_bill_json, the reader behind `yibao
/// estimate` and `yibao simulate`, so every check and limit of the contract
/// applies (amounts, prices, quantities, ratios, integers, dates, number of
/// lines); its field paths become table paths ("bills[3].level",
/// "lines[12].qty"). An empty cell is an absent field; a missing `amount` is
/// qty x price rounded half-up. Bills of one person are settled in date order (ties:
/// table order), each starting from the year-to-date totals the previous one
/// left, reset to zero when a bill falls in a later policy year (the tariff's
/// `year_start`; of the version in force, for a set), as `yibao simulate` does. A missing `admission` is 1 (as in
/// the bill JSON); it is not derived from the person's earlier bills.
///
/// `threads` (0: all hardware threads) settle runs of whole people at once;
/// the result is the same for any count.
///
/// Errors: with `collect_errors` false, the first bad row or failed settlement
/// (in settlement order) is returned, its message prefixed "bill ID: ". With it
/// true, such bills get ok=false, error_code and error, zero money, and leave
/// the year-to-date totals untouched; so does a bill with an empty bill_id
/// ("bills[i].bill_id: must not be empty", validate()'s error for an empty id),
/// and line rows with an empty bill_id then join no bill. Either way a missing
/// required column, a duplicate bill id or a line whose bill_id is not in the
/// bills table is an invalid_argument error for the whole table.
/// The tariff of a frame: one tariff, or the versions of a place (`one` is
/// then null), of which each bill's date picks the one in force: a bill in
/// no version's window fails as yibao::tariff_set::in_force says (out_of_range).
struct frame_tariff {
  const yibao::tariff* one = nullptr;
  const yibao::tariff_set* versions = nullptr;
};

[[nodiscard]] auto settle_frame(frame_tariff t, const yibao::catalog& c, std::size_t n_bills,
                                const bill_columns& bills, std::size_t n_lines, const line_columns& lines,
                                bool collect_errors, unsigned threads = 1) -> yibao::result<frame_result>;

}  // namespace yibao_py
