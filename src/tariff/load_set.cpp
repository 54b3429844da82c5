// Loading the versions of one place (a tariff set) from files and
// directories: yibao::load_tariff_set (include/yibao/tariff_set.hpp) and the
// helpers of tariff/set_files.hpp. Nothing is printed: every problem comes
// back as a diagnostic.
#include <algorithm>
#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include "tariff/set_files.hpp"
#include "yibao/input.hpp"

namespace yibao {
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

/// An error without a position: the CLI prints it as "yibao: MESSAGE".
auto plain_error(std::string message) -> diagnostic {
  diagnostic d;
  d.level = severity::error;
  d.message = std::move(message);
  return d;
}

/// A failed load: the first problem as the message, all of them as diagnostics.
auto failure(errc code, std::vector<diagnostic> diagnostics) -> error {
  error e;
  e.code = code;
  const diagnostic& first = diagnostics.front();
  e.message = first.where.file.empty() ? first.message : first.to_string();
  e.path = first.key_path;
  e.diagnostics = std::move(diagnostics);
  return e;
}

}  // namespace

auto normal_path(const std::string& path) -> std::string {
  return fs::path(path).lexically_normal().generic_string();
}

auto expand_tariff_paths(const std::vector<std::string>& paths, std::vector<diagnostic>& errors)
    -> std::vector<std::string> {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        if (e.path().extension() == ".toml" && !e.is_directory()) found.push_back(e.path().generic_string());
      }
      if (ec) errors.push_back(plain_error("cannot read directory " + p));
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      errors.push_back(plain_error("cannot read tariff " + p));
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
    const auto read = read_input_file(f, input_kind::tariff);
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

auto load_tariff_set(const std::vector<std::string>& paths, std::vector<diagnostic>* warnings) -> result<tariff_set> {
  std::vector<diagnostic> errors;
  const std::vector<std::string> files = expand_tariff_paths(paths, errors);
  if (!errors.empty()) return failure(errc::io_error, std::move(errors));
  std::vector<tariff> loaded;
  errc code = errc::ok;  // of the last file that failed
  for (const std::string& f : files) {
    auto t = load_tariff_file(f, warnings);
    if (t) {
      loaded.push_back(std::move(t).value());
      continue;
    }
    error e = std::move(t).err();
    if (e.code == errc::io_error) {
      code = errc::io_error;
      errors.push_back(plain_error(std::move(e.message)));
      continue;
    }
    code = errc::invalid_argument;
    if (e.diagnostics.empty()) {
      diagnostic d = plain_error(std::move(e.message));
      d.where.file = f;
      errors.push_back(std::move(d));
    }
    errors.insert(errors.end(), e.diagnostics.begin(), e.diagnostics.end());
  }
  if (!errors.empty()) return failure(code, std::move(errors));
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
    std::string names;
    for (const std::string& p : paths) names += (names.empty() ? "" : ", ") + p;
    errors.push_back(plain_error("no tariff found in " + names));
    return failure(errc::io_error, std::move(errors));
  }
  for (diagnostic& d : set.check_windows()) {
    if (d.level == severity::error) {
      errors.push_back(std::move(d));
    } else if (warnings != nullptr) {
      warnings->push_back(std::move(d));
    }
  }
  if (!errors.empty()) return failure(errc::invalid_argument, std::move(errors));
  return set;
}

}  // namespace yibao
