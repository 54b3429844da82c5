#pragma once
// Explains why a JSON text is malformed, with a byte offset: simdjson's DOM
// parser reports only an error code, so on that (rare) path the text is
// scanned again by a small grammar checker.

#include <cstddef>
#include <string>
#include <string_view>

namespace yibao::io {

/// Finds the first JSON syntax error in `json`: truncation, a misplaced or
/// missing token, a bad string escape, an unescaped control character, a bad
/// number or literal, nesting deeper than `max_depth`, or content after the
/// top-level value. Returns e.g. "truncated JSON: unexpected end of input at
/// byte offset 179", or "" if it finds nothing wrong. Offsets are 0-based.
/// Does not check UTF-8 (see text.hpp) or number ranges.
[[nodiscard]] auto find_json_syntax_error(std::string_view json, std::size_t max_depth) -> std::string;

}  // namespace yibao::io
