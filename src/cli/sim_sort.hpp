#pragma once
// yibao simulate --sort: an external merge sort of JSON Lines inputs by
// (person id, visit date, original position) in bounded memory. Records are
// read into a chunk up to a memory budget, each chunk is sorted and written
// to a run file in a private temporary directory, and the runs are merged
// with a priority queue into the stream the simulator reads (sim::input with
// `next`), each record carrying its original file and line number.
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

namespace yibao::cli {

struct sort_stats {
  std::uint64_t records = 0;
  std::size_t runs = 0;             ///< sorted chunks (1: everything fit in memory, no run file)
  std::size_t run_files = 0;        ///< run files written (merge passes included)
  std::size_t max_chunk_bytes = 0;  ///< the largest chunk, as charged against the budget
};

/// The sort key of one JSON Lines record: person.id and visit.date as they
/// appear (string contents, escapes not decoded). False if either is missing
/// or the line is not a JSON object.
[[nodiscard]] auto sort_key_of(std::string_view line, std::string_view& person, std::string_view& date) -> bool;

class sorted_jsonl {
 public:
  /// `tmp_parent`: where the private run directory is made; `budget`: bytes
  /// of records (text + index) held in memory at once; `fan_in`: runs merged
  /// at once (more are merged in passes).
  sorted_jsonl(std::filesystem::path tmp_parent, std::size_t budget, std::size_t fan_in = 256);
  sorted_jsonl(const sorted_jsonl&) = delete;
  auto operator=(const sorted_jsonl&) -> sorted_jsonl& = delete;
  ~sorted_jsonl();  ///< removes the run files and their directory

  /// Reads and sorts every input (all JSON Lines). Returns why on failure.
  [[nodiscard]] auto prepare(const std::vector<sim::input>& inputs) -> std::optional<std::string>;
  /// The sorted stream, valid while this object lives (after prepare).
  [[nodiscard]] auto input() -> sim::input;
  [[nodiscard]] auto stats() const -> const sort_stats& { return stats_; }
  /// The private temporary directory (empty until a run file is needed).
  [[nodiscard]] auto dir() const -> const std::filesystem::path& { return dir_; }

  struct entry;
  struct run_reader;

 private:
  auto flush_chunk(bool last) -> std::optional<std::string>;
  auto new_run_path() -> std::optional<std::filesystem::path>;
  auto merge_pass() -> std::optional<std::string>;
  auto next(sim::sourced_record& out) -> int;

  std::filesystem::path parent_, dir_;
  std::size_t budget_, fan_in_;
  std::vector<std::string> names_;
  std::string text_;           // the chunk's lines
  std::vector<entry> chunk_;   // their index
  std::vector<std::filesystem::path> runs_;
  std::size_t served_ = 0;     // in-memory mode: next entry
  bool in_memory_ = false;
  struct merger;
  std::unique_ptr<merger> merge_;
  std::size_t file_seq_ = 0;
  sort_stats stats_;
};

}  // namespace yibao::cli
