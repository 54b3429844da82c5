// CLI golden tests: tests/cli/<name>.cmd holds one `yibao ...` command line (a shell
// line, paths relative to the repository root, `< file` allowed for stdin);
// <name>.out is the exact expected stdout, <name>.code the expected exit code
// (default 0) and the optional <name>.err lists lines each of which must appear
// somewhere in stderr. Each case runs the built binary (YIBAO_CLI) from the
// repository root through popen.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path source_dir{YIBAO_SOURCE_DIR};
const fs::path cli_dir = source_dir / "tests" / "cli";

auto read_text(const fs::path& p) -> std::optional<std::string> {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

auto trim(std::string s) -> std::string {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

/// Single-quotes `s` for /bin/sh.
auto shell_quote(const std::string& s) -> std::string {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

auto cli_cases() -> std::vector<std::string> {
  std::vector<std::string> out;
  if (!fs::is_directory(cli_dir)) return out;
  for (const auto& entry : fs::directory_iterator(cli_dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".cmd") out.push_back(entry.path().stem().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct run_result {
  std::string out;
  std::string err;
  int code = -1;
};

auto run(const std::string& command_line) -> run_result {
  run_result r;
  const fs::path err_file = fs::temp_directory_path() / ("yibao_cli_golden_" + std::to_string(::getpid()) + ".err");
  const std::string full = "cd " + shell_quote(source_dir.string()) + " && " + command_line + " 2>" +
                           shell_quote(err_file.string());
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = read_text(err_file).value_or("");
  std::error_code ec;
  fs::remove(err_file, ec);
  return r;
}

class cli_golden : public testing::TestWithParam<std::string> {};

TEST_P(cli_golden, matches) {
  const std::string name = GetParam();
  const auto cmd = read_text(cli_dir / (name + ".cmd"));
  ASSERT_TRUE(cmd) << name << ".cmd";
  std::string line = trim(*cmd);
  ASSERT_EQ(line.rfind("yibao ", 0), 0U) << name << ".cmd must start with \"yibao \"";
  line = shell_quote(YIBAO_CLI) + line.substr(5);

  const auto expected_out = read_text(cli_dir / (name + ".out"));
  ASSERT_TRUE(expected_out) << "missing " << name << ".out";
  int expected_code = 0;
  if (const auto code = read_text(cli_dir / (name + ".code"))) expected_code = std::stoi(trim(*code));

  const run_result r = run(line);
  SCOPED_TRACE("command: " + trim(*cmd) + "\nstderr:\n" + r.err);
  EXPECT_EQ(r.code, expected_code) << "exit code";
  EXPECT_EQ(r.out, *expected_out) << "stdout";
  if (expected_code != 0) { EXPECT_FALSE(r.err.empty()) << "a failure is explained on stderr"; }
  if (const auto err = read_text(cli_dir / (name + ".err"))) {
    std::istringstream lines(*err);
    std::string want;
    while (std::getline(lines, want)) {
      if (want.empty()) continue;
      EXPECT_NE(r.err.find(want), std::string::npos) << "stderr lacks: " << want;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(cli_golden, cli_golden, testing::ValuesIn(cli_cases()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

TEST(cli_golden_suite, has_cases) { EXPECT_GE(cli_cases().size(), 10U); }

}  // namespace
