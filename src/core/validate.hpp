#pragma once
// Private: the line rules of validate(), shared with settle()'s step 1, which
// checks each line in the same pass that splits it (a second pass over the
// lines would cost settle() a third of its time on short bills).
#include <bit>
#include <cstdint>
#include <utility>

#include "yibao/bill.hpp"
#include "yibao/fields.hpp"

namespace yibao::detail {

struct decimal_rule {
  int decimals;
  std::int64_t max;
  bool keep_zeros;         // money: always two decimals
  const char* range_text;  // "between 0 and 1", or nullptr: non-negative, at most max
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

// Each line rule once, as a predicate: line_ok() checks them all (validate()
// runs it; settle()'s step 1 runs line_ok_but_ratio() on every line),
// line_error() finds the first one broken to word the error.
[[gnu::always_inline]] inline auto below(std::int64_t v, std::int64_t max) noexcept -> bool {
  return static_cast<std::uint64_t>(v) <= static_cast<std::uint64_t>(max);  // and not negative
}
/// `v >> k` for the largest power of two 2^k within `max`: zero for every v
/// in 0 .. 2^k - 1 and for no negative v, so ORed shifts check several ranges
/// with one branch. A value from 2^k to max is valid but rare: the callers
/// then apply the exact rules.
[[gnu::always_inline]] constexpr auto beyond_power(std::int64_t v, std::int64_t max) noexcept -> std::uint64_t {
  return static_cast<std::uint64_t>(v) >> (std::bit_width(static_cast<std::uint64_t>(max)) - 1);
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
[[gnu::always_inline]] inline auto amount_ok(const line& l) noexcept -> bool {
  return below(l.amount.fen(), max_money_fen);
}
/// amount == qty x price rounded half-up to the fen, for qty and price in
/// range (qty_ok, price_ok): qty x price < 10^26 (in 10^-10 yuan) fits in 128
/// bits, and amount is that product rounded iff 0 <= product + half -
/// amount x 10^8 < 10^8, which needs no division.
[[gnu::always_inline]] inline auto amount_matches(const line& l) noexcept -> bool {
  using u128 = unsigned __int128;
  constexpr std::uint64_t per_fen = 100'000'000;
  const u128 product = static_cast<u128>(static_cast<std::uint64_t>(l.qty.ten_thousandths)) *
                       static_cast<std::uint64_t>(l.unit_price.micro);
  const u128 rounded_down = static_cast<u128>(static_cast<std::uint64_t>(l.amount.fen())) * per_fen;
  return product + per_fen / 2 - rounded_down < per_fen;  // wraps (large) when amount is too big
}
/// Every line rule but the own-share ratio's. settle()'s step 1 checks the
/// ratio it applies, which is the line's when the line has one, and on any
/// failure runs validate(), which reports the ratio in validate()'s order.
[[gnu::always_inline]] inline auto line_ok_but_ratio(const line& l) noexcept -> bool {
  // Step 1 runs this on every line: the rules become flags ORed into one
  // branch, since a branch per rule costs settle() more in branch throughput
  // than the flags cost in arithmetic. The ranges are checked against the
  // largest power of two within each limit, a shift each (a negative value
  // fails too); a value between that power and its limit (an amount above
  // 687 million yuan, say) is valid but rare, and gets the exact rules below.
  const std::uint64_t out_of_range = beyond_power(l.qty.ten_thousandths, max_qty_ten_thousandths) |
                                     beyond_power(l.unit_price.micro, max_price_micro) |
                                     beyond_power(l.price_limit.value_or(price{}).micro, max_price_micro) |
                                     beyond_power(l.amount.fen(), max_money_fen);
  const auto fails = [](bool ok) { return static_cast<std::uint64_t>(!ok); };
  if ((out_of_range | fails(code_ok(l)) | fails(class_ok(l)) | fails(amount_matches(l))) == 0) [[likely]] {
    return true;
  }
  return code_ok(l) && class_ok(l) && limit_ok(l) && qty_ok(l) && price_ok(l) && amount_ok(l) && amount_matches(l);
}
[[gnu::always_inline]] inline auto line_ok(const line& l) noexcept -> bool {
  return ratio_ok(l) && line_ok_but_ratio(l);
}

[[gnu::always_inline]] inline auto date_ok(date d) noexcept -> bool {
  if (d.year >= 1900 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 28) return true;
  return is_real(d);  // the 29th to the 31st need the calendar
}

/// The member of ytd_fields[I] as a constant, so that reading it compiles to a
/// fixed offset instead of loading the offset from the table.
template <std::size_t I>
inline constexpr money ytd::*ytd_member = ytd_fields[I].member;

/// facts_ok() for a bill that carries some facts or pools.
[[nodiscard]] auto facts_ok_slow(const bill& b) noexcept -> bool;

/// The year-to-date totals ORed together, each read at a fixed offset.
[[gnu::always_inline]] inline auto ytd_bits(const ytd& y) noexcept -> std::int64_t {
  return [&]<std::size_t... I>(std::index_sequence<I...>) { return ((y.*ytd_member<I>).fen() | ...); }(
      std::make_index_sequence<ytd_fields.size()>{});
}

/// The person's facts and the named pool totals: the common bill has none,
/// which one branch says.
[[gnu::always_inline]] inline auto facts_ok(const bill& b) noexcept -> bool {
  const person& p = b.who;
  const visit& v = b.at;
  const bool plain = !p.birth_date && (p.tier | p.enrolled_years | p.claim_free_years | p.lapsed_years |
                                       p.back_paid_years | v.unfiled_before) == 0 &&
                     (p.account_earlier.fen() | p.family_account.fen()) == 0 && p.chronic.empty() &&
                     b.totals.pools.empty();
  if (plain) [[likely]] {
    return true;
  }
  return facts_ok_slow(b);
}

/// validate()'s rules but the per-line ones (the bill's ids, person, visit,
/// ytd and number of lines), each a branch a valid bill does not take (once
/// per bill: folding them into one branch, as for the lines, measured no faster).
[[gnu::always_inline]] inline auto head_ok(const bill& b) noexcept -> bool {
  const person& p = b.who;
  const visit& v = b.at;
  const std::size_t n = b.lines.size();
  if (b.id.empty() || p.id.empty() || n < 1 || n > max_bill_lines) [[unlikely]] {
    return false;
  }
  if (!enum_ok(p.scheme_, scheme_count) || !enum_ok(p.status_, status_count) || !enum_ok(p.group_, group_count) ||
      !enum_ok(p.coverage_, coverage_count) || !enum_ok(v.type, visit_type_count) ||
      !enum_ok(v.where, location_count) || !enum_ok(v.filed, filing_count)) [[unlikely]] {
    return false;
  }
  if (!below(v.level, level_count - 1) || v.admission < 1 || v.admission > max_admission) [[unlikely]] {
    return false;
  }
  if (v.transfer_from_level) {
    const int from = *v.transfer_from_level;
    if (!below(from, level_count - 1) || from >= v.level) return false;
  }
  // The money: one shift of all of it ORed (beyond_power), the exact limit
  // only for the rare value near it.
  if (beyond_power(p.account_balance.fen() | ytd_bits(b.totals), max_money_fen) != 0) [[unlikely]] {
    if (!below(p.account_balance.fen(), max_money_fen)) return false;
    for (const ytd_field& f : ytd_fields) {
      if (!below((b.totals.*f.member).fen(), max_money_fen)) return false;
    }
  }
  if (!date_ok(v.on) || (p.rejoined && !date_ok(*p.rejoined))) [[unlikely]] {
    return false;
  }
  return facts_ok(b);
}

/// validate()'s error for a bill that is not head_ok().
[[nodiscard, gnu::cold]] auto head_error(const bill& b) -> error;

/// validate()'s error for line `i`, which is not line_ok().
[[nodiscard, gnu::cold]] auto line_error(const line& l, std::size_t i) -> error;

}  // namespace yibao::detail
