// yibao check / show / diff (src/cli/check.cpp, show.cpp, diff.cpp), run as
// the built CLI from the repository root on tests/data/tariff_tools/.
// docs/tariff-tools.md documents the behaviour asserted here.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

struct run_result {
  std::vector<std::string> out;  ///< stdout, line by line
  std::string err;
  int code = -1;
};

auto split_lines(const std::string& text) -> std::vector<std::string> {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    lines.push_back(text.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return lines;
}

/// Runs `yibao ARGS` in the source directory; stderr is captured separately.
auto yibao(const std::string& args) -> run_result {
  const std::string err_file = "/tmp/yibao_check_show_diff_" + std::to_string(::getpid()) + ".err";
  const std::string cmd =
      std::string("cd '") + YIBAO_SOURCE_DIR + "' && '" + YIBAO_CLI + "' " + args + " 2>'" + err_file + "'";
  run_result r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = split_lines(out);
  if (FILE* f = std::fopen(err_file.c_str(), "r")) {
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) r.err.append(buf.data(), n);
    std::fclose(f);
  }
  std::remove(err_file.c_str());
  return r;
}

const std::string D = "tests/data/tariff_tools/";

// --- check -------------------------------------------------------------------

TEST(check_show_diff, check_clean_files_exit_0) {
  const auto r = yibao("check " + D + "v2024.toml " + D + "v2025.toml " + D + "good.csv");
  EXPECT_EQ(r.out, (std::vector<std::string>{"3 files, 0 errors, 0 warnings"}));
  EXPECT_EQ(r.code, 0);
}

TEST(check_show_diff, check_loader_errors_and_warnings_exit_78) {
  const auto r = yibao("check " + D + "bad.toml " + D + "bad.csv");
  EXPECT_EQ(r.out, (std::vector<std::string>{
                       D + "bad.toml:12:1: warning: sources.unused: expected some \"source\" to cite this key, "
                           "found none",
                       D + "bad.toml:16:14: error: rule[0].deductible: expected a decimal string such as "
                           "\"1200.00\" or an integer number of yuan, found a float",
                       D + "bad.toml:17:21: error: rule[0].bands[0].ratio: expected a ratio of at most 1, "
                           "found \"1.20\"",
                       D + "bad.toml:18:1: error: rule[0].colour: unknown key, expected one of: name, layer, when, "
                           "deductible, per, bands, method, basis, cap, floor, reimbursed, reason, first_pay, "
                           "transfer, add_points, deductible_factor, deductible_minus, ratio_factor, pool, visit_cap, quota, "
                           "fixed_fee, deductible_share, deductible_after_ratio, b_first_pay, b_first_pay_waived, "
                           "cap_bonus, source, assumed",
                       D + "bad.csv:2:13: error: row 1.class: unknown value \"D\"; expected one of A, B, C",
                       "2 files, 4 errors, 1 warning",
                   }));
  EXPECT_EQ(r.code, 78);
}

// "A ratio above 1, a cap below a deductible ... (if the loader already emits
// some of these, do not duplicate)": these need the resolved policy.
TEST(check_show_diff, check_semantic_warnings_exit_0_or_1_with_werror) {
  const std::vector<std::string> expected{
      D + "semantic.toml:12:1: warning: rule[0]: expected a rule that takes effect for some visit, found every "
          "value it sets replaced by a later rule such as " +
          D + "semantic.toml:18:1 (resident inpatient) (an exception must follow the general rule)",
      D + "semantic.toml:18:1: warning: rule[1].bands[0].ratio: expected an adjusted rate within 0%..100%, found "
          "98% +5 points = 103% for resident active inpatient level 0 local group dibao (clipped to 100%)",
      D + "semantic.toml:26:1: warning: rule[2].cap: expected a cap of at least the deductible 600.00 set by " + D +
          "semantic.toml:18:1 (resident inpatient) for resident active inpatient level 0 local, found 500.00",
      D + "semantic.toml:40:1: warning: rule[4].when: expected a selector some visit matches, found a filing "
          "condition on local visits only (filing never matches a local visit)",
      "1 file, 0 errors, 4 warnings",
  };
  const auto r = yibao("check " + D + "semantic.toml");
  EXPECT_EQ(r.out, expected);
  EXPECT_EQ(r.code, 0);
  const auto w = yibao("check --werror " + D + "semantic.toml");
  EXPECT_EQ(w.out, expected);
  EXPECT_EQ(w.code, 1);
}

TEST(check_show_diff, check_windows_across_versions_of_one_place) {
  const auto r = yibao("check " + D + "v2024.toml " + D + "v2025.toml " + D + "overlap.toml " + D + "gap.toml");
  EXPECT_EQ(r.out,
            (std::vector<std::string>{
                D + "overlap.toml:6:1: error: tariff.valid_from: expected a date after valid_to 2024-12-31 of "
                    "testcity-2024 at " + D + "v2024.toml:7:1 (versions must not overlap), found 2024-07-01",
                D + "v2025.toml:6:1: error: tariff.valid_from: expected a date after valid_to 2025-06-30 of "
                    "testcity-mid at " + D + "overlap.toml:7:1 (versions must not overlap), found 2025-01-01",
                D + "gap.toml:6:1: warning: tariff.valid_from: expected 2026-01-01, the day after valid_to "
                    "2025-12-31 of testcity-2025 at " + D + "v2025.toml:7:1, found 2026-03-01 (a gap: no version "
                    "covers bills from 2026-01-01 up to it)",
                "4 files, 2 errors, 1 warning",
            }));
  EXPECT_EQ(r.code, 78);
}

TEST(check_show_diff, check_a_base_layer_through_the_tariff_that_extends_it) {
  // base.toml alone lacks id, name, place and dates; as child.toml's parent it is fine.
  const auto r = yibao("check " + D + "base.toml " + D + "child.toml");
  EXPECT_EQ(r.out, (std::vector<std::string>{"2 files, 0 errors, 0 warnings"}));
  EXPECT_EQ(r.code, 0);
}

TEST(check_show_diff, check_unreadable_file_exit_66) {
  const auto r = yibao("check " + D + "missing.toml " + D + "v2024.toml");
  EXPECT_EQ(r.out, (std::vector<std::string>{D + "missing.toml: error: cannot read the file: No such file or directory",
                                             "2 files, 1 error, 0 warnings"}));
  EXPECT_EQ(r.code, 66);
}

// --- show --------------------------------------------------------------------

// Issue #10 item 23: numeric options take plain decimal numbers in range only
// (CLI11's own parsing read "0x10" as 16 and "010" as octal 8).
TEST(Issue10_Item23, show_numeric_options_are_plain_numbers_in_range) {
  for (const char* bad : {"--admission 0", "--admission 0x10", "--admission -1", "--admission 1000001",
                          "--level 4", "--level -1", "--level 0x1"}) {
    const auto r = yibao("show " + D + "v2024.toml " + bad);
    EXPECT_EQ(r.code, 64) << bad;
    EXPECT_TRUE(r.out.empty()) << bad;
  }
  EXPECT_EQ(yibao("show " + D + "v2024.toml --admission 010 --level 03").code, 0);
}

TEST(check_show_diff, show_collapses_identical_columns_and_rows) {
  const auto r = yibao("show " + D + "v2024.toml --level 3 2");
  EXPECT_EQ(r.out,
            (std::vector<std::string>{
                "tariff testcity-2024 \"Test city 2024\" (Test city), valid 2024-01-01 to 2024-12-31, rounding "
                "half_up",
                "group none, admission 1",
                "",
                "== basic (hifp_pay): employee, inpatient ==",
                "level  status   item        local, cross_city+cross_province filed  cross_city+cross_province "
                "unfiled",
                "",
                "2      active   deductible  500.00/admission                        500.00/admission",
                "                rates       to 50000.00: 85%                        to 50000.00: 75% (85% -10 points)",
                "                            above: 90%                              above: 80% (90% -10 points)",
                "                method      progressive, from_deductible            progressive, from_deductible",
                "                cap         500000.00                               500000.00",
                "                rules       #1 #2                                   #1 #2 #5",
                "",
                "2      retired  deductible  500.00/admission                        500.00/admission",
                "                rates       to 50000.00: 90% (85% +5 points)        to 50000.00: 80% (85% -5 points)",
                "                            above: 95% (90% +5 points)              above: 85% (90% -5 points)",
                "                method      progressive, from_deductible            progressive, from_deductible",
                "                cap         500000.00                               500000.00",
                "                rules       #1 #2 #4                                #1 #2 #4 #5",
                "",
                "3      active   deductible  800.00/admission                        800.00/admission",
                "                rates       to 50000.00: 85%                        to 50000.00: 75% (85% -10 points)",
                "                            above: 90%                              above: 80% (90% -10 points)",
                "                method      progressive, from_deductible            progressive, from_deductible",
                "                cap         500000.00                               500000.00",
                "                rules       #1                                      #1 #5",
                "",
                "3      retired  deductible  800.00/admission                        800.00/admission",
                "                rates       to 50000.00: 90% (85% +5 points)        to 50000.00: 80% (85% -5 points)",
                "                            above: 95% (90% +5 points)              above: 85% (90% -5 points)",
                "                method      progressive, from_deductible            progressive, from_deductible",
                "                cap         500000.00                               500000.00",
                "                rules       #1 #4                                   #1 #4 #5",
                "",
                "rules:",
                "  #1 " + D + "v2024.toml:14:1 employee inpatient; source: Test city circular 2024 No. 1",
                "  #2 " + D + "v2024.toml:22:1 employee inpatient level 2; source: Test city circular 2024 No. 1",
                "  #4 " + D + "v2024.toml:34:1 retired +5 points; source: Test city circular 2024 No. 1",
                "  #5 " + D + "v2024.toml:40:1 unfiled -10 points; source: Test city circular 2024 No. 1",
            }));
  EXPECT_EQ(r.code, 0);
}

TEST(check_show_diff, show_filters_and_the_layered_files) {
  const auto r = yibao("show " + D + "child.toml --level 3 --status active --location cross_city --filing unfiled");
  EXPECT_EQ(r.out,
            (std::vector<std::string>{
                "tariff child \"Child\" (Child city), valid 2025-01-01 to 2025-12-31, rounding half_up",
                "layers: " + D + "base.toml, " + D + "child.toml",
                "group none, admission 1",
                "",
                "== basic (hifp_pay): employee, inpatient ==",
                "level  status  item        cross_city unfiled",
                "",
                "3      active  deductible  800.00/admission",
                "               rates       all: 75% (85% -10 points)",
                "               method      progressive, from_deductible",
                "               cap         none",
                "               rules       #1 #2",
                "",
                "rules:",
                "  #1 " + D + "base.toml:6:1 rule[0]; assumed: test data",
                "  #2 " + D + "child.toml:11:1 rule[0]; assumed: test data",
            }));
  EXPECT_EQ(r.code, 0);
}

TEST(check_show_diff, show_json_one_object_per_combination) {
  const auto r = yibao("show " + D + "child.toml --json --scheme employee --visit inpatient --level 3 --status active "
                       "--location local");
  EXPECT_EQ(r.out,
            (std::vector<std::string>{
                "{\"tariff\":{\"id\":\"child\",\"name\":\"Child\",\"place\":\"Child city\",\"valid_from\":"
                "\"2025-01-01\",\"valid_to\":\"2025-12-31\",\"rounding\":\"half_up\",\"file\":\"" + D +
                "child.toml\"},\"policies\":[{\"layer\":\"basic\",\"scheme\":\"employee\",\"status\":\"active\","
                "\"group\":\"none\",\"visit\":\"inpatient\",\"level\":3,\"location\":\"local\",\"filing\":null,"
                "\"admission\":1,\"reimbursed\":\"yes\",\"deductible\":\"800.00\",\"per\":\"admission\","
                "\"method\":\"progressive\",\"basis\":\"from_deductible\",\"cap\":\"none\",\"floor\":\"none\","
                "\"first_pay\":\"0%\",\"transfer\":\"none\",\"bands\":[{\"upto\":null,\"ratio\":\"0.850000\","
                "\"written\":\"0.850000\"}],\"rules\":[{\"name\":\"rule[0]\",\"at\":\"" + D + "child.toml:11:1\"}]}]}",
            }));
  EXPECT_EQ(r.code, 0);
}

TEST(check_show_diff, show_unknown_filter_value_exit_64) {
  const auto r = yibao("show " + D + "v2024.toml --visit dental");
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(r.err, "yibao show: --visit: expected one of outpatient, inpatient, chronic, day_surgery, maternity, pharmacy, found \"dental\"\n");
  EXPECT_EQ(r.code, 64);
}

// --- diff --------------------------------------------------------------------

TEST(check_show_diff, diff_reordered_rules_with_the_same_policy_exit_0) {
  const auto r = yibao("diff " + D + "v2024.toml " + D + "v2024_reordered.toml");
  EXPECT_EQ(r.out, (std::vector<std::string>{D + "v2024.toml and " + D + "v2024_reordered.toml: no differences"}));
  EXPECT_EQ(r.code, 0);
}

TEST(check_show_diff, diff_a_changed_figure_with_both_positions_exit_1) {
  const auto r = yibao("diff " + D + "v2024.toml " + D + "v2025.toml");
  const std::string a = D + "v2024.toml";
  const std::string b = D + "v2025.toml";
  EXPECT_EQ(r.out, (std::vector<std::string>{
                       "--- " + a,
                       "+++ " + b,
                       "tariff.id: testcity-2024 -> testcity-2025",
                       "  old: " + a + ":2:1",
                       "  new: " + b + ":2:1",
                       "tariff.name: Test city 2024 -> Test city 2025",
                       "  old: " + a + ":2:1",
                       "  new: " + b + ":2:1",
                       "tariff.valid_from: 2024-01-01 -> 2025-01-01",
                       "  old: " + a + ":2:1",
                       "  new: " + b + ":2:1",
                       "tariff.valid_to: 2024-12-31 -> 2025-12-31",
                       "  old: " + a + ":2:1",
                       "  new: " + b + ":2:1",
                       "sources.policy: Test city circular 2024 No. 1 -> Test city circular 2025 No. 1",
                       "  old: " + a,
                       "  new: " + b,
                       // Levels 0-2 have their own deductibles, so only level 3 changes.
                       "basic.deductible for scheme=employee visit=inpatient level=3: 800.00 -> 1000.00",
                       "  old: " + a + ":14:1 (employee inpatient)",
                       "  new: " + b + ":14:1 (employee inpatient)",
                       "6 differences",
                   }));
  EXPECT_EQ(r.code, 1);
}

TEST(check_show_diff, diff_a_layer_that_appears_and_adjusted_rates) {
  // child.toml vs overlap.toml: the same employee inpatient rule; child's
  // base adds -10 points for unfiled visits, overlap has no such rule.
  const auto r = yibao("diff " + D + "overlap.toml " + D + "child.toml");
  ASSERT_GE(r.out.size(), 4U);
  EXPECT_EQ(r.out.back(), "6 differences");
  const std::string a = D + "overlap.toml";
  const std::string b = D + "child.toml";
  const std::vector<std::string> tail(r.out.end() - 4, r.out.end());
  EXPECT_EQ(tail, (std::vector<std::string>{
                      "basic.bands for scheme=employee visit=inpatient location=cross_city+cross_province unfiled: "
                      "all: 85% -> all: 75%",
                      "  old: " + a + ":11:1 (rule[0])",
                      "  new: " + b + ":11:1 (rule[0]); " + D + "base.toml:6:1 (rule[0])",
                      "6 differences",
                  }));
  EXPECT_EQ(r.code, 1);
}

TEST(check_show_diff, diff_invalid_tariff_exit_78) {
  const auto r = yibao("diff " + D + "v2024.toml " + D + "bad.toml");
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(r.code, 78);
}

}  // namespace
