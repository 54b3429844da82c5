// The full bill JSON reader, on simdjson's DOM API. parse_bill_json tries the
// single-pass fast path (bill_json_fast.cpp) first and comes here for every
// text it declines; only this reader produces errors.
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
//   ytd                     absent: every total is 0.00; present: each missing
//                           total is 0.00
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
//   - malformed JSON (with a byte offset where one can be found: truncated
//     input, mismatched brackets, nesting deeper than 64, invalid UTF-8),
//     trailing content after the object, a top level that is not an object;
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

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/bill_fields.hpp"
#include "formats/bill_json.hpp"
#include "json_syntax.hpp"
#include "formats/text.hpp"
#include "yibao/bill.hpp"

namespace yibao {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using io::fast_decimal;
using io::find_name;
using io::line_fields;
using io::line_required;
using io::person_fields;
using io::person_required;
using io::root_fields;
using io::root_required;
using io::visit_fields;
using io::visit_required;
using io::ytd_names;

constexpr std::size_t max_depth = 64;
// Inputs above this size are parsed with a one-off parser so that the
// thread's reusable parser does not keep a large buffer alive.
constexpr std::size_t reuse_limit = std::size_t{1} << 20;
constexpr std::size_t initial_capacity = 16 * 1024;

auto type_name(element_type t) noexcept -> const char* {
  switch (t) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "an unknown value";
}

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

// Explains a simdjson parse failure, with a byte offset when the grammar
// checker finds one (simdjson's DOM parser reports none).
auto describe_syntax_error(std::string_view json, simdjson::error_code code) -> std::string;

// A parse failure: out of memory is errc::out_of_memory, anything else the bill's fault.
auto syntax_error(std::string_view json, simdjson::error_code code) -> error {
  return make_error(code == simdjson::MEMALLOC ? errc::out_of_memory : errc::invalid_argument, "",
                    describe_syntax_error(json, code));
}

auto describe_syntax_error(std::string_view json, simdjson::error_code code) -> std::string {
  switch (code) {
    case simdjson::EMPTY: return "empty input: expected a JSON object";
    case simdjson::UTF8_ERROR:
      return "invalid UTF-8 at byte offset " + std::to_string(io::first_invalid_utf8(json));
    case simdjson::CAPACITY: return "input too large";
    case simdjson::MEMALLOC: return "out of memory";
    default: break;
  }
  if (std::string found = io::find_json_syntax_error(json, max_depth); !found.empty()) return found;
  if (code == simdjson::DEPTH_ERROR) {
    return "JSON nested deeper than " + std::to_string(max_depth) + " levels";
  }
  return std::string("malformed JSON: ") + simdjson::error_message(code);
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
      if (io::is_valid_utf8(field) && field.find_first_of("\"\\") == std::string_view::npos &&
          field.size() <= 64 && !has_control(field)) {
        out += field;
      } else {
        io::append_quoted(out, field);
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
  explicit reader(bool allow_ytd) noexcept : allow_ytd_{allow_ytd} {}

  auto read(element root, bill& out) -> bool {
    if (root.type() != element_type::OBJECT) {
      return fail(prefix{}, {}, std::string("expected a JSON object at the top level, found ") +
                                    type_name(root.type()));
    }
    const prefix at{};
    return for_each_field<root_fields>(root, at, root_required, [&](std::size_t i, element v) {
      switch (i) {
        case 0: return read_id(v, at, "id", out.id);
        case 1: return expect_object(v, at, "person") && read_person(v, out.who);
        case 2: return expect_object(v, at, "visit") && read_visit(v, out.at);
        case 3:
          if (!allow_ytd_) return fail(at, "ytd", "not allowed in bulk input");
          return expect_object(v, at, "ytd") && read_ytd(v, out.totals);
        default: return read_lines(v, out.lines);
      }
    });
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

  // Calls on_field(index, value) for each field of `obj` (an object), after
  // rejecting unknown and duplicate names; then reports the first missing
  // required field.
  template <const auto& names, typename F>
  auto for_each_field(element obj, const prefix& at, std::uint32_t required, F&& on_field) -> bool {
    constexpr std::size_t N = names.size();
    static_assert(N <= 32);
    std::uint32_t seen = 0;
    for (const auto field : simdjson::dom::object(obj)) {
      const std::size_t i = find_name<names>(field.key, std::make_index_sequence<N>{});
      if (i == N) {
        if (field.key.empty()) {  // join() would drop an empty name
          std::string path = at.join({});
          return fail_path(path + (path.empty() ? "\"\"" : ".\"\""), "unknown field");
        }
        return fail(at, field.key, "unknown field");
      }
      const std::uint32_t bit = std::uint32_t{1} << i;
      if ((seen & bit) != 0) return fail(at, field.key, "duplicate field");
      seen |= bit;
      if (!on_field(i, field.value)) return false;
    }
    if (const std::uint32_t missing = required & ~seen; missing != 0) {
      std::size_t i = 0;
      while ((missing & (std::uint32_t{1} << i)) == 0) ++i;
      return fail(at, names[i], "missing required field");
    }
    return true;
  }

  auto expect_object(element v, const prefix& at, std::string_view field) -> bool {
    if (v.type() == element_type::OBJECT) return true;
    return fail(at, field, std::string("expected an object, found ") + type_name(v.type()));
  }

  auto get_string(element v, const prefix& at, std::string_view field, std::string_view& out) -> bool {
    if (v.get_string().get(out) != simdjson::SUCCESS) {
      return fail(at, field, std::string("expected a string, found ") + type_name(v.type()));
    }
    return true;
  }

  auto read_text(element v, const prefix& at, std::string_view field, std::string& out) -> bool {
    std::string_view s;
    if (!get_string(v, at, field, s)) return false;
    out.assign(s);
    return true;
  }

  // Identifiers and codes (validate() requires them non-empty).
  auto read_id(element v, const prefix& at, std::string_view field, std::string& out) -> bool {
    return read_text(v, at, field, out);
  }

  auto read_decimal(element v, const prefix& at, std::string_view field, const io::decimal_kind& kind,
                    std::int64_t& out) -> bool {
    std::string_view text;
    if (v.get_string().get(text) != simdjson::SUCCESS) {
      return fail(at, field, std::string("expected a decimal string, found ") + type_name(v.type()));
    }
    if (fast_decimal(text, kind, out)) return true;
    std::string what;
    const auto value = io::parse_decimal(text, kind, what);
    if (!value) return fail(at, field, std::move(what));
    out = *value;
    return true;
  }

  auto read_money(element v, const prefix& at, std::string_view field, money& out) -> bool {
    std::int64_t fen = 0;
    if (!read_decimal(v, at, field, io::money_kind, fen)) return false;
    out = money::from_fen(fen);
    return true;
  }

  // An integer that fits the bill's int; [lo, hi] is validate()'s range,
  // named here only for a value no int holds.
  auto read_int(element v, const prefix& at, std::string_view field, int lo, int hi, int& out) -> bool {
    const auto t = v.type();
    if (t == element_type::DOUBLE) return fail(at, field, "expected an integer, found a number with a fraction or exponent");
    if (t != element_type::INT64 && t != element_type::UINT64) {
      return fail(at, field, std::string("expected an integer, found ") + type_name(t));
    }
    const std::string shown = t == element_type::INT64 ? std::to_string(std::int64_t(v))
                                                       : std::to_string(std::uint64_t(v));
    if (t == element_type::UINT64 || std::int64_t(v) < std::numeric_limits<int>::min() ||
        std::int64_t(v) > std::numeric_limits<int>::max()) {
      return fail(at, field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                                 ", found " + shown);
    }
    out = static_cast<int>(std::int64_t(v));
    return true;
  }

  template <typename E, typename Parse>
  auto read_enum(element v, const prefix& at, std::string_view field, int count, Parse parse, E& out)
      -> bool {
    std::string_view s;
    if (!get_string(v, at, field, s)) return false;
    const std::optional<E> e = parse(s);
    if (!e) return fail(at, field, "unknown value " + io::quoted(s) + "; " + accepted_values<E>(count));
    out = *e;
    return true;
  }

  auto read_date(element v, const prefix& at, std::string_view field, date& out) -> bool {
    std::string_view s;
    if (!get_string(v, at, field, s)) return false;
    const auto d = parse_date(s);
    if (!d) return fail(at, field, io::quoted(s) + " is not a valid date (expected YYYY-MM-DD)");
    out = *d;
    return true;
  }

  auto read_person(element obj, person& p) -> bool {
    const prefix at{"person"};
    return for_each_field<person_fields>(obj, at, person_required, [&](std::size_t i, element v) {
      switch (i) {
        case 0: return read_id(v, at, "id", p.id);
        case 1: return read_enum(v, at, "scheme", scheme_count, parse_scheme, p.scheme_);
        case 2: return read_enum(v, at, "status", status_count, parse_status, p.status_);
        case 3: return read_enum(v, at, "group", group_count, parse_group, p.group_);
        case 4: return read_enum(v, at, "coverage", 3, parse_coverage, p.coverage_);
        case 5: return read_money(v, at, "account_balance", p.account_balance);
        default: {
          date d;
          if (!read_date(v, at, "rejoined", d)) return false;
          p.rejoined = d;
          return true;
        }
      }
    });
  }

  auto read_visit(element obj, visit& out) -> bool {
    const prefix at{"visit"};
    return for_each_field<visit_fields>(obj, at, visit_required, [&](std::size_t i, element v) {
      switch (i) {
        case 0: return read_enum(v, at, "type", visit_type_count, parse_visit_type, out.type);
        case 1: return read_int(v, at, "level", 0, level_count - 1, out.level);
        case 2: return read_enum(v, at, "location", location_count, parse_location, out.where);
        case 3: return read_enum(v, at, "filing", filing_count, parse_filing, out.filed);
        case 4: return read_int(v, at, "admission", 1, max_admission, out.admission);
        case 5: return read_date(v, at, "date", out.on);
        case 6: return read_text(v, at, "disease", out.disease);
        default: {
          int from = 0;
          if (!read_int(v, at, "transfer_from_level", 0, level_count - 1, from)) return false;
          out.transfer_from_level = from;
          return true;
        }
      }
    });
  }

  auto read_ytd(element obj, ytd& out) -> bool {
    const prefix at{"ytd"};
    return for_each_field<ytd_names>(obj, at, 0, [&](std::size_t i, element v) {
      return read_money(v, at, ytd_names[i], out.*yibao::ytd_fields[i].member);
    });
  }

  auto read_lines(element v, std::vector<line>& out) -> bool {
    const prefix root{};
    if (v.type() != element_type::ARRAY) {
      return fail(root, "lines", std::string("expected an array, found ") + type_name(v.type()));
    }
    const simdjson::dom::array arr(v);
    // size() saturates at 0xFFFFFF, far above the limit.
    if (const std::size_t n = arr.size(); n > max_bill_lines) {
      return fail(root, "lines", (n >= 0xFFFFFF ? std::to_string(n) + " or more" : std::to_string(n)) +
                                     " lines exceed the limit " + std::to_string(max_bill_lines));
    }
    out.reserve(arr.size());
    int index = 0;
    for (const element item : arr) {
      const prefix at{"lines", index};
      if (item.type() != element_type::OBJECT) {
        return fail(at, {}, std::string("expected an object, found ") + type_name(item.type()));
      }
      if (!read_line(item, at, out.emplace_back())) return false;
      ++index;
    }
    return true;
  }

  auto read_line(element obj, const prefix& at, line& out) -> bool {
    return for_each_field<line_fields>(obj, at, line_required, [&](std::size_t i, element v) {
      switch (i) {
        case 0: return read_id(v, at, "code", out.code);
        case 1: return read_text(v, at, "name", out.name);
        case 2: {
          item_class c = item_class::C;
          if (!read_enum(v, at, "class", 3, parse_item_class, c)) return false;
          out.cls = c;
          return true;
        }
        case 3: {
          std::int64_t ppm = 0;
          if (!read_decimal(v, at, "selfpay_ratio", io::ratio_kind, ppm)) return false;
          out.selfpay_ratio = ratio::from_ppm(ppm);
          return true;
        }
        case 4: {
          std::int64_t micro = 0;
          if (!read_decimal(v, at, "price_limit", io::price_kind, micro)) return false;
          out.price_limit = price{micro};
          return true;
        }
        case 5: return read_decimal(v, at, "qty", io::quantity_kind, out.qty.ten_thousandths);
        case 6: return read_decimal(v, at, "price", io::price_kind, out.unit_price.micro);
        default: return read_money(v, at, "amount", out.amount);
      }
    });
  }

  bool allow_ytd_;
  error err_;
};

// A parser and a padded copy of the input, reused by every call on a thread.
struct thread_state {
  thread_state() noexcept {
    // Fixes the depth limit; capacity grows on demand and keeps max_depth.
    // On failure the parser stays empty and parse() will report it.
    if (parser.allocate(initial_capacity, max_depth) != simdjson::SUCCESS) return;
  }
  simdjson::dom::parser parser;
  std::string buffer;
};

auto read_bill(element root, bool allow_ytd) -> result<bill> {
  reader r{allow_ytd};
  bill out;
  if (!r.read(root, out)) return r.take_error();
  return out;
}

auto parse_with(simdjson::dom::parser& parser, std::string& buffer, std::string_view json,
                bool allow_ytd) -> result<bill> {
  buffer.assign(json);
  buffer.resize(json.size() + simdjson::SIMDJSON_PADDING);  // zero padding
  element root;
  if (const auto code = parser.parse(buffer.data(), json.size(), false).get(root); code) {
    return syntax_error(json, code);
  }
  return read_bill(root, allow_ytd);
}

auto local_state() -> thread_state& {
  thread_local thread_state state;
  return state;
}

// What parse_bill_json does but catch (shared by both entry points).
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

// The full reader: every text, every message.
auto parse_full(std::string_view json, bool allow_ytd) -> result<bill> {
  if (json.size() > reuse_limit) {
    simdjson::dom::parser parser;
    if (const auto code = parser.allocate(json.size(), max_depth); code) {
      return syntax_error(json, code);
    }
    std::string buffer;
    return parse_with(parser, buffer, json, allow_ytd);
  }
  thread_state& state = local_state();
  return parse_with(state.parser, state.buffer, json, allow_ytd);
}

}  // namespace

static_assert(io::bill_json_padding == simdjson::SIMDJSON_PADDING);

auto io::parse_bill_json_padded(std::string_view json, bool allow_ytd) -> result<bill> {
  return guarded([&]() -> result<bill> {
    if (bill out; io::parse_bill_json_fast(json, allow_ytd, out)) return out;
    if (json.size() > reuse_limit) return parse_full(json, allow_ytd);
    thread_state& state = local_state();
    element root;
    // simdjson reads the padding but never lets its bytes decide anything
    // for valid JSON; a syntax error is re-parsed from a zero-padded copy so
    // that its message is exactly parse_bill_json's.
    if (state.parser.parse(json.data(), json.size(), false).get(root) != simdjson::SUCCESS) {
      return parse_with(state.parser, state.buffer, json, allow_ytd);
    }
    return read_bill(root, allow_ytd);
  });
}

auto io::parse_bill_json_full(std::string_view json, bool allow_ytd) -> result<bill> {
  return guarded([&] { return parse_full(json, allow_ytd); });
}

auto parse_bill_json(std::string_view json, bool allow_ytd) -> result<bill> {
  return guarded([&]() -> result<bill> {
    if (bill out; io::parse_bill_json_fast(json, allow_ytd, out)) return out;
    return parse_full(json, allow_ytd);
  });
}

}  // namespace yibao
