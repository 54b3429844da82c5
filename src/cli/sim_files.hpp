#pragma once
// Files of the bulk commands: input streams for yibao::sim, outputs written
// to a temporary file and renamed into place.
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

/// An output file written to `path.partial` and renamed to `path` on commit;
/// removed if never committed.
class atomic_output {
 public:
  explicit atomic_output(std::string path);
  atomic_output(const atomic_output&) = delete;
  auto operator=(const atomic_output&) -> atomic_output& = delete;
  ~atomic_output();
  [[nodiscard]] auto ok() const -> bool { return file_ != nullptr; }
  [[nodiscard]] auto write(std::string_view text) -> bool;
  [[nodiscard]] auto commit() -> bool;
  [[nodiscard]] auto path() const -> const std::string& { return path_; }

 private:
  std::string path_, tmp_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

}  // namespace yibao::cli
