#pragma once
// yibao simulate --sort: an external merge sort of the inputs by (person id,
// visit date, original position) in bounded memory. Records are read into a
// chunk up to a memory budget, each chunk is sorted and written to a run
// file in a private temporary directory, and the runs are merged with a
// priority queue into the stream the simulator reads (sim::input with
// `next`), each record carrying its original file and line number.
//
// A JSON Lines record is its line. A CSV bill is joined to its line rows as
// the CSV reader of sim::run joins them, converted to the bill JSON and
// validated by the same functions (src/sim/reader.hpp), and becomes one
// record: the bill JSON, at the bills file's name and line. The simulator
// takes records as JSON Lines only, so what the conversion rejects (a bad
// bill row, a bad line row, an orphan line row) is kept by the sort with the
// CSV reader's own reason and folded into the run by `run_sorted`.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yibao/simulate.hpp"

namespace yibao::sim {

struct sort_stats {
  std::uint64_t records = 0;        ///< records sorted (CSV bills the sort rejected are not records)
  std::size_t runs = 0;             ///< sorted chunks (1: everything fit in memory, no run file)
  std::size_t run_files = 0;        ///< run files written (merge passes included)
  std::size_t max_chunk_bytes = 0;  ///< the largest chunk, as charged against the budget
  // What the sort read and rejected itself (folded into the summary by run_sorted).
  std::uint64_t bytes_read = 0;        ///< input bytes, all files
  std::uint64_t csv_rejected = 0;      ///< CSV bills rejected while converting them
  std::uint64_t line_rows_read = 0;    ///< rows of the CSV lines files
  std::uint64_t line_rows_orphan = 0;  ///< line rows matching no bill
};

/// Why the sort failed.
struct sort_error {
  /// invalid_argument: a bad CSV header; io_error: an input cannot be read,
  /// or (`temporary`) a run file cannot be written or read.
  errc code = errc::io_error;
  bool temporary = false;
  std::string message;
  bool interrupted = false;  ///< the stop flag (set_stop) was raised
};

/// The sort key of one JSON Lines record: person.id and visit.date as they
/// appear (string contents, escapes not decoded). False if either is missing
/// or the line is not a JSON object.
[[nodiscard]] auto sort_key_of(std::string_view line, std::string_view& person, std::string_view& date) -> bool;

class sorted_input {
 public:
  /// `tmp_parent`: where the private run directory is made; `budget`: bytes
  /// of records (text + index) held in memory at once; `fan_in`: runs merged
  /// at once (more are merged in passes).
  sorted_input(std::filesystem::path tmp_parent, std::size_t budget, std::size_t fan_in = 256);
  sorted_input(const sorted_input&) = delete;
  auto operator=(const sorted_input&) -> sorted_input& = delete;
  ~sorted_input();  ///< removes the run files and their directory

  /// A flag that stops prepare() at the next record (sort_error::interrupted).
  void set_stop(const std::atomic<bool>* stop) { stop_ = stop; }
  /// Reads and sorts every input (JSON Lines or CSV).
  [[nodiscard]] auto prepare(const std::vector<sim::input>& inputs) -> std::optional<sort_error>;
  /// The sorted stream, valid while this object lives (after prepare).
  [[nodiscard]] auto input() -> sim::input;
  [[nodiscard]] auto stats() const -> const sort_stats& { return stats_; }
  /// The private temporary directory (empty until a file is needed).
  [[nodiscard]] auto dir() const -> const std::filesystem::path& { return dir_; }
  /// The first row the sort rejected, in input order (none for JSON Lines).
  [[nodiscard]] auto first_reject() const -> const std::optional<sim::reject>& { return first_reject_; }
  /// Writes the rows the sort rejected (rejects CSV rows, no header), in
  /// input order. False if `write` fails or the spool cannot be read.
  [[nodiscard]] auto write_rejects(const sim::write_fn& write) -> bool;

  struct entry;
  struct run_reader;

 private:
  auto read_jsonl(const sim::input& in, std::uint32_t origin) -> std::optional<sort_error>;
  auto read_csv(const sim::input& in, std::uint32_t origin) -> std::optional<sort_error>;  // sort_csv.cpp
  auto add(std::string_view text, std::uint32_t origin, std::uint64_t line) -> std::optional<sort_error>;
  auto add_reject(sim::reject r, bool bill) -> std::optional<sort_error>;
  auto flush_chunk(bool last) -> std::optional<sort_error>;
  auto make_dir() -> bool;
  auto new_run_path() -> std::optional<std::filesystem::path>;
  auto merge_pass() -> std::optional<sort_error>;
  auto next(sim::sourced_record& out) -> int;

  [[nodiscard]] auto stopped() const -> bool;

  const std::atomic<bool>* stop_ = nullptr;
  std::filesystem::path parent_, dir_;
  std::size_t budget_, fan_in_;
  std::vector<std::string> names_;
  std::string text_;           // the chunk's records
  std::vector<entry> chunk_;   // their index
  std::vector<std::filesystem::path> runs_;
  std::size_t served_ = 0;     // in-memory mode: next entry
  std::uint64_t record_bytes_ = 0;  // the stream's size (records + line breaks), for progress
  bool in_memory_ = false;
  struct merger;
  std::unique_ptr<merger> merge_;
  std::size_t file_seq_ = 0;
  sort_stats stats_;
  // The rows the sort rejected: CSV text, spooled to a file past a limit.
  std::string rejects_;
  std::filesystem::path rejects_file_;
  std::optional<sim::reject> first_reject_;
};

/// Removes the run files of the live sorted_input and its directory, using
/// only async-signal-safe calls: for a signal handler that then ends the
/// process (a second Ctrl-C). The files are `run-N` and `rejects` in a
/// directory `yibao-sort-XXXXXX` of the temporary parent; only a hard kill
/// (SIGKILL, a crash) leaves them behind.
void remove_sort_files_on_signal() noexcept;

/// sim::run over the sorted stream, with what the sort found itself folded
/// in: its rejected rows are written to `opts.write_rejects` after the run's
/// own and counted (bills as `rejected`, orphan line rows as
/// `line_rows_orphan`), and `line_rows_read` and `bytes_read` are the
/// inputs'. So the summary is the one of the same bills presorted. With
/// `opts.strict` and a row rejected by the sort, nothing is settled and
/// `stopped_at` is that row. Errors: those of sim::run, and io_error when the
/// rejects cannot be written.
[[nodiscard]] auto run_sorted(const tariff& base, const catalog& items, sorted_input& sorted,
                              const sim::options& opts = {}) -> result<sim::summary>;
/// Same, each bill under the version of `versions` in force on its date.
[[nodiscard]] auto run_sorted(const tariff_set& versions, const catalog& items, sorted_input& sorted,
                              const sim::options& opts = {}) -> result<sim::summary>;

}  // namespace yibao::sim
