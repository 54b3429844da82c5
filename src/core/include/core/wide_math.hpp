#pragma once
// Rounding divisions beside the public divide_round, private to the library:
// 128-bit (the public API has no __int128) for exact layer payments (fen x
// ppm) and the simulate summary's averages and shares; unsigned for step 1.
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

/// `divide_round(num, den, mode)` for num >= 0, in unsigned arithmetic: a
/// division by a constant without the sign fix-ups of the signed one.
/// settle()'s step 1 runs it on every line (tests/unit/money_test checks it
/// against divide_round).
[[gnu::always_inline]] constexpr auto divide_round_unsigned(std::uint64_t num, std::uint64_t den,
                                                            rounding mode) noexcept -> std::uint64_t {
  const std::uint64_t q = num / den;
  const std::uint64_t r = num % den;
  bool away = false;
  switch (mode) {
    case rounding::down:
      break;
    case rounding::up:
      away = r != 0;
      break;
    case rounding::half_up:
      away = 2 * r >= den;
      break;
    case rounding::half_even:
      away = (2 * r > den) | ((2 * r == den) & (q % 2 != 0));
      break;
  }
  return q + static_cast<std::uint64_t>(away);
}

}  // namespace yibao
