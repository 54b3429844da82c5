#pragma once
// Private: the line rules of validate(), shared with settle()'s step 1, which
// checks each line in the same pass that splits it (a second pass over the
// lines would cost settle() a third of its time on short bills).
#include <cstdint>
#include <limits>

#include "yibao/bill.hpp"
#include "yibao/fields.hpp"

namespace yibao::detail {

// The predicates below combine bools with `&` on purpose: every rule is
// evaluated, without a branch per rule, on the hot path of settle().
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wbitwise-instead-of-logical"
#endif

struct decimal_rule {
  int decimals;
  std::int64_t max;
  bool keep_zeros;          // money: always two decimals
  const char* range_text;   // "between 0 and 1", or nullptr: non-negative, at most max
};
constexpr decimal_rule money_rule{2, max_money_fen, true, nullptr};
constexpr decimal_rule price_rule{6, max_price_micro, false, nullptr};
constexpr decimal_rule qty_rule{4, max_qty_ten_thousandths, false, nullptr};
constexpr decimal_rule ratio_rule{6, ratio::one_ppm, false, "between 0 and 1"};

[[gnu::always_inline]] inline auto in_range(std::int64_t v, const decimal_rule& rule) noexcept -> bool {
  return v >= 0 && v <= rule.max;
}

template <typename E>
[[gnu::always_inline]] inline auto enum_ok(E v, int count) noexcept -> bool {
  return static_cast<int>(v) < count;  // the enums are unsigned: never below 0
}

// The field of a line that breaks a rule, found without building anything:
// this runs on every line of every bill settled.
// Each line rule once, as a predicate without branches: line_ok() ANDs them
// (settle() runs it on every line), line_error() finds the first one broken
// to word the error.
[[gnu::always_inline]] inline auto below(std::int64_t v, std::int64_t max) noexcept -> bool {
  return static_cast<std::uint64_t>(v) <= static_cast<std::uint64_t>(max);  // and not negative
}
[[gnu::always_inline]] inline auto code_ok(const line& l) noexcept -> bool { return !l.code.empty(); }
[[gnu::always_inline]] inline auto class_ok(const line& l) noexcept -> bool {
  return static_cast<int>(l.cls.value_or(item_class::A)) < item_class_count;
}
[[gnu::always_inline]] inline auto ratio_ok(const line& l) noexcept -> bool {
  return below(l.selfpay_ratio.value_or(ratio{}).ppm(), ratio::one_ppm);
}
[[gnu::always_inline]] inline auto limit_ok(const line& l) noexcept -> bool {
  return below(l.price_limit.value_or(price{}).micro, max_price_micro);
}
[[gnu::always_inline]] inline auto qty_ok(const line& l) noexcept -> bool {
  return below(l.qty.ten_thousandths, max_qty_ten_thousandths);
}
[[gnu::always_inline]] inline auto price_ok(const line& l) noexcept -> bool {
  return below(l.unit_price.micro, max_price_micro);
}
[[gnu::always_inline]] inline auto amount_ok(const line& l) noexcept -> bool { return below(l.amount.fen(), max_money_fen); }
/// amount == qty x price rounded half-up to the fen (qty and price in range).
[[nodiscard]] auto amount_matches_wide(const line& l) noexcept -> bool;
[[gnu::always_inline]] inline auto amount_matches(const line& l) noexcept -> bool {
  // qty x price is in 10^-10 yuan. Unsigned: a negative qty or price is
  // already a broken rule, and the division by a constant is a multiply.
  constexpr std::uint64_t per_fen = 100'000'000, half = per_fen / 2;
  std::uint64_t product = 0;
  if (__builtin_mul_overflow(static_cast<std::uint64_t>(l.qty.ten_thousandths),
                             static_cast<std::uint64_t>(l.unit_price.micro), &product) ||
      product > std::numeric_limits<std::uint64_t>::max() - half) [[unlikely]] {
    return amount_matches_wide(l);
  }
  return (product + half) / per_fen == static_cast<std::uint64_t>(l.amount.fen());
}
[[gnu::always_inline]] inline auto line_ok(const line& l) noexcept -> bool {
  return code_ok(l) & class_ok(l) & ratio_ok(l) & limit_ok(l) & qty_ok(l) & price_ok(l) & amount_ok(l) &
         amount_matches(l);
}

[[gnu::always_inline]] inline auto date_ok(date d) noexcept -> bool {
  if (d.year >= 1900 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 28) return true;
  return is_real(d);  // the 29th to the 31st need the calendar
}

/// validate()'s rules but the per-line ones (the bill's ids, person, visit,
/// ytd and number of lines), without branches on the usual path.
[[gnu::always_inline]] inline auto head_ok(const bill& b) noexcept -> bool {
  const person& p = b.who;
  const visit& v = b.at;
  const ytd& y = b.totals;
  bool money_ok = below(p.account_balance.fen(), max_money_fen);
  for (const ytd_field& f : ytd_fields) money_ok &= below((y.*f.member).fen(), max_money_fen);
  const bool enums_ok = enum_ok(p.scheme_, scheme_count) & enum_ok(p.status_, status_count) &
                        enum_ok(p.group_, group_count) & enum_ok(p.coverage_, coverage_count) &
                        enum_ok(v.type, visit_type_count) & enum_ok(v.where, location_count) &
                        enum_ok(v.filed, filing_count);
  const int from = v.transfer_from_level.value_or(0);
  const bool no_transfer = !v.transfer_from_level.has_value();
  const bool visit_ok = below(v.level, level_count - 1) & (v.admission >= 1) & (v.admission <= max_admission) &
                        (no_transfer | (below(from, level_count - 1) & (from < v.level)));
  const std::size_t n = b.lines.size();
  return money_ok & enums_ok & visit_ok & !b.id.empty() & !p.id.empty() & (n >= 1) & (n <= max_bill_lines) &&
         date_ok(v.on) && (!p.rejoined || date_ok(*p.rejoined));
}

/// validate()'s error for a bill that is not head_ok().
[[nodiscard, gnu::cold]] auto head_error(const bill& b) -> error;

/// validate()'s error for line `i`, which is not line_ok().
[[nodiscard, gnu::cold]] auto line_error(const line& l, std::size_t i) -> error;

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

}  // namespace yibao::detail
