// The command-line tool's outputs, interrupts and option checks (issue #10):
// what is at an output path decides how it is written (README.md "Output
// files"), a stopped run renames nothing into place, stdout that cannot be
// written fails with 73, numeric options are range-checked, ids are escaped
// on the terminal, and the README's commands run as written.
//
// Every special file is made in a scratch directory (mknod c 1 3 is a
// null-like device, c 1 7 a full-like one); no test touches /dev.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_files.hpp"

namespace {

namespace fs = std::filesystem;
using yibao_test::read_text;
using yibao_test::source_dir;

const std::string cli{YIBAO_CLI};

auto q(const std::string& s) -> std::string {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
  return out + "'";
}

auto src(const std::string& rel) -> std::string { return (source_dir / rel).string(); }

// Runs a shell line; its exit code (-1 if it did not exit).
auto sh(const std::string& line) -> int {
  const int st = std::system(line.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// Runs a shell line with stdout a pipe whose reader is already gone (and
// SIGPIPE at its default, as from a terminal); its exit code.
auto sh_into_closed_pipe(const std::string& line) -> int {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  ::close(fds[0]);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::signal(SIGPIPE, SIG_DFL);
    ::dup2(fds[1], 1);
    ::execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

auto write_text(const fs::path& p, const std::string& text) -> void {
  std::ofstream(p, std::ios::binary) << text;
}

class scratch {
 public:
  explicit scratch(const std::string& name)
      : dir_{fs::temp_directory_path() / ("yibao_issue10_" + name + "_" + std::to_string(::getpid()))} {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  scratch(const scratch&) = delete;
  auto operator=(const scratch&) -> scratch& = delete;
  [[nodiscard]] auto path(const std::string& name) const -> std::string { return (dir_ / name).string(); }
  [[nodiscard]] auto dir() const -> const fs::path& { return dir_; }
  /// The names in the directory.
  [[nodiscard]] auto names() const -> std::set<std::string> {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.insert(e.path().filename().string());
    return out;
  }

 private:
  fs::path dir_;
};

// A character device node like /dev/null (1,3) or /dev/full (1,7); false if
// this machine does not allow mknod.
auto make_chr(const std::string& path, unsigned minor) -> bool {
  return ::mknod(path.c_str(), S_IFCHR | 0666, makedev(1, minor)) == 0;
}

auto kind(const std::string& path) -> char {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) return '-';
  if (S_ISLNK(st.st_mode)) return 'l';
  if (S_ISCHR(st.st_mode)) return 'c';
  if (S_ISFIFO(st.st_mode)) return 'p';
  if (S_ISREG(st.st_mode)) return 'f';
  if (S_ISDIR(st.st_mode)) return 'd';
  return '?';
}

// A small population (JSON Lines) with one bad row.
auto small_input(const scratch& s) -> std::string {
  const std::string p = s.path("bills.jsonl");
  EXPECT_EQ(sh(cli + " generate --people 30 --seed 3 --out " + q(p)), 0);
  std::ofstream(p, std::ios::app | std::ios::binary) << "{not json\n";
  return p;
}

auto simulate_cmd(const std::string& input) -> std::string {
  return cli + " simulate --progress never --tariff " + q(src("tests/data/bulk/tariff.toml")) + " " + q(input);
}

// ---------------------------------------------------------------------------
// Item 1: outputs replace nothing that is not a regular file.

TEST(Issue10_Item1, outputs_write_through_a_character_device_and_derive_no_side_file) {
  scratch s{"chr"};
  const std::string in = small_input(s);
  const std::string dev = s.path("null");
  if (!make_chr(dev, 3)) GTEST_SKIP() << "mknod not permitted here";
  const auto before = s.names();
  for (const std::string opt : {"--out", "--rejects", "--summary", "--report"}) {
    EXPECT_EQ(sh(simulate_cmd(in) + " " + opt + " " + q(dev) + " >/dev/null 2>&1"), 0) << opt;
    EXPECT_EQ(kind(dev), 'c') << opt;
    EXPECT_EQ(s.names(), before) << opt << ": no .partial, no null.rejects.csv";
  }
  EXPECT_EQ(sh(cli + " generate --people 5 --out " + q(dev)), 0);
  EXPECT_EQ(kind(dev), 'c');
  // CSV: the lines file's name cannot be derived from a device.
  EXPECT_EQ(sh(cli + " generate --people 5 --format csv --out " + q(dev) + " 2>/dev/null"), 64);
  EXPECT_EQ(sh(cli + " generate --people 5 --format csv --out " + q(dev) + " --lines " + q(dev)), 0);
  EXPECT_EQ(kind(dev), 'c');
  EXPECT_EQ(s.names(), before);
}

TEST(Issue10_Item1, outputs_write_through_a_fifo) {
  scratch s{"fifo"};
  const std::string in = small_input(s);
  const std::string fifo = s.path("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string got = s.path("got.csv");
  // A reader on the FIFO while simulate writes to it.
  EXPECT_EQ(sh("timeout 20 cat " + q(fifo) + " > " + q(got) + " & " + simulate_cmd(in) + " --out-format csv --out " + q(fifo) +
               " >/dev/null 2>&1; r=$?; wait; exit $r"),
            0);
  EXPECT_EQ(kind(fifo), 'p');
  const std::string rows = read_text(got).value_or("");
  EXPECT_EQ(rows.rfind("source,bill_id,person_id,", 0), 0U) << rows.substr(0, 80);
  EXPECT_EQ(s.names(), (std::set<std::string>{"bills.jsonl", "pipe", "got.csv"}));
}

TEST(Issue10_Item1, a_symlink_is_followed_to_its_file_and_stays_a_link) {
  scratch s{"link"};
  const std::string in = small_input(s);
  fs::create_directories(s.dir() / "real");
  write_text(s.dir() / "real" / "out.csv", "old\n");
  fs::create_symlink(s.dir() / "real" / "out.csv", s.dir() / "link.csv");
  EXPECT_EQ(sh(simulate_cmd(in) + " --out " + q(s.path("link.csv")) + " --rejects " + q(s.path("rej.csv")) +
               " >/dev/null 2>&1"),
            0);
  EXPECT_EQ(kind(s.path("link.csv")), 'l');
  const std::string written = read_text(s.dir() / "real" / "out.csv").value_or("");
  EXPECT_EQ(written.rfind("source,bill_id", 0), 0U);
  EXPECT_EQ(s.names(), (std::set<std::string>{"bills.jsonl", "real", "link.csv", "rej.csv"}));
  EXPECT_EQ(fs::directory_iterator(s.dir() / "real")->path().filename(), "out.csv");

  // A link to a device is written through; a dangling link is refused.
  const std::string dev = s.path("null");
  if (make_chr(dev, 3)) {
    fs::create_symlink(dev, s.dir() / "devlink");
    EXPECT_EQ(sh(simulate_cmd(in) + " --out " + q(s.path("devlink")) + " >/dev/null 2>&1"), 0);
    EXPECT_EQ(kind(s.path("devlink")), 'l');
    EXPECT_EQ(kind(dev), 'c');
    EXPECT_FALSE(fs::exists(s.path("devlink.rejects.csv")));
  }
  fs::create_symlink(s.dir() / "nowhere", s.dir() / "dangling");
  EXPECT_EQ(sh(simulate_cmd(in) + " --out " + q(s.path("dangling")) + " >/dev/null 2>&1"), 73);
  EXPECT_EQ(kind(s.path("dangling")), 'l');
  EXPECT_FALSE(fs::exists(s.dir() / "nowhere"));
}

TEST(Issue10_Item1, an_existing_partial_file_is_never_clobbered) {
  scratch s{"partial"};
  const std::string in = small_input(s);
  write_text(s.path("out.csv.partial"), "not yours\n");
  ASSERT_EQ(::symlink(s.path("victim").c_str(), s.path("out.csv.rejects.csv.partial").c_str()), 0);
  EXPECT_EQ(sh(simulate_cmd(in) + " --out " + q(s.path("out.csv")) + " >/dev/null 2>&1"), 0);
  EXPECT_EQ(read_text(s.path("out.csv.partial")), "not yours\n");
  EXPECT_EQ(kind(s.path("out.csv.rejects.csv.partial")), 'l');
  EXPECT_FALSE(fs::exists(s.path("victim")));
  EXPECT_EQ(read_text(s.path("out.csv")).value_or("").rfind("source,", 0), 0U);
  EXPECT_EQ(read_text(s.path("out.csv.rejects.csv")).value_or("").rfind("file,line,", 0), 0U);
  EXPECT_EQ(s.names(), (std::set<std::string>{"bills.jsonl", "out.csv", "out.csv.partial", "out.csv.rejects.csv",
                                              "out.csv.rejects.csv.partial"}));
}

TEST(Issue10_Item1, a_directory_is_refused_and_dash_is_stdout) {
  scratch s{"dash"};
  const std::string in = small_input(s);
  fs::create_directories(s.dir() / "d");
  EXPECT_EQ(sh(simulate_cmd(in) + " --out " + q(s.path("d")) + " >/dev/null 2>&1"), 73);
  EXPECT_TRUE(fs::is_directory(s.dir() / "d"));
  // --out -: the rows on stdout, the summary on stderr, no file named "-".
  EXPECT_EQ(sh("cd " + q(s.dir().string()) + " && " + simulate_cmd(in) + " --out-format csv --out - > rows.csv 2> err"),
            0);
  EXPECT_EQ(read_text(s.path("rows.csv")).value_or("").rfind("source,bill_id", 0), 0U);
  EXPECT_NE(read_text(s.path("err")).value_or("").find("bills read"), std::string::npos);
  EXPECT_FALSE(fs::exists(s.path("-")));
  EXPECT_FALSE(fs::exists(s.path("-.rejects.csv")));
  EXPECT_EQ(sh(simulate_cmd(in) + " --out - --summary - >/dev/null 2>&1"), 64);
  EXPECT_EQ(sh("cd " + q(s.dir().string()) + " && " + cli + " generate --people 3 --out - > gen.jsonl"), 0);
  EXPECT_EQ(yibao_test::split_lines(read_text(s.path("gen.jsonl")).value_or("")).size() > 3, true);
}

// ---------------------------------------------------------------------------
// Items 3 and 13: Ctrl-C. The input comes through a pipe the test keeps
// feeding, so the run cannot end before the signal.

struct child {
  pid_t pid = -1;
  int feed = -1;  // the child's stdin
};

auto spawn_simulate(const std::vector<std::string>& args, const std::string& err_path) -> child {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::signal(SIGPIPE, SIG_DFL);
    ::dup2(fds[0], 0);
    ::close(fds[0]);
    ::close(fds[1]);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(err, 2);
    ::dup2(err, 1);  // nothing is printed on stdout here
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(cli.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(cli.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fds[0]);
  ::fcntl(fds[1], F_SETFL, O_NONBLOCK);  // the test never blocks on a child that stopped reading
  return {pid, fds[1]};
}

// Feeds `text` repeatedly until `until` is true or the child stops reading
// or `limit` passes; true if `until` became true.
template <typename Pred>
auto feed_until(const child& c, const std::string& text, Pred until, std::chrono::seconds limit) -> bool {
  const auto end = std::chrono::steady_clock::now() + limit;
  bool reading = true;  // the child still reads its stdin
  while (std::chrono::steady_clock::now() < end) {
    if (until()) return true;
    if (!reading || ::write(c.feed, text.data(), text.size()) < 0) {
      // A closed pipe (EPIPE) means the child is ending: keep asking `until`
      // until the limit (it may not have exited yet), without writing.
      if (reading && errno != EAGAIN) reading = false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  return until();
}

// Waits for the child while still feeding it (so that only the signal can
// end it); its wait status, or -1 if it did not end within `limit`.
auto wait_feeding(const child& c, const std::string& text, std::chrono::seconds limit) -> int {
  int status = 0;
  const bool ended = feed_until(
      c, text, [&] { return ::waitpid(c.pid, &status, WNOHANG) == c.pid; }, limit);
  ::close(c.feed);
  if (!ended) {
    ::kill(c.pid, SIGKILL);
    ::waitpid(c.pid, &status, 0);
    return -1;
  }
  return status;
}

auto population(int people) -> std::string {
  scratch s{"pop"};
  EXPECT_EQ(sh(cli + " generate --people " + std::to_string(people) + " --seed 5 --out " + q(s.path("p.jsonl"))), 0);
  return read_text(s.path("p.jsonl")).value_or("");
}

TEST(Issue10_Item3, a_stopped_run_renames_no_output_into_place) {
  ::signal(SIGPIPE, SIG_IGN);
  scratch s{"sigint"};
  const std::string pop = population(400);
  write_text(s.path("out.csv"), "previous results\n");
  const child c = spawn_simulate({"simulate", "--progress", "never", "--threads", "1", "--batch", "64", "--tariff",
                                  src("tests/data/bulk/tariff.toml"), "--out", s.path("out.csv"), "--summary",
                                  s.path("sum.json"), "-"},
                                 s.path("err"));
  ASSERT_GT(c.pid, 0);
  // Bills have been settled and written before the signal.
  ASSERT_TRUE(feed_until(
      c, pop, [&] { return fs::exists(s.path("out.csv.partial")) && fs::file_size(s.path("out.csv.partial")) > 1000; },
      std::chrono::seconds(60)));
  ::kill(c.pid, SIGINT);
  const int status = wait_feeding(c, pop, std::chrono::seconds(30));
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_EQ(read_text(s.path("out.csv")), "previous results\n");
  EXPECT_FALSE(fs::exists(s.path("sum.json")));
  EXPECT_TRUE(fs::exists(s.path("out.csv.partial")));
  EXPECT_TRUE(fs::exists(s.path("sum.json.partial")));
  const std::string err = read_text(s.path("err")).value_or("");
  EXPECT_NE(err.find("PARTIAL"), std::string::npos) << err;
  EXPECT_NE(err.find(s.path("out.csv.partial")), std::string::npos) << err;
}

TEST(Issue10_Item13, ctrl_c_stops_the_sort_at_once_and_removes_the_run_files) {
  ::signal(SIGPIPE, SIG_IGN);
  scratch s{"sortint"};
  const std::string pop = population(400);
  fs::create_directories(s.dir() / "tmp");
  const std::vector<std::string> args{"simulate", "--progress", "never", "--sort", "--sort-memory", "1", "--tmp",
                                      s.path("tmp"), "--tariff", src("tests/data/bulk/tariff.toml"), "--out",
                                      s.path("out.csv"), "-"};
  auto has_runs = [&] {
    std::error_code ec;
    for (const auto& d : fs::directory_iterator(s.dir() / "tmp", ec)) {
      if (d.path().filename().string().rfind("yibao-sort-", 0) == 0 && fs::exists(d.path() / "run-1", ec)) return true;
    }
    return false;
  };
  {  // One Ctrl-C while the sort reads: the process ends while input still flows.
    const child c = spawn_simulate(args, s.path("err"));
    ASSERT_GT(c.pid, 0);
    ASSERT_TRUE(feed_until(c, pop, has_runs, std::chrono::seconds(60)));
    ::kill(c.pid, SIGINT);
    const int status = wait_feeding(c, pop, std::chrono::seconds(20));
    ASSERT_TRUE(WIFEXITED(status)) << "still sorting 20 s after Ctrl-C";
    EXPECT_EQ(WEXITSTATUS(status), 1);
    EXPECT_TRUE(fs::is_empty(s.dir() / "tmp"));
    EXPECT_FALSE(fs::exists(s.path("out.csv")));
    EXPECT_NE(read_text(s.path("err")).value_or("").find("interrupted while sorting"), std::string::npos);
  }
  {  // Two at once: the second ends the process, and still no run file is left.
    const child c = spawn_simulate(args, s.path("err"));
    ASSERT_GT(c.pid, 0);
    ASSERT_TRUE(feed_until(c, pop, has_runs, std::chrono::seconds(60)));
    ::kill(c.pid, SIGINT);
    ::kill(c.pid, SIGINT);
    const int status = wait_feeding(c, pop, std::chrono::seconds(20));
    ASSERT_NE(status, -1);
    EXPECT_TRUE(fs::is_empty(s.dir() / "tmp"));
    EXPECT_FALSE(fs::exists(s.path("out.csv")));
  }
}

// ---------------------------------------------------------------------------
// Item 17: an output or stdout that cannot be written fails with 73.

TEST(Issue10_Item17, a_full_device_or_closed_pipe_on_stdout_exits_73) {
  scratch s{"full"};
  const std::string full = s.path("full");
  if (!make_chr(full, 7)) GTEST_SKIP() << "mknod not permitted here";
  const std::string tariff = q(src("tariffs/liaoning/dalian-2025.toml"));
  const std::string bill = q(src("examples/bills/inpatient-cross-province.json"));
  const std::string catalog = q(src("tariffs/catalog/sample-catalog.csv"));
  const std::string in = small_input(s);
  const std::vector<std::string> commands{
      cli + " show " + tariff,
      cli + " check " + tariff,
      cli + " diff " + tariff + " " + q(src("tariffs/liaoning/yingkou-2025.toml")),
      cli + " estimate --tariff " + tariff + " --catalog " + catalog + " " + bill,
      cli + " estimate --json --tariff " + tariff + " --catalog " + catalog + " " + bill,
      simulate_cmd(in),
      simulate_cmd(in) + " --json",
      cli + " generate --people 3 --out -",
      cli + " --help",
  };
  for (const auto& c : commands) {
    EXPECT_EQ(sh(c + " > " + q(full) + " 2>/dev/null"), 73) << c;
    EXPECT_EQ(sh_into_closed_pipe(c + " 2>/dev/null"), 73) << c;
  }
  EXPECT_EQ(kind(full), 'c');
  // A full output file: 73, not 66.
  EXPECT_EQ(sh(simulate_cmd(in) + " --out " + q(full) + " 2>/dev/null >/dev/null"), 73);
  EXPECT_EQ(sh(simulate_cmd(in) + " --out " + q(s.path("o.csv")) + " --rejects " + q(full) + " 2>/dev/null >/dev/null"),
            73);
  EXPECT_FALSE(fs::exists(s.path("o.csv")));
  EXPECT_EQ(sh(cli + " generate --people 50 --out " + q(full) + " 2>/dev/null"), 73);
  EXPECT_EQ(kind(full), 'c');
}

// ---------------------------------------------------------------------------
// Item 18: --filed-as applies without --compare-filing, and takes unfiled.

TEST(Issue10_Item18, filed_as_applies_to_the_settlement_and_takes_unfiled) {
  scratch s{"filed"};
  const std::string base = cli + " estimate --json --tariff " + q(src("tariffs/liaoning/dalian-2025.toml")) +
                           " --catalog " + q(src("tariffs/catalog/sample-catalog.csv")) + " ";
  const std::string bill_text = read_text(source_dir / "examples/bills/inpatient-cross-province.json").value();
  ASSERT_NE(bill_text.find("\"filing\": \"unfiled\""), std::string::npos);
  for (const std::string kind : {"long_term", "emergency", "unfiled"}) {
    std::string as_filed = bill_text;
    as_filed.replace(as_filed.find("\"filing\": \"unfiled\""), 19, "\"filing\": \"" + kind + "\"");
    write_text(s.path(kind + ".json"), as_filed);
    ASSERT_EQ(sh(base + q(s.path(kind + ".json")) + " > " + q(s.path(kind + ".want"))), 0) << kind;
    ASSERT_EQ(sh(base + "--filed-as " + kind + " " + q(src("examples/bills/inpatient-cross-province.json")) + " > " +
                 q(s.path(kind + ".got"))),
              0)
        << kind;
    EXPECT_EQ(read_text(s.path(kind + ".got")), read_text(s.path(kind + ".want"))) << kind;
  }
  EXPECT_NE(read_text(s.path("long_term.got")), read_text(s.path("unfiled.got")));
}

// ---------------------------------------------------------------------------
// Item 23: numeric options are checked, with a usage error.

TEST(Issue10_Item23, numeric_options_out_of_range_are_usage_errors) {
  scratch s{"range"};
  const std::string out = " --out " + q(s.path("g.jsonl"));
  const std::string sim = cli + " simulate --tariff " + q(src("tests/data/bulk/tariff.toml")) + " " +
                          q(src("tests/data/bulk/empty.jsonl"));
  const std::vector<std::string> bad{
      cli + " generate --people -1" + out,
      cli + " generate --people 0" + out,
      cli + " generate --people 18446744073709551616" + out,
      cli + " generate --people 0x10" + out,
      cli + " generate --people 1000000001" + out,
      cli + " generate --people 5 --year 0" + out,
      cli + " generate --people 5 --year 1899" + out,
      cli + " generate --people 5 --year -2025" + out,
      cli + " generate --people 5 --year 9999 --years 2" + out,
      cli + " generate --people 5 --years 0" + out,
      cli + " generate --people 5 --years 51" + out,
      cli + " generate --people 5 --seed -1" + out,
      sim + " --threads -1",
      sim + " --threads 100000",
      sim + " --batch 0",
      sim + " --batch -5",
      sim + " --sort --sort-memory -1",
      sim + " --sort --sort-memory 0",
  };
  for (const auto& c : bad) {  // (timeout: before the fix, --people -1 would fill the disk)
    EXPECT_EQ(sh("timeout 20 " + c + " > /dev/null 2> " + q(s.path("err"))), 64) << c;
    EXPECT_FALSE(fs::exists(s.path("g.jsonl"))) << c;
    EXPECT_FALSE(read_text(s.path("err")).value_or("").empty()) << c;
  }
  // At the edges, and leading zeros are decimal (not octal).
  EXPECT_EQ(sh(cli + " generate --people 010 --year 9999 --seed 0" + out), 0);
  const std::string g = read_text(s.path("g.jsonl")).value_or("");
  EXPECT_NE(g.find("\"9999-"), std::string::npos);
  EXPECT_EQ(g.find("\"10000-"), std::string::npos);
  EXPECT_EQ(sh(cli + " generate --people 10 --year 9999 --seed 0 --out " + q(s.path("h.jsonl"))), 0);
  EXPECT_TRUE(g == read_text(s.path("h.jsonl"))) << "--people 010 is 10 people";
  EXPECT_EQ(sh(cli + " generate --people 2 --year 1900" + out), 0);
  EXPECT_EQ(sh(sim + " --threads 0 --batch 1 > /dev/null"), 0);
}

// ---------------------------------------------------------------------------
// Item 24: ids with escape codes are escaped on the terminal.

TEST(Issue10_Item24, ids_with_control_characters_are_escaped_in_human_output) {
  scratch s{"esc"};
  std::string bill = read_text(source_dir / "examples/bills/inpatient-cross-province.json").value();
  bill.replace(bill.find("EX-DALIAN-001"), 13, "EX\\u001b]0;pwned\\u0007\\u001b[2J");
  bill.replace(bill.find("P-DL-0001"), 9, "P\\u009b31m\\r\\nFAKE");
  write_text(s.path("bill.json"), bill);
  ASSERT_EQ(sh(cli + " estimate --explain --compare-filing --tariff " + q(src("tariffs/liaoning/dalian-2025.toml")) +
               " --catalog " + q(src("tariffs/catalog/sample-catalog.csv")) + " " + q(s.path("bill.json")) + " > " +
               q(s.path("out"))),
            0);
  const std::string out = read_text(s.path("out")).value();
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find('\x07'), std::string::npos);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(out.find("\xc2\x9b"), std::string::npos);
  EXPECT_NE(out.find("bill EX\\x1B]0;pwned\\x07\\x1B[2J"), std::string::npos) << out.substr(0, 300);
  EXPECT_NE(out.find("person P\\xC2\\x9B31m\\x0D\\x0AFAKE"), std::string::npos) << out.substr(0, 300);

  // simulate's rejects shown on stderr.
  write_text(s.path("bad.jsonl"), "{\"id\":\"B\\u001b[31m\",\"person\":{\"id\":\"Q\\u001b[0m\"}}\n");
  EXPECT_EQ(sh(simulate_cmd(s.path("bad.jsonl")) + " > /dev/null 2> " + q(s.path("err"))), 0);
  const std::string err = read_text(s.path("err")).value();
  EXPECT_NE(err.find("rejected"), std::string::npos) << err;
  EXPECT_EQ(err.find('\x1b'), std::string::npos) << err;
  EXPECT_EQ(sh(simulate_cmd(s.path("bad.jsonl")) + " --strict > /dev/null 2> " + q(s.path("err"))), 65);
  EXPECT_EQ(read_text(s.path("err")).value().find('\x1b'), std::string::npos);
}

// ---------------------------------------------------------------------------
// Item 14: every `yibao ...` command of README.md runs as written, from a
// directory that sees the repository's files (its outputs land there).

TEST(Issue10_Item14, readme_commands_run_as_written) {
  scratch s{"readme"};
  for (const char* d : {"tariffs", "tests", "examples"}) fs::create_directory_symlink(source_dir / d, s.dir() / d);
  fs::create_directories(s.dir() / "bin");
  fs::create_symlink(cli, s.dir() / "bin" / "yibao");
  const std::string readme = read_text(source_dir / "README.md").value();
  std::vector<std::string> commands;
  std::string pending;
  for (const auto& line : yibao_test::split_lines(readme)) {
    const bool starts = line.rfind("    yibao ", 0) == 0;
    if (pending.empty() && !starts) continue;
    std::string text = line.substr(line.find_first_not_of(' '));
    if (!text.empty() && text.back() == '\\') {
      pending += text.substr(0, text.size() - 1);
      continue;
    }
    commands.push_back(pending + text);
    pending.clear();
  }
  ASSERT_GE(commands.size(), 3U);
  bool simulate = false, generate = false, estimate = false;
  for (const auto& c : commands) {
    simulate |= c.rfind("yibao simulate", 0) == 0;
    generate |= c.rfind("yibao generate", 0) == 0;
    estimate |= c.rfind("yibao estimate", 0) == 0;
    EXPECT_EQ(sh("cd " + q(s.dir().string()) + " && PATH=" + q((s.dir() / "bin").string()) + ":\"$PATH\" " + c +
                 " > out.txt 2> err.txt"),
              0)
        << c << "\n"
        << read_text(s.dir() / "err.txt").value_or("");
  }
  EXPECT_TRUE(simulate && generate && estimate);
}

}  // namespace
