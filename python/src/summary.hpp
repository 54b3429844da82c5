#pragma once
// The bulk summary of a settled table (behind yibao.summarize and the
// partial summaries of yibao.dask): the result columns of settle_frame
// counted by yibao::sim's summary, so that a table gives the summary `yibao
// simulate` gives for the same bills. Pure C++ (no Python).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "frame.hpp"
#include "yibao/simulate.hpp"

namespace yibao_py {

/// The columns of a settle_frame result that the summary reads (money in
/// fen), one entry per row. The row order does not matter.
struct settled_columns {
  std::vector<std::uint8_t> ok, direct, eligible;
  std::vector<std::int64_t> lines, level, year;
  std::vector<std::string> person_id, tariff_id, scheme, status, group, visit_type, location, filing;
  std::array<std::vector<std::int64_t>, money_column_count> money;
  std::array<std::vector<std::int64_t>, yibao::layer_count> cap_left;  ///< -1: no cap
};

/// The summary of the rows: rows with ok false are rejected bills; every
/// other row is a settled bill counted in the base scenario (tariff_id: the
/// first settled row's), its person-year being (person_id, year). A person-year
/// must be whole in the table. Errors: invalid_argument when a column's length
/// differs from `ok`'s, or a settled row's value of a dimension is unknown
/// (path "settled[i].column").
[[nodiscard]] auto summarize_settled(const settled_columns& c, const std::vector<yibao::money>& thresholds)
    -> yibao::result<yibao::sim::summary>;

}  // namespace yibao_py
