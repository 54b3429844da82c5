#pragma once
// Private: per-bill output rows (CSV or JSON Lines) and reject rows.
#include <string>
#include <string_view>

#include "yibao/simulate.hpp"

namespace yibao::sim::detail {

/// The header of the per-bill CSV (with the reform_ columns if `reform`).
[[nodiscard]] auto settlement_csv_header(bool reform) -> std::string;

/// Appends one per-bill row. `reformed` is null unless a reform is simulated.
void append_settlement_csv(std::string& out, std::string_view source, const bill& b, int year, const settlement& s,
                           const settlement* reformed);
void append_settlement_jsonl(std::string& out, std::string_view source, const bill& b, int year, const settlement& s,
                             const settlement* reformed);

/// The header of the rejects CSV and one row.
[[nodiscard]] auto rejects_csv_header() -> std::string;
void append_reject_csv(std::string& out, const reject& r);

}  // namespace yibao::sim::detail
