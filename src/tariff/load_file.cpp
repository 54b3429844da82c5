// Loading a tariff from the file system (include/yibao/input.hpp): each file
// through the bounded reader of the formats layer, `extends` resolved by
// canonical path.

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "yibao/input.hpp"
#include "yibao/tariff.hpp"

namespace yibao {

auto file_tariff_source() -> tariff_source {
  tariff_source s;
  s.read = [](const std::string& path) -> result<std::string> {
    namespace fs = std::filesystem;
    auto expected = [&path](const std::string& what) {
      return make_error(errc::io_error, "", "expected " + what + " at \"" + path + "\"");
    };
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec == std::errc::too_many_symbolic_link_levels) {
      return expected("a file that does not extend itself, found a cycle of symbolic links");
    }
    if (!fs::exists(st)) {
      return make_error(errc::io_error, "", "expected a readable tariff file, found none at \"" + path + "\"");
    }
    if (fs::is_directory(st)) return expected("a tariff file, found a directory");
    auto text = read_input_file(path, input_kind::tariff);
    if (!text) {
      return make_error(errc::io_error, "", "expected a readable tariff file, found one that is not: " +
                                                text.err().message);
    }
    return text;
  };
  s.identify = [](const std::string& path) -> std::string {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path canonical = fs::canonical(path, ec);
    return ec ? fs::path(path).lexically_normal().generic_string() : canonical.generic_string();
  };
  return s;
}

auto load_tariff_file(const std::string& path, std::vector<diagnostic>* warnings) -> result<tariff> {
  auto text = read_input_file(path, input_kind::tariff);
  if (!text) return std::move(text).err();
  return parse_tariff_from(text.value(), path, file_tariff_source(), warnings);
}

}  // namespace yibao
