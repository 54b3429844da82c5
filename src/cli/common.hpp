#pragma once
// Shared pieces of the command-line tool: exit codes, file reading, loading
// tariffs and catalogs with diagnostics printed to stderr.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "yibao/catalog.hpp"
#include "yibao/input.hpp"
#include "yibao/tariff.hpp"
#include "yibao/tariff_set.hpp"

namespace yibao::cli {

/// Exit codes (sysexits.h values; documented in README.md).
enum exit_code : int {
  exit_ok = 0,
  exit_failure = 1,      ///< a check found problems (yibao check), or a partial run
  exit_usage = 64,       ///< bad command line
  exit_data = 65,        ///< invalid bill or input row
  exit_no_input = 66,    ///< an input file cannot be opened
  exit_unavailable = 69, ///< the tariff does not apply to the bill (date, no rule)
  exit_software = 70,    ///< internal error (a bug: errc::internal, an escaped exception)
  exit_os_error = 71,    ///< out of memory (errc::out_of_memory, std::bad_alloc)
  exit_cant_create = 73, ///< an output file cannot be written
  exit_config = 78,      ///< invalid tariff or catalog
};

/// Reads a whole input file ("-" is stdin) within the size limit of its
/// kind (yibao/input.hpp); the error's message says why it cannot be read.
[[nodiscard]] auto read_file(const std::string& path, input_kind kind) -> result<std::string>;

/// Loads a tariff, printing every diagnostic (and warning) to stderr.
/// On failure returns nullopt and sets `code`.
[[nodiscard]] auto load_tariff_file(const std::string& path, int& code, bool print_warnings = false)
    -> std::optional<tariff>;

/// Loads the versions of one place (yibao::load_tariff_set: files, or
/// directories of *.toml), printing every error to stderr. On failure returns
/// nullopt and sets `code` (exit_no_input, exit_config).
[[nodiscard]] auto load_tariff_set(const std::vector<std::string>& paths, int& code) -> std::optional<tariff_set>;

/// Loads a catalog CSV (empty path: an empty catalog), printing diagnostics.
[[nodiscard]] auto load_catalog_file(const std::string& path, int& code) -> std::optional<catalog>;

/// The exit code for an engine error code.
[[nodiscard]] auto exit_code_for(errc code) -> int;

/// A CLI11 transform for an integer option (->transform, not ->check: it
/// rewrites the text): plain decimal digits (no sign, no 0x, no overflow)
/// between `lo` and `hi`, leading zeros dropped so that CLI11 does not read
/// "010" as octal.
[[nodiscard]] auto integer_in(std::uint64_t lo, std::uint64_t hi) -> CLI::Validator;

}  // namespace yibao::cli
