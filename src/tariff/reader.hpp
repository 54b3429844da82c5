#pragma once
// Private: reading values of the tariff format from the TOML tree.
//
// Every converter either returns the value or records a diagnostic at the
// value's position saying what was expected and what was found; reading goes
// on after a problem so that all of them are reported.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "loader.hpp"
#include "tree.hpp"
#include "yibao/money.hpp"
#include "yibao/tariff.hpp"

namespace yibao::tariff_detail {

using key_list = std::initializer_list<std::string_view>;

/// The largest amount a tariff may write: 10,000,000,000.00 yuan, far above
/// any policy figure and far below what 64-bit fen hold, so that deductibles,
/// caps and band edges never overflow in settlement arithmetic.
inline constexpr std::int64_t money_limit_fen = std::int64_t{1'000'000'000'000};
/// The largest `deductible_factor` (a hundredfold deductible).
inline constexpr std::int64_t factor_limit_ppm = 100 * ratio::one_ppm;

inline constexpr const char* money_example = "a decimal string such as \"1200.00\" or an integer number of yuan";
inline constexpr const char* ratio_example = "a decimal string such as \"0.85\"";

[[nodiscard]] auto join(const std::string& path, std::string_view key) -> std::string;
[[nodiscard]] auto index(const std::string& path, std::size_t i) -> std::string;
[[nodiscard]] auto quote(std::string_view s) -> std::string;
/// "a string", "an integer", "a float", ...
[[nodiscard]] auto kind_of(const node& n) -> std::string;
/// The value itself for strings and integers ("\"x\"", "the integer 4"), else its kind.
[[nodiscard]] auto found(const node& n) -> std::string;

/// The spellings of an enum, from its to_string (the names of the contract).
template <typename E, int N>
auto names_of() -> std::array<std::string_view, N> {
  std::array<std::string_view, N> out{};
  for (int i = 0; i < N; ++i) out[static_cast<std::size_t>(i)] = to_string(static_cast<E>(i));
  return out;
}

/// `one of "a", "b"`.
template <std::size_t N>
auto one_of(const std::array<std::string_view, N>& names) -> std::string {
  std::string out = "one of ";
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out += ", ";
    out += quote(names[i]);
  }
  return out;
}

/// Diagnostics and value converters over one file's tree; writes `part`.
class value_reader {
 public:
  value_reader(const std::string& file, sink& out, file_part& part) : file_{file}, out_{out}, part_{part} {}

 protected:
  void report(severity level, const source_location& where, std::string path, std::string message);
  void error(const node& n, std::string path, std::string message) {
    report(severity::error, n.where, std::move(path), std::move(message));
  }
  void warn(const node& n, std::string path, std::string message) {
    report(severity::warning, n.where, std::move(path), std::move(message));
  }

  /// Reports every key of table `t` not in `allowed` (never ignored silently).
  void check_keys(const node& t, const std::string& path, key_list allowed);
  /// Warns about a table that has figures but neither `source` nor `assumed`.
  void check_cited(const node& t, const std::string& path);
  /// `source` / `assumed` of table `t` into `p`; `name` is its dotted name.
  void origin_of(const node& t, const std::string& name, const std::string& path, provenance& p);

  auto table_of(const node& n, const std::string& path) -> const node*;
  auto string_of(const node& n, const std::string& path) -> std::optional<std::string>;
  auto bool_of(const node& n, const std::string& path) -> std::optional<bool>;
  /// An integer in [lo, hi]; `what` describes it ("a level 0..3").
  auto int_of(const node& n, const std::string& path, std::int64_t lo, std::int64_t hi, const char* what)
      -> std::optional<int>;
  /// Non-negative money: a decimal string (<= 2 decimals) or integer yuan.
  auto money_of(const node& n, const std::string& path) -> std::optional<money>;
  /// A ratio from 0 to `max_ppm` (<= 6 decimals, or the integer 0 or 1);
  /// above the maximum is an error: a share above 1 would make an amount
  /// negative (docs/tariff-format.md "Bounds").
  auto ratio_of(const node& n, const std::string& path, std::int64_t max_ppm = ratio::one_ppm)
      -> std::optional<ratio>;
  /// Percentage points: 5 or "5" is 0.05; up to 4 decimals ("2.5" is 0.025).
  auto points_of(const node& n, const std::string& path) -> std::optional<ratio>;
  /// A TOML local date or a "YYYY-MM-DD" string.
  auto date_of(const node& n, const std::string& path) -> std::optional<date>;
  /// One string or an array of strings.
  auto strings_of(const node& n, const std::string& path) -> std::optional<std::vector<std::string>>;

  template <typename E, int N>
  auto enum_of(const node& n, const std::string& path) -> std::optional<E> {
    const auto names = names_of<E, N>();
    if (const auto* s = n.as_string()) {
      for (int i = 0; i < N; ++i) {
        if (names[static_cast<std::size_t>(i)] == *s) return static_cast<E>(i);
      }
    }
    error(n, path, "expected " + one_of(names) + ", found " + found(n));
    return std::nullopt;
  }

  /// One value or an array of values of an enum, as a mask of (1 << value).
  template <typename E, int N>
  auto mask_of(const node& n, const std::string& path) -> std::optional<std::uint8_t> {
    std::uint8_t mask = 0;
    bool ok = true;
    auto add = [&](const node& item, const std::string& item_path) {
      if (auto v = enum_of<E, N>(item, item_path)) {
        mask = static_cast<std::uint8_t>(mask | (1U << static_cast<unsigned>(*v)));
      } else {
        ok = false;
      }
    };
    if (const auto* a = n.as_array()) {
      if (a->empty()) {
        error(n, path, "expected " + one_of(names_of<E, N>()) + " or an array of them, found an empty array");
        return std::nullopt;
      }
      for (std::size_t i = 0; i < a->size(); ++i) add((*a)[i], index(path, i));
    } else {
      add(n, path);
    }
    return ok ? std::optional{mask} : std::nullopt;
  }

  /// One integer or an array of integers in [lo, hi], each passed to `f`.
  template <typename F>
  auto for_each_int(const node& n, const std::string& path, std::int64_t lo, std::int64_t hi, const char* what,
                    F&& f) -> bool {
    if (const auto* a = n.as_array()) {
      if (a->empty()) {
        error(n, path, std::string("expected ") + what + ", found an empty array");
        return false;
      }
      bool ok = true;
      for (std::size_t i = 0; i < a->size(); ++i) {
        if (auto v = int_of((*a)[i], index(path, i), lo, hi, what)) {
          f(*v);
        } else {
          ok = false;
        }
      }
      return ok;
    }
    if (auto v = int_of(n, path, lo, hi, what)) {
      f(*v);
      return true;
    }
    return false;
  }

  /// Calls `f(value, path)` if table `t` has `key`, recording that the key
  /// was written ("table.key" in part.present).
  template <typename F>
  void with(const node& t, const std::string& table, std::string_view key, F&& f) {
    if (const auto* n = t.get(key)) {
      part_.present.insert(join(table, key));
      f(*n, join(table, key));
    }
  }

  const std::string& file_;
  sink& out_;
  file_part& part_;
};

}  // namespace yibao::tariff_detail
