// The only translation unit that includes toml++: TOML text -> tree.hpp.

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tree.hpp"

namespace yibao::tariff_detail {
namespace {

auto at(const std::string& file, const toml::source_region& r) -> source_location {
  return {file, r.begin.line, r.begin.column};
}

auto convert(const toml::node& from, const std::string& file) -> node {
  node out;
  out.where = at(file, from.source());
  using k = node::kind_t;
  switch (from.type()) {
    case toml::node_type::string:
      out.kind = k::string;
      out.text = from.as_string()->get();
      break;
    case toml::node_type::integer:
      out.kind = k::integer;
      out.integer = from.as_integer()->get();
      break;
    case toml::node_type::floating_point: out.kind = k::floating; break;
    case toml::node_type::boolean:
      out.kind = k::boolean;
      out.boolean = from.as_boolean()->get();
      break;
    case toml::node_type::date: {
      out.kind = k::date;
      const toml::date d = from.as_date()->get();
      out.day = date{static_cast<std::int16_t>(d.year), static_cast<std::int8_t>(d.month),
                     static_cast<std::int8_t>(d.day)};
      break;
    }
    case toml::node_type::time: out.kind = k::time; break;
    case toml::node_type::date_time: out.kind = k::date_time; break;
    case toml::node_type::array:
      out.kind = k::array;
      for (const toml::node& item : *from.as_array()) out.items.push_back(convert(item, file));
      break;
    case toml::node_type::table:
    default:
      out.kind = k::table;
      if (const auto* t = from.as_table()) {
        for (auto&& [key, value] : *t) {
          out.entries.push_back(entry{std::string(key.str()), at(file, key.source()), convert(value, file)});
        }
      }
      break;
  }
  return out;
}

void syntax_error(const toml::parse_error& e, const std::string& file, std::vector<diagnostic>& errors) {
  diagnostic d;
  d.where = at(file, e.source());
  d.message = "TOML syntax error: " + std::string(e.description());
  errors.push_back(std::move(d));
}

}  // namespace

auto read_toml(std::string_view text, const std::string& file, std::vector<diagnostic>& errors)
    -> std::optional<node> {
#if TOML_EXCEPTIONS
  try {
    const toml::table root = toml::parse(text, file);
    node out = convert(root, file);
    out.where = {file, 1, 1};
    return out;
  } catch (const toml::parse_error& e) {
    syntax_error(e, file, errors);
    return std::nullopt;
  }
#else
  const toml::parse_result parsed = toml::parse(text, file);
  if (!parsed) {
    syntax_error(parsed.error(), file, errors);
    return std::nullopt;
  }
  node out = convert(parsed.table(), file);
  out.where = {file, 1, 1};
  return out;
#endif
}

}  // namespace yibao::tariff_detail
