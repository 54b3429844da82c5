// yibao generate: a synthetic population of bills for yibao simulate.
#include <cstdint>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "output_file.hpp"
#include "sim_files.hpp"
#include "yibao/simulate.hpp"

namespace yibao::cli {
namespace {

constexpr int min_year = 1900, max_year = 9999;  // the dates a bill may carry
constexpr std::uint64_t max_people = 1'000'000'000;

struct generate_options {
  sim::generate_options gen;
  std::string format = "jsonl";
  std::string out_path;
  std::string lines_path;
};

auto run_generate(generate_options o) -> int {
  o.gen.format = o.format == "csv" ? sim::input_format::csv : sim::input_format::jsonl;
  // Every date must stay within what a bill may carry (1900-9999).
  if (o.gen.first_year + o.gen.years - 1 > max_year) {
    fmt::print(stderr, "yibao: --year {} with --years {} runs past {}\n", o.gen.first_year, o.gen.years, max_year);
    return exit_usage;
  }
  const bool csv = o.gen.format == sim::input_format::csv;
  if (csv && o.lines_path.empty() && is_written_through(o.out_path)) {
    fmt::print(stderr, "yibao: --out {} is not a file: name the lines file with --lines\n", o.out_path);
    return exit_usage;
  }
  output_file bills{o.out_path};
  if (!bills.ok()) return exit_cant_create;
  std::unique_ptr<output_file> lines;
  if (csv) {
    lines = std::make_unique<output_file>(o.lines_path.empty() ? lines_file_for(o.out_path) : o.lines_path);
    if (!lines->ok()) return exit_cant_create;
  }
  const bool ok = sim::generate(
      o.gen, [&](std::string_view t) { return bills.write(t); },
      [&](std::string_view t) { return lines && lines->write(t); });
  // The messages are output_file's.
  if (!ok || !bills.flush() || (lines && !lines->flush())) return exit_cant_create;
  if (!bills.commit() || (lines && !lines->commit())) return exit_cant_create;
  return exit_ok;
}

}  // namespace

void setup_generate(CLI::App& app, int& exit) {
  auto opts = std::make_shared<generate_options>();
  CLI::App* sub = app.add_subcommand("generate", "Write a synthetic population of bills (JSON Lines or CSV)");
  sub->add_option("--people,-n", opts->gen.people, "Number of people (1 to 10^9)")
      ->required()
      ->transform(integer_in(1, max_people));
  sub->add_option("--seed,-s", opts->gen.seed, "Random seed (the same seed gives the same bytes)")
      ->transform(integer_in(0, UINT64_MAX));
  sub->add_option("--year", opts->gen.first_year, "First calendar year of the bills (default 2025)")
      ->transform(integer_in(min_year, max_year));
  sub->add_option("--years", opts->gen.years, "Number of years (1 to 50, default 1)")->transform(integer_in(1, 50));
  sub->add_flag("--more-visit-types", opts->gen.more_visit_types,
                "Also day_surgery and maternity visits (off by default: the shipped tariffs have no rule for them)");
  sub->add_option("--format,-f", opts->format, "jsonl | csv")->check(CLI::IsMember({"jsonl", "csv"}));
  sub->add_option("--out,-o", opts->out_path, "Output file, or - for stdout (CSV: the bills file)")->required();
  sub->add_option("--lines", opts->lines_path, "CSV: the lines file (default: OUT with .lines.csv; required when OUT is not a file)");
  sub->callback([opts, &exit] { exit = run_generate(*opts); });
}

}  // namespace yibao::cli
