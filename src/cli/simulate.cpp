// yibao simulate: settle a stream of bills with every core and summarise.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "output_file.hpp"
#include "render.hpp"
#include "report_html.hpp"
#include "sim_files.hpp"
#include "sim/sort.hpp"
#include "yibao/simulate.hpp"

namespace yibao::cli {
namespace {

struct simulate_options {
  std::vector<std::string> tariff_paths;  ///< one file, or versions (files or a directory)
  std::string catalog_path, reform_path;
  std::vector<std::string> inputs;
  std::string input_format = "auto";
  std::string lines_path;
  std::string out_path, out_format = "auto";
  std::string summary_path, rejects_path, report_path;
  std::vector<std::string> thresholds;
  unsigned threads = 0;
  std::size_t batch = 2048;
  bool strict = false;
  bool json = false;
  bool sort = false;
  std::size_t sort_memory_mb = 256;
  std::string tmp_dir;
  std::string progress = "auto";
};

std::atomic<bool> interrupted{false};

// The first Ctrl-C stops the run (and the sort) at the next record; a second
// one ends the process at once, removing the sort's run files first.
extern "C" void on_interrupt(int signal) {
  if (!interrupted.exchange(true)) return;
  sim::remove_sort_files_on_signal();
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

auto ends_with(std::string_view s, std::string_view suffix) -> bool {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The progress line: bills/s, bills done, share of the input read, ETA.
class progress_line {
 public:
  explicit progress_line(bool on) : on_{on}, start_{std::chrono::steady_clock::now()} {}
  void update(const sim::progress& p) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double rate = secs > 0 ? static_cast<double>(p.bills) / secs : 0;
    std::string eta = "?";
    if (p.total_bytes > 0 && p.bytes > 0) {
      const double left = secs * static_cast<double>(p.total_bytes - std::min(p.bytes, p.total_bytes)) /
                          static_cast<double>(p.bytes);
      eta = fmt::format("{:.0f}s", left);
    }
    const double pct = p.total_bytes > 0 ? 100.0 * static_cast<double>(p.bytes) / static_cast<double>(p.total_bytes) : 0;
    fmt::print(stderr, "\r{} bills, {:.0f} bills/s, {:.1f}% read, ETA {}   ", p.bills, rate, pct, eta);
    shown_ = true;
  }
  void finish() {
    if (shown_) fmt::print(stderr, "\r\033[K");
  }

 private:
  bool on_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_, last_{};
};

auto run_simulate(const simulate_options& o) -> int {
  int code = exit_ok;
  // One tariff file, or several versions of a place: each bill's date picks one.
  std::optional<tariff> base;
  std::optional<tariff_set> versions;
  if (o.tariff_paths.size() == 1 && std::filesystem::is_regular_file(o.tariff_paths[0])) {
    base = load_tariff_file(o.tariff_paths[0], code);
    if (!base) return code;
  } else {
    versions = load_tariff_set(o.tariff_paths, code);
    if (!versions) return code;
  }
  std::optional<tariff> reform;
  if (!o.reform_path.empty()) {
    reform = load_tariff_file(o.reform_path, code);
    if (!reform) return code;
  }
  auto items = load_catalog_file(o.catalog_path, code);
  if (!items) return code;

  sim::options opts;
  opts.reform = reform ? &*reform : nullptr;
  opts.threads = o.threads;
  opts.strict = o.strict;
  opts.batch_bills = o.batch;
  for (const std::string& t : o.thresholds) {
    auto m = sim::parse_threshold(t);
    if (!m) {
      fmt::print(stderr, "yibao: --threshold {}: expected an amount in yuan such as 5000 or 5000.00\n", t);
      return exit_usage;
    }
    opts.thresholds.push_back(*m);
  }

  // Inputs.
  input_files files;
  std::vector<sim::input> inputs;
  for (const std::string& path : o.inputs) {
    const bool csv = o.input_format == "csv" || (o.input_format == "auto" && ends_with(path, ".csv"));
    std::string lines;
    if (csv) {
      lines = !o.lines_path.empty() ? o.lines_path : lines_file_for(path);
      if (!o.lines_path.empty() && o.inputs.size() > 1) {
        fmt::print(stderr, "yibao: --lines names the lines file of one CSV input; with several, each X.csv has X.lines.csv\n");
        return exit_usage;
      }
    }
    auto in = files.open(path, csv ? sim::input_format::csv : sim::input_format::jsonl, lines);
    if (!in) return exit_no_input;
    inputs.push_back(std::move(*in));
  }

  // Outputs: at most one on stdout ("-"), which then carries it alone (the
  // printed summary goes to stderr).
  const std::string* on_stdout = nullptr;
  for (const std::string* p : {&o.out_path, &o.rejects_path, &o.summary_path, &o.report_path}) {
    if (*p != "-") continue;
    if (on_stdout != nullptr) {
      fmt::print(stderr, "yibao: only one output can be - (stdout)\n");
      return exit_usage;
    }
    on_stdout = p;
  }
  std::FILE* const summary_stream = on_stdout != nullptr ? stderr : stdout;

  // Each output is written to NAME.partial and renamed at the end, or
  // written through to a device, FIFO or stdout (cli/output_file.hpp).
  std::vector<std::unique_ptr<output_file>> outputs;
  auto make_output = [&](const std::string& path) -> output_file* {
    outputs.push_back(std::make_unique<output_file>(path));
    return outputs.back()->ok() ? outputs.back().get() : nullptr;
  };
  bool out_through = false;
  if (!o.out_path.empty()) {
    const std::string fmt_name = o.out_format != "auto" ? o.out_format : ends_with(o.out_path, ".csv") ? "csv" : "jsonl";
    opts.out = fmt_name == "csv" ? sim::output_format::csv : sim::output_format::jsonl;
    output_file* out = make_output(o.out_path);
    if (out == nullptr) return exit_cant_create;
    out_through = out->written_through();
    opts.write_settlements = [out](std::string_view text) { return out->write(text); };
  }
  // The default rejects file sits beside --out; when --out is not a file (a
  // device, a FIFO, stdout) no name is derived from it and the rejects are
  // shown on stderr as without --out.
  std::string rejects_path = o.rejects_path;
  if (rejects_path.empty() && !o.out_path.empty() && !out_through) rejects_path = o.out_path + ".rejects.csv";
  std::string rejects_shown;  // without a rejects file: the first few on stderr
  std::uint64_t rejects_lines = 0;
  if (!rejects_path.empty()) {
    output_file* rej = make_output(rejects_path);
    if (rej == nullptr) return exit_cant_create;
    opts.write_rejects = [rej](std::string_view text) { return rej->write(text); };
  } else {
    opts.write_rejects = [&](std::string_view text) {
      for (std::size_t i = 0; i < text.size() && rejects_lines < 21; ++i) {
        rejects_shown += text[i];
        if (text[i] == '\n') ++rejects_lines;
      }
      return true;
    };
  }
  auto write_failed = [&outputs] {
    return std::any_of(outputs.begin(), outputs.end(), [](const auto& f) { return f->failed(); });
  };
  // A stopped run renames nothing into place: every file output stays NAME.partial.
  auto keep_partial = [&outputs] {
    std::string kept;
    for (auto& out : outputs) {
      const std::string name = out->keep();
      if (!name.empty()) kept += (kept.empty() ? "" : ", ") + name;
    }
    return kept;
  };

  const bool tty = isatty(STDERR_FILENO) != 0;
  progress_line bar{o.progress == "always" || (o.progress == "auto" && tty)};
  opts.on_progress = [&bar](const sim::progress& p) { bar.update(p); };
  interrupted.store(false);
  opts.stop = &interrupted;
  auto previous = std::signal(SIGINT, on_interrupt);
  // --sort: the inputs through an external merge sort; the run files go
  // with `sorter`, on every return (and with a second Ctrl-C, on_interrupt).
  std::optional<sim::sorted_input> sorter;
  if (o.sort) {
    std::error_code ec;
    const std::filesystem::path tmp = !o.tmp_dir.empty() ? std::filesystem::path{o.tmp_dir}
                                                         : std::filesystem::temp_directory_path(ec);
    sorter.emplace(tmp, o.sort_memory_mb << 20);
    sorter->set_stop(&interrupted);
    if (auto why = sorter->prepare(inputs)) {
      std::signal(SIGINT, previous);
      bar.finish();
      if (why->interrupted) {
        const std::string kept = keep_partial();
        fmt::print(stderr, "yibao: interrupted while sorting: nothing was settled{}\n",
                   kept.empty() ? "" : "; left unfinished: " + kept);
        return exit_failure;
      }
      if (why->temporary) {
        fmt::print(stderr, "yibao: --sort: {}\n", why->message);
        return exit_cant_create;
      }
      fmt::print(stderr, "yibao: {}\n", why->message);  // as without --sort
      return exit_code_for(why->code);
    }
  }
  auto run_under = [&](const auto& tariffs) {  // the tariff or the versions
    return sorter ? sim::run_sorted(tariffs, *items, *sorter, opts) : sim::run(tariffs, *items, inputs, opts);
  };
  auto result = versions ? run_under(*versions) : run_under(*base);
  std::signal(SIGINT, previous);
  bar.finish();

  if (!result) {
    if (write_failed()) return exit_cant_create;  // output_file said why
    fmt::print(stderr, "yibao: {}\n", terminal_safe(result.err().message, true));
    return exit_code_for(result.err().code);
  }
  const sim::summary& s = result.value();
  if (s.stopped_at) {
    fmt::print(stderr, "{}:{}: error: {}{}\nyibao: stopped at the first bad row (--strict); nothing was written\n",
               s.stopped_at->file, s.stopped_at->line,
               s.stopped_at->bill_id.empty() ? "" : "bill " + terminal_safe(s.stopped_at->bill_id) + ": ",
               terminal_safe(s.stopped_at->reason));
    return exit_data;
  }
  const std::string summary_json = sim::to_json(s);
  if (!o.summary_path.empty()) {
    output_file* f = make_output(o.summary_path);
    if (f == nullptr || !f->write(summary_json)) return exit_cant_create;
  }
  if (!o.report_path.empty()) {
    output_file* f = make_output(o.report_path);
    if (f == nullptr || !f->write(render_report_html(s))) return exit_cant_create;
  }
  std::string kept;
  if (s.partial) {
    kept = keep_partial();
  } else {
    // All written out before any is renamed: all of them or none.
    for (auto& out : outputs) {
      if (!out->flush()) return exit_cant_create;  // output_file said why
    }
    for (auto& out : outputs) {
      if (!out->commit()) return exit_cant_create;
    }
  }
  // The tables name the tariffs by their ids: escaped for the terminal.
  const std::string text = o.json ? summary_json : terminal_safe(sim::to_text(s), true);
  std::fwrite(text.data(), 1, text.size(), summary_stream);
  if (s.rejected + s.line_rows_orphan > 0) {
    if (!rejects_path.empty()) {
      fmt::print(stderr, "yibao: {} bills and {} line rows rejected, listed in {}\n", s.rejected, s.line_rows_orphan,
                 rejects_path);
    } else {
      fmt::print(stderr, "yibao: {} bills and {} line rows rejected (the first below; --rejects FILE lists all):\n{}",
                 s.rejected, s.line_rows_orphan, terminal_safe(rejects_shown, true));
    }
  }
  if (s.partial) {
    fmt::print(stderr, "yibao: interrupted: the summary is PARTIAL ({} bills read){}\n", s.bills_read,
               kept.empty() ? "" : "; nothing was renamed into place, left unfinished: " + kept);
    return exit_failure;
  }
  return exit_ok;  // main checks that stdout was written
}

}  // namespace

void setup_simulate(CLI::App& app, int& exit) {
  auto opts = std::make_shared<simulate_options>();
  CLI::App* sub = app.add_subcommand("simulate", "Settle many bills (JSON Lines or CSV) and summarise");
  sub->add_option("--tariff,-t", opts->tariff_paths,
                  "Tariff TOML file of the insured place; repeat it or name a directory for several "
                  "versions, of which each bill's date picks the one in force")
      ->required()
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sub->add_option("--catalog,-c", opts->catalog_path, "Catalog CSV of the place of treatment");
  sub->add_option("--reform", opts->reform_path, "A second tariff: settle every bill under both and compare");
  sub->add_option("inputs", opts->inputs, "Bills: .jsonl files (- for stdin) or bills .csv files")->required();
  sub->add_option("--input-format", opts->input_format, "auto (by extension) | jsonl | csv")
      ->check(CLI::IsMember({"auto", "jsonl", "csv"}));
  sub->add_option("--lines", opts->lines_path, "Lines CSV of the (one) CSV input (default: X.lines.csv for X.csv)");
  sub->add_option("--threads,-j", opts->threads, "Worker threads (default: all cores)")->transform(integer_in(0, 1024));
  sub->add_option("--out,-o", opts->out_path, "Per-bill settlements (.csv, or JSON Lines otherwise; - for stdout)");
  sub->add_option("--out-format", opts->out_format, "auto | csv | jsonl")->check(CLI::IsMember({"auto", "csv", "jsonl"}));
  sub->add_option("--summary", opts->summary_path, "Write the summary as JSON to this file");
  sub->add_option("--rejects", opts->rejects_path, "Rejected rows CSV (default: OUT.rejects.csv when --out is a file)");
  sub->add_option("--report", opts->report_path, "Write a self-contained HTML report");
  sub->add_option("--threshold", opts->thresholds, "Patient-share threshold in yuan (repeatable)");
  sub->add_option("--batch", opts->batch, "Bills per batch")->transform(integer_in(1, 1'000'000))->group("");
  sub->add_flag("--strict", opts->strict, "Stop at the first bad row");
  sub->add_flag("--sort", opts->sort, "Sort the input by person and date first (external merge sort)");
  sub->add_option("--sort-memory", opts->sort_memory_mb, "--sort: memory budget in MB (default 256)")
      ->transform(integer_in(1, std::uint64_t{1} << 20));
  sub->add_option("--tmp", opts->tmp_dir, "--sort: directory for the temporary run files (default: the system's)");
  sub->add_flag("--json", opts->json, "Print the summary as JSON");
  sub->add_option("--progress", opts->progress, "auto (when stderr is a terminal) | always | never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  sub->callback([opts, &exit] { exit = run_simulate(*opts); });
}

}  // namespace yibao::cli
