#include "yibao/bill.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>

#include "enum_table.hpp"

namespace yibao {
namespace {
using namespace std::string_view_literals;
constexpr std::array scheme_names{"employee"sv, "resident"sv};
constexpr std::array status_names{"active"sv, "retired"sv};
constexpr std::array group_names{"none"sv,       "dibao"sv,  "tekun"sv,          "poverty"sv,
                                 "low_income"sv, "orphan"sv, "illness_poverty"sv};
constexpr std::array coverage_names{"active"sv, "lapsed"sv, "waiting"sv};
constexpr std::array visit_names{"outpatient"sv,  "inpatient"sv, "chronic"sv,
                                 "day_surgery"sv, "maternity"sv, "pharmacy"sv};
constexpr std::array location_names{"local"sv, "cross_city"sv, "cross_province"sv};
constexpr std::array filing_names{"long_term"sv, "temporary"sv, "referral"sv, "emergency"sv, "unfiled"sv};
constexpr std::array class_names{"A"sv, "B"sv, "C"sv};

// The calendar is std::chrono's (C++20), here and nowhere else: every other
// part of yibao asks these functions.
namespace chr = std::chrono;
constexpr auto to_chrono(date d) noexcept -> chr::year_month_day {
  return chr::year{d.year} / chr::month{static_cast<unsigned>(d.month)} / chr::day{static_cast<unsigned>(d.day)};
}
constexpr auto from_chrono(chr::year_month_day d) noexcept -> date {
  return date{static_cast<std::int16_t>(static_cast<int>(d.year())),
              static_cast<std::int8_t>(static_cast<unsigned>(d.month())),
              static_cast<std::int8_t>(static_cast<unsigned>(d.day()))};
}
}  // namespace

auto days_in_month(int year, int month) noexcept -> int {
  const chr::year_month_day_last last{chr::year{year}, chr::month_day_last{chr::month{static_cast<unsigned>(month)}}};
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

auto days_in_year(int year) noexcept -> int { return chr::year{year}.is_leap() ? 366 : 365; }

auto age_at(date born, date on) noexcept -> int {
  const bool before_birthday = on.month < born.month || (on.month == born.month && on.day < born.day);
  return on.year - born.year - (before_birthday ? 1 : 0);
}

auto to_string(scheme v) noexcept -> std::string_view { return detail::name_of(scheme_names, v); }
auto to_string(status v) noexcept -> std::string_view { return detail::name_of(status_names, v); }
auto to_string(group v) noexcept -> std::string_view { return detail::name_of(group_names, v); }
auto to_string(coverage v) noexcept -> std::string_view { return detail::name_of(coverage_names, v); }
auto to_string(visit_type v) noexcept -> std::string_view { return detail::name_of(visit_names, v); }
auto to_string(location v) noexcept -> std::string_view { return detail::name_of(location_names, v); }
auto to_string(filing v) noexcept -> std::string_view { return detail::name_of(filing_names, v); }
auto to_string(item_class v) noexcept -> std::string_view { return detail::name_of(class_names, v); }
auto parse_scheme(std::string_view t) noexcept -> std::optional<scheme> {
  return detail::parse_enum<scheme>(scheme_names, t);
}
auto parse_status(std::string_view t) noexcept -> std::optional<status> {
  return detail::parse_enum<status>(status_names, t);
}
auto parse_group(std::string_view t) noexcept -> std::optional<group> {
  return detail::parse_enum<group>(group_names, t);
}
auto parse_coverage(std::string_view t) noexcept -> std::optional<coverage> {
  return detail::parse_enum<coverage>(coverage_names, t);
}
auto parse_visit_type(std::string_view t) noexcept -> std::optional<visit_type> {
  return detail::parse_enum<visit_type>(visit_names, t);
}
auto parse_location(std::string_view t) noexcept -> std::optional<location> {
  return detail::parse_enum<location>(location_names, t);
}
auto parse_filing(std::string_view t) noexcept -> std::optional<filing> {
  return detail::parse_enum<filing>(filing_names, t);
}
auto parse_item_class(std::string_view t) noexcept -> std::optional<item_class> {
  return detail::parse_enum<item_class>(class_names, t);
}

auto date::to_string() const -> std::string {
  char buf[16];
  auto put = [&buf](int at, int value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      buf[at + i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, year, 4);
  buf[4] = '-';
  put(5, month, 2);
  buf[7] = '-';
  put(8, day, 2);
  return std::string(buf, 10);
}

auto is_real(date d) noexcept -> bool {
  return d.year >= 1900 && d.year <= 9999 && d.month >= 1 && d.day >= 1 && to_chrono(d).ok();
}

auto parse_date(std::string_view text) -> std::optional<date> {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto num = [&text](std::size_t at, std::size_t len) -> int {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  const int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 0 || m < 0 || d < 0) return std::nullopt;
  const date out{static_cast<std::int16_t>(y), static_cast<std::int8_t>(m), static_cast<std::int8_t>(d)};
  if (!is_real(out)) return std::nullopt;
  return out;
}

auto add_months(date d, int months) -> date {
  const chr::year_month ym = chr::year{d.year} / chr::month{static_cast<unsigned>(d.month)} + chr::months{months};
  const chr::day last = (ym / chr::last).day();
  const chr::day day{static_cast<unsigned>(d.day)};
  return from_chrono(ym / std::min(day, last));
}

auto add_days(date d, int days) -> date {
  return from_chrono(chr::year_month_day{chr::sys_days{to_chrono(d)} + chr::days{days}});
}

}  // namespace yibao
