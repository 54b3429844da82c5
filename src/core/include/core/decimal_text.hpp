#pragma once
// The one fixed-point decimal formatter: an integer count of 10^-decimals
// units as decimal text, with fmt's integer formatting and integer division
// only (no floating point). format_fixed (yibao/money.hpp), money::to_string,
// the simulate output and summary, the trace's exact amounts and Python's
// yuan columns all come here. Inline: the bulk output calls it per field.
#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <string>

namespace yibao {

/// Appends values beyond 64 bits (the summary's 128-bit totals, exact layer
/// amounts in fen x ppm); `append_decimal` calls it.
void append_decimal_wide(std::string& out, unsigned __int128 magnitude, int decimals);

/// Appends `value / 10^decimals` (0 <= decimals <= 18) with exactly
/// `decimals` digits after the point (none, and no point, for 0) and a
/// leading '-' when negative: (12345, 2) -> "123.45", (-5, 2) -> "-0.05".
inline void append_decimal(std::string& out, __int128 value, int decimals) {
  const bool negative = value < 0;
  const auto magnitude = negative ? 0 - static_cast<unsigned __int128>(value) : static_cast<unsigned __int128>(value);
  if (negative) out += '-';
  if ((magnitude >> 64) != 0) {
    append_decimal_wide(out, magnitude, decimals);
    return;
  }
  constexpr auto scale = [] {
    std::array<std::uint64_t, 19> p{};
    std::uint64_t x = 1;
    for (std::uint64_t& e : p) {
      e = x;
      x *= 10;
    }
    return p;
  }();
  const auto v = static_cast<std::uint64_t>(magnitude);
  const fmt::format_int whole{v / scale[decimals]};
  out.append(whole.data(), whole.size());
  if (decimals == 0) return;
  out += '.';
  const fmt::format_int part{v % scale[decimals]};
  out.append(static_cast<std::size_t>(decimals) - part.size(), '0');
  out.append(part.data(), part.size());
}

/// append_decimal without the trailing zeros of the fraction beyond
/// `min_decimals`, and without the point when no digit follows it:
/// (150, 2, 0) -> "1.5", (100, 2, 0) -> "1", (150000, 5, 2) -> "1.50".
inline void append_decimal_trimmed(std::string& out, __int128 value, int decimals, int min_decimals = 0) {
  append_decimal(out, value, decimals);
  if (decimals == 0) return;
  const std::size_t dot = out.size() - static_cast<std::size_t>(decimals) - 1;
  std::size_t end = out.size();
  while (end > dot + 1 + static_cast<std::size_t>(min_decimals) && out[end - 1] == '0') --end;
  if (end == dot + 1) --end;
  out.resize(end);
}

/// append_decimal_trimmed as a new string.
[[nodiscard]] inline auto decimal_trimmed(__int128 value, int decimals, int min_decimals = 0) -> std::string {
  std::string out;
  append_decimal_trimmed(out, value, decimals, min_decimals);
  return out;
}

}  // namespace yibao
