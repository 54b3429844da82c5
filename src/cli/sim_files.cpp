#include "sim_files.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "common.hpp"

namespace yibao::cli {

auto lines_file_for(const std::string& bills_csv) -> std::string {
  const std::string_view s = bills_csv;
  if (s.size() >= 4 && s.substr(s.size() - 4) == ".csv") return bills_csv.substr(0, s.size() - 4) + ".lines.csv";
  return bills_csv + ".lines.csv";
}

input_files::~input_files() {
  for (std::FILE* f : files_) {
    if (f != stdin) std::fclose(f);
  }
}

auto input_files::open_one(const std::string& path) -> std::FILE* {
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    fmt::print(stderr, "yibao: cannot read {}\n", path);
    return nullptr;
  }
  files_.push_back(f);
  return f;
}

namespace {

auto reader_for(std::FILE* f) -> sim::read_fn {
  return [f](char* buf, std::size_t cap) -> std::ptrdiff_t {
    const std::size_t got = std::fread(buf, 1, cap, f);
    if (got == 0 && std::ferror(f) != 0) return -1;
    return static_cast<std::ptrdiff_t>(got);
  };
}

auto size_of(const std::string& path) -> std::uint64_t {
  std::error_code ec;
  const auto n = path == "-" ? 0 : std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

}  // namespace

auto input_files::open(const std::string& path, sim::input_format format, const std::string& lines)
    -> std::optional<sim::input> {
  sim::input in;
  in.format = format;
  in.name = path == "-" ? "<stdin>" : path;
  std::FILE* f = open_one(path);
  if (f == nullptr) return std::nullopt;
  in.read = reader_for(f);
  in.size = size_of(path);
  if (format == sim::input_format::csv) {
    std::FILE* l = open_one(lines);
    if (l == nullptr) return std::nullopt;
    in.lines_name = lines;
    in.read_lines = reader_for(l);
    in.size += size_of(lines);
  }
  return in;
}

}  // namespace yibao::cli
