// The yibao command-line tool: owns stdout, stderr and exit codes.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "output_file.hpp"
#include "yibao/version.hpp"

namespace {
auto stdout_lost() -> int {
  fmt::print(stderr, "yibao: cannot write to standard output: {}\n", std::strerror(errno));
  return yibao::cli::exit_cant_create;
}
}  // namespace

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
  // A closed pipe is an error to report (exit 73), not a signal to die of.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    const int r = app.exit(e);
    return stdout_ok() ? r : stdout_lost();
  } catch (const CLI::CallForAllHelp& e) {
    const int r = app.exit(e);
    return stdout_ok() ? r : stdout_lost();
  } catch (const CLI::CallForVersion& e) {
    const int r = app.exit(e);
    return stdout_ok() ? r : stdout_lost();
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_usage;
  } catch (const std::bad_alloc&) {
    std::fputs("yibao: out of memory\n", stderr);  // no allocation on this path
    return exit_os_error;
  } catch (const std::exception& e) {
    if (!stdout_ok()) return stdout_lost();  // fmt::print throws when stdout fails
    fmt::print(stderr, "yibao: internal error: {}\n", e.what());
    return exit_software;
  }
  // Every command's stdout is checked here, once: what was printed must have
  // been written (a full disk, a closed pipe), or the run fails with 73. An
  // error code the command already chose (64 and above) stands.
  if (!stdout_ok() && exit < exit_usage) return stdout_lost();
  return exit;
}
