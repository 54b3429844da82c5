#pragma once
// Output files of the command-line tool (README.md "Output files").
//
// What is at the path decides how it is written:
// - nothing, or a regular file: a new file `NAME.partial` in the same
//   directory (created exclusively: an existing `NAME.partial` is never
//   clobbered, a numbered `NAME.N.partial` is used instead), renamed onto
//   NAME by commit(); removed if the output is abandoned, kept by keep();
// - a symlink: the same, at the file it resolves to (in that file's
//   directory), so the link itself stays a link; a dangling link is refused;
// - "-": standard output, written through;
// - a character or block device or a FIFO: opened and written through,
//   never created, replaced or renamed;
// - anything else (a directory, a socket): refused.
#include <cstdio>
#include <string>
#include <string_view>

namespace yibao::cli {

class output_file {
 public:
  /// Opens the output at `path`; prints why to stderr and is !ok() on failure.
  explicit output_file(std::string path);
  output_file(const output_file&) = delete;
  auto operator=(const output_file&) -> output_file& = delete;
  ~output_file();  ///< abandons an output not committed or kept (removes its .partial file)

  [[nodiscard]] auto ok() const -> bool { return file_ != nullptr; }
  /// True if the output is written straight to `path` (stdout, a device, a
  /// FIFO): no file of the tool's own is made, so nothing may be derived from
  /// its name (a default rejects or lines file).
  [[nodiscard]] auto written_through() const -> bool { return through_; }
  [[nodiscard]] auto write(std::string_view text) -> bool;
  /// Writes out what is buffered; false (and a message on stderr) if any
  /// write failed. Flushing every output before committing any lets a
  /// command rename all of them or none.
  [[nodiscard]] auto flush() -> bool;
  /// Flushes and renames the .partial file into place (or flushes the
  /// device); false (and a message on stderr) if any write failed.
  [[nodiscard]] auto commit() -> bool;
  /// Leaves the .partial file as it is (a stopped run); its name, or empty
  /// when the output was written through.
  auto keep() -> std::string;
  /// True once a write, flush or rename failed.
  [[nodiscard]] auto failed() const -> bool { return failed_; }
  [[nodiscard]] auto path() const -> const std::string& { return path_; }

 private:
  std::string path_;    // as given
  std::string target_;  // the regular file renamed onto (path_ or what a symlink resolves to)
  std::string tmp_;     // the .partial file (empty when written through)
  std::FILE* file_ = nullptr;
  bool through_ = false;
  bool done_ = false;
  bool failed_ = false;
  int errno_ = 0;
};

/// Whether `path` names an output written through (see output_file): "-", a
/// device, a FIFO, or a symlink to one.
[[nodiscard]] auto is_written_through(const std::string& path) -> bool;

/// Flushes stdout; false if anything written to it was lost.
[[nodiscard]] auto stdout_ok() -> bool;

}  // namespace yibao::cli
