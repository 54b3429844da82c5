#pragma once
// Test helpers shared by the tests that read files of the source tree: the
// golden cases, tariffs and bills.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace yibao_test {

inline const std::filesystem::path source_dir{YIBAO_SOURCE_DIR};

/// A whole file, or nullopt if it cannot be read.
inline auto read_text(const std::filesystem::path& p) -> std::optional<std::string> {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// The file names of tests/golden/*.json, sorted.
inline auto golden_files() -> std::vector<std::string> {
  std::vector<std::string> out;
  const std::filesystem::path dir = source_dir / "tests" / "golden";
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace yibao_test
