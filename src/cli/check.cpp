// yibao check: validates tariffs and catalogs, compiler style, for analysts
// and CI. Diagnostics and the summary go to stdout.
//
// Exit codes: 0 no errors (warnings are printed), 1 warnings with --werror,
// 78 errors, 66 a file cannot be read.
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "tariff/semantic_checks.hpp"
#include "tariff/set_files.hpp"
#include "yibao/catalog.hpp"
#include "yibao/tariff_set.hpp"

namespace yibao::cli {
namespace {

// A diagnostic about a whole file (no line or column). Built member by member:
// GCC 12 at -O3 warns -Wmaybe-uninitialized on the nested aggregate.
auto file_error(const std::string& file, std::string message) -> diagnostic {
  diagnostic d;
  d.level = severity::error;
  d.where.file = file;
  d.message = std::move(message);
  return d;
}

struct check_options {
  std::vector<std::string> paths;
  bool werror = false;
};

/// One file and what loading it said.
struct checked_file {
  std::string path;
  std::vector<diagnostic> diagnostics;
  std::optional<tariff> loaded;  ///< a tariff that loaded
};

/// The files named: a directory stands for every *.toml and *.csv file
/// under it, at any depth (directory links are not followed), sorted. A
/// directory without any, or one that cannot be listed, is a diagnostic in
/// `problems`: checking nothing must not look like a success.
auto expand(const std::vector<std::string>& paths, std::vector<diagnostic>& problems) -> std::vector<std::string> {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(p, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const auto ext = it->path().extension();
      std::error_code type_ec;
      if ((ext == ".toml" || ext == ".csv") && !it->is_directory(type_ec)) found.push_back(it->path().generic_string());
    }
    if (ec) {
      problems.push_back(file_error(p, "cannot list the directory: " + ec.message()));
    } else if (found.empty()) {
      problems.push_back(file_error(p, "expected tariffs (*.toml) or catalogs (*.csv) in this directory, found none"));
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

auto ends_with(const std::string& s, std::string_view suffix) -> bool {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

auto run_check(const check_options& o) -> int {
  std::vector<diagnostic> listing;
  const std::vector<std::string> paths = expand(o.paths, listing);
  bool unreadable = !listing.empty();
  std::vector<checked_file> files;
  for (const std::string& path : paths) {
    checked_file f{path, {}, std::nullopt};
    const bool is_tariff = ends_with(path, ".toml");
    const bool is_catalog = ends_with(path, ".csv");
    std::optional<result<std::string>> text;
    if (is_tariff || is_catalog) text = read_file(path, is_tariff ? input_kind::tariff : input_kind::catalog);
    if (!is_tariff && !is_catalog) {
      f.diagnostics.push_back(file_error(path, "expected a tariff (.toml) or a catalog (.csv)"));
    } else if (!*text) {
      unreadable = true;
      // "cannot read tariff PATH: why" -> "cannot read the file: why" (the line names the file)
      const std::string& m = text->err().message;
      const std::size_t at = m.find(path + ": ");
      f.diagnostics.push_back(
          file_error(path, at == std::string::npos ? m : "cannot read the file: " + m.substr(at + path.size() + 2)));
    } else if (is_tariff) {
      auto t = parse_tariff_from(text->value(), path, file_tariff_source(), &f.diagnostics);
      if (t) {
        f.loaded = std::move(t).value();
      } else {
        f.diagnostics.insert(f.diagnostics.end(), t.err().diagnostics.begin(), t.err().diagnostics.end());
        if (t.err().diagnostics.empty()) f.diagnostics.push_back(file_error(path, t.err().message));
      }
    } else {
      auto c = parse_catalog_csv(text->value(), path);
      if (!c) {
        f.diagnostics = c.err().diagnostics;
        if (f.diagnostics.empty()) f.diagnostics.push_back(file_error(path, c.err().message));
      }
    }
    files.push_back(std::move(f));
  }

  // A file another checked tariff extends is checked through that tariff.
  std::vector<const tariff*> loaded;
  for (const checked_file& f : files) {
    if (f.loaded) loaded.push_back(&*f.loaded);
  }
  const std::set<std::string> bases = base_files(loaded);

  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::set<std::string> printed;  // a parent's diagnostics come once, not once per child
  auto emit = [&](const diagnostic& d) {
    std::string line = d.to_string();
    if (!printed.insert(line).second) return;
    ++(d.level == severity::error ? errors : warnings);
    fmt::print("{}\n", line);
  };
  for (const diagnostic& d : listing) emit(d);
  std::map<std::string, std::unique_ptr<tariff_set>> by_place;
  std::vector<std::string> places;  // in order of first appearance
  std::map<std::string, const tariff*> by_id;
  for (checked_file& f : files) {
    if (bases.count(normal_path(f.path))) continue;
    // Errors and warnings of a file in the order of their positions.
    std::map<std::string, std::size_t> rank;  // files in order of first appearance (parents first)
    for (const diagnostic& d : f.diagnostics) rank.emplace(d.where.file, rank.size());
    std::stable_sort(f.diagnostics.begin(), f.diagnostics.end(), [&rank](const diagnostic& a, const diagnostic& b) {
      return std::tuple(rank[a.where.file], a.where.line, a.where.column) <
             std::tuple(rank[b.where.file], b.where.line, b.where.column);
    });
    for (const diagnostic& d : f.diagnostics) emit(d);
    if (!f.loaded) continue;
    const tariff& t = *f.loaded;
    for (const diagnostic& d : semantic_checks(t)) emit(d);
    if (auto [it, fresh] = by_id.emplace(t.info.id, &t); !fresh) {
      emit({severity::error, t.info.origin.where, "tariff.id",
            fmt::format("expected an id no other tariff has, found \"{}\" as in {}", t.info.id,
                        it->second->info.origin.where.to_string())});
    }
    auto& set = by_place[t.info.place];
    if (!set) {
      set = std::make_unique<tariff_set>();
      places.push_back(t.info.place);
    }
    set->add(t, window_origin_of(t));
  }
  // Versions of the same place: overlaps and gaps between their windows.
  for (const std::string& place : places) {
    for (const diagnostic& d : by_place[place]->check_windows()) emit(d);
  }

  fmt::print("{} file{}, {} error{}, {} warning{}\n", files.size(), files.size() == 1 ? "" : "s", errors,
             errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  std::fflush(stdout);
  if (unreadable) return exit_no_input;
  if (errors > 0) return exit_config;
  if (warnings > 0 && o.werror) return exit_failure;
  return exit_ok;
}

}  // namespace

void setup_check(CLI::App& app, int& exit) {
  auto opts = std::make_shared<check_options>();
  CLI::App* sub = app.add_subcommand(
      "check", "Validate tariffs (*.toml) and catalogs (*.csv); exit 0 no errors, 1 warnings with --werror, "
               "78 errors, 66 unreadable file");
  sub->add_option("files", opts->paths, "Tariff and catalog files, or directories of them")->required();
  sub->add_flag("--werror", opts->werror, "Treat warnings as errors (exit 1 when there are warnings)");
  sub->callback([opts, &exit] { exit = run_check(*opts); });
}

}  // namespace yibao::cli
