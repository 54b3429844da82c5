// The yibao command-line tool: owns stdout, stderr and exit codes.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "yibao/version.hpp"

auto main(int argc, char** argv) -> int {
  using namespace yibao::cli;
  CLI::App app{"yibao: exact settlement of Chinese basic medical insurance bills (医保结算)"};
  app.set_version_flag("--version", yibao::version());
  app.require_subcommand(1);
  int exit = exit_ok;
  setup_estimate(app, exit);
  setup_simulate(app, exit);
  setup_generate(app, exit);
  setup_check(app, exit);
  setup_show(app, exit);
  setup_diff(app, exit);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_usage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "yibao: internal error: {}\n", e.what());
    return exit_software;
  }
  return exit;
}
