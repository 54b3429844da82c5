#pragma once
// A bill field's path, turned into text only when something is wrong (the
// hot path builds no strings): "id", "person.account_balance",
// "lines[3].amount". Used by validate() and the C struct reader, so both
// name a field alike.
#include <cstddef>
#include <string>

namespace yibao::detail {

struct field_path {
  const char* object = "";
  const char* field = "";
  std::size_t index = static_cast<std::size_t>(-1);

  [[nodiscard]] auto str() const -> std::string {
    std::string out = object;
    if (index != static_cast<std::size_t>(-1)) out.append(1, '[').append(std::to_string(index)).append(1, ']');
    if (*field != '\0') {
      if (!out.empty()) out += '.';
      out += field;
    }
    return out;
  }
};

}  // namespace yibao::detail
