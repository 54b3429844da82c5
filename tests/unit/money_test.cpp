// Unit tests for include/yibao/money.hpp: the rounding truth table of the
// header comment, scaling, the decimal parsers and the formatter.
#include "yibao/money.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/decimal_text.hpp"
#include "core/wide_math.hpp"
#include "yibao/simulate.hpp"

namespace {

using yibao::divide_round;
using yibao::divide_round_wide;
using yibao::money;
using yibao::price;
using yibao::quantity;
using yibao::ratio;
using yibao::rounding;

// `exact` given as num / den fen.
// The public 64-bit divide_round, the library's 128-bit one (which hands the
// rounding to it) and, for num >= 0, its unsigned one must agree.
auto fen(__int128 num, __int128 den, rounding mode) -> std::int64_t {
  const auto wide = static_cast<std::int64_t>(divide_round_wide(num, static_cast<std::int64_t>(den), mode));
  if (num >= INT64_MIN && num <= INT64_MAX) {
    EXPECT_EQ(divide_round(static_cast<std::int64_t>(num), static_cast<std::int64_t>(den), mode), wide);
  }
  if (num >= 0 && num <= INT64_MAX) {
    EXPECT_EQ(yibao::divide_round_unsigned(static_cast<std::uint64_t>(num), static_cast<std::uint64_t>(den), mode),
              static_cast<std::uint64_t>(wide));
  }
  return wide;
}

// The header's truth table, one row per value ("exact -> result in fen"),
// plus the mirrored negative rows (half_up and up round away from zero,
// down toward zero).
struct row {
  __int128 num, den;
  std::int64_t half_up, half_even, down, up;
};
constexpr row truth_table[] = {
    {15, 10, 2, 2, 1, 2},             //  1.5
    {25, 10, 3, 2, 2, 3},             //  2.5
    {24999, 10000, 2, 2, 2, 3},       //  2.4999 (ledger's 0.4999... bug kept as a test)
    {25001, 10000, 3, 3, 2, 3},       //  2.5001
    {-25, 10, -3, -2, -2, -3},        // -2.5
    {-15, 10, -2, -2, -1, -2},        // -1.5
    {-24999, 10000, -2, -2, -2, -3},  // -2.4999
    {-25001, 10000, -3, -3, -2, -3},  // -2.5001
    {3, 1, 3, 3, 3, 3},               //  3 exactly
    {-3, 1, -3, -3, -3, -3},          // -3 exactly
    {0, 7, 0, 0, 0, 0},               //  0
    {1, 3, 0, 0, 0, 1},               //  0.333...
    {-2, 3, -1, -1, 0, -1},           // -0.666...
    {35, 10, 4, 4, 3, 4},             //  3.5: half_even goes to the even 4
};

TEST(money, half_up_truth_table) {
  for (const row& r : truth_table) {
    EXPECT_EQ(fen(r.num, r.den, rounding::half_up), r.half_up)
        << static_cast<long long>(r.num) << "/" << static_cast<long long>(r.den);
  }
}

TEST(money, half_even_truth_table) {
  for (const row& r : truth_table) {
    EXPECT_EQ(fen(r.num, r.den, rounding::half_even), r.half_even)
        << static_cast<long long>(r.num) << "/" << static_cast<long long>(r.den);
  }
}

TEST(money, down_truth_table) {
  for (const row& r : truth_table) {
    EXPECT_EQ(fen(r.num, r.den, rounding::down), r.down)
        << static_cast<long long>(r.num) << "/" << static_cast<long long>(r.den);
  }
}

TEST(money, up_truth_table) {
  for (const row& r : truth_table) {
    EXPECT_EQ(fen(r.num, r.den, rounding::up), r.up)
        << static_cast<long long>(r.num) << "/" << static_cast<long long>(r.den);
  }
}

TEST(money, divide_round_large_operands) {
  // "never overflows for |num| < 2^126"
  const __int128 big = (static_cast<__int128>(1) << 125) + 1;
  EXPECT_EQ(divide_round_wide(big, 2, rounding::down), static_cast<__int128>(1) << 124);
  EXPECT_EQ(divide_round_wide(big, 2, rounding::up), (static_cast<__int128>(1) << 124) + 1);
  EXPECT_EQ(divide_round_wide(big, 2, rounding::half_even), static_cast<__int128>(1) << 124);
  EXPECT_EQ(divide_round_wide(big, 2, rounding::half_up), (static_cast<__int128>(1) << 124) + 1);
  EXPECT_EQ(divide_round_wide(-big, 2, rounding::half_up), -((static_cast<__int128>(1) << 124) + 1));
  // An odd quotient beyond 64 bits at a tie: half_even looks at its parity.
  const __int128 odd_tie = ((static_cast<__int128>(1) << 100) + 1) * 2 + 1;  // (2^100 + 1) + 1/2
  EXPECT_EQ(divide_round_wide(odd_tie, 2, rounding::half_even), (static_cast<__int128>(1) << 100) + 2);
  EXPECT_EQ(divide_round_wide(-odd_tie, 2, rounding::half_even), -((static_cast<__int128>(1) << 100) + 2));
  EXPECT_EQ(divide_round_wide(odd_tie - 2, 2, rounding::half_even), static_cast<__int128>(1) << 100);
}

TEST(money, parse_and_to_string_rounding) {
  for (rounding r : {rounding::half_up, rounding::half_even, rounding::down, rounding::up}) {
    EXPECT_EQ(yibao::parse_rounding(yibao::to_string(r)), r);
  }
  EXPECT_EQ(yibao::to_string(rounding::half_up), "half_up");
  EXPECT_EQ(yibao::to_string(rounding::half_even), "half_even");
  EXPECT_EQ(yibao::parse_rounding("HALF_UP"), std::nullopt);
  EXPECT_EQ(yibao::parse_rounding("round"), std::nullopt);
  EXPECT_EQ(yibao::parse_rounding(""), std::nullopt);
}

TEST(money, apply_rounds_with_mode) {
  // 0.25 yuan x 10% = 2.5 fen
  const money m = money::from_fen(25);
  const ratio ten = ratio::points(10);
  EXPECT_EQ(yibao::apply(m, ten, rounding::half_up).fen(), 3);
  EXPECT_EQ(yibao::apply(m, ten, rounding::half_even).fen(), 2);
  EXPECT_EQ(yibao::apply(m, ten, rounding::down).fen(), 2);
  EXPECT_EQ(yibao::apply(m, ten, rounding::up).fen(), 3);
  // -0.25 yuan x 10% = -2.5 fen
  EXPECT_EQ(yibao::apply(money::from_fen(-25), ten, rounding::half_up).fen(), -3);
  EXPECT_EQ(yibao::apply(money::from_fen(-25), ten, rounding::half_even).fen(), -2);
  EXPECT_EQ(yibao::apply(money::from_fen(-25), ten, rounding::down).fen(), -2);
  EXPECT_EQ(yibao::apply(money::from_fen(-25), ten, rounding::up).fen(), -3);
  // 24999 fen x 0.0001 = 2.4999 fen
  const ratio tiny = ratio::from_ppm(100);
  EXPECT_EQ(yibao::apply(money::from_fen(24999), tiny, rounding::half_up).fen(), 2);
  EXPECT_EQ(yibao::apply(money::from_fen(24999), tiny, rounding::up).fen(), 3);
  // identity and zero
  EXPECT_EQ(yibao::apply(money::from_fen(123456789), ratio::one(), rounding::up).fen(), 123456789);
  EXPECT_EQ(yibao::apply(money::from_fen(123456789), ratio{}, rounding::up).fen(), 0);
  // the 128-bit intermediate: INT64_MAX fen x 0.5 does not overflow
  EXPECT_EQ(
      yibao::apply(money::from_fen(std::numeric_limits<std::int64_t>::max()), ratio::from_ppm(500'000), rounding::down)
          .fen(),
      std::numeric_limits<std::int64_t>::max() / 2);
}

TEST(money, extend_rounds_with_mode) {
  // 1.5 units x 0.333333 yuan = 0.4999995 yuan = 49.99995 fen
  const quantity q{15'000};
  const price p{333'333};
  EXPECT_EQ(yibao::extend(q, p, rounding::half_up).fen(), 50);
  EXPECT_EQ(yibao::extend(q, p, rounding::half_even).fen(), 50);
  EXPECT_EQ(yibao::extend(q, p, rounding::down).fen(), 49);
  EXPECT_EQ(yibao::extend(q, p, rounding::up).fen(), 50);
  // 3 units x 0.005 yuan = 1.5 fen
  EXPECT_EQ(yibao::extend(quantity{30'000}, price{5'000}, rounding::half_up).fen(), 2);
  EXPECT_EQ(yibao::extend(quantity{30'000}, price{5'000}, rounding::half_even).fen(), 2);
  EXPECT_EQ(yibao::extend(quantity{50'000}, price{5'000}, rounding::half_even).fen(), 2);  // 2.5 -> 2
  EXPECT_EQ(yibao::extend(quantity{50'000}, price{5'000}, rounding::half_up).fen(), 3);
  // exact products need no rounding
  EXPECT_EQ(yibao::extend(quantity{20'000}, price{12'340'000}, rounding::up).fen(), 2468);
}

TEST(money, arithmetic_overflow_throws) {
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
  EXPECT_THROW((void)(money::from_fen(max) + money::from_fen(1)), std::overflow_error);
  EXPECT_THROW((void)(money::from_fen(min) - money::from_fen(1)), std::overflow_error);
  EXPECT_THROW((void)(money::from_fen(min) + money::from_fen(-1)), std::overflow_error);
  money m = money::from_fen(max - 1);
  EXPECT_NO_THROW(m += money::from_fen(1));
  EXPECT_EQ(m.fen(), max);
  EXPECT_THROW(m += money::from_fen(1), std::overflow_error);
  EXPECT_THROW((void)yibao::apply(money::from_fen(max), ratio::from_ppm(2'000'000), rounding::down),
               std::overflow_error);
  EXPECT_THROW((void)yibao::extend(quantity{max}, price{max}, rounding::down), std::overflow_error);
}

TEST(money, to_string_has_two_decimals) {
  EXPECT_EQ(money::from_fen(1230).to_string(), "12.30");
  EXPECT_EQ(money::from_fen(-1230).to_string(), "-12.30");
  EXPECT_EQ(money::from_fen(-5).to_string(), "-0.05");
  EXPECT_EQ(money{}.to_string(), "0.00");
  EXPECT_EQ(ratio::from_ppm(100'000).to_string(), "0.1000");
  EXPECT_EQ(ratio::from_ppm(123'450).to_string(), "0.1235");  // display rounds half-up
  EXPECT_EQ(ratio::from_ppm(123'456).to_string(6), "0.123456");
  EXPECT_EQ(ratio::points(5).to_string(2), "0.05");
}

TEST(money, format_fixed) {
  EXPECT_EQ(yibao::format_fixed(0, 2), "0.00");
  EXPECT_EQ(yibao::format_fixed(0, 0), "0");
  EXPECT_EQ(yibao::format_fixed(7, 0), "7");
  EXPECT_EQ(yibao::format_fixed(123, 4), "0.0123");
  EXPECT_EQ(yibao::format_fixed(-123, 4), "-0.0123");
  EXPECT_EQ(yibao::format_fixed(1'000'000, 6), "1.000000");
  EXPECT_EQ(yibao::format_fixed(std::numeric_limits<std::int64_t>::max(), 2), "92233720368547758.07");
  EXPECT_EQ(yibao::format_fixed(std::numeric_limits<std::int64_t>::min(), 2), "-92233720368547758.08");
  EXPECT_EQ(yibao::format_fixed(std::numeric_limits<std::int64_t>::min(), 0), "-9223372036854775808");
  EXPECT_EQ(yibao::format_fixed(5, 18), "0.000000000000000005");
  EXPECT_EQ(yibao::format_fixed(-5, 2), "-0.05");
  EXPECT_EQ(yibao::format_fixed(std::numeric_limits<std::int64_t>::min(), 18), "-9.223372036854775808");
}

// The same formatter past 64 bits: the summary's 128-bit totals.
TEST(money, format_fixed_beyond_64_bits) {
  using yibao::sim::fen_sum;
  using yibao::sim::format_fen;
  EXPECT_EQ(format_fen(fen_sum::from_parts(1, 0)), "184467440737095516.16");
  EXPECT_EQ(format_fen(-fen_sum::from_parts(1, 0)), "-184467440737095516.16");
  EXPECT_EQ(format_fen(fen_sum::from_parts(1, 5)), "184467440737095516.21");
  EXPECT_EQ(format_fen(fen_sum::from_parts(std::numeric_limits<std::int64_t>::max(), ~std::uint64_t{0})),
            "1701411834604692317316873037158841057.27");
  EXPECT_EQ(format_fen(fen_sum::from_parts(std::numeric_limits<std::int64_t>::min(), 0)),
            "-1701411834604692317316873037158841057.28");
  EXPECT_EQ(format_fen(fen_sum{-7}), "-0.07");
}

// The trimmed form of the same formatter (error texts, the trace's exact
// amounts, percentages, the generator's decimals).
TEST(money, decimal_trimmed_drops_trailing_zeros_down_to_a_minimum) {
  using yibao::decimal_trimmed;
  EXPECT_EQ(decimal_trimmed(150, 2), "1.5");
  EXPECT_EQ(decimal_trimmed(100, 2), "1");
  EXPECT_EQ(decimal_trimmed(-100, 2), "-1");
  EXPECT_EQ(decimal_trimmed(0, 6), "0");
  EXPECT_EQ(decimal_trimmed(-5, 2), "-0.05");
  EXPECT_EQ(decimal_trimmed(150000, 5, 2), "1.50");
  EXPECT_EQ(decimal_trimmed(100000000, 8, 2), "1.00");
  EXPECT_EQ(decimal_trimmed(123456789, 8, 2), "1.23456789");
  EXPECT_EQ(decimal_trimmed(7, 0), "7");
  EXPECT_EQ(decimal_trimmed(static_cast<__int128>(1) << 100, 8, 2), "12676506002282294014967.03205376");
  std::string out = "x=";
  yibao::append_decimal_trimmed(out, 2500, 4, 1);
  EXPECT_EQ(out, "x=0.25");
}

TEST(money, parse_accepted) {
  EXPECT_EQ(yibao::parse_money("1200")->fen(), 120'000);
  EXPECT_EQ(yibao::parse_money("1200.00")->fen(), 120'000);
  EXPECT_EQ(yibao::parse_money("12.3")->fen(), 1230);
  EXPECT_EQ(yibao::parse_money("0.01")->fen(), 1);
  EXPECT_EQ(yibao::parse_money("-0.01")->fen(), -1);
  EXPECT_EQ(yibao::parse_money("007.5")->fen(), 750);
  EXPECT_EQ(yibao::parse_money("92233720368547758.07")->fen(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(yibao::parse_ratio("0.85")->ppm(), 850'000);
  EXPECT_EQ(yibao::parse_ratio("1")->ppm(), 1'000'000);
  EXPECT_EQ(yibao::parse_ratio("0")->ppm(), 0);
  EXPECT_EQ(yibao::parse_ratio("0.123456")->ppm(), 123'456);
  EXPECT_EQ(yibao::parse_ratio("-0.1")->ppm(), -100'000);
  EXPECT_EQ(yibao::parse_price("12.345678")->micro, 12'345'678);
  EXPECT_EQ(yibao::parse_price("3")->micro, 3'000'000);
  EXPECT_EQ(yibao::parse_quantity("1.2345")->ten_thousandths, 12'345);
  EXPECT_EQ(yibao::parse_quantity("2")->ten_thousandths, 20'000);
  EXPECT_EQ(yibao::parse_fixed("1.5", 3), 1500);
  EXPECT_EQ(yibao::parse_fixed("15", 0), 15);
}

// Each rejected text with the exact reason the parser gives.
void expect_rejected(std::optional<std::int64_t> parsed, const std::string& why, const char* text,
                     const char* expected) {
  EXPECT_FALSE(parsed.has_value()) << text;
  EXPECT_EQ(why, expected) << text;
}

TEST(money, parse_rejected_with_reason) {
  struct bad {
    const char* text;
    int decimals;
    const char* why;
  };
  constexpr bad cases[] = {
      {"1.234", 2, "too many decimals"},
      {"0.1234567", 6, "too many decimals"},
      {"1.23456", 4, "too many decimals"},
      {"1e5", 2, "not a decimal number"},
      {"1E5", 2, "not a decimal number"},
      {"+1", 2, "not a decimal number"},
      {" 1", 2, "not a decimal number"},
      {"1 ", 2, "not a decimal number"},
      {"1 000", 2, "not a decimal number"},
      {"1,5", 2, "not a decimal number"},
      {"--1", 2, "not a decimal number"},
      {"0x10", 2, "not a decimal number"},
      {"", 2, "empty number"},
      {"-", 2, "no digits"},
      {".5", 2, "no digit before the decimal point"},
      {"-.5", 2, "no digit before the decimal point"},
      {"1.", 2, "no digit after the decimal point"},
      {"1.2.3", 2, "two decimal points"},
      {"92233720368547758.08", 2, "number too large"},
      {"92233720368547759", 2, "number too large"},
      {"-92233720368547758.08", 2, "number too large"},
      {"99999999999999999999999", 0, "number too large"},
  };
  for (const bad& c : cases) {
    std::string why;
    expect_rejected(yibao::parse_fixed(c.text, c.decimals, &why), why, c.text, c.why);
  }
}

TEST(money, typed_parsers_reject_with_reason) {
  std::string why;
  EXPECT_EQ(yibao::parse_money("1.001", &why), std::nullopt);
  EXPECT_EQ(why, "too many decimals");
  EXPECT_EQ(yibao::parse_money("1e2", &why), std::nullopt);
  EXPECT_EQ(why, "not a decimal number");
  EXPECT_EQ(yibao::parse_money("+5", &why), std::nullopt);
  EXPECT_EQ(why, "not a decimal number");
  EXPECT_EQ(yibao::parse_money(" 5", &why), std::nullopt);
  EXPECT_EQ(why, "not a decimal number");
  EXPECT_EQ(yibao::parse_money("", &why), std::nullopt);
  EXPECT_EQ(why, "empty number");
  EXPECT_EQ(yibao::parse_money("100000000000000000", &why), std::nullopt);
  EXPECT_EQ(why, "number too large");
  EXPECT_EQ(yibao::parse_ratio("0.1234567", &why), std::nullopt);
  EXPECT_EQ(why, "too many decimals");
  EXPECT_EQ(yibao::parse_ratio("5%", &why), std::nullopt);
  EXPECT_EQ(why, "not a decimal number");
  EXPECT_EQ(yibao::parse_ratio("", &why), std::nullopt);
  EXPECT_EQ(why, "empty number");
  EXPECT_EQ(yibao::parse_price("1.0000001", &why), std::nullopt);
  EXPECT_EQ(why, "too many decimals");
  EXPECT_EQ(yibao::parse_price("1e-3", &why), std::nullopt);
  EXPECT_EQ(why, "not a decimal number");
  EXPECT_EQ(yibao::parse_price("10000000000000", &why), std::nullopt);
  EXPECT_EQ(why, "number too large");
  EXPECT_EQ(yibao::parse_quantity("1.00001", &why), std::nullopt);
  EXPECT_EQ(why, "too many decimals");
  EXPECT_EQ(yibao::parse_quantity("+2", &why), std::nullopt);
  EXPECT_EQ(why, "not a decimal number");
  EXPECT_EQ(yibao::parse_quantity("1000000000000000", &why), std::nullopt);
  EXPECT_EQ(why, "number too large");
  // `why` is optional.
  EXPECT_EQ(yibao::parse_money("x"), std::nullopt);
}

}  // namespace
