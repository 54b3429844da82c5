#include "yibao/money.hpp"

#include "core/decimal_text.hpp"
#include "core/wide_math.hpp"

#include <iterator>
#include <limits>
#include <stdexcept>

namespace yibao {

auto parse_rounding(std::string_view text) noexcept -> std::optional<rounding> {
  if (text == "half_up") return rounding::half_up;
  if (text == "half_even") return rounding::half_even;
  if (text == "down") return rounding::down;
  if (text == "up") return rounding::up;
  return std::nullopt;
}

auto to_string(rounding r) noexcept -> std::string_view {
  switch (r) {
    case rounding::half_up: return "half_up";
    case rounding::half_even: return "half_even";
    case rounding::down: return "down";
    case rounding::up: return "up";
  }
  return "?";
}

namespace {
auto checked(__int128 v) -> std::int64_t {
  if (v > std::numeric_limits<std::int64_t>::max() || v < std::numeric_limits<std::int64_t>::min()) {
    throw std::overflow_error("yibao: money overflow");
  }
  return static_cast<std::int64_t>(v);
}
}  // namespace

void money::overflow() { throw std::overflow_error("yibao: money overflow"); }

auto money::to_string() const -> std::string { return format_fixed(fen_, 2); }
auto ratio::to_string(int decimals) const -> std::string {
  // Ratios are stored with 6 decimals; shorter renderings must not lose digits
  // silently, so they round half-up (display only, never in the money path).
  int drop = 6 - decimals;
  std::int64_t scale = 1;
  for (int i = 0; i < drop; ++i) scale *= 10;
  return format_fixed(divide_round(ppm_, scale, rounding::half_up), decimals);
}

auto multiply_divide(std::int64_t a, std::int64_t b, std::int64_t den, rounding mode) -> std::int64_t {
  return checked(divide_round_wide(static_cast<__int128>(a) * b, den, mode));
}

auto parse_fixed(std::string_view text, int decimals, std::string* why) -> std::optional<std::int64_t> {
  auto fail = [why](const char* reason) -> std::optional<std::int64_t> {
    if (why) *why = reason;
    return std::nullopt;
  };
  if (text.empty()) return fail("empty number");
  bool negative = false;
  std::size_t i = 0;
  if (text[0] == '-') {
    negative = true;
    i = 1;
  }
  // 18 digits always fit in int64; past that every step is checked.
  std::int64_t value = 0;
  int digits = 0;
  int int_digits = 0;
  int frac_digits = 0;
  bool seen_dot = false;
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max();
  auto push = [&](int d) -> bool {
    if (++digits > 18 && value > (limit - d) / 10) return false;
    value = value * 10 + d;
    return true;
  };
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (seen_dot) return fail("two decimal points");
      if (int_digits == 0) return fail("no digit before the decimal point");
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') return fail("not a decimal number");
    if (seen_dot) {
      if (++frac_digits > decimals) return fail("too many decimals");
    } else {
      ++int_digits;
    }
    if (!push(c - '0')) return fail("number too large");
  }
  if (int_digits == 0) return fail("no digits");
  if (seen_dot && frac_digits == 0) return fail("no digit after the decimal point");
  for (int k = frac_digits; k < decimals; ++k) {
    if (!push(0)) return fail("number too large");
  }
  return negative ? -value : value;
}

auto parse_money(std::string_view text, std::string* why) -> std::optional<money> {
  auto v = parse_fixed(text, 2, why);
  if (!v) return std::nullopt;
  return money::from_fen(*v);
}
auto parse_ratio(std::string_view text, std::string* why) -> std::optional<ratio> {
  auto v = parse_fixed(text, 6, why);
  if (!v) return std::nullopt;
  return ratio::from_ppm(*v);
}
auto parse_price(std::string_view text, std::string* why) -> std::optional<price> {
  auto v = parse_fixed(text, 6, why);
  if (!v) return std::nullopt;
  return price{*v};
}
auto parse_quantity(std::string_view text, std::string* why) -> std::optional<quantity> {
  auto v = parse_fixed(text, 4, why);
  if (!v) return std::nullopt;
  return quantity{*v};
}

void append_decimal_wide(std::string& out, unsigned __int128 magnitude, int decimals) {
  unsigned __int128 scale = 1;
  for (int d = 0; d < decimals; ++d) scale *= 10;
  fmt::format_to(std::back_inserter(out), "{}", magnitude / scale);
  if (decimals == 0) return;
  const fmt::format_int part{static_cast<std::uint64_t>(magnitude % scale)};  // < 10^18
  out += '.';
  out.append(static_cast<std::size_t>(decimals) - part.size(), '0');
  out.append(part.data(), part.size());
}

auto format_fixed(std::int64_t value, int decimals) -> std::string {
  std::string out;
  append_decimal(out, value, decimals);
  return out;
}

}  // namespace yibao
