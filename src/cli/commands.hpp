#pragma once
// One file per subcommand, each a setup_*/run_* pair (CLI11 subcom_in_files).
#include <CLI/CLI.hpp>

namespace yibao::cli {

/// Registers `yibao estimate`; the run sets `exit` when the subcommand runs.
void setup_estimate(CLI::App& app, int& exit);
/// Registers `yibao check`: validate tariffs and catalogs.
void setup_check(CLI::App& app, int& exit);
/// Registers `yibao show`: the resolved tariff as tables.
void setup_show(CLI::App& app, int& exit);
/// Registers `yibao diff`: what changed between two tariffs.
void setup_diff(CLI::App& app, int& exit);

/// Registers `yibao simulate`: settle many bills and summarise.
void setup_simulate(CLI::App& app, int& exit);
/// Registers `yibao generate`: a synthetic population of bills.
void setup_generate(CLI::App& app, int& exit);

}  // namespace yibao::cli
