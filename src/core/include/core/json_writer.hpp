#pragma once
// Private: a minimal JSON writer (the core writes JSON text; it never parses it).
#include <string>
#include <string_view>
#include <vector>

#include "yibao/bill.hpp"

namespace yibao::detail {

/// Appends `text` as a JSON string literal (UTF-8 passed through; control
/// characters, quotes and backslashes escaped).
void append_json_string(std::string& out, std::string_view text);

/// Writes `{"k": v, ...}` with commas handled; values are raw JSON or strings.
class json_object {
 public:
  explicit json_object(std::string& out) : out_{out} { out_ += '{'; }
  json_object(const json_object&) = delete;
  auto operator=(const json_object&) -> json_object& = delete;
  ~json_object() { out_ += '}'; }
  /// A string value.
  void str(std::string_view key, std::string_view value) {
    this->key(key);
    append_json_string(out_, value);
  }
  /// A raw JSON value (number, bool, null, or an already-built object/array).
  void raw(std::string_view key, std::string_view json) {
    this->key(key);
    out_ += json;
  }
  /// Starts a value written by the caller directly into the buffer.
  void key(std::string_view key) {
    if (!first_) out_ += ',';
    first_ = false;
    append_json_string(out_, key);
    out_ += ':';
  }

 private:
  std::string& out_;
  bool first_ = true;
};

/// Appends named pool totals as the JSON object of "ytd.pools":
/// {"<pool>":{"period_from":"2025-01-01","deductible_paid":"0.00","paid":"0.00","base":"0.00"},...},
/// in their order; period_from only when it is not the zero date. The one
/// writer of the bill JSON's and the settlement JSON's pools.
void append_pool_totals(std::string& out, const std::vector<pool_total>& pools);

}  // namespace yibao::detail
