#pragma once
/// \file error.hpp
/// Error codes, located diagnostics and `result<T>`.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace yibao {

/// What went wrong, with sharp meanings (after absl::StatusCode).
enum class errc : std::uint8_t {
  ok = 0,
  invalid_argument,     ///< malformed input: a bill, a tariff, a catalog row
  failed_precondition,  ///< the tariff does not apply to this bill (no rule matches)
  out_of_range,         ///< the bill's date is outside the tariff's validity
  not_found,            ///< an item code is in no catalog and the line has no class
  io_error,             ///< a file could not be read (only from the loaders)
  internal,             ///< a broken invariant (e.g. an arithmetic overflow): a bug, please report it
  out_of_memory,        ///< an allocation failed
};
// The numeric values are stable: new codes are appended.

[[nodiscard]] auto to_string(errc code) noexcept -> const char*;

/// A place in a source file, 1-based; line 0 means "no position".
struct source_location {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  /// "file:line:column" (or "file" when there is no position).
  [[nodiscard]] auto to_string() const -> std::string;
};

enum class severity : std::uint8_t { error, warning };

/// One compiler-style diagnostic: where, which key, what was expected.
struct diagnostic {
  severity level = severity::error;
  source_location where;
  std::string key_path;  ///< e.g. "rule[3].bands[1].ratio" or "lines[2].amount"
  std::string message;   ///< e.g. "expected a decimal string, found a float"
  /// "file:line:col: error: key: message"
  [[nodiscard]] auto to_string() const -> std::string;
};

/// A failure: a code, a one-line message and (for loaders) every diagnostic.
struct error {
  errc code = errc::invalid_argument;
  std::string message;       ///< first problem, one line
  std::string path;          ///< field path of the first problem, if any
  std::vector<diagnostic> diagnostics;  ///< all problems found (loaders collect them all)
};

/// A value or an error. Check `ok()` before `value()`.
template <typename T>
class [[nodiscard]] result {
 public:
  result(T value) : v_{std::move(value)} {}            // NOLINT(google-explicit-constructor)
  result(error err) : v_{std::move(err)} {}            // NOLINT(google-explicit-constructor)
  [[nodiscard]] auto ok() const noexcept -> bool { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] auto value() & -> T& { return std::get<0>(v_); }
  [[nodiscard]] auto value() const& -> const T& { return std::get<0>(v_); }
  [[nodiscard]] auto value() && -> T&& { return std::get<0>(std::move(v_)); }
  [[nodiscard]] auto err() const& -> const error& { return std::get<1>(v_); }
  [[nodiscard]] auto err() && -> error&& { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, error> v_;
};

/// Success or an error, for operations that produce no value (e.g. `validate`).
template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(error err) : err_{std::move(err)}, ok_{false} {}  // NOLINT(google-explicit-constructor)
  [[nodiscard]] auto ok() const noexcept -> bool { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  /// The error; only when `!ok()`.
  [[nodiscard]] auto err() const& -> const error& { return err_; }
  [[nodiscard]] auto err() && -> error&& { return std::move(err_); }

 private:
  error err_;
  bool ok_ = true;
};

/// Builds an error with a code, a path and a message.
[[nodiscard]] inline auto make_error(errc code, std::string path, std::string message) -> error {
  error e;
  e.code = code;
  e.path = std::move(path);
  e.message = e.path.empty() ? std::move(message) : e.path + ": " + message;
  return e;
}

}  // namespace yibao
