#include "yibao/error.hpp"

namespace yibao {

auto to_string(errc code) noexcept -> const char* {
  switch (code) {
    case errc::ok: return "ok";
    case errc::invalid_argument: return "invalid_argument";
    case errc::failed_precondition: return "failed_precondition";
    case errc::out_of_range: return "out_of_range";
    case errc::not_found: return "not_found";
    case errc::io_error: return "io_error";
    case errc::internal: return "internal";
    case errc::out_of_memory: return "out_of_memory";
  }
  return "unknown";
}

auto source_location::to_string() const -> std::string {
  if (line == 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

auto diagnostic::to_string() const -> std::string {
  std::string out = where.to_string();
  out += level == severity::error ? ": error: " : ": warning: ";
  if (!key_path.empty()) out += key_path + ": ";
  out += message;
  return out;
}

}  // namespace yibao
