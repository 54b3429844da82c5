#pragma once
// Input files of the bulk commands: streams for yibao::sim (outputs:
// output_file.hpp).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "yibao/simulate.hpp"

namespace yibao::cli {

/// "bills.csv" -> "bills.lines.csv" (the default lines file of a bills CSV).
[[nodiscard]] auto lines_file_for(const std::string& bills_csv) -> std::string;

/// Owns the open input files; their readers stay valid while it lives.
class input_files {
 public:
  input_files() = default;
  input_files(const input_files&) = delete;
  auto operator=(const input_files&) -> input_files& = delete;
  ~input_files();
  /// Opens `path` ("-": stdin) and, for CSV, `lines`; prints why on failure.
  [[nodiscard]] auto open(const std::string& path, sim::input_format format, const std::string& lines)
      -> std::optional<sim::input>;

 private:
  auto open_one(const std::string& path) -> std::FILE*;
  std::vector<std::FILE*> files_;
};

}  // namespace yibao::cli
