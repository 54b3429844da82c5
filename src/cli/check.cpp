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
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "policy_view.hpp"
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

auto describe(const combo& c) -> std::string {
  std::string where{to_string(c.where)};
  if (c.where != location::local) where += fmt::format("/{}", to_string(c.filed));
  std::string out = fmt::format("{} {} {} level {} {}", to_string(c.sch), to_string(c.st), to_string(c.type), c.level,
                                where);
  if (c.grp != group::none) out += fmt::format(" group {}", to_string(c.grp));
  if (c.admission != 1) out += fmt::format(" admission {}", c.admission);
  if (!c.disease.empty()) out += fmt::format(" disease {}", c.disease);
  return out;
}

/// The last applied rule of `lp` for which `has` holds, or nullptr.
template <typename Pred>
auto last_setter_of(const layer_policy& lp, Pred has) -> const rule* {
  for (auto it = lp.applied.rbegin(); it != lp.applied.rend(); ++it) {
    if (has(**it)) return *it;
  }
  return nullptr;
}

auto warning(const source_location& at, std::string path, std::string message) -> diagnostic {
  return {severity::warning, at, std::move(path), std::move(message)};
}

/// The settings a rule may make, as "is it set" tests.
auto settings() -> const std::vector<bool (*)(const rule&)>& {
  static const std::vector<bool (*)(const rule&)> all{
      [](const rule& r) { return r.deductible.has_value(); }, [](const rule& r) { return r.per.has_value(); },
      [](const rule& r) { return r.bands.has_value(); },      [](const rule& r) { return r.method.has_value(); },
      [](const rule& r) { return r.basis.has_value(); },      [](const rule& r) { return r.cap.has_value(); },
      [](const rule& r) { return r.floor.has_value(); },      [](const rule& r) { return r.reimbursed.has_value(); },
      [](const rule& r) { return r.reason.has_value(); },     [](const rule& r) { return r.first_pay.has_value(); },
      [](const rule& r) { return r.transfer_difference.has_value(); }};
  return all;
}

/// Checks that need the resolved policy of every combination, which the
/// loader (one rule at a time) cannot make: a cap below a deductible set by
/// another rule, adjusted rates clipped to 0..100%, rules that match no visit
/// and rules whose every setting a later rule replaces.
auto semantic_checks(const tariff& t) -> std::vector<diagnostic> {
  std::vector<diagnostic> out;
  combo_space space = combo_space::all();
  space.add_breakpoints(t);
  const std::size_t n = t.rules.size();
  std::vector<bool> matched(n, false);
  std::vector<bool> effective(n, false);
  std::vector<const rule*> overridden_by(n, nullptr);
  std::set<std::pair<const rule*, const rule*>> cap_seen;
  std::set<std::pair<const rule*, const rule*>> whole_seen;
  std::set<std::tuple<const rule*, std::size_t, std::int64_t>> clip_seen;
  auto index_of = [&t](const rule* r) { return static_cast<std::size_t>(r - t.rules.data()); };

  // One disease at a time, resolving only the rules that can match it: the
  // combinations are streamed, never held (issue #10: 400 per-disease rules
  // held 1.6 GB of combinations and resolved each against all 400 rules).
  std::optional<disease_slice> slice;
  std::string slice_disease;
  space.for_each([&](const combo& c) {
    if (!slice || c.disease != slice_disease) {
      slice_disease = c.disease;
      slice.emplace(t, c.disease);
    }
    const resolved_policy rp = slice->resolve(c);
    for (const layer_policy& lp : rp.layers) {
      for (const rule* r : lp.applied) matched[index_of(r)] = true;
      // Which rule's value survives for each setting.
      for (auto is_set : settings()) {
        const rule* last = nullptr;
        for (const rule* r : lp.applied) {
          if (!is_set(*r)) continue;
          if (last && !overridden_by[index_of(last)]) overridden_by[index_of(last)] = r;
          last = r;
        }
        if (last) effective[index_of(last)] = true;
      }
      if (!lp.active) continue;
      const auto cap_rules = last_setter_of(lp, [](const rule& r) { return r.cap.has_value(); });
      const auto ded_rules = last_setter_of(lp, [](const rule& r) { return r.deductible.has_value(); });
      if (lp.cap && *lp.cap < lp.deductible && cap_rules) {
        const rule* rc = cap_rules;
        const rule* rd = ded_rules;
        // The loader already warns when one rule writes both figures.
        const bool same = rc == rd && rd->deductible && *rd->deductible == lp.deductible;
        if (!same && cap_seen.insert({rc, rd}).second) {
          out.push_back(warning(rc->origin.where, rule_path(t, *rc) + ".cap",
                                fmt::format("expected a cap of at least the deductible {}{} for {}, found {}",
                                            lp.deductible.to_string(),
                                            rd ? " set by " + rule_where(*rd) : std::string{}, describe(c),
                                            lp.cap->to_string())));
        }
      }
      const rule* rb = last_setter_of(lp, [](const rule& r) { return r.bands.has_value(); });
      // The loader refuses one rule writing both; here method and bands come from different rules.
      if (rb && lp.method == band_method::whole && lp.bands.back().upto &&
          whole_seen.insert({rb, last_setter_of(lp, [](const rule& r) { return r.method.has_value(); })}).second) {
        out.push_back(warning(rb->origin.where, fmt::format("{}.bands[{}].upto", rule_path(t, *rb), lp.bands.size() - 1),
                              fmt::format("expected a last band without an upper edge under the \"whole\" method, "
                                          "found {} for {} (a total above it pays nothing at all)",
                                          lp.bands.back().upto->to_string(), describe(c))));
      }
      for (std::size_t k = 0; rb && k < lp.bands.size(); ++k) {
        const band& b = lp.bands[k];
        const ratio raw = b.rate + lp.adjustment;
        const bool above = raw > ratio::one();
        const bool below = raw < ratio{} && lp.rate(b) == ratio{};
        if ((above || below) && clip_seen.insert({rb, k, lp.adjustment.ppm()}).second) {
          out.push_back(warning(rb->origin.where, fmt::format("{}.bands[{}].ratio", rule_path(t, *rb), k),
                                fmt::format("expected an adjusted rate within 0%..100%, found {} {} points = {} "
                                            "for {} (clipped to {})",
                                            percent(b.rate), signed_points(lp.adjustment), percent(raw), describe(c),
                                            above ? "100%" : "0%")));
        }
      }
    }
  });
  for (std::size_t i = 0; i < n; ++i) {
    const rule& r = t.rules[i];
    if (!matched[i]) {
      const bool local_only = r.when.filing_constrained() &&
                              (r.when.locations & static_cast<std::uint8_t>(0x07U & ~1U)) == 0;
      out.push_back(warning(r.origin.where, rule_path(t, r) + ".when",
                            local_only ? "expected a selector some visit matches, found a filing condition on "
                                         "local visits only (filing never matches a local visit)"
                                       : "expected a selector some visit matches, found none"));
      continue;
    }
    const bool adjusts = r.add || r.deductible_factor || r.deductible_minus;
    bool sets = false;
    for (auto is_set : settings()) sets = sets || is_set(r);
    if (sets && !adjusts && !effective[i] && overridden_by[i]) {
      out.push_back(warning(r.origin.where, rule_path(t, r),
                            "expected a rule that takes effect for some visit, found every value it sets replaced "
                            "by a later rule such as " + rule_where(*overridden_by[i]) +
                                " (an exception must follow the general rule)"));
    }
  }
  return out;
}

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
    std::vector<diagnostic> semantic;
    try {
      semantic = semantic_checks(t);
    } catch (const std::overflow_error&) {  // a tariff problem the loader's bounds missed, not an internal error
      semantic.push_back({severity::error, t.info.origin.where, "", tariff_overflow_message});
    }
    auto file_rank = [&t](const std::string& file) {  // parents first, as the loader orders its diagnostics
      const auto it = std::find(t.info.extends.begin(), t.info.extends.end(), file);
      return static_cast<std::size_t>(it - t.info.extends.begin());
    };
    std::stable_sort(semantic.begin(), semantic.end(), [&file_rank](const diagnostic& a, const diagnostic& b) {
      return std::tuple(file_rank(a.where.file), a.where.line, a.where.column) <
             std::tuple(file_rank(b.where.file), b.where.line, b.where.column);
    });
    for (const diagnostic& d : semantic) emit(d);
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
