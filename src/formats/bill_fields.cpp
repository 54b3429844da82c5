// The conversion of each bill field from its text (formats/bill_fields.hpp):
// one place per field for the full JSON reader and the bulk CSV reader.
#include "formats/bill_fields.hpp"

#include <string>
#include <vector>

#include "formats/text.hpp"

namespace yibao::io {
namespace {

// "expected one of a, b, c" from the enum's own spellings.
template <typename E>
auto accepted_values(int count) -> std::string {
  std::string out = "expected one of ";
  for (int i = 0; i < count; ++i) {
    if (i > 0) out += ", ";
    out += to_string(static_cast<E>(i));
  }
  return out;
}

template <typename E, typename Parse>
auto enum_from_text(std::string_view s, int count, Parse parse, E& out, std::string& what) -> bool {
  if (enum_value(s, parse, out)) return true;
  what = "unknown value " + quoted(s) + "; " + accepted_values<E>(count);
  return false;
}

auto decimal_from_text(std::string_view s, const decimal_kind& kind, std::int64_t& out, std::string& what) -> bool {
  if (fast_decimal(s, kind, out)) return true;
  const auto value = parse_decimal(s, kind, what);
  if (!value) return false;
  out = *value;
  return true;
}

auto date_from_text(std::string_view s, date& out, std::string& what) -> bool {
  if (date_value(s, out)) return true;
  what = quoted(s) + " is not a valid date (expected YYYY-MM-DD)";
  return false;
}

// What a JSON integer with the digits of `s` would be: an optional '-' and 1
// to 9 digits without a leading zero, so that every int it reads is one the
// JSON reader reads alike; anything else is the JSON reader's complaint about
// a string where an integer belongs.
auto int_from_text(std::string_view s, int& out, std::string& what) -> bool {
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  int v = 0;
  bool ok = !s.empty() && s.size() <= 9 && (s.size() == 1 || s[0] != '0');
  for (const char c : s) {
    if (!ok || c < '0' || c > '9') {
      ok = false;
      break;
    }
    v = v * 10 + (c - '0');
  }
  if (!ok) {
    what = "expected an integer, found a string";
    return false;
  }
  out = negative ? -v : v;
  return true;
}

// A list cell: items separated by ';', each text ("" none).
auto list_from_text(std::string_view s, std::vector<std::string>& out, std::string& what) -> bool {
  out.clear();
  if (s.empty()) return true;
  for (;;) {
    const std::size_t semi = s.find(';');
    if (!text_from_text(s.substr(0, semi), out.emplace_back(), what)) return false;
    if (semi == std::string_view::npos) return true;
    s.remove_prefix(semi + 1);
  }
}

}  // namespace

auto bool_from_text(std::string_view s, bool& out, std::string& what) -> bool {
  if (s == "true" || s == "false") {
    out = s == "true";
    return true;
  }
  what = "expected true or false, found " + quoted(s);
  return false;
}

// The indices the switches below name, checked against the tables.
static_assert(person_fields[6] == "rejoined" && person_fields[7] == "birth_date" && person_fields[8] == "tier" &&
              person_fields[9] == "family_doctor" && person_fields[10] == "chronic" &&
              person_fields[11] == "enrolled_years" && person_fields[12] == "claim_free_years" &&
              person_fields[13] == "lapsed_years" && person_fields[14] == "back_paid_years" &&
              person_fields[15] == "account_earlier" && person_fields[16] == "family_account");
static_assert(visit_fields[7] == "transfer_from_level" && visit_fields[8] == "contracted" &&
              visit_fields[9] == "unfiled_before");
static_assert(pool_fields[0] == "period_from" && pool_fields[3] == "base");

auto person_int(std::size_t i, person& p) noexcept -> int_field {
  switch (i) {
    case 8: return {&p.tier, 0, 3};
    case 11: return {&p.enrolled_years, 0, max_years};
    case 12: return {&p.claim_free_years, 0, max_years};
    case 13: return {&p.lapsed_years, 0, max_years};
    default: return {&p.back_paid_years, 0, max_years};
  }
}

auto visit_int(std::size_t i, visit& v) noexcept -> int_field {
  switch (i) {
    case 1: return {&v.level, 0, level_count - 1};
    case 4: return {&v.admission, 1, max_admission};
    default: return {&v.unfiled_before, 0, max_admission};
  }
}

auto person_bool(std::size_t /*i*/, person& p) noexcept -> bool& { return p.family_doctor; }
auto visit_bool(std::size_t /*i*/, visit& v) noexcept -> bool& { return v.contracted; }

auto text_from_text(std::string_view s, std::string& out, std::string& what) -> bool {
  if (const std::size_t bad = first_invalid_utf8(s); bad != s.size()) {
    what = "invalid UTF-8 at byte " + std::to_string(bad);
    return false;
  }
  out.assign(s);
  return true;
}

auto money_from_text(std::string_view s, money& out, std::string& what) -> bool {
  std::int64_t fen = 0;
  if (!decimal_from_text(s, money_kind, fen, what)) return false;
  out = money::from_fen(fen);
  return true;
}

auto person_field_from_text(std::size_t i, std::string_view s, person& p, std::string& what) -> bool {
  switch (i) {
    case 0: return text_from_text(s, p.id, what);
    case 1: return enum_from_text(s, scheme_count, parse_scheme, p.scheme_, what);
    case 2: return enum_from_text(s, status_count, parse_status, p.status_, what);
    case 3: return enum_from_text(s, group_count, parse_group, p.group_, what);
    case 4: return enum_from_text(s, coverage_count, parse_coverage, p.coverage_, what);
    case 5: return money_from_text(s, p.account_balance, what);
    case 6:
    case 7: {
      date d;
      if (!date_from_text(s, d, what)) return false;
      (i == 6 ? p.rejoined : p.birth_date) = d;
      return true;
    }
    case 9: return bool_from_text(s, person_bool(i, p), what);
    case 10: return list_from_text(s, p.chronic, what);
    case 15: return money_from_text(s, p.account_earlier, what);
    case 16: return money_from_text(s, p.family_account, what);
    default: return int_from_text(s, *person_int(i, p).value, what);
  }
}

auto visit_field_from_text(std::size_t i, std::string_view s, visit& v, std::string& what) -> bool {
  switch (i) {
    case 0: return enum_from_text(s, visit_type_count, parse_visit_type, v.type, what);
    case 1: return int_from_text(s, v.level, what);
    case 2: return enum_from_text(s, location_count, parse_location, v.where, what);
    case 3: return enum_from_text(s, filing_count, parse_filing, v.filed, what);
    case 4: return int_from_text(s, v.admission, what);
    case 5: return date_from_text(s, v.on, what);
    case 6: return text_from_text(s, v.disease, what);
    case 7: {
      int from = 0;
      if (!int_from_text(s, from, what)) return false;
      v.transfer_from_level = from;
      return true;
    }
    case 8: return bool_from_text(s, visit_bool(i, v), what);
    default: return int_from_text(s, v.unfiled_before, what);
  }
}

auto line_field_from_text(std::size_t i, std::string_view s, line& l, std::string& what) -> bool {
  switch (i) {
    case 0: return text_from_text(s, l.code, what);
    case 1: return text_from_text(s, l.name, what);
    case 2: {
      item_class c = item_class::C;
      if (!enum_from_text(s, item_class_count, parse_item_class, c, what)) return false;
      l.cls = c;
      return true;
    }
    case 3: {
      std::int64_t ppm = 0;
      if (!decimal_from_text(s, ratio_kind, ppm, what)) return false;
      l.selfpay_ratio = ratio::from_ppm(ppm);
      return true;
    }
    case 4: {
      std::int64_t micro = 0;
      if (!decimal_from_text(s, price_kind, micro, what)) return false;
      l.price_limit = price{micro};
      return true;
    }
    case 5: return decimal_from_text(s, quantity_kind, l.qty.ten_thousandths, what);
    case 6: return decimal_from_text(s, price_kind, l.unit_price.micro, what);
    default: return money_from_text(s, l.amount, what);
  }
}

auto pool_field_from_text(std::size_t i, std::string_view s, pool_total& t, std::string& what) -> bool {
  switch (i) {
    case 0: return date_from_text(s, t.period_from, what);
    case 1: return money_from_text(s, t.deductible_paid, what);
    case 2: return money_from_text(s, t.paid, what);
    default: return money_from_text(s, t.base, what);
  }
}

}  // namespace yibao::io
