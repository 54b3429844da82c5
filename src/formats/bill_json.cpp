// The full bill JSON reader, on simdjson's On-Demand API. parse_bill_json
// tries the single-pass fast path (bill_json_fast.cpp) first and comes here
// for every text it declines; only this reader produces errors. (Measured
// against the fast path in docs/architecture.md, "JSON bill reader:
// measurement": On-Demand alone was too slow to replace it.)
//
// The contract is docs/bill-format.md. Amounts and ratios are decimal
// STRINGS; a JSON number where a decimal string belongs is an error, because
// simdjson would turn it into a double and the written digits would be lost.
//
// Required: id, person.id, person.scheme, visit.type, visit.level,
// visit.location, visit.date, lines (a non-empty array) and each line's
// code, qty, price and amount.
//
// Defaults of the optional fields (keep in sync with docs/bill-format.md):
//
//   person.status           active
//   person.group            none
//   person.coverage         active
//   person.account_balance  "0.00"
//   person.rejoined         absent (no lapse)
//   visit.filing            long_term (ignored for local visits)
//   visit.admission         1
//   visit.disease           "" (none)
//   visit.transfer_from_level  absent (no transfer)
//   person.birth_date       absent (none)
//   person.tier             0 (not given)
//   person.family_doctor, visit.contracted  false
//   person.chronic          [] (none)
//   person.*_years, visit.unfiled_before  0
//   person.account_earlier, person.family_account  "0.00"
//   ytd                     absent: every total is 0.00; present: each missing
//                           total is 0.00
//   ytd.pools               {} (none); each pool's period_from absent (the
//                           bill's period), each missing money 0.00
//   lines[].name            ""
//   lines[].class, lines[].selfpay_ratio, lines[].price_limit
//                           absent: the catalog supplies them
//
// `null` is never "absent": it is a type error like any other.
//
// This reader converts syntax only; the ranges and consistency of a bill
// (non-negative amounts under the limits, ratios 0..1, level 0..3, admission
// 1..1,000,000, transfer_from_level below level, non-empty ids and codes, at
// least one line, amount == qty x price) are yibao::validate()'s
// (src/core/validate.cpp), which settle() runs, so every entry point shares
// them. Syntax checks, each reported as errc::invalid_argument with
// error.path set to the field path and error.message = "<path>: <what is
// wrong>"; the first problem in document order wins:
//   - malformed JSON, with a byte offset: where simdjson's current_location()
//     stopped (a missing or extra comma, bracket or colon), the end for
//     truncated input, and for what simdjson reports without a place (a bad
//     string escape, an unescaped control byte, invalid UTF-8, nesting
//     deeper than 64) the first such byte; trailing content after the
//     object; a top level that is not an object. The reader goes through the
//     text once in document order, so a syntax error after the first
//     problem of another kind is not the one reported;
//   - unknown and duplicate fields at every level, missing required fields;
//   - wrong JSON types; strings must be valid UTF-8 (simdjson validates the
//     whole input before anything else);
//   - decimals: too many digits for the scale (money 2, price 6, qty 4,
//     ratio 6) or for int64;
//   - integers that no int holds (worded with validate()'s range);
//   - at most max_bill_lines (1,000,000) lines (a bound on memory);
//   - enum values (the message lists the accepted ones), dates.
//
// Speed: one simdjson parser and one padded input buffer per thread, reused;
// after warm-up a bill costs no allocations besides its own strings and lines.
// Paths are only built when something is wrong.

#include <simdjson.h>

#include <cstdint>
#include <exception>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/bill_fields.hpp"
#include "formats/bill_json.hpp"
#include "formats/text.hpp"
#include "yibao/bill.hpp"

namespace yibao {
namespace io {
namespace {

namespace od = simdjson::ondemand;
using od::json_type;

constexpr std::size_t max_depth = 64;
// Inputs above this size are parsed with a one-off parser so that the
// thread's reusable parser does not keep a large buffer alive.
constexpr std::size_t reuse_limit = std::size_t{1} << 20;
constexpr std::size_t initial_capacity = 16 * 1024;

auto offset(std::size_t at) -> std::string { return " at byte offset " + std::to_string(at); }

auto type_name(json_type t) noexcept -> const char* {
  switch (t) {
    case json_type::array: return "an array";
    case json_type::object: return "an object";
    case json_type::number: return "a number";
    case json_type::string: return "a string";
    case json_type::boolean: return "a boolean";
    case json_type::null: return "null";
  }
  return "an unknown value";
}

auto hex4(std::string_view s, std::size_t i, std::uint32_t& out) noexcept -> bool {
  if (i + 4 > s.size()) return false;
  out = 0;
  for (std::size_t k = i; k < i + 4; ++k) {
    const char c = s[k];
    std::uint32_t d = 0;
    if (c >= '0' && c <= '9') {
      d = static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
    out = out * 16 + d;
  }
  return true;
}

// What simdjson reports without a place, placed: from `from` (the start of
// one value whose container is at nesting `depth`, or of the whole text at
// depth 0), the first unescaped control byte or bad escape in a string, or
// the first bracket nested deeper than max_depth. Not a grammar check: the
// structure is simdjson's.
auto lexical_fault(std::string_view s, std::size_t from, int depth) -> std::optional<std::string> {
  const int base = depth;
  bool in_string = false;
  for (std::size_t i = from; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!in_string) {
      if (c == '"') {
        in_string = true;
      } else if (c == '[' || c == '{') {
        if (++depth > static_cast<int>(max_depth)) {
          return "JSON nested deeper than " + std::to_string(max_depth) + " levels" + offset(i);
        }
      } else if ((c == ']' || c == '}') && --depth == base && from > 0) {
        break;  // the end of the one value
      }
      continue;
    }
    if (c == '"') {
      in_string = false;
    } else if (c < 0x20) {
      return "malformed JSON: unescaped control character in a string" + offset(i);
    } else if (c == '\\') {
      if (i + 1 >= s.size()) break;
      const char e = s[i + 1];
      if (e != 'u') {
        if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') {
          return "malformed JSON: invalid escape sequence in a string" + offset(i);
        }
        ++i;
        continue;
      }
      std::uint32_t cp = 0;
      if (!hex4(s, i + 2, cp)) return "malformed JSON: invalid \\u escape in a string" + offset(i);
      if (cp >= 0xDC00 && cp <= 0xDFFF) return "malformed JSON: lone UTF-16 surrogate in a string" + offset(i);
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        std::uint32_t low = 0;
        if (i + 7 >= s.size() || s[i + 6] != '\\' || s[i + 7] != 'u' || !hex4(s, i + 8, low) || low < 0xDC00 ||
            low > 0xDFFF) {
          return "malformed JSON: lone UTF-16 surrogate in a string" + offset(i);
        }
        i += 6;
      }
      i += 5;
    }
  }
  return std::nullopt;
}

// Explains a simdjson error: `where` is current_location() (nullptr when
// simdjson has none), `closer` the bracket of the container being read ('}'
// or ']'; 0 if none).
auto describe_syntax_error(std::string_view json, simdjson::error_code code, const char* where, char closer)
    -> std::string {
  switch (code) {
    case simdjson::EMPTY: return "empty input: expected a JSON object";
    case simdjson::UTF8_ERROR: return "invalid UTF-8" + offset(first_invalid_utf8(json));
    case simdjson::CAPACITY: return "input too large";
    case simdjson::MEMALLOC: return "out of memory";
    default: break;
  }
  if (auto fault = lexical_fault(json, 0, 0)) return std::move(*fault);
  // Truncated: a string or bracket still open at the end.
  std::size_t last = json.find_last_not_of(" \t\r\n");
  if (code == simdjson::UNCLOSED_STRING || last == std::string_view::npos ||
      (code == simdjson::INCOMPLETE_ARRAY_OR_OBJECT && json[last] != '}' && json[last] != ']')) {
    return "truncated JSON: unexpected end of input" + offset(json.size());
  }
  if (code == simdjson::INCOMPLETE_ARRAY_OR_OBJECT) {  // ends with the wrong bracket
    return std::string("malformed JSON: expected ',' or '}'") + offset(last);
  }
  if (where == nullptr || where >= json.data() + json.size()) {
    return "truncated JSON: unexpected end of input" + offset(json.size());
  }
  const auto at = static_cast<std::size_t>(where - json.data());
  if (code == simdjson::DEPTH_ERROR) return "JSON nested deeper than " + std::to_string(max_depth) + " levels" + offset(at);
  if (closer != 0 && code == simdjson::TAPE_ERROR) {
    return std::string("malformed JSON: expected ',' or '") + closer + "'" + offset(at);
  }
  return std::string("malformed JSON: ") + simdjson::error_message(code) + offset(at);
}

// The field path of an object: "" (root), "person", "lines[3]", ...
struct prefix {
  std::string_view base;
  int index = -1;  // >= 0: base[index]

  [[nodiscard]] auto join(std::string_view field) const -> std::string {
    std::string out(base);
    if (index >= 0) out += "[" + std::to_string(index) + "]";
    if (!field.empty()) {
      if (!out.empty()) out += '.';
      // Field names come from the input: keep them printable.
      if (is_valid_utf8(field) && field.find_first_of("\"\\") == std::string_view::npos && field.size() <= 64 &&
          !has_control(field)) {
        out += field;
      } else {
        append_quoted(out, field);
      }
    }
    return out;
  }

  static auto has_control(std::string_view s) noexcept -> bool {
    for (const char c : s) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
    }
    return false;
  }
};

class reader {
 public:
  reader(std::string_view json, od::document& doc, bool allow_ytd) noexcept
      : json_{json}, doc_{doc}, allow_ytd_{allow_ytd} {}

  auto read(bill& out) -> bool {
    od::object root;
    if (const auto e = doc_.get_object().get(root)) {
      if (e != simdjson::INCORRECT_TYPE) return syntax(e, '}');
      json_type t{};
      if (const auto e2 = doc_.type().get(t)) return syntax(e2);
      return fail_path("", std::string("expected a JSON object at the top level, found ") + type_name(t));
    }
    const prefix at{};
    const bool ok = for_each_field<root_fields>(root, at, root_required, [&](std::size_t i, od::value v) {
      switch (i) {
        case 0:
          return read_string_field(v, at, "id", field_kind::text,
                                   [&](std::string_view s, std::string& what) { return text_from_text(s, out.id, what); });
        case 1: return read_person(v, out.who);
        case 2: return read_visit(v, out.at);
        case 3:
          if (!allow_ytd_) return fail(at, "ytd", "not allowed in bulk input");
          return read_ytd(v, out.totals);
        default: return read_lines(v, out.lines);
      }
    });
    if (!ok) return false;
    const char* where = nullptr;
    if (doc_.current_location().get(where) == simdjson::SUCCESS) {
      return fail_path("", "trailing content after the object at byte offset " + std::to_string(where - json_.data()));
    }
    return true;
  }

  auto take_error() -> error { return std::move(err_); }

 private:
  auto fail(const prefix& at, std::string_view field, std::string what) -> bool {
    return fail_path(at.join(field), std::move(what));
  }
  auto fail_path(std::string path, std::string what) -> bool {
    err_ = make_error(errc::invalid_argument, std::move(path), std::move(what));
    return false;
  }
  // A syntax error met while reading: simdjson's code and where it stopped.
  auto syntax(simdjson::error_code e, char closer = 0) -> bool {
    const char* where = nullptr;
    if (doc_.current_location().get(where) != simdjson::SUCCESS) where = nullptr;
    return fail_path("", describe_syntax_error(json_, e, where, closer));
  }

  // Calls on_field(index, value) for each field of `obj`, after rejecting
  // unknown and duplicate names; then reports the first missing required
  // field.
  template <const auto& names, typename F>
  auto for_each_field(od::object obj, const prefix& at, std::uint32_t required, F&& on_field) -> bool {
    constexpr std::size_t N = names.size();
    static_assert(N <= 32);
    std::uint32_t seen = 0;
    for (auto f : obj) {
      od::field field;
      if (const auto e = std::move(f).get(field)) return syntax(e, '}');
      std::string_view key;
      if (const auto e = field.unescaped_key().get(key)) return syntax(e);
      const std::size_t i = find_name<names>(key, std::make_index_sequence<N>{});
      const std::uint32_t bit = i < N ? std::uint32_t{1} << i : 0;
      if ((i == N || (seen & bit) != 0) && too_deep(field.value(), at)) return false;
      if (i == N) {
        if (key.empty()) {  // join() would drop an empty name
          std::string path = at.join({});
          return fail_path(path + (path.empty() ? "\"\"" : ".\"\""), "unknown field");
        }
        return fail(at, key, "unknown field");
      }
      if ((seen & bit) != 0) return fail(at, key, "duplicate field");
      seen |= bit;
      if (!on_field(i, field.value())) return false;
    }
    if (const std::uint32_t missing = required & ~seen; missing != 0) {
      std::size_t i = 0;
      while ((missing & (std::uint32_t{1} << i)) == 0) ++i;
      return fail(at, names[i], "missing required field");
    }
    return true;
  }

  // Whether the array or object at `v` (a member of the object at `at`) is
  // nested too deeply: reported before what else is wrong with the field, as
  // a reader that checks the whole text first would.
  auto too_deep(od::value& v, const prefix& at) -> bool {
    const std::string_view token = v.raw_json_token();
    if (token.empty() || (token.front() != '[' && token.front() != '{')) return false;
    const int depth = at.base.empty() ? 1 : at.index >= 0 ? 3 : 2;  // of the object holding the value
    auto fault = lexical_fault(json_, static_cast<std::size_t>(token.data() - json_.data()), depth);
    if (!fault) return false;
    return !fail_path("", std::move(*fault));
  }

  auto wrong_type(od::value& v, const prefix& at, std::string_view field, const char* expected) -> bool {
    if (too_deep(v, at)) return false;
    json_type t{};
    if (const auto e = v.type().get(t)) return syntax(e);
    return fail(at, field, std::string("expected ") + expected + ", found " + type_name(t));
  }

  auto get_object(od::value& v, const prefix& at, std::string_view field, od::object& out) -> bool {
    const auto e = v.get_object().get(out);
    if (e == simdjson::SUCCESS) return true;
    if (e == simdjson::INCORRECT_TYPE) return wrong_type(v, at, field, "an object");
    return syntax(e);
  }

  auto get_string(od::value& v, const prefix& at, std::string_view field, std::string_view& out,
                  const char* expected = "a string") -> bool {
    const auto e = v.get_string().get(out);
    if (e == simdjson::SUCCESS) return true;
    if (e == simdjson::INCORRECT_TYPE) return wrong_type(v, at, field, expected);
    return syntax(e);
  }

  // A field the contract writes as a string, converted by the field's one
  // converter (formats/bill_fields.hpp), the CSV reader's too.
  template <typename Convert>
  auto read_string_field(od::value& v, const prefix& at, std::string_view field, field_kind kind, Convert&& convert)
      -> bool {
    std::string_view s;
    if (!get_string(v, at, field, s, kind == field_kind::decimal ? "a decimal string" : "a string")) return false;
    std::string what;
    if (convert(s, what)) return true;
    return fail(at, field, std::move(what));
  }

  // An integer that fits the bill's int; [lo, hi] is validate()'s range,
  // named here only for a value no int holds.
  auto read_int(od::value v, const prefix& at, std::string_view field, int lo, int hi, int& out) -> bool {
    std::int64_t n = 0;
    const auto e = v.get_int64().get(n);
    if (e == simdjson::INCORRECT_TYPE || e == simdjson::NUMBER_OUT_OF_RANGE) {
      json_type t{};
      if (const auto e2 = v.type().get(t)) return syntax(e2);
      if (t != json_type::number) return fail(at, field, std::string("expected an integer, found ") + type_name(t));
      od::number_type nt{};
      if (const auto e2 = v.get_number_type().get(nt)) return syntax(e2);
      if (nt == od::number_type::floating_point_number) {
        return fail(at, field, "expected an integer, found a number with a fraction or exponent");
      }
      std::uint64_t u = 0;
      if (const auto e2 = v.get_uint64().get(u)) return syntax(e2);
      return range_error(at, field, lo, hi, std::to_string(u));
    }
    if (e) return syntax(e);
    if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) {
      return range_error(at, field, lo, hi, std::to_string(n));
    }
    out = static_cast<int>(n);
    return true;
  }

  auto range_error(const prefix& at, std::string_view field, int lo, int hi, const std::string& shown) -> bool {
    if (hi == std::numeric_limits<int>::max()) {
      return fail(at, field, "must be at least " + std::to_string(lo) + ", found " + shown);
    }
    return fail(at, field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", found " + shown);
  }

  auto read_bool(od::value v, const prefix& at, std::string_view field, bool& out) -> bool {
    const auto e = v.get_bool().get(out);
    if (e == simdjson::SUCCESS) return true;
    if (e != simdjson::INCORRECT_TYPE) return syntax(e);
    json_type t{};
    if (const auto e2 = v.type().get(t)) return syntax(e2);
    if (t == json_type::boolean) {  // starts with 't' or 'f' but is not true or false ("truex", "tru")
      const std::string_view token = v.raw_json_token();
      return fail_path("", "malformed JSON: invalid literal" +
                               offset(static_cast<std::size_t>(token.data() - json_.data())));
    }
    return wrong_type(v, at, field, "a boolean");
  }

  // An array of strings (person.chronic), each converted as text.
  auto read_strings(od::value v, const prefix& at, std::string_view field, std::vector<std::string>& out) -> bool {
    od::array arr;
    if (const auto e = v.get_array().get(arr)) {
      if (e == simdjson::INCORRECT_TYPE) return wrong_type(v, at, field, "an array of strings");
      return syntax(e);
    }
    const std::string base = at.join(field);
    int index = 0;
    for (auto item : arr) {
      od::value x;
      if (const auto e = std::move(item).get(x)) return syntax(e, ']');
      const prefix item_at{base, index};
      std::string_view s;
      if (!get_string(x, item_at, {}, s)) return false;
      std::string what;
      if (!text_from_text(s, out.emplace_back(), what)) return fail(item_at, {}, std::move(what));
      ++index;
    }
    return true;
  }

  auto read_person(od::value v, person& p) -> bool {
    od::object obj;
    if (!get_object(v, prefix{}, "person", obj)) return false;
    const prefix at{"person"};
    return for_each_field<person_fields>(obj, at, person_required, [&](std::size_t i, od::value x) {
      switch (person_kinds[i]) {
        case field_kind::integer: {
          const int_field f = person_int(i, p);
          return read_int(x, at, person_fields[i], f.lo, f.hi, *f.value);
        }
        case field_kind::boolean: return read_bool(x, at, person_fields[i], person_bool(i, p));
        case field_kind::list: return read_strings(x, at, person_fields[i], p.chronic);
        default:
          return read_string_field(x, at, person_fields[i], person_kinds[i],
                                   [&](std::string_view s, std::string& what) {
                                     return person_field_from_text(i, s, p, what);
                                   });
      }
    });
  }

  auto read_visit(od::value v, visit& out) -> bool {
    od::object obj;
    if (!get_object(v, prefix{}, "visit", obj)) return false;
    const prefix at{"visit"};
    return for_each_field<visit_fields>(obj, at, visit_required, [&](std::size_t i, od::value x) {
      switch (i) {  // the integers are JSON numbers
        case 7: {
          int from = 0;
          if (!read_int(x, at, "transfer_from_level", 0, level_count - 1, from)) return false;
          out.transfer_from_level = from;
          return true;
        }
        default:
          if (visit_kinds[i] == field_kind::integer) {
            const int_field f = visit_int(i, out);
            return read_int(x, at, visit_fields[i], f.lo, f.hi, *f.value);
          }
          if (visit_kinds[i] == field_kind::boolean) return read_bool(x, at, visit_fields[i], visit_bool(i, out));
          return read_string_field(x, at, visit_fields[i], visit_kinds[i], [&](std::string_view s, std::string& what) {
            return visit_field_from_text(i, s, out, what);
          });
      }
    });
  }

  auto read_ytd(od::value v, ytd& out) -> bool {
    od::object obj;
    if (!get_object(v, prefix{}, "ytd", obj)) return false;
    const prefix at{"ytd"};
    return for_each_field<ytd_keys>(obj, at, 0, [&](std::size_t i, od::value x) {
      if (i == yibao::ytd_fields.size()) return read_pools(x, at, out.pools);
      return read_string_field(x, at, ytd_keys[i], field_kind::decimal, [&](std::string_view s, std::string& what) {
        return money_from_text(s, out.*yibao::ytd_fields[i].member, what);
      });
    });
  }

  // "pools": {"<name>": {"period_from": ..., "paid": ..., ...}, ...}, in
  // input order. A name twice is a duplicate field; more than
  // max_pool_totals pools is an error here (a bound on memory, as for lines,
  // worded as validate() words it).
  auto read_pools(od::value v, const prefix& ytd_at, std::vector<pool_total>& out) -> bool {
    od::object obj;
    if (!get_object(v, ytd_at, "pools", obj)) return false;
    const std::string base = ytd_at.join("pools");
    const prefix at{base};
    std::size_t n = 0;
    if (const auto e = obj.count_fields().get(n)) return syntax(e, '}');
    if (n > max_pool_totals) {
      return fail_path(base, std::to_string(n) + " pools exceed the limit " + std::to_string(max_pool_totals));
    }
    out.reserve(n);
    for (auto f : obj) {
      od::field field;
      if (const auto e = std::move(f).get(field)) return syntax(e, '}');
      std::string_view key;
      if (const auto e = field.unescaped_key().get(key)) return syntax(e);
      for (const pool_total& t : out) {
        if (t.pool == key) {
          if (too_deep(field.value(), at)) return false;
          return fail(at, key, "duplicate field");
        }
      }
      std::string what;
      pool_total& t = out.emplace_back();
      if (!text_from_text(key, t.pool, what)) return fail(at, key, std::move(what));
      // The pool's own path; an empty name is shown as "".
      const std::string pool_path = key.empty() ? base + ".\"\"" : at.join(key);
      const prefix pool_at{pool_path};
      od::object pool_obj;
      od::value pv = field.value();
      if (!get_object(pv, at, key, pool_obj)) return false;
      const bool ok = for_each_field<pool_fields>(pool_obj, pool_at, 0, [&](std::size_t i, od::value x) {
        return read_string_field(x, pool_at, pool_fields[i], pool_kinds[i], [&](std::string_view s, std::string& w) {
          return pool_field_from_text(i, s, t, w);
        });
      });
      if (!ok) return false;
    }
    return true;
  }

  auto read_lines(od::value v, std::vector<line>& out) -> bool {
    const prefix root{};
    od::array arr;
    if (const auto e = v.get_array().get(arr)) {
      if (e == simdjson::INCORRECT_TYPE) return wrong_type(v, root, "lines", "an array");
      return syntax(e);
    }
    std::size_t n = 0;
    if (const auto e = arr.count_elements().get(n)) return syntax(e, ']');
    if (n > max_bill_lines) {
      return fail(root, "lines", std::to_string(n) + " lines exceed the limit " + std::to_string(max_bill_lines));
    }
    out.reserve(n);
    int index = 0;
    for (auto item : arr) {
      od::value x;
      if (const auto e = std::move(item).get(x)) return syntax(e, ']');
      const prefix at{"lines", index};
      od::object obj;
      if (const auto e = x.get_object().get(obj)) {
        if (e == simdjson::INCORRECT_TYPE) return wrong_type(x, at, {}, "an object");
        return syntax(e);
      }
      if (!read_line(obj, at, out.emplace_back())) return false;
      ++index;
    }
    return true;
  }

  auto read_line(od::object obj, const prefix& at, line& out) -> bool {
    return for_each_field<line_fields>(obj, at, line_required, [&](std::size_t i, od::value x) {
      return read_string_field(x, at, line_fields[i], line_kinds[i], [&](std::string_view s, std::string& what) {
        return line_field_from_text(i, s, out, what);
      });
    });
  }

  std::string_view json_;
  od::document& doc_;
  bool allow_ytd_;
  error err_;
};

// A parser and a padded copy of the input, reused by every call on a thread.
struct thread_state {
  thread_state() noexcept {
    // Fixes the depth limit; capacity grows on demand and keeps max_depth.
    // On failure the parser stays empty and iterate() will report it.
    if (parser.allocate(initial_capacity, max_depth) != simdjson::SUCCESS) return;
  }
  od::parser parser;
  std::string buffer;
};

auto local_state() -> thread_state& {
  thread_local thread_state state;
  return state;
}

// Reads `json`, which has SIMDJSON_PADDING readable bytes after its end.
auto read_padded(od::parser& parser, std::string_view json, bool allow_ytd) -> result<bill> {
  od::document doc;
  if (const auto code = parser.iterate(json.data(), json.size(), json.size() + simdjson::SIMDJSON_PADDING).get(doc)) {
    return make_error(code == simdjson::MEMALLOC ? errc::out_of_memory : errc::invalid_argument, "",
                      describe_syntax_error(json, code, nullptr, 0));
  }
  reader r{json, doc, allow_ytd};
  bill out;
  if (!r.read(out)) return r.take_error();
  return out;
}

// The full reader on a zero-padded copy of `json`.
auto read_copy(od::parser& parser, std::string& buffer, std::string_view json, bool allow_ytd) -> result<bill> {
  buffer.assign(json);
  buffer.resize(json.size() + simdjson::SIMDJSON_PADDING);
  return read_padded(parser, std::string_view{buffer.data(), json.size()}, allow_ytd);
}

// The full reader: every text, every message. `padded`: the bytes after
// `json` may be read.
auto parse_full(std::string_view json, bool allow_ytd, bool padded) -> result<bill> {
  if (json.size() > reuse_limit) {
    od::parser parser;
    if (const auto code = parser.allocate(json.size(), max_depth); code) {
      return make_error(code == simdjson::MEMALLOC ? errc::out_of_memory : errc::invalid_argument, "",
                      describe_syntax_error(json, code, nullptr, 0));
    }
    if (padded) return read_padded(parser, json, allow_ytd);
    std::string buffer;
    return read_copy(parser, buffer, json, allow_ytd);
  }
  thread_state& state = local_state();
  if (padded) return read_padded(state.parser, json, allow_ytd);
  return read_copy(state.parser, state.buffer, json, allow_ytd);
}

// What parse_bill_json does but catch (shared by every entry point).
template <typename Parse>
auto guarded(Parse&& parse) -> result<bill> {
  try {
    return parse();
  } catch (const std::bad_alloc&) {
    return make_error(errc::out_of_memory, "", "out of memory while parsing the bill");
  } catch (const std::exception& e) {
    // Not expected: every simdjson call above uses error codes.
    return make_error(errc::internal, "", std::string("internal error while parsing the bill: ") + e.what());
  }
}

// The raw contents of a string value (escapes not decoded), as a view into
// `text` (`at` is where the padded copy holding the value begins).
auto raw_string(simdjson::ondemand::value v, const char* at, std::string_view text, std::string_view& out) -> bool {
  simdjson::ondemand::json_type t{};
  if (v.type().get(t) != simdjson::SUCCESS || t != simdjson::ondemand::json_type::string) return false;
  std::string_view token = v.raw_json_token();
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\r' || token.back() == '\n')) {
    token.remove_suffix(1);
  }
  if (token.size() < 2 || token.front() != '"' || token.back() != '"') return false;
  out = text.substr(static_cast<std::size_t>(token.data() + 1 - at), token.size() - 2);
  return true;
}

// Calls on_field(key, value) for each member of `obj`; false on a syntax
// error or when on_field returns false.
template <class F>
auto each_member(simdjson::ondemand::object obj, F&& on_field) -> bool {
  for (auto f : obj) {
    simdjson::ondemand::field field;
    std::string_view key;
    if (std::move(f).get(field) != simdjson::SUCCESS || field.unescaped_key().get(key) != simdjson::SUCCESS) {
      return false;
    }
    if (!on_field(key, field.value())) return false;
  }
  return true;
}

}  // namespace

static_assert(bill_json_padding == simdjson::SIMDJSON_PADDING);

auto parse_bill_json_padded(std::string_view json, bool allow_ytd) -> result<bill> {
  return guarded([&]() -> result<bill> {
    if (bill out; parse_bill_json_fast(json, allow_ytd, out)) return out;
    return parse_full(json, allow_ytd, true);
  });
}

auto parse_bill_json_full(std::string_view json, bool allow_ytd) -> result<bill> {
  return guarded([&] { return parse_full(json, allow_ytd, false); });
}

auto bill_sort_key(std::string_view line, std::string_view& person, std::string_view& date) -> bool {
  thread_local simdjson::ondemand::parser parser;
  thread_local std::string padded;
  padded.assign(line);
  padded.resize(line.size() + simdjson::SIMDJSON_PADDING);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object root;
  if (parser.iterate(padded.data(), line.size(), padded.size()).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(root) != simdjson::SUCCESS) {
    return false;
  }
  const char* const at = padded.data();
  bool have_person = false, have_date = false;
  auto inner = [&](std::string_view want, std::string_view& out, bool& have) {
    return [&, want](std::string_view key, simdjson::ondemand::value v) {
      if (key == want) have = raw_string(v, at, line, out);
      return true;
    };
  };
  const bool ok = each_member(root, [&](std::string_view key, simdjson::ondemand::value v) {
    simdjson::ondemand::object obj;
    if (key != "person" && key != "visit") return true;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return true;
    return key == "person" ? each_member(obj, inner("id", person, have_person))
                           : each_member(obj, inner("date", date, have_date));
  });
  return ok && have_person && have_date;
}

}  // namespace io

auto parse_bill_json(std::string_view json, bool allow_ytd) -> result<bill> {
  return io::guarded([&]() -> result<bill> {
    if (bill out; io::parse_bill_json_fast(json, allow_ytd, out)) return out;
    return io::parse_full(json, allow_ytd, false);
  });
}

}  // namespace yibao
