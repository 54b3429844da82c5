// yibao generate: a synthetic population of bills for yibao simulate.
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/sim_files.hpp"
#include "yibao/simulate.hpp"

namespace yibao::cli {
namespace {

struct generate_options {
  sim::generate_options gen;
  std::string format = "jsonl";
  std::string out_path;
  std::string lines_path;
};

auto run_generate(generate_options o) -> int {
  o.gen.format = o.format == "csv" ? sim::input_format::csv : sim::input_format::jsonl;
  if (o.gen.years < 1 || o.gen.years > 50) {
    fmt::print(stderr, "yibao: --years must be between 1 and 50\n");
    return exit_usage;
  }
  atomic_output bills{o.out_path};
  if (!bills.ok()) return exit_cant_create;
  std::unique_ptr<atomic_output> lines;
  if (o.gen.format == sim::input_format::csv) {
    lines = std::make_unique<atomic_output>(o.lines_path.empty() ? lines_file_for(o.out_path) : o.lines_path);
    if (!lines->ok()) return exit_cant_create;
  }
  const bool ok = sim::generate(
      o.gen, [&](std::string_view t) { return bills.write(t); },
      [&](std::string_view t) { return lines && lines->write(t); });
  if (!ok || !bills.commit() || (lines && !lines->commit())) {
    fmt::print(stderr, "yibao: cannot write {}\n", o.out_path);
    return exit_cant_create;
  }
  return exit_ok;
}

}  // namespace

void setup_generate(CLI::App& app, int& exit) {
  auto opts = std::make_shared<generate_options>();
  CLI::App* sub = app.add_subcommand("generate", "Write a synthetic population of bills (JSON Lines or CSV)");
  sub->add_option("--people,-n", opts->gen.people, "Number of people")->required();
  sub->add_option("--seed,-s", opts->gen.seed, "Random seed (the same seed gives the same bytes)");
  sub->add_option("--year", opts->gen.first_year, "First calendar year of the bills (default 2025)");
  sub->add_option("--years", opts->gen.years, "Number of years (default 1)");
  sub->add_option("--format,-f", opts->format, "jsonl | csv")->check(CLI::IsMember({"jsonl", "csv"}));
  sub->add_option("--out,-o", opts->out_path, "Output file (CSV: the bills file)")->required();
  sub->add_option("--lines", opts->lines_path, "CSV: the lines file (default: OUT with .lines.csv)");
  sub->callback([opts, &exit] { exit = run_generate(*opts); });
}

}  // namespace yibao::cli
