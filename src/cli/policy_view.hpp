#pragma once
// The resolved policy of a layer as comparable text fields, for `yibao show`
// and `yibao diff`; the combinations themselves are the tariff layer's
// (tariff/combos.hpp).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tariff/combos.hpp"
#include "yibao/tariff.hpp"

namespace yibao::cli {

/// One value of a resolved layer and the rules it comes from.
struct field {
  std::string name;   ///< "deductible", "bands", ...
  std::string value;  ///< canonical text: equal text, equal value
  std::vector<std::uint32_t> from;  ///< the rule that set it, then the adjusting ones (indices into `tariff::rules`)
};

/// The fields of a layer resolved by `t`: just `active = no` for an inactive
/// layer, else reimbursed, deductible, per, bands (adjusted rates), method,
/// basis, cap, floor, first_pay, transfer. Needs `applied` (resolve with record).
[[nodiscard]] auto fields_of(const tariff& t, const layer_policy& lp) -> std::vector<field>;

/// "to 50000.00: 85%" or "above: 90%" (or "all: 90%" for a single band), at the adjusted rate.
[[nodiscard]] auto band_text(const layer_policy& lp, std::size_t i) -> std::string;
/// A set of (location, filing) pairs as text: "local", "cross_city filed",
/// "cross_city+cross_province unfiled", "cross_province any filing", ...
[[nodiscard]] auto where_label(const std::vector<std::pair<location, filing>>& members) -> std::string;

}  // namespace yibao::cli
