#include "cli/common.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

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
  }
  return exit_software;
}

auto write_file_atomic(const std::string& path, const std::string& text) -> bool {
  const std::string tmp = path + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace yibao::cli
