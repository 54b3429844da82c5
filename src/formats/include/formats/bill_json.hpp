#pragma once
// Private: the two readers behind parse_bill_json, an entry point without
// its copy of the input for callers whose text already sits in a larger
// buffer (the bulk simulator's batches), and the bill JSON writer.

#include <cstddef>
#include <string>
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

/// The single-pass fast path both entry points try first (bill_json_fast.cpp):
/// true with `out` filled exactly as parse_bill_json fills it, or false when
/// the text is outside the strict subset of JSON it reads; only the full
/// reader can then say what the text is.
[[nodiscard]] auto parse_bill_json_fast(std::string_view json, bool allow_ytd, bill& out) -> bool;

/// parse_bill_json without the fast path: the full reader (simdjson
/// On-Demand) alone, for the tests that hold the two readers to the same
/// answers.
[[nodiscard]] auto parse_bill_json_full(std::string_view json, bool allow_ytd) -> result<bill>;

/// The sort key of one JSON Lines bill (simulate --sort): person.id and
/// visit.date as they appear (string contents, escapes not decoded), as views
/// into `line`. False if either is missing or not a string, or the line is
/// not a JSON object. Read with simdjson On-Demand like the bills; every
/// other member is skipped.
[[nodiscard]] auto bill_sort_key(std::string_view line, std::string_view& person, std::string_view& date) -> bool;

/// Appends `b` as one line of bill JSON (docs/bill-format.md, no line
/// break): what parse_bill_json reads back as `b`. Every field is written
/// except an absent optional one, and `ytd` only when a total is not zero
/// (so that bulk input, which has no ytd, reads a bill without totals).
/// simulate --sort stores CSV bills this way.
void append_bill_json(std::string& out, const bill& b);

}  // namespace yibao::io
