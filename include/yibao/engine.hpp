#pragma once
/// \file engine.hpp
/// The settlement: a pure function over validated, immutable inputs.

#include <optional>

#include "yibao/bill.hpp"
#include "yibao/catalog.hpp"
#include "yibao/error.hpp"
#include "yibao/settlement.hpp"
#include "yibao/tariff.hpp"

namespace yibao {

struct settle_options {
  bool trace = false;                   ///< record every step (slower; off for bulk)
  std::optional<filing> as_filing;      ///< settle as if the visit had this filing
};

/// Settles `b` under tariff `t` with catalog `c`, starting from the year-to-date
/// totals `before`. Thread-safe: `t` and `c` are only read.
///
/// Errors: out_of_range when the visit date is outside the tariff's validity;
/// not_found when a line's code is in no catalog and the line has no class;
/// invalid_argument when a line's values are inconsistent (e.g. a ratio above 1);
/// failed_precondition when no rule gives the basic layer bands for this visit.
[[nodiscard]] auto settle(const tariff& t, const catalog& c, const bill& b, const ytd& before,
                          const settle_options& opts = {}) -> result<settlement>;

/// Same, with the bill's own `totals` as the year-to-date start.
[[nodiscard]] inline auto settle(const tariff& t, const catalog& c, const bill& b,
                                 const settle_options& opts = {}) -> result<settlement> {
  return settle(t, c, b, b.totals, opts);
}

}  // namespace yibao
