// yibao estimate: one bill in, a clear breakdown out.
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "render.hpp"
#include "yibao/engine.hpp"

namespace yibao::cli {
namespace {

struct estimate_options {
  std::vector<std::string> tariff_paths;  ///< one file, or versions (files or a directory)
  std::string catalog_path;
  std::string bill_path;
  bool json = false;
  bool explain = false;
  bool compare_filing = false;
  std::string filed_as;  ///< the filing of the "filed" column of --compare-filing
};

auto run_estimate(const estimate_options& o) -> int {
  int code = exit_ok;
  // One tariff file, or several versions of a place: the bill's date picks one.
  std::optional<tariff> single;
  std::optional<tariff_set> versions;
  const bool one_file = o.tariff_paths.size() == 1 && std::filesystem::is_regular_file(o.tariff_paths[0]);
  if (one_file) {
    single = load_tariff_file(o.tariff_paths[0], code);
    if (!single) return code;
  } else {
    versions = load_tariff_set(o.tariff_paths, code);
    if (!versions) return code;
  }
  auto c = load_catalog_file(o.catalog_path, code);
  if (!c) return code;
  auto text = read_file(o.bill_path, input_kind::bill);
  if (!text) {
    fmt::print(stderr, "yibao: {}\n", text.err().message);
    return exit_no_input;
  }
  auto parsed = parse_bill_json(text.value());
  if (!parsed) {
    fmt::print(stderr, "{}: error: {}\n", o.bill_path == "-" ? "<stdin>" : o.bill_path, terminal_safe(parsed.err().message));
    return exit_data;
  }
  const bill& b = parsed.value();
  const tariff* picked = single ? &*single : nullptr;
  if (!single) {
    auto in_force = versions->in_force(b.at.on);
    if (!in_force) {
      fmt::print(stderr, "{}: error: {}\n", o.bill_path == "-" ? "<stdin>" : o.bill_path, in_force.err().message);
      return exit_unavailable;
    }
    picked = in_force.value();
  }
  const tariff& t = *picked;

  // The settlements to show: as given (or as --filed-as says), or filed vs
  // unfiled side by side.
  std::vector<settle_options> runs;
  std::vector<std::string> titles;
  const std::optional<filing> filed_as = o.filed_as.empty() ? std::nullopt : parse_filing(o.filed_as);
  if (o.compare_filing) {
    filing filed = b.at.filed == filing::unfiled ? filing::temporary : b.at.filed;
    if (filed_as) filed = *filed_as;
    runs.push_back(settle_options{o.explain, filed});
    titles.push_back(fmt::format("filed ({})", to_string(filed)));
    runs.push_back(settle_options{o.explain, filing::unfiled});
    titles.emplace_back("unfiled");
  } else {
    runs.push_back(settle_options{o.explain, filed_as});
    titles.emplace_back(b.at.where == location::local ? "local" : std::string{to_string(filed_as.value_or(b.at.filed))});
  }
  std::vector<settlement> results;
  for (const settle_options& so : runs) {
    auto s = settle(t, *c, b, so);
    if (!s) {
      fmt::print(stderr, "{}: error: {}\n", o.bill_path == "-" ? "<stdin>" : o.bill_path, terminal_safe(s.err().message));
      return exit_code_for(s.err().code);
    }
    results.push_back(std::move(s).value());
  }

  std::string out;
  if (o.json) {
    if (results.size() == 1) {
      out = to_json(results[0]);
    } else {
      out = "{\"filed\":" + to_json(results[0]) + ",\"unfiled\":" + to_json(results[1]) + "}";
    }
    out += '\n';
  } else {
    std::vector<const settlement*> cols;
    for (const auto& s : results) cols.push_back(&s);
    out = render_breakdown(t, b, cols, titles);
    if (o.compare_filing && b.at.where == location::local) {
      out += "\nnote: the visit is local, so filing does not apply and both columns are the same.\n";
    } else if (filed_as && b.at.where == location::local) {
      out += "\nnote: the visit is local, so --filed-as does not apply.\n";
    }
    if (o.explain) {
      for (const auto& s : results) out += "\n" + render_trace(s);
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return exit_ok;  // main checks that stdout was written
}

}  // namespace

void setup_estimate(CLI::App& app, int& exit) {
  auto opts = std::make_shared<estimate_options>();
  CLI::App* sub = app.add_subcommand("estimate", "Settle one bill and print the breakdown");
  sub->add_option("--tariff,-t", opts->tariff_paths,
                  "Tariff TOML file of the insured place; repeat it or name a directory for several "
                  "versions, of which the bill's date picks the one in force")
      ->required()
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub->add_option("--catalog,-c", opts->catalog_path, "Catalog CSV of the place of treatment");
  sub->add_option("bill", opts->bill_path, "Bill JSON file, or - for stdin")->required();
  sub->add_flag("--json", opts->json, "Print the settlement as JSON");
  sub->add_flag("--explain", opts->explain, "Print the trace of every step");
  sub->add_flag("--compare-filing", opts->compare_filing, "Settle as filed and as unfiled, side by side");
  sub->add_option("--filed-as", opts->filed_as,
                  "Settle as if the visit had this filing; with --compare-filing, the filing of the filed "
                  "column (default: the bill's, or temporary if it is unfiled)")
      ->check(CLI::IsMember({"long_term", "temporary", "referral", "emergency", "unfiled"}));
  sub->callback([opts, &exit] { exit = run_estimate(*opts); });
}

}  // namespace yibao::cli
