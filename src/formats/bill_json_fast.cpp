// The fast path of parse_bill_json: one pass over the text, no DOM, no copy.
//
// It reads a strict subset of JSON: strings without escapes or control
// bytes, integers without sign, fraction or exponent, and only the fields,
// types and values docs/bill-format.md allows. That subset is what bulk
// exports and billing systems write, so nearly every bill takes this path.
// Anything outside it, valid or not, makes it answer "not mine" (false) and
// parse_bill_json runs the full reader on simdjson, which gives the value or
// the exact error message. So this file never produces an error, and a bill
// it accepts is the bill the full reader returns: both take their field names,
// required fields and decimals from formats/bill_fields.hpp. Neither checks ranges
// or consistency: that is yibao::validate()'s, which settle() runs.
//
// Why the subset is safe:
//   - outside strings only JSON's structural bytes and whitespace are
//     accepted, and inside strings any byte >= 0x80 must form valid UTF-8,
//     so an accepted text is valid UTF-8 (simdjson validates it first);
//   - without escapes a string's bytes are its value, so the raw view equals
//     what simdjson would unescape;
//   - an integer is 1-9 digits with no leading zero (or 0), so it is an INT64
//     for simdjson and fits an int here;
//   - the grammar is checked token by token (no trailing commas, no missing
//     ones, nothing after the closing brace).
// tests/unit/bill_json_fast_test.cpp checks both readers agree on every bill
// in the repository and on mutations of them, tests/fuzz/fuzz_bill_json.cpp
// on whatever libFuzzer makes.
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/bill_fields.hpp"
#include "formats/bill_json.hpp"
#include "formats/text.hpp"

namespace yibao::io {
namespace {

// Every step of the scanner is inlined into one function, so that the cursor
// lives in a register instead of being stored and reloaded around each call.
#define inline_always [[gnu::always_inline]] inline

// A field name as minified JSON writes it before its value, `"name":`, as
// the bytes of two little-endian words and the mask of the bytes it uses
// (size 0: longer than 16 bytes, never matched this way).
struct key_pattern {
  std::array<std::uint64_t, 2> word{}, mask{};
  std::size_t size = 0;
};

template <const auto& names>
inline constexpr auto key_patterns = [] {
  std::array<key_pattern, names.size()> out{};
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string_view name = names[i];
    if (name.size() + 3 > 16) continue;
    const auto put = [&](std::size_t at, char c) {
      const unsigned shift = 8 * (at % 8);
      out[i].word[at / 8] |= std::uint64_t{static_cast<unsigned char>(c)} << shift;
      out[i].mask[at / 8] |= std::uint64_t{0xFF} << shift;
    };
    put(0, '"');
    for (std::size_t j = 0; j < name.size(); ++j) put(j + 1, name[j]);
    put(name.size() + 1, '"');
    put(name.size() + 2, ':');
    out[i].size = name.size() + 3;
  }
  return out;
}();

class scanner {
 public:
  explicit scanner(std::string_view text) noexcept : p_{text.data()}, end_{text.data() + text.size()} {}

  inline_always auto bill_object(bool allow_ytd, bill& out, std::vector<line>& lines) -> bool {
    const bool ok = object<root_fields>(root_required, [&](std::size_t i) __attribute__((always_inline)) {
      switch (i) {
        case 0: return id(out.id);
        case 1: return read_person(out.who);
        case 2: return read_visit(out.at);
        case 3: return allow_ytd && read_ytd(out.totals);
        default: return read_lines(lines);
      }
    });
    skip_space();
    return ok && p_ == end_;
  }

 private:
  // JSON's whitespace; every other byte it could stop at is above ' '.
  inline_always void skip_space() noexcept {
    while (p_ != end_ && static_cast<unsigned char>(*p_) <= ' ' &&
           (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
      ++p_;
    }
  }

  inline_always auto take(char c) noexcept -> bool {
    if (p_ != end_ && *p_ == c) {  // minified JSON: no space to skip
      ++p_;
      return true;
    }
    skip_space();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  // A string without escapes: its raw bytes, checked as UTF-8 when any is
  // not ASCII. Eight bytes at a time while eight remain: most strings read
  // here (item codes, ids, enum values) end within the first word or two, so
  // the end is found without a loop whose exit the CPU must guess.
  inline_always auto string(std::string_view& out) noexcept -> bool {
    if (!take('"')) return false;
    const char* const start = p_;
    const char* p = p_;
    unsigned high = 0;
    for (;;) {
      if (std::endian::native == std::endian::little && end_ - p >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, sizeof w);
        const std::uint64_t stop = special_bytes(w);
        if (stop == 0) {
          p += 8;
          continue;
        }
        p += std::countr_zero(stop) / 8;  // the first special byte
      } else if (p == end_) {
        return false;
      }
      const auto c = static_cast<unsigned char>(*p);
      if (c == '"') break;
      if (c == '\\' || c < 0x20) return false;
      high |= c & 0x80U;
      ++p;
    }
    out = std::string_view{start, static_cast<std::size_t>(p - start)};
    p_ = p + 1;
    return high == 0 || is_valid_utf8(out);
  }

  // A byte with its top bit set where `w` has '"', '\\', a control byte or a
  // non-ASCII byte: the lowest one marks the first such byte exactly (bytes
  // above it may be marked wrongly by a borrow, which does not matter).
  inline_always static constexpr auto special_bytes(std::uint64_t w) noexcept -> std::uint64_t {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, tops = 0x8080808080808080ULL;
    const auto zero_byte = [](std::uint64_t v) { return (v - ones) & ~v & tops; };
    return zero_byte(w ^ (ones * '"')) | zero_byte(w ^ (ones * '\\')) | ((w - ones * 0x20) & ~w & tops) | (w & tops);
  }

  // A JSON integer of 1 to 9 digits without sign or leading zero, in [lo, hi].
  inline_always auto integer(int lo, int hi, int& out) noexcept -> bool {
    skip_space();
    const char* const start = p_;
    int v = 0;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9' && p_ - start < 9) v = v * 10 + (*p_++ - '0');
    const auto digits = p_ - start;
    if (digits == 0 || (digits > 1 && *start == '0')) return false;
    // A tenth digit, a fraction or an exponent: not an integer read here.
    if (p_ != end_ && ((*p_ >= '0' && *p_ <= '9') || *p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    if (v < lo || v > hi) return false;
    out = v;
    return true;
  }

  // Calls on_field(index) with the position at each value of an object whose
  // names are all in `names`, each at most once, the required ones present.
  template <const auto& names, typename F>
  inline_always auto object(std::uint32_t required, F&& on_field) -> bool {
    constexpr std::size_t n = names.size();
    if (!take('{')) return false;
    std::uint32_t seen = 0;
    if (take('}')) return required == 0;
    std::size_t hint = 0;  // fields usually come in the table's order
    for (;;) {
      std::size_t i = known_key<names>(hint);
      if (i == n) {
        std::string_view key;
        if (!string(key) || !take(':')) return false;
        i = find_name<names>(key, std::make_index_sequence<n>{});
        if (i == n) return false;
      }
      hint = i + 1;
      const std::uint32_t bit = std::uint32_t{1} << i;
      if ((seen & bit) != 0) return false;
      seen |= bit;
      if (!on_field(i)) return false;
      skip_space();
      if (p_ == end_) return false;
      const char c = *p_++;
      if (c == '}') break;
      if (c != ',') return false;
    }
    return (required & ~seen) == 0;
  }

  // The index of the field whose `"name":` is at the cursor exactly (no
  // space), trying the names from `hint` on, and the cursor moved past it; or
  // names.size() with the cursor unmoved, for the general path to read. It
  // compares two words under a mask per name instead of scanning the name.
  template <const auto& names>
  inline_always auto known_key(std::size_t hint) noexcept -> std::size_t {
    constexpr auto& table = key_patterns<names>;
    if constexpr (std::endian::native == std::endian::little) {
      if (end_ - p_ >= 16) {
        std::uint64_t w0, w1;
        std::memcpy(&w0, p_, 8);
        std::memcpy(&w1, p_ + 8, 8);
        for (std::size_t k = hint; k < names.size(); ++k) {
          const key_pattern& kp = table[k];
          if (kp.size != 0 && ((w0 ^ kp.word[0]) & kp.mask[0]) == 0 && ((w1 ^ kp.word[1]) & kp.mask[1]) == 0) {
            p_ += kp.size;
            return k;
          }
        }
      }
    }
    return names.size();
  }

  inline_always auto id(std::string& out) -> bool { return text(out); }

  inline_always auto text(std::string& out) -> bool {
    std::string_view s;
    if (!string(s)) return false;
    out.assign(s);
    return true;
  }

  template <typename E, typename Parse>
  inline_always auto enumerated(Parse parse, E& out) noexcept -> bool {
    std::string_view s;
    return string(s) && enum_value(s, parse, out);
  }

  // A decimal string ("35.10"), read in the same pass that finds its end:
  // digits and a point need no check for escapes or UTF-8.
  inline_always auto decimal(const decimal_kind& kind, std::int64_t& out) noexcept -> bool {
    if (!take('"')) return false;
    const char* const after = decimal_prefix(p_, end_, kind, out);
    if (after == nullptr || after == end_ || *after != '"') return false;
    p_ = after + 1;
    return true;
  }

  inline_always auto amount(money& out) noexcept -> bool {
    std::int64_t fen = 0;
    if (!decimal(money_kind, fen)) return false;
    out = money::from_fen(fen);
    return true;
  }

  inline_always auto day(date& out) noexcept -> bool {
    std::string_view s;
    return string(s) && date_value(s, out);
  }

  // A JSON true or false.
  inline_always auto boolean(bool& out) noexcept -> bool {
    skip_space();
    if (end_ - p_ >= 4 && std::memcmp(p_, "true", 4) == 0) {
      p_ += 4;
      out = true;
      return true;
    }
    if (end_ - p_ >= 5 && std::memcmp(p_, "false", 5) == 0) {
      p_ += 5;
      out = false;
      return true;
    }
    return false;
  }

  // An array of strings.
  auto strings(std::vector<std::string>& out) -> bool {
    if (!take('[')) return false;
    if (take(']')) return true;
    for (;;) {
      if (!text(out.emplace_back())) return false;
      skip_space();
      if (p_ == end_) return false;
      const char c = *p_++;
      if (c == ']') return true;
      if (c != ',') return false;
    }
  }

  // The person's fields after the first seven: rare, kept out of line.
  [[gnu::noinline]] auto person_fact(std::size_t i, person& p) -> bool {
    switch (person_kinds[i]) {
      case field_kind::date: {
        date d;
        if (!day(d)) return false;
        p.birth_date = d;
        return true;
      }
      case field_kind::integer: return integer(0, 999'999'999, *person_int(i, p).value);
      case field_kind::boolean: return boolean(person_bool(i, p));
      case field_kind::list: return strings(p.chronic);
      default: return amount(i == 15 ? p.account_earlier : p.family_account);
    }
  }

  inline_always auto read_person(person& p) -> bool {
    return object<person_fields>(person_required, [&](std::size_t i) __attribute__((always_inline)) {
      switch (i) {
        case 0: return id(p.id);
        case 1: return enumerated(parse_scheme, p.scheme_);
        case 2: return enumerated(parse_status, p.status_);
        case 3: return enumerated(parse_group, p.group_);
        case 4: return enumerated(parse_coverage, p.coverage_);
        case 5: return amount(p.account_balance);
        case 6: {
          date d;
          if (!day(d)) return false;
          p.rejoined = d;
          return true;
        }
        default: return person_fact(i, p);
      }
    });
  }

  inline_always auto read_visit(visit& v) -> bool {
    return object<visit_fields>(visit_required, [&](std::size_t i) __attribute__((always_inline)) {
      switch (i) {
        case 0: return enumerated(parse_visit_type, v.type);
        case 1: return integer(0, 999'999'999, v.level);
        case 2: return enumerated(parse_location, v.where);
        case 3: return enumerated(parse_filing, v.filed);
        case 4: return integer(0, 999'999'999, v.admission);
        case 5: return day(v.on);
        case 6: return text(v.disease);
        case 7: {
          int from = 0;
          if (!integer(0, 999'999'999, from)) return false;
          v.transfer_from_level = from;
          return true;
        }
        case 8: return boolean(v.contracted);
        default: return integer(0, 999'999'999, v.unfiled_before);
      }
    });
  }

  inline_always auto read_ytd(ytd& out) -> bool {
    return object<ytd_keys>(0, [&](std::size_t i) __attribute__((always_inline)) {
      if (i == yibao::ytd_fields.size()) return read_pools(out.pools);
      return amount(out.*yibao::ytd_fields[i].member);
    });
  }

  // The named pools: names without escapes, none twice, at most
  // max_pool_totals of them (else the full reader words the problem).
  [[gnu::noinline]] auto read_pools(std::vector<pool_total>& out) -> bool {
    if (!take('{')) return false;
    if (take('}')) return true;
    for (;;) {
      std::string_view name;
      if (!string(name) || !take(':')) return false;
      if (out.size() == max_pool_totals) return false;
      for (const pool_total& t : out) {
        if (t.pool == name) return false;
      }
      pool_total& t = out.emplace_back();
      t.pool.assign(name);
      const bool ok = object<pool_fields>(0, [&](std::size_t i) {
        switch (i) {
          case 0: return day(t.period_from);
          case 1: return amount(t.deductible_paid);
          case 2: return amount(t.paid);
          default: return amount(t.base);
        }
      });
      if (!ok) return false;
      skip_space();
      if (p_ == end_) return false;
      const char c = *p_++;
      if (c == '}') return true;
      if (c != ',') return false;
    }
  }

  inline_always auto read_lines(std::vector<line>& lines) -> bool {
    if (!take('[')) return false;
    for (;;) {
      if (lines.size() == max_bill_lines) return false;  // the full reader words the limit
      if (!read_line(lines.emplace_back())) return false;
      skip_space();
      if (p_ == end_) return false;
      const char c = *p_++;
      if (c == ']') return true;
      if (c != ',') return false;
    }
  }

  inline_always auto read_line(line& l) -> bool {
    return object<line_fields>(line_required, [&](std::size_t i) __attribute__((always_inline)) {
      switch (i) {
        case 0: return id(l.code);
        case 1: return text(l.name);
        case 2: {
          item_class c = item_class::C;
          if (!enumerated(parse_item_class, c)) return false;
          l.cls = c;
          return true;
        }
        case 3: {
          std::int64_t ppm = 0;
          if (!decimal(ratio_kind, ppm)) return false;
          l.selfpay_ratio = ratio::from_ppm(ppm);
          return true;
        }
        case 4: {
          std::int64_t micro = 0;
          if (!decimal(price_kind, micro)) return false;
          l.price_limit = price{micro};
          return true;
        }
        case 5: return decimal(quantity_kind, l.qty.ten_thousandths);
        case 6: return decimal(price_kind, l.unit_price.micro);
        default: return amount(l.amount);
      }
    });
  }

  const char* p_;
  const char* const end_;
};

#undef inline_always

}  // namespace

auto parse_bill_json_fast(std::string_view json, bool allow_ytd, bill& out) -> bool {
  // The lines go to a per-thread vector first, so that the bill's own vector
  // is allocated once at its final size.
  thread_local std::vector<line> lines;
  lines.clear();
  out = bill{};
  if (!scanner{json}.bill_object(allow_ytd, out, lines)) return false;
  out.lines.reserve(lines.size());
  for (line& l : lines) out.lines.push_back(std::move(l));
  return true;
}

}  // namespace yibao::io
