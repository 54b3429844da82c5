#pragma once
// Private: what the bill readers share (the full JSON reader on simdjson in
// bill_json.cpp, the single-pass JSON fast path in bill_json_fast.cpp, and
// the bulk CSV reader in sim/reader.cpp), so that they cannot disagree on a
// field name, a required field, a decimal or the wording of a bad value.

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "formats/text.hpp"
#include "yibao/bill.hpp"
#include "yibao/fields.hpp"

namespace yibao::io {

template <std::size_t N>
using field_names = std::array<std::string_view, N>;

// Whether the N bytes at `a` and `b` are equal, in word-sized loads.
template <std::size_t N>
inline auto same_bytes(const char* a, const char* b) noexcept -> bool {
  if constexpr (N >= 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    return x == y && same_bytes<N - 8>(a + 8, b + 8);
  } else if constexpr (N >= 4) {
    std::uint32_t x, y;
    std::memcpy(&x, a, 4);
    std::memcpy(&y, b, 4);
    return x == y && same_bytes<N - 4>(a + 4, b + 4);
  } else if constexpr (N > 0) {
    return *a == *b && same_bytes<N - 1>(a + 1, b + 1);
  } else {
    return true;
  }
}

// The index of `key` in `names`, or names.size(). The names and their
// lengths are constants, so each test is a length compare and, on a match,
// a compare of a word or two.
template <const auto& names, std::size_t... I>
inline auto find_name(std::string_view key, std::index_sequence<I...> /*unused*/) noexcept -> std::size_t {
  std::size_t found = names.size();
  (void)((key.size() == names[I].size() && same_bytes<names[I].size()>(key.data(), names[I].data())
              ? (found = I, true)
              : false) ||
         ...);
  return found;
}

inline constexpr field_names<5> root_fields{"id", "person", "visit", "ytd", "lines"};
inline constexpr std::uint32_t root_required = 0b10111;
inline constexpr field_names<17> person_fields{
    "id",           "scheme",           "status",          "group",         "coverage",
    "account_balance", "rejoined",
    // the facts (indices 7..16)
    "birth_date",   "tier",             "family_doctor",   "chronic",       "enrolled_years",
    "claim_free_years", "lapsed_years", "back_paid_years", "account_earlier", "family_account"};
inline constexpr std::uint32_t person_required = 0b0000011;
inline constexpr field_names<10> visit_fields{"type",      "level", "location", "filing",
                                       "admission", "date",  "disease",  "transfer_from_level",
                                       "contracted", "unfiled_before"};
inline constexpr std::uint32_t visit_required = 0b00100111;
// The keys of the "ytd" object: the names of the totals, from the field table
// (yibao/fields.hpp), then "pools" (the named pools).
inline constexpr auto ytd_keys = [] {
  field_names<yibao::ytd_fields.size() + 1> out{};
  for (std::size_t i = 0; i < yibao::ytd_fields.size(); ++i) out[i] = yibao::ytd_fields[i].name;
  out[yibao::ytd_fields.size()] = "pools";
  return out;
}();
inline constexpr field_names<8> line_fields{"code",  "name", "class", "selfpay_ratio",
                                     "price_limit", "qty", "price", "amount"};
inline constexpr std::uint32_t line_required = 0b11100001;

// What a field's value is written as. The JSON contract writes an integer
// field as a JSON number, a boolean as true/false, a list (person.chronic) as
// an array of strings, and every other field as a string. A CSV cell is text
// whatever the field: a boolean "true" or "false", a list its items joined
// by ';' (formats/bill_fields.cpp).
enum class field_kind : std::uint8_t { text, enumeration, decimal, date, integer, boolean, list };
inline constexpr std::array<field_kind, person_fields.size()> person_kinds{
    field_kind::text,        field_kind::enumeration, field_kind::enumeration, field_kind::enumeration,
    field_kind::enumeration, field_kind::decimal,     field_kind::date,        field_kind::date,
    field_kind::integer,     field_kind::boolean,     field_kind::list,        field_kind::integer,
    field_kind::integer,     field_kind::integer,     field_kind::integer,     field_kind::decimal,
    field_kind::decimal};
inline constexpr std::array<field_kind, visit_fields.size()> visit_kinds{
    field_kind::enumeration, field_kind::integer, field_kind::enumeration, field_kind::enumeration,
    field_kind::integer,     field_kind::date,    field_kind::text,        field_kind::integer,
    field_kind::boolean,     field_kind::integer};
inline constexpr std::array<field_kind, line_fields.size()> line_kinds{
    field_kind::text,    field_kind::text,    field_kind::enumeration, field_kind::decimal,
    field_kind::decimal, field_kind::decimal, field_kind::decimal,     field_kind::decimal};

// The int a person or visit field of kind integer is held in (not
// visit.transfer_from_level, which is optional), with validate()'s range
// (the JSON reader names it for a value no int holds); and the bool of a
// boolean field.
struct int_field {
  int* value;
  int lo, hi;
};
auto person_int(std::size_t i, person& p) noexcept -> int_field;
auto visit_int(std::size_t i, visit& v) noexcept -> int_field;
auto person_bool(std::size_t i, person& p) noexcept -> bool&;
auto visit_bool(std::size_t i, visit& v) noexcept -> bool&;

// The fields of one named pool total (ytd.pools.<name>), and their kinds.
inline constexpr field_names<4> pool_fields{"period_from", "deductible_paid", "paid", "base"};
inline constexpr std::array<field_kind, pool_fields.size()> pool_kinds{field_kind::date, field_kind::decimal,
                                                                       field_kind::decimal, field_kind::decimal};

// One field of a bill from its text: the one conversion of each field, used
// by the full JSON reader for every field the contract writes as a string
// and by the bulk CSV reader for every cell. `i` indexes person_fields,
// visit_fields or line_fields. On failure returns false and sets `what` to
// the complaint without the field's path, e.g.
//   unknown value "x"; expected one of employee, resident
//   invalid decimal "1.234": too many decimals (at most 2)
//   "2025-02-30" is not a valid date (expected YYYY-MM-DD)
//   invalid UTF-8 at byte 3
//   expected an integer, found a string      (an integer field's text that
//       is not an optional '-' and 1 to 9 digits without a leading zero)
//   expected true or false, found "yes"      (a boolean field's text)
// A list field's text is its items separated by ';' ("" none; each item is
// text, an empty one is kept for validate() to report).
// Syntax only: ranges are yibao::validate()'s.
auto text_from_text(std::string_view s, std::string& out, std::string& what) -> bool;
auto money_from_text(std::string_view s, money& out, std::string& what) -> bool;
auto person_field_from_text(std::size_t i, std::string_view s, person& p, std::string& what) -> bool;
auto visit_field_from_text(std::size_t i, std::string_view s, visit& v, std::string& what) -> bool;
auto line_field_from_text(std::size_t i, std::string_view s, line& l, std::string& what) -> bool;
// `i` indexes pool_fields.
auto pool_field_from_text(std::size_t i, std::string_view s, pool_total& t, std::string& what) -> bool;
// A boolean cell: "true" or "false".
auto bool_from_text(std::string_view s, bool& out, std::string& what) -> bool;

inline constexpr std::array<std::int64_t, 19> powers_of_ten = [] {
  std::array<std::int64_t, 19> out{};
  out[0] = 1;
  for (std::size_t i = 1; i < out.size(); ++i) out[i] = out[i - 1] * 10;
  return out;
}();

// The digits at `p`, at most 8 (a caller wanting more calls again): their
// count, and their value in `value`. Eight bytes at a time when eight are
// there: a mask finds the first byte that is not a digit, and three
// multiply-and-shift steps add up the digits before it.
[[gnu::always_inline]] inline auto leading_digits(const char* p, const char* const end, std::uint64_t& value) noexcept
    -> int {
  if (std::endian::native == std::endian::little && end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    const std::uint64_t t = w - 0x3030303030303030ULL;  // digit bytes become 0..9
    // Top bit set in each byte that is not a digit (exact up to the first
    // one; a borrow or carry only reaches the bytes after it).
    const std::uint64_t other = (t | (t + 0x7676767676767676ULL)) & 0x8080808080808080ULL;
    const int n = other == 0 ? 8 : std::countr_zero(other) / 8;
    if (n == 0) {
      value = 0;
      return 0;
    }
    std::uint64_t x = t << (8 * (8 - n));  // the n digits last, zeros before them
    x = (x * 10 + (x >> 8)) & 0x00FF00FF00FF00FFULL;
    x = (x * 100 + (x >> 16)) & 0x0000FFFF0000FFFFULL;
    x = (x * 10000 + (x >> 32)) & 0x00000000FFFFFFFFULL;
    value = x;
    return n;
  }
  std::uint64_t v = 0;
  int n = 0;
  for (; n < 8 && p + n != end; ++n) {
    const auto d = static_cast<unsigned>(static_cast<unsigned char>(p[n])) - '0';
    if (d > 9) break;
    v = v * 10 + d;
  }
  value = v;
  return n;
}

// The common decimal at the front of [p, end): "digits" or "digits.digits",
// within the scale, at most 18 significant digits once scaled, and inside the
// kind's bounds. Returns the end of the number (the first byte after it), or
// nullptr when what is there is not such a decimal.
[[gnu::always_inline]] inline auto decimal_prefix(const char* p, const char* const end, const io::decimal_kind& kind,
                                                  std::int64_t& out) noexcept -> const char* {
  const int max_int_digits = 18 - kind.decimals;
  std::uint64_t v = 0;
  int int_digits = 0;
  for (;;) {
    std::uint64_t part = 0;
    const int n = leading_digits(p, end, part);
    if ((int_digits += n) > max_int_digits) return nullptr;
    v = v * static_cast<std::uint64_t>(powers_of_ten[static_cast<std::size_t>(n)]) + part;
    p += n;
    if (n < 8) break;
  }
  if (int_digits == 0) return nullptr;
  int frac_digits = 0;
  if (p != end && *p == '.') {
    ++p;
    for (;;) {
      std::uint64_t part = 0;
      const int n = leading_digits(p, end, part);
      if ((frac_digits += n) > kind.decimals) return nullptr;
      v = v * static_cast<std::uint64_t>(powers_of_ten[static_cast<std::size_t>(n)]) + part;
      p += n;
      if (n < 8) break;
    }
    if (frac_digits == 0) return nullptr;
  }
  const auto scaled = static_cast<std::int64_t>(v) * powers_of_ten[static_cast<std::size_t>(kind.decimals - frac_digits)];
  if (scaled < kind.min || scaled > kind.max) return nullptr;
  out = scaled;
  return p;
}

// The common decimal as the whole of `s`. Anything else (signs, bad
// characters, too many decimals, out of range, ...) returns false and takes
// io::parse_decimal, the one source of values and messages; for what this
// accepts, parse_decimal returns the same value.
inline auto fast_decimal(std::string_view s, const io::decimal_kind& kind, std::int64_t& out) noexcept -> bool {
  const char* const end = s.data() + s.size();
  std::int64_t v = 0;
  if (decimal_prefix(s.data(), end, kind, v) != end) return false;
  out = v;
  return true;
}

// A field's text into its value, as both fast paths (the JSON scanner and the
// CSV cells) read it; false leaves `out` as it was.
template <typename E, typename Parse>
inline auto enum_value(std::string_view s, Parse parse, E& out) noexcept -> bool {
  const std::optional<E> e = parse(s);
  if (!e) return false;
  out = *e;
  return true;
}

inline auto date_value(std::string_view s, date& out) noexcept -> bool {
  const auto d = parse_date(s);
  if (!d) return false;
  out = *d;
  return true;
}

inline auto money_value(std::string_view s, money& out) noexcept -> bool {
  std::int64_t fen = 0;
  if (!fast_decimal(s, money_kind, fen)) return false;
  out = money::from_fen(fen);
  return true;
}

}  // namespace yibao::io
