#pragma once
// Human-readable renderings of settlements for the terminal.
#include <string>
#include <vector>

#include "yibao/bill.hpp"
#include "yibao/settlement.hpp"
#include "yibao/tariff.hpp"

namespace yibao::cli {

/// `text` safe to print on a terminal: control characters (C0 including
/// tab and, unless `keep_newlines`, line feed; DEL; C1) and bytes that are
/// not UTF-8 become \xNN escapes (a backslash becomes \\), so that an id
/// or a name from a file cannot move the cursor, recolour or retitle the
/// terminal, or fake a line of output.
[[nodiscard]] auto terminal_safe(std::string_view text, bool keep_newlines = false) -> std::string;

/// Display width of UTF-8 text in terminal columns (CJK counts 2), as fmt
/// counts it when it pads (`{:<{}}`).
[[nodiscard]] auto display_width(std::string_view text) -> std::size_t;

/// The breakdown of one or more settlements of the same bill side by side
/// (`titles` name the columns), labelled in Chinese with English field names.
[[nodiscard]] auto render_breakdown(const tariff& t, const bill& b, const std::vector<const settlement*>& columns,
                                    const std::vector<std::string>& titles) -> std::string;

/// The trace as numbered plain-text steps.
[[nodiscard]] auto render_trace(const settlement& s) -> std::string;

}  // namespace yibao::cli
