#pragma once
// 128-bit rounding division, private to the library (the public API has no
// __int128): for exact layer payments (fen x ppm) and the simulate summary's
// averages and shares.
#include <cstdint>

#include "yibao/money.hpp"

namespace yibao {

/// `num / den` (|num| < 2^126, 0 < den <= 2^61) rounded with `mode`, by the
/// truth table of the 64-bit `divide_round`: the quotient's parity and the
/// remainder (which decide the rounding) are handed to it, so the table has
/// one implementation.
[[nodiscard]] constexpr auto divide_round_wide(__int128 num, std::int64_t den, rounding mode) noexcept -> __int128 {
  const __int128 q = num / den;
  const auto r = static_cast<std::int64_t>(num % den);  // |r| < den
  // q' carries q's parity and num's sign: num' = q' den + r divides to q' with remainder r.
  const std::int64_t sign = num < 0 ? -1 : 1;
  const std::int64_t q_odd = (q % 2 != 0) ? sign : 0;
  return (q - q_odd) + divide_round(q_odd * den + r, den, mode);
}

}  // namespace yibao
