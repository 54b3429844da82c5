#pragma once
// Test helpers shared by the tests that read files of the source tree: the
// golden cases, tariffs and bills.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yibao_test {

inline const std::filesystem::path source_dir{YIBAO_SOURCE_DIR};

/// The [tariff] table of a minimal tariff (valid in 2025, half_up): tests
/// append the rules they need.
inline constexpr const char* minimal_tariff_head = R"([tariff]
id = "t"
name = "t"
place = "p"
valid_from = 2025-01-01
valid_to = 2025-12-31
rounding = "half_up"
)";

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

/// The lines of `text` ('\n'-separated, the last one may lack it).
inline auto split_lines(const std::string& text) -> std::vector<std::string> {
  std::vector<std::string> out;
  for (std::size_t p = 0; p < text.size();) {
    const std::size_t nl = text.find('\n', p);
    out.push_back(text.substr(p, nl - p));
    if (nl == std::string::npos) break;
    p = nl + 1;
  }
  return out;
}

/// The single-byte mutants of `text` at position `i` (0..size): the byte
/// deleted, replaced by each of `bytes`, and each of `bytes` inserted before it.
inline auto mutants_at(const std::string& text, std::size_t i, std::string_view bytes) -> std::vector<std::string> {
  std::vector<std::string> out;
  if (i < text.size()) out.push_back(std::string{text}.erase(i, 1));
  for (const char c : bytes) {
    if (i < text.size()) {
      std::string r = text;
      r[i] = c;
      out.push_back(std::move(r));
    }
    out.push_back(std::string{text}.insert(i, 1, c));
  }
  return out;
}

}  // namespace yibao_test
