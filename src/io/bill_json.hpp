#pragma once
// Private: parse_bill_json without its copy of the input, for callers whose
// text already sits in a larger buffer (the bulk simulator's batches).

#include <cstddef>
#include <string_view>

#include "yibao/bill.hpp"

namespace yibao::io {

/// Bytes that must be readable after the end of the text given to
/// parse_bill_json_padded (simdjson's SIMDJSON_PADDING; checked in
/// bill_json.cpp). Their content does not matter.
inline constexpr std::size_t bill_json_padding = 64;

/// Exactly parse_bill_json(json, allow_ytd) (same bill, same errors), but
/// parses `json` in place instead of copying it into a padded buffer: the
/// caller guarantees that the bill_json_padding bytes after
/// json.data() + json.size() are readable.
[[nodiscard]] auto parse_bill_json_padded(std::string_view json, bool allow_ytd) -> result<bill>;

}  // namespace yibao::io
