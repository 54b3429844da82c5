#pragma once
// Private: the banded payment of one fund layer, computed exactly and rounded once.
#include <optional>
#include <string>

#include "yibao/money.hpp"
#include "yibao/tariff.hpp"

namespace yibao {

/// The eligible part of this bill on the layer's cumulative scale: [lo, hi]
/// in fen; band edges are compared with `position - shift` (shift is the
/// deductible when band edges count from the deductible).
struct layer_input {
  money lo, hi, shift;
};

struct layer_output {
  money paid;               ///< after rounding and the cap
  money rounded;            ///< after rounding, before the cap
  __int128 exact_num = 0;   ///< exact payment in fen x ppm
  bool capped = false;
  std::optional<money> cap_left;  ///< cap left after this payment; none: no cap
};

/// Pays `in` at the layer's (adjusted) band rates, rounds once with `mode`, then
/// limits to the cap left after `paid_before` this year.
[[nodiscard]] auto pay_layer(const layer_policy& lp, const layer_input& in, rounding mode, money paid_before)
    -> layer_output;

/// Limits `out.rounded` to the layer's per-bill cap, then to its cap left
/// after `paid_before` (sets paid, capped and cap_left).
void apply_caps(const layer_policy& lp, money paid_before, layer_output& out);

/// One line of trace text: the bands applied and the amounts.
[[nodiscard]] auto describe_layer(const layer_policy& lp, const layer_input& in, const layer_output& out)
    -> std::string;

/// fen x ppm as decimal yuan text with up to 8 decimals (at least 2).
[[nodiscard]] auto exact_yuan(__int128 fen_ppm) -> std::string;

}  // namespace yibao
