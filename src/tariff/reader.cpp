#include "reader.hpp"

#include <limits>
#include <utility>

#include "core/decimal_text.hpp"

namespace yibao::tariff_detail {
namespace {

using namespace std::string_view_literals;

constexpr const char* points_example = "percentage points as an integer or a decimal string such as \"-2.5\"";
constexpr const char* date_example = "a real date such as 2025-01-01 (a TOML date or a \"YYYY-MM-DD\" string)";
// Keys of a table that carry no figure: the others need `source` or `assumed`.
constexpr key_list non_figure_keys{"name"sv, "layer"sv, "when"sv, "source"sv, "assumed"sv};

auto contains(key_list keys, std::string_view k) -> bool {
  for (std::string_view x : keys) {
    if (x == k) return true;
  }
  return false;
}

}  // namespace

auto join(const std::string& path, std::string_view key) -> std::string {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
auto index(const std::string& path, std::size_t i) -> std::string { return path + "[" + std::to_string(i) + "]"; }
auto quote(std::string_view s) -> std::string {
  std::string out;
  out.reserve(s.size() + 2);
  out.append(1, '"').append(s).append(1, '"');
  return out;
}

auto kind_of(const node& n) -> std::string {
  switch (n.kind) {
    case node::kind_t::string: return "a string";
    case node::kind_t::integer: return "an integer";
    case node::kind_t::floating: return "a float";
    case node::kind_t::boolean: return "a boolean";
    case node::kind_t::date: return "a date";
    case node::kind_t::time: return "a time";
    case node::kind_t::date_time: return "a date-time";
    case node::kind_t::array: return "an array";
    case node::kind_t::table: return "a table";
  }
  return "nothing";
}

auto found(const node& n) -> std::string {
  if (const auto* s = n.as_string()) return quote(*s);
  if (const auto* i = n.as_integer()) return "the integer " + std::to_string(*i);
  return kind_of(n);
}

void value_reader::report(severity level, const source_location& where, std::string path, std::string message) {
  diagnostic d;
  d.level = level;
  d.where = where;
  d.key_path = std::move(path);
  d.message = std::move(message);
  (level == severity::error ? out_.errors : out_.warnings).push_back(std::move(d));
}

void value_reader::check_keys(const node& t, const std::string& path, key_list allowed) {
  for (const entry& e : t.entries) {
    if (contains(allowed, e.key)) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    report(severity::error, e.where, join(path, e.key), "unknown key, expected one of: " + list);
  }
}

void value_reader::check_cited(const node& t, const std::string& path) {
  bool figures = false;
  for (const entry& e : t.entries) figures = figures || !contains(non_figure_keys, e.key);
  if (figures && !t.contains("source") && !t.contains("assumed")) {
    warn(t, path,
         "expected \"source\" (a [sources] key or citation text) or \"assumed\" (why the figures are assumed), "
         "found neither");
  }
}

void value_reader::origin_of(const node& t, const std::string& name, const std::string& path, provenance& p) {
  p.where = t.where;
  if (const auto* n = t.get("source")) {
    part_.present.insert(name + ".source");
    if (auto s = string_of(*n, join(path, "source"))) {
      part_.citations.push_back(*s);
      p.source = std::move(*s);
    }
  }
  if (const auto* n = t.get("assumed")) {
    part_.present.insert(name + ".assumed");
    if (auto s = string_of(*n, join(path, "assumed"))) p.assumed = std::move(*s);
  }
}

auto value_reader::table_of(const node& n, const std::string& path) -> const node* {
  if (const auto* t = n.as_table()) return t;
  error(n, path, "expected a table, found " + kind_of(n));
  return nullptr;
}

auto value_reader::string_of(const node& n, const std::string& path) -> std::optional<std::string> {
  if (const auto* s = n.as_string()) return *s;
  error(n, path, "expected a string, found " + kind_of(n));
  return std::nullopt;
}

auto value_reader::bool_of(const node& n, const std::string& path) -> std::optional<bool> {
  if (const auto* b = n.as_boolean()) return *b;
  error(n, path, "expected true or false, found " + found(n));
  return std::nullopt;
}

auto value_reader::int_of(const node& n, const std::string& path, std::int64_t lo, std::int64_t hi,
                          const char* what) -> std::optional<int> {
  const auto* i = n.as_integer();
  if (!i || *i < lo || *i > hi) {
    error(n, path, std::string("expected ") + what + ", found " + found(n));
    return std::nullopt;
  }
  return static_cast<int>(*i);
}

auto value_reader::money_of(const node& n, const std::string& path) -> std::optional<money> {
  std::int64_t fen = 0;
  if (const auto* s = n.as_string()) {
    std::string why;
    const auto v = parse_fixed(*s, 2, &why);
    if (!v) {
      error(n, path, std::string("expected ") + money_example + ", found " + quote(*s) + " (" + why + ")");
      return std::nullopt;
    }
    fen = *v;
  } else if (const auto* i = n.as_integer()) {
    constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / 100;
    if (*i > limit || *i < -limit) {
      error(n, path, std::string("expected ") + money_example + ", found " + found(n) + " (number too large)");
      return std::nullopt;
    }
    fen = *i * 100;
  } else {
    error(n, path, std::string("expected ") + money_example + ", found " + kind_of(n));
    return std::nullopt;
  }
  if (fen < 0) {
    error(n, path, "expected a non-negative amount, found " + found(n));
    return std::nullopt;
  }
  if (fen > money_limit_fen) {
    error(n, path, "expected an amount of at most " + money::from_fen(money_limit_fen).to_string() + ", found " +
                       found(n));
    return std::nullopt;
  }
  return money::from_fen(fen);
}

auto value_reader::ratio_of(const node& n, const std::string& path, std::int64_t max_ppm) -> std::optional<ratio> {
  std::int64_t ppm = 0;
  if (const auto* s = n.as_string()) {
    std::string why;
    const auto v = parse_fixed(*s, 6, &why);
    if (!v) {
      error(n, path, std::string("expected ") + ratio_example + ", found " + quote(*s) + " (" + why + ")");
      return std::nullopt;
    }
    ppm = *v;
  } else if (const auto* i = n.as_integer()) {
    if (*i != 0 && *i != 1) {
      error(n, path, std::string("expected ") + ratio_example + " (or the integer 0 or 1), found " + found(n));
      return std::nullopt;
    }
    ppm = *i * ratio::one_ppm;
  } else {
    error(n, path, std::string("expected ") + ratio_example + ", found " + kind_of(n));
    return std::nullopt;
  }
  if (ppm < 0) {
    error(n, path, "expected a non-negative ratio, found " + found(n));
    return std::nullopt;
  }
  if (ppm > max_ppm) {
    error(n, path, "expected a ratio of at most " + decimal_trimmed(max_ppm, 6) + ", found " + found(n));
    return std::nullopt;
  }
  return ratio::from_ppm(ppm);
}

auto value_reader::points_of(const node& n, const std::string& path) -> std::optional<ratio> {
  constexpr std::int64_t ppm_per_point = 10'000;
  std::int64_t ppm = 0;
  if (const auto* s = n.as_string()) {
    std::string why;
    const auto v = parse_fixed(*s, 4, &why);  // 4 decimals of a point are whole ppm
    if (!v) {
      error(n, path, std::string("expected ") + points_example + ", found " + quote(*s) + " (" + why + ")");
      return std::nullopt;
    }
    ppm = *v;
  } else if (const auto* i = n.as_integer()) {
    ppm = (*i > 100 || *i < -100) ? 2 * ratio::one_ppm : *i * ppm_per_point;  // out of range: reported below
  } else {
    error(n, path, std::string("expected ") + points_example + ", found " + kind_of(n));
    return std::nullopt;
  }
  if (ppm > ratio::one_ppm || ppm < -ratio::one_ppm) {
    error(n, path, "expected percentage points between -100 and 100, found " + found(n));
    return std::nullopt;
  }
  return ratio::from_ppm(ppm);
}

auto value_reader::date_of(const node& n, const std::string& path) -> std::optional<date> {
  if (const auto* d = n.as_date()) return *d;
  if (const auto* s = n.as_string()) {
    if (auto d = parse_date(*s)) return d;
    error(n, path, std::string("expected ") + date_example + ", found " + quote(*s));
    return std::nullopt;
  }
  error(n, path, std::string("expected ") + date_example + ", found " + kind_of(n));
  return std::nullopt;
}

auto value_reader::strings_of(const node& n, const std::string& path) -> std::optional<std::vector<std::string>> {
  std::vector<std::string> out;
  if (const auto* a = n.as_array()) {
    bool ok = true;
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (auto s = string_of((*a)[i], index(path, i))) {
        out.push_back(std::move(*s));
      } else {
        ok = false;
      }
    }
    return ok ? std::optional{std::move(out)} : std::nullopt;
  }
  if (const auto* s = n.as_string()) return std::vector<std::string>{*s};
  error(n, path, "expected a string or an array of strings, found " + kind_of(n));
  return std::nullopt;
}

}  // namespace yibao::tariff_detail
