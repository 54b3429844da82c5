// Output files of the command-line tool (see output_file.hpp).
#include "output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace yibao::cli {

namespace {

auto is_device_or_fifo(mode_t m) -> bool { return S_ISCHR(m) || S_ISBLK(m) || S_ISFIFO(m); }

// The file a symlink resolves to, or empty (errno set) when it dangles.
auto resolve(const std::string& path) -> std::string {
  char* r = ::realpath(path.c_str(), nullptr);
  if (r == nullptr) return {};
  std::string out{r};
  std::free(r);  // NOLINT(cppcoreguidelines-no-malloc): realpath's buffer
  return out;
}

}  // namespace

auto is_written_through(const std::string& path) -> bool {
  if (path == "-") return true;
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && is_device_or_fifo(st.st_mode);
}

auto stdout_ok() -> bool { return std::fflush(stdout) == 0 && std::ferror(stdout) == 0; }

output_file::output_file(std::string path) : path_{std::move(path)}, target_{path_} {
  if (path_ == "-") {
    file_ = stdout;
    through_ = true;
    return;
  }
  struct stat st{};
  bool exists = ::lstat(path_.c_str(), &st) == 0;
  if (!exists && errno != ENOENT) {
    fmt::print(stderr, "yibao: cannot write {}: {}\n", path_, std::strerror(errno));
    return;
  }
  if (exists && S_ISLNK(st.st_mode)) {
    target_ = resolve(path_);
    if (target_.empty() || ::stat(target_.c_str(), &st) != 0) {
      fmt::print(stderr, "yibao: cannot write {}: a symbolic link to a file that cannot be resolved ({})\n", path_,
                 std::strerror(errno));
      return;
    }
  }
  if (exists && is_device_or_fifo(st.st_mode)) {
    // Written through: opened as it is, never created, truncated or replaced.
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || (file_ = ::fdopen(fd, "wb")) == nullptr) {
      fmt::print(stderr, "yibao: cannot write {}: {}\n", path_, std::strerror(errno));
      if (fd >= 0) ::close(fd);
      return;
    }
    through_ = true;
    return;
  }
  if (exists && !S_ISREG(st.st_mode)) {
    fmt::print(stderr, "yibao: cannot write {}: {}\n", path_,
               S_ISDIR(st.st_mode) ? "it is a directory" : "not a regular file, device or FIFO");
    return;
  }
  // A new or regular file: NAME.partial beside it, created exclusively so
  // that a file of that name the tool did not make is never clobbered.
  int fd = -1;
  for (int n = 0; n < 1000 && fd < 0; ++n) {
    tmp_ = n == 0 ? target_ + ".partial" : fmt::format("{}.{}.partial", target_, n);
    fd = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0 || (file_ = ::fdopen(fd, "wb")) == nullptr) {
    fmt::print(stderr, "yibao: cannot write {}: {}\n", tmp_, std::strerror(errno));
    if (fd >= 0) {
      ::close(fd);
      ::unlink(tmp_.c_str());
    }
    tmp_.clear();
    return;
  }
  if (exists) (void)::fchmod(fd, st.st_mode & 07777);  // the replaced file's permissions
}

output_file::~output_file() {
  if (file_ != nullptr && file_ != stdout) std::fclose(file_);
  if (!done_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

auto output_file::write(std::string_view text) -> bool {
  if (file_ == nullptr || failed_) return false;
  if (std::fwrite(text.data(), 1, text.size(), file_) == text.size()) return true;
  failed_ = true;
  errno_ = errno;
  fmt::print(stderr, "yibao: cannot write {}: {}\n", path_, std::strerror(errno_));
  return false;
}

auto output_file::flush() -> bool {
  if (file_ == nullptr || failed_) return false;
  if (std::fflush(file_) == 0 && std::ferror(file_) == 0) return true;
  failed_ = true;
  errno_ = errno;
  fmt::print(stderr, "yibao: cannot write {}: {}\n", path_, std::strerror(errno_));
  return false;
}

auto output_file::commit() -> bool {
  if (file_ == nullptr) return false;
  if (failed_) return false;  // said in write()
  bool ok = std::fflush(file_) == 0 && std::ferror(file_) == 0;
  if (file_ != stdout) ok = (std::fclose(file_) == 0) && ok;
  file_ = nullptr;
  if (ok && !tmp_.empty()) ok = std::rename(tmp_.c_str(), target_.c_str()) == 0;
  if (!ok) {
    failed_ = true;
    errno_ = errno;
    fmt::print(stderr, "yibao: cannot write {}: {}\n", path_, std::strerror(errno_));
    return false;
  }
  done_ = true;
  return true;
}

auto output_file::keep() -> std::string {
  if (file_ != nullptr) {
    std::fflush(file_);
    if (file_ != stdout) std::fclose(file_);
    file_ = nullptr;
  }
  done_ = true;
  return tmp_;
}

}  // namespace yibao::cli
