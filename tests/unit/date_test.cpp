// Unit tests for the calendar of include/yibao/bill.hpp (is_real, add_days,
// add_months, days_in_month, days_in_year), the one place yibao's dates are
// computed (through std::chrono), against an independent day-by-day count.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "yibao/bill.hpp"

namespace {

using yibao::date;

auto day(int y, int m, int d) -> date {
  return date{static_cast<std::int16_t>(y), static_cast<std::int8_t>(m), static_cast<std::int8_t>(d)};
}

// The oracle: the Gregorian rules written out, independent of std::chrono.
auto leap(int y) -> bool { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
auto month_length(int y, int m) -> int {
  constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[static_cast<std::size_t>(m - 1)];
}

TEST(date, every_day_from_1900_to_2400_follows_the_next) {
  date d = day(1900, 1, 1);
  int count = 0;
  for (int y = 1900; y <= 2400; ++y) {
    ASSERT_EQ(yibao::days_in_year(y), leap(y) ? 366 : 365) << y;
    for (int m = 1; m <= 12; ++m) {
      ASSERT_EQ(yibao::days_in_month(y, m), month_length(y, m)) << y << "-" << m;
      for (int dd = 1; dd <= 31; ++dd) {
        ASSERT_EQ(yibao::is_real(day(y, m, dd)), dd <= month_length(y, m)) << y << "-" << m << "-" << dd;
        if (dd > month_length(y, m)) continue;
        ASSERT_EQ(d, day(y, m, dd));
        ASSERT_EQ(yibao::add_days(day(1900, 1, 1), count), d);
        d = yibao::add_days(d, 1);
        ++count;
      }
    }
  }
  EXPECT_EQ(yibao::add_days(d, -count), day(1900, 1, 1));
}

TEST(date, the_day_after_rolls_months_years_and_leap_days) {
  EXPECT_EQ(yibao::add_days(day(2025, 1, 31), 1), day(2025, 2, 1));
  EXPECT_EQ(yibao::add_days(day(2025, 2, 28), 1), day(2025, 3, 1));
  EXPECT_EQ(yibao::add_days(day(2024, 2, 28), 1), day(2024, 2, 29));
  EXPECT_EQ(yibao::add_days(day(2024, 2, 29), 1), day(2024, 3, 1));
  EXPECT_EQ(yibao::add_days(day(2025, 12, 31), 1), day(2026, 1, 1));
  EXPECT_EQ(yibao::add_days(day(2025, 4, 30), 1), day(2025, 5, 1));
  EXPECT_EQ(yibao::add_days(day(2026, 1, 1), -1), day(2025, 12, 31));
}

TEST(date, add_months_clamps_to_the_end_of_the_month) {
  EXPECT_EQ(yibao::add_months(day(2025, 1, 31), 1), day(2025, 2, 28));
  EXPECT_EQ(yibao::add_months(day(2024, 1, 31), 1), day(2024, 2, 29));
  EXPECT_EQ(yibao::add_months(day(2024, 2, 29), 12), day(2025, 2, 28));
  EXPECT_EQ(yibao::add_months(day(2025, 11, 15), 3), day(2026, 2, 15));
  EXPECT_EQ(yibao::add_months(day(2025, 3, 31), 6), day(2025, 9, 30));
  EXPECT_EQ(yibao::add_months(day(2025, 6, 30), 0), day(2025, 6, 30));
}

TEST(date, is_real_bounds_the_years_parse_date_reads) {
  EXPECT_FALSE(yibao::is_real(day(1899, 12, 31)));
  EXPECT_TRUE(yibao::is_real(day(1900, 1, 1)));
  EXPECT_TRUE(yibao::is_real(day(9999, 12, 31)));
  EXPECT_FALSE(yibao::is_real(day(2025, 0, 1)));
  EXPECT_FALSE(yibao::is_real(day(2025, 13, 1)));
  EXPECT_FALSE(yibao::is_real(day(2025, 1, 0)));
  EXPECT_FALSE(yibao::is_real(day(2025, -1, 1)));
  EXPECT_FALSE(yibao::is_real(day(2025, 1, -1)));
  EXPECT_FALSE(yibao::is_real(day(1900, 2, 29)));  // 1900 is not a leap year
  EXPECT_TRUE(yibao::is_real(day(2000, 2, 29)));
}

}  // namespace
