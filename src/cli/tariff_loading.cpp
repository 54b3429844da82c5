#include "tariff_loading.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common.hpp"

namespace yibao::cli {
namespace {

namespace fs = std::filesystem;

auto trim_left(std::string_view s) -> std::size_t {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

/// Position of `key = ...` in the [tariff] table of TOML `text` (or of a
/// dotted `tariff.key = ...` at the top level). A line scan, not a parser: the
/// file has already been loaded, so it is valid TOML.
auto find_tariff_key(std::string_view text, const std::string& file, std::string_view key)
    -> std::optional<source_location> {
  std::string table;  // current table header, "" for the root
  std::uint32_t line_no = 0;
  for (std::size_t pos = 0; pos <= text.size();) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    const std::size_t i = trim_left(line);
    std::string_view rest = line.substr(i);
    if (rest.starts_with('[')) {
      const std::size_t close = rest.find(']');
      std::string_view name = rest.substr(1, close == std::string_view::npos ? 0 : close - 1);
      if (name.starts_with('[')) name.remove_prefix(1);
      table = std::string(name.substr(trim_left(name)));
      while (!table.empty() && (table.back() == ' ' || table.back() == '\t')) table.pop_back();
      continue;
    }
    std::string_view want_prefix;
    if (table == "tariff") {
      want_prefix = "";
    } else if (table.empty() && rest.starts_with("tariff.")) {
      want_prefix = "tariff.";
    } else {
      continue;
    }
    rest.remove_prefix(want_prefix.size());
    if (!rest.starts_with(key)) continue;
    const std::string_view after = rest.substr(key.size());
    const std::size_t j = trim_left(after);
    if (j < after.size() && after[j] == '=') {
      return source_location{file, line_no, static_cast<std::uint32_t>(i + 1)};
    }
  }
  return std::nullopt;
}

}  // namespace

auto normal_path(const std::string& path) -> std::string {
  return fs::path(path).lexically_normal().generic_string();
}

auto expand_tariff_paths(const std::vector<std::string>& paths, int& code) -> std::vector<std::string> {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        if (e.path().extension() == ".toml" && !e.is_directory()) found.push_back(e.path().generic_string());
      }
      if (ec) {
        fmt::print(stderr, "yibao: cannot read directory {}\n", p);
        code = exit_no_input;
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      fmt::print(stderr, "yibao: cannot read tariff {}\n", p);
      code = exit_no_input;
    }
  }
  return out;
}

auto window_origin_of(const tariff& t) -> window_origin {
  window_origin w{t.info.origin.where, t.info.origin.where};
  // The key a child writes replaces its parents': look in the file itself first.
  std::vector<std::string> files{t.file};
  files.insert(files.end(), t.info.extends.rbegin(), t.info.extends.rend());
  bool from = false;
  bool to = false;
  for (const std::string& f : files) {
    if (from && to) break;
    const auto read = read_file(f, input_kind::tariff);
    if (!read) continue;
    const std::string* text = &read.value();
    if (!from) {
      if (auto at = find_tariff_key(*text, f, "valid_from")) w.valid_from = *at, from = true;
    }
    if (!to) {
      if (auto at = find_tariff_key(*text, f, "valid_to")) w.valid_to = *at, to = true;
    }
  }
  return w;
}

auto base_files(const std::vector<const tariff*>& tariffs) -> std::set<std::string> {
  std::set<std::string> out;
  for (const tariff* t : tariffs) {
    for (const std::string& f : t->info.extends) out.insert(normal_path(f));
  }
  return out;
}

auto load_tariff_set(const std::vector<std::string>& paths, int& code, bool print_warnings)
    -> std::optional<tariff_set> {
  const std::vector<std::string> files = expand_tariff_paths(paths, code);
  if (code != exit_ok) return std::nullopt;
  std::vector<tariff> loaded;
  for (const std::string& f : files) {
    auto t = load_tariff_file(f, code, print_warnings);
    if (t) loaded.push_back(std::move(*t));
  }
  if (code != exit_ok) return std::nullopt;
  std::vector<const tariff*> all;
  for (const tariff& t : loaded) all.push_back(&t);
  const std::set<std::string> bases = base_files(all);
  tariff_set set;
  for (tariff& t : loaded) {
    if (bases.count(normal_path(t.file))) continue;
    window_origin w = window_origin_of(t);
    set.add(std::move(t), std::move(w));
  }
  if (set.empty()) {
    fmt::print(stderr, "yibao: no tariff found in {}\n", fmt::join(paths, ", "));
    code = exit_no_input;
    return std::nullopt;
  }
  bool failed = false;
  for (const diagnostic& d : set.check_windows()) {
    failed = failed || d.level == severity::error;
    if (d.level == severity::error || print_warnings) fmt::print(stderr, "{}\n", d.to_string());
  }
  if (failed) {
    code = exit_config;
    return std::nullopt;
  }
  return set;
}

}  // namespace yibao::cli
