// validate(bill): the one copy of the bill contract's semantic rules
// (docs/bill-format.md). Readers (bill JSON, the bulk CSV, the C structs,
// Python) only convert syntax; settle() calls this first, so every entry
// point gets the same limits, the same field paths and the same messages.
//
// The pass over a valid bill allocates nothing: paths and messages are built
// only for the first problem found, in cold functions.
#include "validate.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "core/decimal_text.hpp"
#include "core/field_path.hpp"
#include "yibao/bill.hpp"
#include "yibao/fields.hpp"

namespace yibao {
using detail::decimal_rule;
using detail::enum_ok;
using detail::in_range;
using detail::line_error;
using detail::money_rule;
using detail::price_rule;
using detail::qty_rule;
using detail::ratio_rule;
namespace {

using path = detail::field_path;

[[gnu::cold, gnu::noinline]] auto bad(const path& at, std::string what) -> error {
  return make_error(errc::invalid_argument, at.str(), std::move(what));
}

// A scaled decimal as its reader would have it written: money with its two
// decimals ("-1.00"), the others without trailing zeros ("1.5", "-2").
auto shown(std::int64_t v, int decimals, bool keep_zeros) -> std::string {
  return keep_zeros ? format_fixed(v, decimals) : decimal_trimmed(v, decimals);
}

[[gnu::cold, gnu::noinline]] auto bad_decimal(const path& at, std::int64_t v, const decimal_rule& rule) -> error {
  const std::string text = fmt::format("\"{}\"", shown(v, rule.decimals, rule.keep_zeros));
  if (rule.range_text != nullptr) return bad(at, fmt::format("must be {}, found {}", rule.range_text, text));
  if (v < 0) return bad(at, "must not be negative, found " + text);
  return bad(at, text + " exceeds the limit " + format_fixed(rule.max, rule.decimals));
}

[[gnu::cold, gnu::noinline]] auto bad_int(const path& at, long long v, long long lo, long long hi) -> error {
  return bad(at, fmt::format("must be between {} and {}, found {}", lo, hi, v));
}

[[gnu::cold, gnu::noinline]] auto bad_enum(const path& at, int v, int count) -> error {
  return bad_int(at, v, 0, count - 1);
}

[[gnu::cold, gnu::noinline]] auto bad_date(const path& at, date d) -> error {
  return bad(at, fmt::format("{:04}-{:02}-{:02} is not a valid date", d.year, static_cast<int>(d.month),
                             static_cast<int>(d.day)));
}

#define YIBAO_CHECK_ENUM(value, count, at) \
  if (!enum_ok(value, count)) return bad_enum(at, static_cast<int>(value), count)
#define YIBAO_CHECK_DECIMAL(value, rule, at) \
  if (!in_range(value, rule)) return bad_decimal(at, value, rule)

auto check_person(const person& p) -> result<void> {
  if (p.id.empty()) return bad(path{"person", "id"}, "must not be empty");
  YIBAO_CHECK_ENUM(p.scheme_, scheme_count, (path{"person", "scheme"}));
  YIBAO_CHECK_ENUM(p.status_, status_count, (path{"person", "status"}));
  YIBAO_CHECK_ENUM(p.group_, group_count, (path{"person", "group"}));
  YIBAO_CHECK_ENUM(p.coverage_, coverage_count, (path{"person", "coverage"}));
  YIBAO_CHECK_DECIMAL(p.account_balance.fen(), money_rule, (path{"person", "account_balance"}));
  if (p.rejoined && !is_real(*p.rejoined)) return bad_date(path{"person", "rejoined"}, *p.rejoined);
  if (p.birth_date && !is_real(*p.birth_date)) return bad_date(path{"person", "birth_date"}, *p.birth_date);
  if (p.tier < 0 || p.tier > 3) return bad_int(path{"person", "tier"}, p.tier, 0, 3);
  const std::pair<int, const char*> years[] = {{p.enrolled_years, "enrolled_years"},
                                               {p.claim_free_years, "claim_free_years"},
                                               {p.lapsed_years, "lapsed_years"},
                                               {p.back_paid_years, "back_paid_years"}};
  for (const auto& [value, name] : years) {
    if (value < 0 || value > max_years) return bad_int(path{"person", name}, value, 0, max_years);
  }
  if (p.back_paid_years > p.lapsed_years) {
    return bad(path{"person", "back_paid_years"},
               fmt::format("must be at most lapsed_years ({}), found {}", p.lapsed_years, p.back_paid_years));
  }
  if (p.chronic.size() > max_chronic) {
    return bad(path{"person", "chronic"}, fmt::format("{} codes exceed the limit {}", p.chronic.size(), max_chronic));
  }
  for (std::size_t i = 0; i < p.chronic.size(); ++i) {
    if (p.chronic[i].empty()) {
      return make_error(errc::invalid_argument, fmt::format("person.chronic[{}]", i), "must not be empty");
    }
  }
  YIBAO_CHECK_DECIMAL(p.account_earlier.fen(), money_rule, (path{"person", "account_earlier"}));
  YIBAO_CHECK_DECIMAL(p.family_account.fen(), money_rule, (path{"person", "family_account"}));
  return {};
}

auto check_visit(const visit& v) -> result<void> {
  YIBAO_CHECK_ENUM(v.type, visit_type_count, (path{"visit", "type"}));
  if (v.level < 0 || v.level >= level_count) return bad_int(path{"visit", "level"}, v.level, 0, level_count - 1);
  YIBAO_CHECK_ENUM(v.where, location_count, (path{"visit", "location"}));
  YIBAO_CHECK_ENUM(v.filed, filing_count, (path{"visit", "filing"}));
  if (v.admission < 1 || v.admission > max_admission) {
    return bad_int(path{"visit", "admission"}, v.admission, 1, max_admission);
  }
  if (!is_real(v.on)) return bad_date(path{"visit", "date"}, v.on);
  if (v.transfer_from_level) {
    const int from = *v.transfer_from_level;
    const path at{"visit", "transfer_from_level"};
    if (from < 0 || from >= level_count) return bad_int(at, from, 0, level_count - 1);
    // An upward transfer comes from a lower level (domain.md 5: "an upward
    // transfer pays only the difference between the two levels' deductibles").
    if (from >= v.level) return bad(at, fmt::format("must be below visit.level ({}), found {}", v.level, from));
  }
  if (v.unfiled_before < 0 || v.unfiled_before > max_admission) {
    return bad_int(path{"visit", "unfiled_before"}, v.unfiled_before, 0, max_admission);
  }
  return {};
}

auto check_born(const bill& b) -> result<void> {
  if (b.who.birth_date && b.at.on < *b.who.birth_date) {
    return bad(path{"person", "birth_date"}, fmt::format("must not be after visit.date ({}), found {}",
                                                         b.at.on.to_string(), b.who.birth_date->to_string()));
  }
  return {};
}

auto check_ytd(const ytd& y) -> result<void> {
  for (const ytd_field& f : ytd_fields) {
    YIBAO_CHECK_DECIMAL((y.*f.member).fen(), money_rule, (path{"ytd", f.name.data()}));  // names are literals
  }
  if (y.pools.size() > max_pool_totals) {
    return bad(path{"ytd", "pools"}, fmt::format("{} pools exceed the limit {}", y.pools.size(), max_pool_totals));
  }
  for (std::size_t i = 0; i < y.pools.size(); ++i) {
    const pool_total& t = y.pools[i];
    bool twice = false;
    for (std::size_t k = 0; k < i; ++k) twice = twice || y.pools[k].pool == t.pool;
    const bool dated = t.period_from == date{} || is_real(t.period_from);
    const bool amounts = in_range(t.deductible_paid.fen(), money_rule) && in_range(t.paid.fen(), money_rule) &&
                         in_range(t.base.fen(), money_rule);
    if (!t.pool.empty() && !twice && dated && amounts) [[likely]] {
      continue;
    }
    // The path is built only for the entry that breaks a rule.
    const std::string name = fmt::format("ytd.pools[{}]", i);
    const path at{name.c_str(), ""};
    if (t.pool.empty()) return bad(at, "the pool name must not be empty");
    if (twice) return bad(at, fmt::format("pool {} appears twice", t.pool));
    if (!dated) return bad_date(at, t.period_from);
    for (const money m : {t.deductible_paid, t.paid, t.base}) {
      YIBAO_CHECK_DECIMAL(m.fen(), money_rule, at);
    }
  }
  return {};
}

#undef YIBAO_CHECK_ENUM
#undef YIBAO_CHECK_DECIMAL

// The rules of head_ok(), one at a time in field order, to word the first
// broken one.
auto head_problem(const bill& b) -> result<void> {
  if (b.id.empty()) return bad(path{"", "id"}, "must not be empty");
  if (auto r = check_person(b.who); !r) return r;
  if (auto r = check_visit(b.at); !r) return r;
  if (auto r = check_born(b); !r) return r;
  if (auto r = check_ytd(b.totals); !r) return r;
  const std::size_t n = b.lines.size();
  if (n == 0) return bad(path{"", "lines"}, "must not be empty");
  if (n > max_bill_lines) {
    return bad(path{"", "lines"}, fmt::format("{} lines exceed the limit {}", n, max_bill_lines));
  }
  return {};
}

}  // namespace

auto detail::facts_ok_slow(const bill& b) noexcept -> bool {
  // The wording path decides: it allocates nothing for a valid bill, and an
  // invalid one is worded again by head_error.
  try {
    return check_person(b.who) && check_visit(b.at) && check_born(b) && check_ytd(b.totals);
  } catch (...) {
    return false;
  }
}

auto detail::head_error(const bill& b) -> error {
  auto r = head_problem(b);
  if (r) return make_error(errc::invalid_argument, "", "invalid bill");  // head_ok() and head_problem() disagree
  return std::move(r).err();
}

auto detail::line_error(const line& l, std::size_t i) -> error {
  if (!code_ok(l)) return bad(path{"lines", "code", i}, "must not be empty");
  if (!class_ok(l)) return bad_enum(path{"lines", "class", i}, static_cast<int>(*l.cls), item_class_count);
  if (!ratio_ok(l)) return bad_decimal(path{"lines", "selfpay_ratio", i}, l.selfpay_ratio->ppm(), ratio_rule);
  if (!limit_ok(l)) return bad_decimal(path{"lines", "price_limit", i}, l.price_limit->micro, price_rule);
  if (!qty_ok(l)) return bad_decimal(path{"lines", "qty", i}, l.qty.ten_thousandths, qty_rule);
  if (!price_ok(l)) return bad_decimal(path{"lines", "price", i}, l.unit_price.micro, price_rule);
  if (!amount_ok(l)) return bad_decimal(path{"lines", "amount", i}, l.amount.fen(), money_rule);
  const money expected = extend(l.qty, l.unit_price, rounding::half_up);
  return bad(path{"lines", "amount", i}, l.amount.to_string() + " is not qty x price = " + expected.to_string());
}

auto validate(const bill& b) -> result<void> {
  if (!detail::head_ok(b)) [[unlikely]]
    return detail::head_error(b);
  for (std::size_t i = 0; i < b.lines.size(); ++i) {
    if (!detail::line_ok(b.lines[i])) [[unlikely]]
      return line_error(b.lines[i], i);
  }
  return {};
}

}  // namespace yibao
