// The one bounded file reader (include/yibao/input.hpp): POSIX reads of at
// most limit + 1 bytes, so that an endless input is refused after the limit
// instead of read until memory runs out.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#include "yibao/input.hpp"

namespace yibao {
namespace {

auto fail(input_kind kind, const std::string& name, const std::string& why) -> error {
  return make_error(errc::io_error, "", "cannot read " + std::string(to_string(kind)) + " " + name + ": " + why);
}

auto too_large(input_kind kind, const std::string& name, std::size_t limit) -> error {
  return fail(kind, name, "larger than the limit " + std::to_string(limit) + " bytes");
}

/// Closes a descriptor on every path out.
class fd_guard {
 public:
  explicit fd_guard(int fd) : fd_{fd} {}
  fd_guard(const fd_guard&) = delete;
  auto operator=(const fd_guard&) -> fd_guard& = delete;
  ~fd_guard() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_;
};

}  // namespace

auto to_string(input_kind kind) noexcept -> std::string_view {
  switch (kind) {
    case input_kind::tariff: return "tariff";
    case input_kind::catalog: return "catalog";
    case input_kind::bill: return "bill";
  }
  return "input";
}

auto size_limit(input_kind kind) noexcept -> std::size_t {
  switch (kind) {
    case input_kind::tariff: return tariff_size_limit;
    case input_kind::catalog: return catalog_size_limit;
    case input_kind::bill: return bill_size_limit;
  }
  return tariff_size_limit;
}

auto read_input_file(const std::string& path, input_kind kind) -> result<std::string> {
  return read_input_file(path, kind, size_limit(kind));
}

auto read_input_file(const std::string& path, input_kind kind, std::size_t limit) -> result<std::string> {
  if (path.empty()) return fail(kind, "\"\"", "an empty file name");
  // O_NONBLOCK: opening a FIFO nobody writes to must not hang; reads below
  // switch back to blocking.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return fail(kind, path, std::strerror(errno));
  const fd_guard guard{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(kind, path, std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return fail(kind, path, "is a directory, expected a file");
  if (S_ISREG(st.st_mode) && static_cast<std::uintmax_t>(st.st_size) > limit) return too_large(kind, path, limit);
  if (const int flags = ::fcntl(fd, F_GETFL); flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);

  std::string text;
  if (S_ISREG(st.st_mode)) text.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(kind, path, std::strerror(errno));
    }
    if (n == 0) break;
    // The file may grow, or be a device or FIFO whose size stat cannot tell.
    if (text.size() + static_cast<std::size_t>(n) > limit) return too_large(kind, path, limit);
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

auto read_input_stream(std::istream& in, const std::string& name, input_kind kind) -> result<std::string> {
  const std::size_t limit = size_limit(kind);
  std::string text;
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    const auto n = static_cast<std::size_t>(in.gcount());
    if (text.size() + n > limit) return too_large(kind, name, limit);
    text.append(buffer, n);
  }
  if (in.bad()) return fail(kind, name, "a read error");
  return text;
}

}  // namespace yibao
