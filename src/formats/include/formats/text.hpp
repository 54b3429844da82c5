#pragma once
// Helpers shared by the input parsers of the formats layer and the layers
// above it: quoting user text inside messages, locating bad UTF-8, and
// decimal fields with range checks.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "yibao/bill.hpp"

namespace yibao::io {

/// Appends `text` to `out` in double quotes, escaping '"', '\\', control
/// bytes and invalid UTF-8 (as \xNN), cut after 64 bytes with "...".
void append_quoted(std::string& out, std::string_view text);
[[nodiscard]] auto quoted(std::string_view text) -> std::string;

/// Byte offset of the first byte of the first invalid UTF-8 sequence, or
/// `text.size()` if `text` is valid UTF-8 (RFC 3629: no overlongs, no
/// surrogates, nothing above U+10FFFF).
[[nodiscard]] auto first_invalid_utf8(std::string_view text) noexcept -> std::size_t;
[[nodiscard]] inline auto is_valid_utf8(std::string_view text) noexcept -> bool {
  return first_invalid_utf8(text) == text.size();
}

/// A kind of decimal field: its scale and the bounds a valid value lies in.
struct decimal_kind {
  int decimals;             ///< digits after the point the scale holds
  std::int64_t min;         ///< smallest valid value (scaled)
  std::int64_t max;         ///< largest valid value (scaled)
  const char* range_text;   ///< e.g. "between 0 and 1"; used when min/max is violated
};

/// The decimals of a bill, as syntax only: the scale, any sign and size that
/// fits (the ranges are yibao::validate()'s, include/yibao/bill.hpp).
inline constexpr decimal_kind money_kind{2, INT64_MIN, INT64_MAX, nullptr};
inline constexpr decimal_kind price_kind{6, INT64_MIN, INT64_MAX, nullptr};
inline constexpr decimal_kind quantity_kind{4, INT64_MIN, INT64_MAX, nullptr};
inline constexpr decimal_kind ratio_kind{6, INT64_MIN, INT64_MAX, nullptr};
/// The catalog's prices and ratios, with the bill's bounds: 0 .. 1e9 yuan, 0 .. 1.
inline constexpr decimal_kind catalog_price_kind{6, 0, max_price_micro, nullptr};
inline constexpr decimal_kind catalog_ratio_kind{6, 0, 1'000'000, "between 0 and 1"};

/// Parses decimal text of `kind`. On failure returns nullopt and sets `what`
/// to the complaint (without the path), e.g.
///   invalid decimal "1.234": too many decimals (at most 2)
///   must not be negative, found "-1.00"
///   must be between 0 and 1, found "1.5"
///   "2000000000.00" exceeds the limit 1000000000.00
[[nodiscard]] auto parse_decimal(std::string_view text, const decimal_kind& kind, std::string& what)
    -> std::optional<std::int64_t>;

}  // namespace yibao::io
