#pragma once
// The self-contained HTML report of a bulk simulation (inline SVG, no script,
// no network).
#include <string>

#include "yibao/simulate.hpp"

namespace yibao::cli {

[[nodiscard]] auto render_report_html(const sim::summary& s) -> std::string;

}  // namespace yibao::cli
