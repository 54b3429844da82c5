// Issue #10, tariff and catalog loading: diamond and doubled `extends`,
// ratio and amount bounds, the bounded file reader, directories where a file
// is expected, `check` on many per-disease rules, and the smaller items.
// Each test names its item; each fails on bf8a753.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "test_files.hpp"
#include "yibao/catalog.hpp"
#include "yibao/input.hpp"
#include "yibao/tariff.hpp"
#include "yibao/yibao.h"

namespace {

namespace fs = std::filesystem;
using yibao::ratio;

constexpr const char* head = yibao_test::minimal_tariff_head;

/// An in-memory tariff_source that counts its reads.
struct counting_source {
  std::map<std::string, std::string> files;
  int reads = 0;
  auto source() -> yibao::tariff_source {
    yibao::tariff_source s;
    s.read = [this](const std::string& path) -> yibao::result<std::string> {
      ++reads;
      const auto it = files.find(path);
      if (it == files.end()) return yibao::make_error(yibao::errc::io_error, "", "none at " + path);
      return it->second;
    };
    return s;
  }
};

auto messages(const yibao::error& e) -> std::vector<std::string> {
  std::vector<std::string> out;
  for (const auto& d : e.diagnostics) out.push_back(d.to_string());
  return out;
}

/// A fresh scratch directory under /tmp.
auto scratch(const std::string& name) -> fs::path {
  const fs::path dir = fs::temp_directory_path() / ("yibao_issue10_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

struct run_result {
  std::string out;
  std::string err;
  int code = -1;
};

/// Runs `yibao ARGS` in the source directory.
auto yibao_cli(const std::string& args) -> run_result {
  const std::string err_file = "/tmp/yibao_issue10_" + std::to_string(::getpid()) + ".err";
  const std::string cmd =
      std::string("cd '") + YIBAO_SOURCE_DIR + "' && '" + YIBAO_CLI + "' " + args + " 2>'" + err_file + "'";
  run_result r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (FILE* f = std::fopen(err_file.c_str(), "r")) {
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) r.err.append(buf.data(), n);
    std::fclose(f);
  }
  std::remove(err_file.c_str());
  return r;
}

// --- item 6: diamond extends --------------------------------------------------

// "Two parents sharing a base apply the base's adjustments twice (-20 points instead of -10)."
TEST(Issue10_Item6, DiamondExtendsAppliesTheSharedBaseOnce) {
  counting_source files;
  files.files["x/base.toml"] = std::string(head) +
                               "[[rule]]\nname = \"bands\"\nbands = [{ ratio = \"0.80\" }]\nassumed = \"t\"\n"
                               "[[rule]]\nname = \"cut\"\nadd_points = -10\nassumed = \"t\"\n";
  files.files["x/b.toml"] = "[tariff]\nextends = \"base.toml\"\nname = \"b\"\n";
  files.files["x/c.toml"] = "[tariff]\nextends = \"base.toml\"\nplace = \"c\"\n";
  auto r = yibao::parse_tariff_from("[tariff]\nextends = [\"b.toml\", \"c.toml\"]\n", "x/d.toml", files.source());
  ASSERT_TRUE(r.ok()) << r.err().message;
  const yibao::tariff& t = r.value();
  ASSERT_EQ(t.rules.size(), 2U);
  const auto policy = t.resolve(yibao::person{}, yibao::visit{});
  EXPECT_EQ(policy[yibao::layer_id::basic].adjustment, ratio::points(-10));
  EXPECT_EQ(policy[yibao::layer_id::basic].rate(policy[yibao::layer_id::basic].bands[0]), ratio::points(70));
  // The linear order: depth first, parents in the order written, each file once.
  EXPECT_EQ(t.info.extends, (std::vector<std::string>{"x/base.toml", "x/b.toml", "x/c.toml"}));
  EXPECT_EQ(t.info.name, "b");
  EXPECT_EQ(t.info.place, "c");  // c comes after b: its keys win
  EXPECT_EQ(files.reads, 3);
}

// --- item 9: doubled extends ----------------------------------------------------

// f0.toml .. f15.toml, each extending the one before it twice: f0 is `base`,
// every other file is `[tariff] extends = [prev, prev]` followed by `rest`.
auto doubled_chain(const std::string& base, std::string_view rest) -> std::map<std::string, std::string> {
  std::map<std::string, std::string> files;
  files["f0.toml"] = base;
  for (int i = 1; i < 16; ++i) {
    files[fmt::format("f{}.toml", i)] = fmt::format("[tariff]\nextends = [\"f{0}.toml\", \"f{0}.toml\"]\n{1}", i - 1, rest);
  }
  return files;
}

// "extends = [\"x\", \"x\"] chains load 2^n times (16 three-line files take 27 s)."
TEST(Issue10_Item9, DoubledExtendsChainOfSixteenReadsEachFileOnce) {
  counting_source files;
  files.files = doubled_chain(std::string(head) + "[[rule]]\nbands = [{ ratio = \"0.5\" }]\nassumed = \"t\"\n",
                              "[[rule]]\nadd_points = 1\nassumed = \"t\"\n");
  auto r = yibao::parse_tariff_from(files.files["f15.toml"], "f15.toml", files.source());
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(files.reads, 15);  // f0..f14, once each (the old loader read 2^16 - 2)
  EXPECT_EQ(r.value().rules.size(), 16U);
  EXPECT_EQ(r.value().info.extends.size(), 15U);
}

// The same through the old file_reader entry point, which the C API and
// Python use with their own readers.
TEST(Issue10_Item9, DoubledExtendsThroughFileReaderReadsEachFileOnce) {
  auto files = doubled_chain(std::string(head), "");
  int reads = 0;
  auto r = yibao::parse_tariff(files["f15.toml"], "f15.toml", [&](const std::string& p) -> std::optional<std::string> {
    ++reads;
    return files.at(p);
  });
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(reads, 15);
}

// The business handle loads tariff paths from requests: a doubled chain on
// disk, through yibao_business_handle, loads (the old code took 2^16 reads).
TEST(Issue10_Item9, BusinessHandleLoadsADoubledChainOnDisk) {
  const fs::path dir = scratch("item9");
  for (const auto& [name, text] :
       doubled_chain(std::string(head) + "[[rule]]\nbands = [{ ratio = \"0.5\" }]\nassumed = \"t\"\n", "")) {
    write(dir / name, text);
  }
  yibao_tariff* t = nullptr;
  ASSERT_EQ(yibao_tariff_load_file((dir / "f15.toml").c_str(), &t), YIBAO_OK) << yibao_last_error();
  yibao_tariff_free(t);
  fs::remove_all(dir);
}

// --- item 7 and 16: ratios, amounts and factors are bounded at load ------------

auto load_errors(const std::string& rules) -> std::vector<std::string> {
  auto r = yibao::parse_tariff(std::string(head) + rules, "b.toml", {});
  return r.ok() ? std::vector<std::string>{} : messages(r.err());
}

// "first_pay = \"1.5\" is only a warning and settlements then carry a negative deductible."
TEST(Issue10_Item7, RatioAboveOneIsALoadErrorWithPosition) {
  EXPECT_EQ(load_errors("[[rule]]\nbands = [{ ratio = \"0.5\" }]\nfirst_pay = \"1.5\"\nassumed = \"t\"\n"),
            (std::vector<std::string>{"b.toml:10:13: error: rule[0].first_pay: expected a ratio of at most 1, "
                                      "found \"1.5\""}));
  EXPECT_EQ(load_errors("[catalog]\nb_first_pay = \"1.000001\"\nassumed = \"t\"\n"),
            (std::vector<std::string>{"b.toml:9:15: error: catalog.b_first_pay: expected a ratio of at most 1, "
                                      "found \"1.000001\""}));
  EXPECT_EQ(load_errors("[[rule]]\nbands = [{ ratio = \"1.01\" }]\nfloor = \"2\"\nassumed = \"t\"\n"),
            (std::vector<std::string>{
                "b.toml:9:20: error: rule[0].bands[0].ratio: expected a ratio of at most 1, found \"1.01\"",
                "b.toml:10:9: error: rule[0].floor: expected a ratio of at most 1, found \"2\""}));
  // 1 itself is fine.
  EXPECT_EQ(load_errors("[[rule]]\nbands = [{ ratio = 1 }]\nfirst_pay = \"1\"\nassumed = \"t\"\n"),
            std::vector<std::string>{});
}

TEST(Issue10_Item7, AmountAboveTheLimitIsALoadError) {
  EXPECT_EQ(load_errors("[[rule]]\nbands = [{ ratio = 1 }]\ndeductible = \"10000000000.00\"\nassumed = \"t\"\n"),
            std::vector<std::string>{});
  EXPECT_EQ(load_errors("[[rule]]\nbands = [{ ratio = 1 }]\ncap = \"10000000000.01\"\nassumed = \"t\"\n"),
            (std::vector<std::string>{"b.toml:10:7: error: rule[0].cap: expected an amount of at most "
                                      "10000000000.00, found \"10000000000.01\""}));
}

// "Four deductible_factor = \"1000000\" make check, show, diff exit 70."
TEST(Issue10_Item16, DeductibleFactorsAreBoundedOneByOneAndTogether) {
  EXPECT_EQ(load_errors("[[rule]]\nbands = [{ ratio = 1 }]\ndeductible = 1000\nassumed = \"t\"\n"
                        "[[rule]]\ndeductible_factor = \"1000000\"\nassumed = \"t\"\n"),
            (std::vector<std::string>{"b.toml:13:21: error: rule[1].deductible_factor: expected a ratio of at "
                                      "most 100, found \"1000000\""}));
  // 100 each is allowed, but four of them take 1000 yuan to 10^11 yuan.
  std::string rules = "[[rule]]\nbands = [{ ratio = 1 }]\ndeductible = 1000\nassumed = \"t\"\n";
  for (int i = 0; i < 4; ++i) rules += "[[rule]]\ndeductible_factor = \"100\"\nassumed = \"t\"\n";
  const auto errors = load_errors(rules);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].substr(0, errors[0].find(" error:")), "b.toml:22:21:");  // the fourth factor
  EXPECT_NE(errors[0].find("rule[4].deductible_factor: expected deductible factors whose product keeps every basic "
                           "deductible within 10000000000.00"),
            std::string::npos)
      << errors[0];
}

TEST(Issue10_Item16, CheckShowDiffEstimateRefuseAHugeFactorAsATariffError) {
  const fs::path dir = scratch("item16");
  std::string text = std::string(head) + "[[rule]]\nbands = [{ ratio = \"0.5\" }]\ndeductible = 1000\nassumed = \"t\"\n";
  for (int i = 0; i < 4; ++i) text += "[[rule]]\ndeductible_factor = \"1000000\"\nassumed = \"t\"\n";
  write(dir / "huge.toml", text);
  const std::string t = (dir / "huge.toml").string();
  EXPECT_EQ(yibao_cli("check " + t).code, 78);
  EXPECT_EQ(yibao_cli("show " + t).code, 78);
  EXPECT_EQ(yibao_cli("diff " + t + " " + t).code, 78);
  const run_result est = yibao_cli("estimate -t " + t + " examples/bills/critical-illness-anhui.json");
  EXPECT_EQ(est.code, 78) << est.err;
  fs::remove_all(dir);
}

// --- item 10: one bounded reader ----------------------------------------------

auto sized_file(const fs::path& p, std::size_t bytes) -> std::string {
  {
    std::ofstream out(p, std::ios::binary);
  }
  fs::resize_file(p, bytes);  // sparse: no disk, nothing to write
  return p.string();
}

TEST(Issue10_Item10, EachKindIsReadAtItsLimitAndRefusedAtLimitPlusOne) {
  const fs::path dir = scratch("item10");
  for (const auto kind : {yibao::input_kind::tariff, yibao::input_kind::catalog, yibao::input_kind::bill}) {
    const std::size_t limit = yibao::size_limit(kind);
    const std::string name(yibao::to_string(kind));
    const auto at = yibao::read_input_file(sized_file(dir / (name + "_at"), limit), kind);
    ASSERT_TRUE(at.ok()) << at.err().message;
    EXPECT_EQ(at.value().size(), limit);
    const std::string over = sized_file(dir / (name + "_over"), limit + 1);
    const auto refused = yibao::read_input_file(over, kind);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.err().code, yibao::errc::io_error);
    EXPECT_EQ(refused.err().message,
              "cannot read " + name + " " + over + ": larger than the limit " + std::to_string(limit) + " bytes");
    fs::remove(dir / (name + "_at"));
    fs::remove(dir / (name + "_over"));
  }
  EXPECT_EQ(yibao::tariff_size_limit, std::size_t{16} << 20);
  EXPECT_EQ(yibao::catalog_size_limit, std::size_t{256} << 20);
  EXPECT_EQ(yibao::bill_size_limit, std::size_t{256} << 20);
  fs::remove_all(dir);
}

// An endless device (a /dev/zero made in a scratch folder) stops at the limit.
TEST(Issue10_Item10, AnEndlessDeviceStopsAtTheLimit) {
  const fs::path dir = scratch("item10dev");
  const fs::path zero = dir / "zero";
  if (::mknod(zero.c_str(), S_IFCHR | 0600, makedev(1, 5)) != 0) { GTEST_SKIP() << "mknod not permitted"; }
  const auto r = yibao::read_input_file(zero.string(), yibao::input_kind::tariff, 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().message, "cannot read tariff " + zero.string() + ": larger than the limit 1048576 bytes");
  const run_result cli = yibao_cli("check " + zero.string() + ".toml");
  EXPECT_EQ(cli.code, 66);
  fs::remove_all(dir);
}

TEST(Issue10_Item10, CliRefusesAnEndlessTariffCatalogAndBill) {
  const fs::path dir = scratch("item10cli");
  const fs::path zero = dir / "zero";
  if (::mknod(zero.c_str(), S_IFCHR | 0600, makedev(1, 5)) != 0) { GTEST_SKIP() << "mknod not permitted"; }
  const std::string z = zero.string();
  auto t = yibao_cli("estimate -t " + z + " examples/bills/critical-illness-anhui.json");
  EXPECT_EQ(t.code, 66);
  EXPECT_NE(t.err.find("cannot read tariff " + z + ": larger than the limit 16777216 bytes"), std::string::npos)
      << t.err;
  auto c = yibao_cli("estimate -t tariffs/anhui/anhui-2025.toml -c " + z +
                     " examples/bills/critical-illness-anhui.json");
  EXPECT_EQ(c.code, 66);
  EXPECT_NE(c.err.find("cannot read catalog " + z + ": larger than the limit 268435456 bytes"), std::string::npos)
      << c.err;
  auto b = yibao_cli("estimate -t tariffs/anhui/anhui-2025.toml " + z);
  EXPECT_EQ(b.code, 66);
  EXPECT_NE(b.err.find("cannot read bill " + z + ": larger than the limit 268435456 bytes"), std::string::npos)
      << b.err;
  fs::remove_all(dir);
}

// --- item 15: a directory where a file is expected ----------------------------

TEST(Issue10_Item15, ADirectoryWhereAFileIsExpectedIsAnInputError) {
  const std::string dir = std::string(YIBAO_SOURCE_DIR) + "/tariffs";
  const auto read = yibao::read_input_file(dir, yibao::input_kind::tariff);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.err().code, yibao::errc::io_error);
  EXPECT_EQ(read.err().message, "cannot read tariff " + dir + ": is a directory, expected a file");
  for (const std::string args : {"show tariffs", "diff tariffs tariffs/anhui/anhui-2025.toml",
                                 "diff tariffs/anhui/anhui-2025.toml tariffs",
                                 // (simulate --tariff DIR is the versions of a place: issue #11 item 2)
                                 "simulate --tariff tariffs/anhui/anhui-2025.toml --reform tariffs/anhui "
                                 "tests/data/bulk/header.csv --out /tmp/never",
                                 "estimate -t tariffs/anhui/anhui-2025.toml -c tariffs "
                                 "examples/bills/critical-illness-anhui.json",
                                 "estimate -t tariffs/anhui/anhui-2025.toml tariffs"}) {
    const run_result r = yibao_cli(args);
    EXPECT_EQ(r.code, 66) << args << "\n" << r.err;
    EXPECT_NE(r.err.find("is a directory, expected a file"), std::string::npos) << args << "\n" << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << args << "\n" << r.err;
  }
  // The C API too (a path in a request).
  yibao_tariff* t = nullptr;
  EXPECT_EQ(yibao_tariff_load_file(YIBAO_SOURCE_DIR "/tariffs", &t), YIBAO_EIO);
  EXPECT_NE(std::string(yibao_last_error()).find("is a directory"), std::string::npos) << yibao_last_error();
}

TEST(Issue10_Item15, CheckOfADirectoryChecksEveryFileUnderIt) {
  const run_result r = yibao_cli("check tariffs");
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(YIBAO_SOURCE_DIR) / "tariffs")) {
    const auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".toml" || ext == ".csv")) ++files;
  }
  ASSERT_GT(files, 0U);
  EXPECT_NE(r.out.find(std::to_string(files) + " files, 0 errors"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.code, 0) << r.out;
}

TEST(Issue10_Item15, CheckingNothingIsNotASuccess) {
  const fs::path dir = scratch("item15empty");
  const run_result r = yibao_cli("check " + dir.string());
  EXPECT_EQ(r.code, 66);
  EXPECT_NE(r.out.find(dir.string() + ": error: expected tariffs (*.toml) or catalogs (*.csv) in this directory, "
                                      "found none"),
            std::string::npos)
      << r.out;
  fs::remove_all(dir);
}

// --- item 12: check on many per-disease rules -----------------------------------

// "check on per-disease rules grows about 4 MB per rule (400 rules: 30 s, 1.6 GB)."
// Run in a child with a 768 MB address-space limit (the CLI itself maps about
// 100 MB); the old check held every combination and needed 1.6 GB.
TEST(Issue10_Item12, CheckOfFourHundredDiseaseRulesStaysWithinAMemoryLimit) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "RLIMIT_AS means nothing under AddressSanitizer";
#endif
  const fs::path dir = scratch("item12");
  std::string text = std::string(head) + "[[rule]]\nbands = [{ ratio = \"0.5\" }]\ndeductible = 100\nassumed = \"t\"\n";
  for (int i = 0; i < 400; ++i) {
    text += "[[rule]]\nwhen = { disease = \"D" + std::to_string(i) + "\" }\nadd_points = 5\nassumed = \"t\"\n";
  }
  write(dir / "diseases.toml", text);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const rlimit lim{std::size_t{768} << 20, std::size_t{768} << 20};
    ::setrlimit(RLIMIT_AS, &lim);
    const int null = ::open((dir / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execl(YIBAO_CLI, YIBAO_CLI, "check", (dir / "diseases.toml").c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  std::ifstream out(dir / "out");
  const std::string printed((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_EQ(WEXITSTATUS(status), 0) << printed;
  EXPECT_NE(printed.find("1 file, 0 errors, 0 warnings"), std::string::npos) << printed;
  fs::remove_all(dir);
}

// --- item 24: the smaller ones ------------------------------------------------

TEST(Issue10_Item24, WholeMethodWithABoundedLastBandIsAnError) {
  EXPECT_EQ(load_errors("[[rule]]\nmethod = \"whole\"\nbands = [{ upto = 1000, ratio = \"0.5\" }, "
                        "{ upto = 5000, ratio = \"0.6\" }]\nassumed = \"t\"\n"),
            (std::vector<std::string>{
                "b.toml:10:51: error: rule[0].bands[1].upto: expected the last band of a \"whole\" method to have "
                "no upper edge (a total above it would pay nothing at all), found 5000.00"}));
  EXPECT_EQ(load_errors("[[rule]]\nmethod = \"progressive\"\nbands = [{ upto = 1000, ratio = \"0.5\" }]\n"
                        "assumed = \"t\"\n"),
            std::vector<std::string>{});
}

TEST(Issue10_Item24, AdmissionNumbersAboveAThousandAndTheirMessage) {
  EXPECT_EQ(load_errors("[[rule]]\nwhen = { admission_min = 1001 }\nbands = [{ ratio = 1 }]\nassumed = \"t\"\n"),
            std::vector<std::string>{});
  EXPECT_EQ(load_errors("[[rule]]\nwhen = { admission = [1000, 1001] }\nbands = [{ ratio = 1 }]\nassumed = \"t\"\n"),
            std::vector<std::string>{});
  EXPECT_EQ(load_errors("[[rule]]\nwhen = { admission_min = 1000001 }\nbands = [{ ratio = 1 }]\nassumed = \"t\"\n"),
            (std::vector<std::string>{"b.toml:9:26: error: rule[0].when.admission_min: expected an admission number "
                                      "from 1 to 1000000, found the integer 1000001"}));
  // A wide array is checked without walking every number in between.
  EXPECT_EQ(load_errors("[[rule]]\nwhen = { admission = [1, 1000000] }\nbands = [{ ratio = 1 }]\nassumed = \"t\"\n"),
            (std::vector<std::string>{"b.toml:9:22: error: rule[0].when.admission: expected consecutive admission "
                                      "numbers such as [2, 3], found a gap at 2"}));
}

TEST(Issue10_Item24, SymlinkLoopInExtendsIsACycle) {
  const fs::path dir = scratch("item24loop");
  fs::create_symlink("b.toml", dir / "a.toml");
  fs::create_symlink("a.toml", dir / "b.toml");
  write(dir / "main.toml", std::string(head) + "extends = \"a.toml\"\n");
  auto r = yibao::load_tariff_file((dir / "main.toml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(messages(r.err()), (std::vector<std::string>{
                                   (dir / "main.toml").string() +
                                   ":8:11: error: tariff.extends: expected a file that does not extend itself, "
                                   "found a cycle of symbolic links at \"" + (dir / "a.toml").string() + "\""}));
  // A folder link back to its own folder: the same file under ever longer names.
  fs::create_directory(dir / "sub");
  fs::create_directory_symlink("..", dir / "sub" / "up");
  write(dir / "sub" / "self.toml", std::string(head) + "extends = \"up/sub/self.toml\"\n");
  auto self = yibao::load_tariff_file((dir / "sub" / "self.toml").string());
  ASSERT_FALSE(self.ok());
  EXPECT_NE(self.err().message.find("expected a file that does not extend itself, found the cycle"),
            std::string::npos)
      << self.err().message;
  fs::remove_all(dir);
}

TEST(Issue10_Item24, BusinessHandleRefusesDuplicateKeys) {
  const std::string bill = R"({"person": {"scheme": "employee"}})";
  for (const auto& [request, path] : std::vector<std::pair<std::string, std::string>>{
           {R"({"infno": "2206", "infno": "2206", "input": {"tariff": "x", "bill": {}}})", "infno"},
           {R"({"infno": "2206", "msgid": "a", "msgid": "b", "input": {"tariff": "x", "bill": {}}})", "msgid"},
           {R"({"infno": "2206", "input": {"tariff": "x", "catalog": "a", "catalog": "b", "bill": {}}})",
            "input.catalog"},
           {R"({"infno": "2206", "input": {"tariff": "x", "options": {"trace": true, "trace": false}, "bill": {}}})",
            "input.options.trace"},
           {R"({"infno": "2206", "input": {"tariff": "x", "bill": {"visit": {"level": 1, "level": 3}}}})",
            "input.bill.visit.level"},
       }) {
    std::array<char, 4096> out{};
    std::size_t len = 0;
    EXPECT_EQ(yibao_business_handle(request.data(), request.size(), out.data(), out.size(), &len), YIBAO_EINVAL)
        << request;
    EXPECT_NE(std::string(out.data(), len).find(path + ": duplicate key"), std::string::npos)
        << std::string(out.data(), len);
  }
  (void)bill;
}

}  // namespace

namespace {

// --- fuzz: every committed input of the loader fuzzers is replayed -------------

auto files_in(const std::string& folder) -> std::vector<fs::path> {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(YIBAO_SOURCE_DIR) / "tests" / "fuzz" / folder)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

auto slurp(const fs::path& p) -> std::string {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// tests/fuzz/fuzz_tariff.cpp's input: files separated by "#=====" lines.
TEST(Issue10_Fuzz, TariffCorpusLoadsOrFailsWithDiagnostics) {
  const auto inputs = files_in("tariff_corpus");
  ASSERT_FALSE(inputs.empty());
  for (const fs::path& p : inputs) {
    const std::string data = slurp(p);
    std::map<std::string, std::string> files;
    const char* names[] = {"dir/main.toml", "dir/a.toml", "dir/b.toml"};
    std::string_view rest = data;
    for (int i = 0; i < 3; ++i) {
      const std::size_t end = i < 2 ? rest.find("\n#=====\n") : std::string_view::npos;
      files[names[i]] = std::string(rest.substr(0, end));
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 8);
    }
    yibao::tariff_source source;
    source.read = [&files](const std::string& path) -> yibao::result<std::string> {
      if (auto it = files.find(path); it != files.end()) return it->second;
      return yibao::make_error(yibao::errc::io_error, "", "none at " + path);
    };
    auto r = yibao::parse_tariff_from(files.at("dir/main.toml"), "dir/main.toml", source);
    if (r.ok()) {
      EXPECT_NO_THROW((void)r.value().resolve(yibao::person{}, yibao::visit{}, true)) << p;
    } else {
      EXPECT_FALSE(r.err().diagnostics.empty()) << p;
    }
  }
}

TEST(Issue10_Fuzz, CatalogCorpusParsesOrFailsWithDiagnostics) {
  const auto inputs = files_in("catalog_corpus");
  ASSERT_FALSE(inputs.empty());
  for (const fs::path& p : inputs) {
    auto r = yibao::parse_catalog_csv(slurp(p), "fuzz.csv");
    if (!r.ok()) { EXPECT_FALSE(r.err().diagnostics.empty()) << p; }
  }
}

}  // namespace
