#pragma once
/// \file money.hpp
/// Exact money, ratios and rounding. No binary floating point anywhere.
///
/// Scales (all signed 64-bit integers):
///   - `money`: fen (0.01 yuan)
///   - `ratio`: parts per million (1.000000 == 1'000'000)
///   - `price`: micro-yuan (0.000001 yuan), as prices carry up to 6 decimals
///   - `quantity`: 1/10000 units, as quantities carry up to 4 decimals

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yibao {

/// How a value between two fen is resolved. Every tariff names one.
///
/// Truth table for the exact value -> result in fen (from docs/rounding):
///
/// | exact   | half_up | half_even | down | up |
/// |---------|---------|-----------|------|----|
/// |  1.5    |   2     |    2      |  1   |  2 |
/// |  2.5    |   3     |    2      |  2   |  3 |
/// |  2.4999 |   2     |    2      |  2   |  3 |
/// |  2.5001 |   3     |    3      |  2   |  3 |
/// | -2.5    |  -3     |   -2      | -2   | -3 |
///
/// `half_up` rounds half away from zero (四舍五入); `down` truncates toward zero;
/// `up` rounds away from zero.
enum class rounding : std::uint8_t { half_up, half_even, down, up };

/// Parses "half_up" | "half_even" | "down" | "up".
[[nodiscard]] auto parse_rounding(std::string_view text) noexcept -> std::optional<rounding>;
[[nodiscard]] auto to_string(rounding r) noexcept -> std::string_view;

/// Divides `num` by `den` (0 < den <= 2^62) and rounds the quotient with
/// `mode`: the one implementation of the truth table above. Inline because it
/// runs per line: with a constant `den` (as in `apply` and `extend`) the
/// division compiles to a multiplication.
[[nodiscard]] constexpr auto divide_round(std::int64_t num, std::int64_t den, rounding mode) noexcept
    -> std::int64_t {
  // C++ division truncates toward zero; the remainder says whether to step away.
  // Only the mode is branched on (the same for every call of a tariff): the
  // remainders of a bill's lines are random, so the step away from zero is
  // taken by arithmetic rather than by a branch that would mispredict.
  const std::int64_t q = num / den;
  const std::int64_t r = num % den;
  const std::int64_t twice = (r < 0 ? -r : r) * 2;
  bool away = false;
  switch (mode) {
    case rounding::down: break;
    case rounding::up: away = r != 0; break;
    case rounding::half_up: away = twice >= den; break;
    case rounding::half_even: away = (twice > den) | ((twice == den) & (q % 2 != 0)); break;
  }
  const std::int64_t sign = num < 0 ? -1 : 1;
  return q + (sign & -static_cast<std::int64_t>(away));
}

/// `a x b / den` (0 < den <= 2^62) rounded with `mode`, through a 128-bit
/// intermediate: the path of `apply` and `extend` for products beyond 64 bits.
/// Throws `std::overflow_error` if the result does not fit in 64 bits.
[[nodiscard]] auto multiply_divide(std::int64_t a, std::int64_t b, std::int64_t den, rounding mode) -> std::int64_t;

/// An amount of money in fen. Only same-dimension arithmetic exists; scaling
/// goes through `apply`. Arithmetic that would overflow `int64_t` throws
/// `std::overflow_error` (a broken invariant: validated inputs are far below it).
class money {
 public:
  constexpr money() noexcept = default;
  /// From a count of fen.
  static constexpr auto from_fen(std::int64_t fen) noexcept -> money { return money{fen}; }
  [[nodiscard]] constexpr auto fen() const noexcept -> std::int64_t { return fen_; }

  auto operator+=(money other) -> money& {
    if (__builtin_add_overflow(fen_, other.fen_, &fen_)) overflow();
    return *this;
  }
  auto operator-=(money other) -> money& {
    if (__builtin_sub_overflow(fen_, other.fen_, &fen_)) overflow();
    return *this;
  }
  friend auto operator+(money a, money b) -> money { return a += b; }
  friend auto operator-(money a, money b) -> money { return a -= b; }
  friend constexpr auto operator<=>(money, money) noexcept = default;

  /// Decimal text with exactly two decimals, e.g. "-12.30".
  [[nodiscard]] auto to_string() const -> std::string;

 private:
  constexpr explicit money(std::int64_t fen) noexcept : fen_{fen} {}
  /// Throws std::overflow_error (kept out of line: the hot path only branches).
  [[noreturn]] static void overflow();
  std::int64_t fen_ = 0;
};

[[nodiscard]] constexpr auto min(money a, money b) noexcept -> money { return a < b ? a : b; }
[[nodiscard]] constexpr auto max(money a, money b) noexcept -> money { return a < b ? b : a; }

/// A ratio in parts per million (4 decimals on the national platform; we keep 6).
class ratio {
 public:
  static constexpr std::int64_t one_ppm = 1'000'000;
  constexpr ratio() noexcept = default;
  static constexpr auto from_ppm(std::int64_t ppm) noexcept -> ratio { return ratio{ppm}; }
  /// Percentage points, e.g. `points(5)` is 0.05.
  static constexpr auto points(std::int64_t pts) noexcept -> ratio { return ratio{pts * 10'000}; }
  static constexpr auto one() noexcept -> ratio { return ratio{one_ppm}; }
  [[nodiscard]] constexpr auto ppm() const noexcept -> std::int64_t { return ppm_; }
  friend constexpr auto operator<=>(ratio, ratio) noexcept = default;
  friend constexpr auto operator+(ratio a, ratio b) noexcept -> ratio { return ratio{a.ppm_ + b.ppm_}; }
  friend constexpr auto operator-(ratio a, ratio b) noexcept -> ratio { return ratio{a.ppm_ - b.ppm_}; }
  /// Decimal text with `decimals` digits (2..6), e.g. "0.1000".
  [[nodiscard]] auto to_string(int decimals = 4) const -> std::string;

 private:
  constexpr explicit ratio(std::int64_t ppm) noexcept : ppm_{ppm} {}
  std::int64_t ppm_ = 0;
};

/// Unit price in micro-yuan (up to 6 decimals).
struct price {
  std::int64_t micro = 0;
  friend constexpr auto operator<=>(price, price) noexcept = default;
};

/// Quantity in 1/10000 units (up to 4 decimals).
struct quantity {
  std::int64_t ten_thousandths = 0;
  friend constexpr auto operator<=>(quantity, quantity) noexcept = default;
};

/// `amount x r`, rounded to the fen with `mode` (128-bit intermediate).
/// Throws `std::overflow_error` if the result does not fit.
[[nodiscard]] inline auto apply(money amount, ratio r, rounding mode) -> money {
  // Inline because it runs per line; a product past 64 bits is rare and goes out of line.
  std::int64_t num = 0;
  if (__builtin_mul_overflow(amount.fen(), r.ppm(), &num)) [[unlikely]] {
    return money::from_fen(multiply_divide(amount.fen(), r.ppm(), ratio::one_ppm, mode));
  }
  return money::from_fen(divide_round(num, ratio::one_ppm, mode));
}

/// `q x p` rounded to the fen with `mode`, e.g. a line amount.
/// Throws `std::overflow_error` if the result does not fit.
[[nodiscard]] inline auto extend(quantity q, price p, rounding mode) -> money {
  // 1e-4 units x 1e-6 yuan = 1e-10 yuan; a fen is 1e-2 yuan.
  constexpr std::int64_t units_per_fen = 100'000'000;
  std::int64_t num = 0;
  if (__builtin_mul_overflow(q.ten_thousandths, p.micro, &num)) [[unlikely]] {
    return money::from_fen(multiply_divide(q.ten_thousandths, p.micro, units_per_fen, mode));
  }
  return money::from_fen(divide_round(num, units_per_fen, mode));
}

/// Decimal text parsers. They accept an optional leading '-', digits, and an
/// optional '.' followed by at most the scale's digits; nothing else (no
/// exponent, no spaces, no '+'). More digits than the scale holds is an error,
/// never a silent rounding. They return `std::nullopt` on any error; `why`
/// (if given) receives a short reason.
[[nodiscard]] auto parse_money(std::string_view text, std::string* why = nullptr) -> std::optional<money>;
[[nodiscard]] auto parse_ratio(std::string_view text, std::string* why = nullptr) -> std::optional<ratio>;
[[nodiscard]] auto parse_price(std::string_view text, std::string* why = nullptr) -> std::optional<price>;
[[nodiscard]] auto parse_quantity(std::string_view text, std::string* why = nullptr) -> std::optional<quantity>;

/// Generic fixed-point parser: `text` as an integer scaled by 10^decimals.
[[nodiscard]] auto parse_fixed(std::string_view text, int decimals, std::string* why = nullptr)
    -> std::optional<std::int64_t>;

/// Formats `value / 10^decimals` (0 <= decimals <= 18) as decimal text with
/// exactly `decimals` digits after the point: (-5, 2) -> "-0.05", (7, 0) -> "7".
[[nodiscard]] auto format_fixed(std::int64_t value, int decimals) -> std::string;

}  // namespace yibao
