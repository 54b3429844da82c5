#include "common.hpp"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

namespace yibao::cli {

auto read_file(const std::string& path, input_kind kind) -> result<std::string> {
  if (path == "-") return read_input_stream(std::cin, "<stdin>", kind);
  return read_input_file(path, kind);
}

namespace {
// Every diagnostic of a failed load, or its message when it has none.
void print_load_error(const std::string& path, const error& e) {
  for (const auto& d : e.diagnostics) fmt::print(stderr, "{}\n", d.to_string());
  if (e.diagnostics.empty()) fmt::print(stderr, "{}: error: {}\n", path, e.message);
}
}  // namespace

auto load_tariff_file(const std::string& path, int& code, bool print_warnings) -> std::optional<tariff> {
  auto text = read_file(path, input_kind::tariff);
  if (!text) {
    fmt::print(stderr, "yibao: {}\n", text.err().message);
    code = exit_no_input;
    return std::nullopt;
  }
  std::vector<diagnostic> warnings;
  auto loaded = parse_tariff_from(text.value(), path, file_tariff_source(), &warnings);
  if (print_warnings) {
    for (const auto& w : warnings) fmt::print(stderr, "{}\n", w.to_string());
  }
  if (!loaded) {
    print_load_error(path, loaded.err());
    code = exit_config;
    return std::nullopt;
  }
  return std::move(loaded).value();
}

auto load_tariff_set(const std::vector<std::string>& paths, int& code) -> std::optional<tariff_set> {
  auto loaded = yibao::load_tariff_set(paths);
  if (loaded) return std::move(loaded).value();
  // A diagnostic without a file is about the paths themselves.
  for (const diagnostic& d : loaded.err().diagnostics) {
    if (d.where.file.empty()) {
      fmt::print(stderr, "yibao: {}\n", d.message);
    } else {
      fmt::print(stderr, "{}\n", d.to_string());
    }
  }
  code = loaded.err().code == errc::io_error ? exit_no_input : exit_config;
  return std::nullopt;
}

auto load_catalog_file(const std::string& path, int& code) -> std::optional<catalog> {
  if (path.empty()) return catalog{};
  auto text = read_file(path, input_kind::catalog);
  if (!text) {
    fmt::print(stderr, "yibao: {}\n", text.err().message);
    code = exit_no_input;
    return std::nullopt;
  }
  auto loaded = parse_catalog_csv(text.value(), path);
  if (!loaded) {
    print_load_error(path, loaded.err());
    code = exit_config;
    return std::nullopt;
  }
  return std::move(loaded).value();
}

auto exit_code_for(errc code) -> int {
  switch (code) {
    case errc::ok: return exit_ok;
    case errc::invalid_argument:
    case errc::not_found: return exit_data;
    case errc::failed_precondition:
    case errc::out_of_range: return exit_unavailable;
    case errc::io_error: return exit_no_input;
    case errc::internal: return exit_software;
    case errc::out_of_memory: return exit_os_error;
  }
  return exit_software;
}

auto integer_in(std::uint64_t lo, std::uint64_t hi) -> CLI::Validator {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        std::uint64_t v = 0;
        const char* end = text.data() + text.size();
        const auto r = std::from_chars(text.data(), end, v);
        const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || r.ec != std::errc{} || r.ptr != end || v < lo || v > hi) {
          return fmt::format("expected a whole number from {} to {}, found {}", lo, hi, text);
        }
        text = std::to_string(v);
        return {};
      },
      fmt::format("INT in [{} - {}]", lo, hi));
}

}  // namespace yibao::cli
