#pragma once
// Private: a parsed TOML document as a plain tree with source positions.
//
// toml++ is compiled in one place (toml_tree.cpp), which copies its document
// into this tree; the tariff reader works on the tree only.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yibao/bill.hpp"
#include "yibao/error.hpp"

namespace yibao::tariff_detail {

struct entry;

/// One TOML value. Only the member of its kind is meaningful.
struct node {
  enum class kind_t : std::uint8_t { string, integer, floating, boolean, date, time, date_time, array, table };
  kind_t kind = kind_t::table;
  source_location where;  ///< where the value (or table header / inline table) begins
  std::string text;        ///< string
  std::int64_t integer = 0;
  bool boolean = false;
  date day;                   ///< date (a real day: TOML checks it)
  std::vector<node> items;    ///< array
  std::vector<entry> entries;  ///< table, in key order

  [[nodiscard]] auto is(kind_t k) const -> bool { return kind == k; }
  [[nodiscard]] auto as_string() const -> const std::string* { return kind == kind_t::string ? &text : nullptr; }
  [[nodiscard]] auto as_integer() const -> const std::int64_t* {
    return kind == kind_t::integer ? &integer : nullptr;
  }
  [[nodiscard]] auto as_boolean() const -> const bool* { return kind == kind_t::boolean ? &boolean : nullptr; }
  [[nodiscard]] auto as_date() const -> const date* { return kind == kind_t::date ? &day : nullptr; }
  [[nodiscard]] auto as_array() const -> const std::vector<node>* {
    return kind == kind_t::array ? &items : nullptr;
  }
  [[nodiscard]] auto as_table() const -> const node* { return kind == kind_t::table ? this : nullptr; }
  /// The value of `key` in a table, or null.
  [[nodiscard]] auto get(std::string_view key) const -> const node*;
  [[nodiscard]] auto contains(std::string_view key) const -> bool { return get(key) != nullptr; }
};

struct entry {
  std::string key;
  source_location where;  ///< where the key is written
  node value;
};

inline auto node::get(std::string_view key) const -> const node* {
  for (const entry& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

/// Parses TOML `text`; a syntax error becomes one diagnostic in `errors`
/// ("TOML syntax error: ...", at the error's position) and nullopt.
[[nodiscard]] auto read_toml(std::string_view text, const std::string& file, std::vector<diagnostic>& errors)
    -> std::optional<node>;

}  // namespace yibao::tariff_detail
