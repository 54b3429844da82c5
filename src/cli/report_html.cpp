// The HTML report of yibao simulate: one self-contained page (inline CSS and
// SVG, no script, no network), for analysts without a network.
// Floating point is used only for pixel geometry; every figure printed comes
// from the integer totals.
#include "report_html.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace yibao::cli {
namespace {

using sim::dimension;

auto esc(std::string_view s) -> std::string {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

using sim::fen_sum;
auto yuan(fen_sum fen) -> std::string { return sim::format_fen(fen); }
auto as_double(fen_sum v) -> double { return v.approx(); }

constexpr std::array<const char*, 4> layer_colors{"#3b6ea5", "#e08a2c", "#8e5ea2", "#3c9d5d"};
constexpr std::array<const settlement_field*, 4> layer_fields{
    &settlement_field_of(&settlement::hifp_pay), &settlement_field_of(&settlement::hifmi_pay),
    &settlement_field_of(&settlement::hifob_pay), &settlement_field_of(&settlement::maf_pay)};

struct bar {
  std::string label;
  std::vector<fen_sum> parts;  // stacked segments (fen or counts), non-negative
  std::string note;             // printed at the end of the bar
};

// Horizontal stacked bars.
auto bars_svg(const std::vector<bar>& bars, const std::vector<const char*>& colors) -> std::string {
  constexpr int label_w = 150, bar_w = 460, row_h = 24;
  fen_sum top = 1;
  for (const bar& b : bars) {
    fen_sum sum = 0;
    for (const fen_sum p : b.parts) sum += p;
    top = std::max(top, sum);
  }
  std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-size="12">)",
                                label_w + bar_w + 160, row_h * static_cast<int>(bars.size()) + 8);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const int y = static_cast<int>(i) * row_h + 4;
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", label_w - 6, y + 15, esc(bars[i].label));
    double x = label_w;
    for (std::size_t k = 0; k < bars[i].parts.size(); ++k) {
      const double w = bar_w * as_double(bars[i].parts[k]) / as_double(top);
      svg += fmt::format(R"(<rect x="{:.1f}" y="{}" width="{:.1f}" height="{}" fill="{}"/>)", x, y, w, row_h - 6,
                         colors[k % colors.size()]);
      x += w;
    }
    svg += fmt::format(R"(<text x="{:.1f}" y="{}">{}</text>)", x + 4, y + 15, esc(bars[i].note));
  }
  return svg + "</svg>";
}

// Signed horizontal bars around a zero axis (changes under a reform).
auto signed_bars_svg(const std::vector<std::pair<std::string, fen_sum>>& rows) -> std::string {
  constexpr int label_w = 190, half = 220, row_h = 22;
  fen_sum top = 1;
  for (const auto& r : rows) top = std::max(top, r.second < 0 ? -r.second : r.second);
  std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-size="12">)",
                                label_w + 2 * half + 120, row_h * static_cast<int>(rows.size()) + 8);
  const int axis = label_w + half;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const int y = static_cast<int>(i) * row_h + 4;
    const double w = half * as_double(rows[i].second < 0 ? -rows[i].second : rows[i].second) / as_double(top);
    const double x = rows[i].second < 0 ? axis - w : axis;
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", label_w - 6, y + 14, esc(rows[i].first));
    svg += fmt::format(R"(<rect x="{:.1f}" y="{}" width="{:.1f}" height="{}" fill="{}"/>)", x, y, w, row_h - 6,
                       rows[i].second < 0 ? "#c0504d" : "#3c9d5d");
    svg += fmt::format(R"(<text x="{}" y="{}">{}</text>)", axis + half + 6, y + 14, yuan(rows[i].second));
  }
  svg += fmt::format(R"(<line x1="{0}" y1="0" x2="{0}" y2="{1}" stroke="#444"/>)", axis,
                     row_h * static_cast<int>(rows.size()) + 8);
  return svg + "</svg>";
}

// Column chart of the patient share as a percentage of the bill, 20 bins of 5 points.
auto share_svg(const std::vector<std::uint64_t>& bp) -> std::string {
  std::array<std::uint64_t, 20> bins{};
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < bp.size(); ++i) {
    bins[std::min<std::size_t>(i / 500, 19)] += bp[i];
    n += bp[i];
  }
  const std::uint64_t top = std::max<std::uint64_t>(1, *std::max_element(bins.begin(), bins.end()));
  constexpr int col_w = 30, height = 180, left = 40;
  std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-size="11">)",
                                left + col_w * 20 + 20, height + 40);
  for (int i = 0; i < 20; ++i) {
    const double h = height * static_cast<double>(bins[i]) / static_cast<double>(top);
    svg += fmt::format(R"(<rect x="{}" y="{:.1f}" width="{}" height="{:.1f}" fill="#3b6ea5"><title>{}-{}%: {} bills</title></rect>)",
                       left + i * col_w, height - h + 10, col_w - 3, h, i * 5, i * 5 + 5, bins[i]);
    if (i % 2 == 0) svg += fmt::format(R"(<text x="{}" y="{}">{}%</text>)", left + i * col_w, height + 26, i * 5);
  }
  svg += fmt::format(R"(<text x="{}" y="{}">100%</text><text x="0" y="20">{} bills</text>)", left + 20 * col_w - 12,
                     height + 26, n);
  return svg + "</svg>";
}

void totals_table(std::string& out, const sim::summary& s) {
  out += "<table><tr><th>field</th><th>base (yuan)</th>";
  if (s.reform) out += "<th>reform</th><th>change</th>";
  out += "</tr>";
  for (std::size_t f = 0; f < sim::field_count; ++f) {
    out += fmt::format("<tr><td>{}</td><td>{}</td>", settlement_fields[f].name, yuan(s.base.all.sum[f]));
    if (s.reform) {
      out += fmt::format("<td>{}</td><td>{}</td>", yuan(s.reform->all.sum[f]), yuan(s.reform->all.sum[f] - s.base.all.sum[f]));
    }
    out += "</tr>";
  }
  out += "</table>";
}

void dimension_table(std::string& out, const sim::summary& s, dimension d) {
  out += fmt::format("<h3>by {}</h3><table><tr><th>{}</th><th>bills</th><th>medfee_sumamt</th><th>hifp_pay</th>"
                     "<th>hifmi_pay</th><th>hifob_pay</th><th>maf_pay</th><th>psn_part_amt</th>",
                     sim::dimension_name(d), sim::dimension_name(d));
  if (s.reform) out += "<th>reform fund_pay_sumamt</th><th>change</th>";
  out += "</tr>";
  const auto& rows = s.base.by[static_cast<int>(d)];
  for (std::size_t v = 0; v < rows.size(); ++v) {
    const sim::totals& t = rows[v];
    if (t.bills == 0) continue;
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                       esc(sim::dimension_value(d, static_cast<int>(v))), t.bills, yuan(t[&settlement::medfee_sumamt]),
                       yuan(t[&settlement::hifp_pay]), yuan(t[&settlement::hifmi_pay]), yuan(t[&settlement::hifob_pay]),
                       yuan(t[&settlement::maf_pay]), yuan(t[&settlement::psn_part_amt]));
    if (s.reform) {
      const fen_sum r = s.reform->by[static_cast<int>(d)][v][&settlement::fund_pay_sumamt];
      out += fmt::format("<td>{}</td><td>{}</td>", yuan(r), yuan(r - t[&settlement::fund_pay_sumamt]));
    }
    out += "</tr>";
  }
  out += "</table>";
}

}  // namespace

auto render_report_html(const sim::summary& s) -> std::string {
  std::string out = R"(<!doctype html><html lang="en"><head><meta charset="utf-8"><title>yibao simulate</title>
<style>body{font:14px/1.4 sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse;margin:8px 0 16px}
td,th{border:1px solid #ccc;padding:3px 8px}td{text-align:right}td:first-child{text-align:left}
.partial{background:#fde2e1;border:2px solid #c0504d;padding:8px;font-weight:bold}.key span{display:inline-block;
width:12px;height:12px;margin:0 4px 0 12px}</style></head><body>)";
  out += fmt::format("<h1>医保 bulk simulation: tariff {}{}</h1>", esc(s.base.tariff_id),
                     s.reform ? " vs reform " + esc(s.reform->tariff_id) : "");
  if (s.partial) {
    out += "<p class=\"partial\">PARTIAL: the run was stopped before the end of the input; the figures cover only "
           "the bills read so far.</p>";
  }
  out += fmt::format("<p>bills read {} = settled {} + rejected {}; people {}; person-years {}; lines {}.</p>",
                     s.bills_read, s.settled, s.rejected, s.people, s.person_years, s.base.all.lines);

  out += "<h2>Totals</h2>";
  totals_table(out, s);

  out += "<h2>Fund outlay by layer and hospital level</h2><p class=\"key\">";
  for (std::size_t k = 0; k < layer_fields.size(); ++k) {
    out += fmt::format("<span style=\"background:{}\"></span>{}", layer_colors[k], layer_fields[k]->name);
  }
  out += "</p>";
  const std::vector<const char*> colors(layer_colors.begin(), layer_colors.end());
  std::vector<bar> layers;
  for (std::size_t k = 0; k < layer_fields.size(); ++k) {
    std::vector<fen_sum> parts(layer_fields.size(), 0);
    parts[k] = s.base.all[layer_fields[k]->member];
    layers.push_back(bar{std::string{layer_fields[k]->name}, parts, yuan(parts[k])});
  }
  out += bars_svg(layers, colors);
  std::vector<bar> levels;
  const auto& by_level = s.base.by[static_cast<int>(dimension::level)];
  for (std::size_t v = 0; v < by_level.size(); ++v) {
    std::vector<fen_sum> parts;
    for (const settlement_field* f : layer_fields) parts.push_back(by_level[v][f->member]);
    levels.push_back(bar{sim::dimension_value(dimension::level, static_cast<int>(v)), parts,
                         yuan(by_level[v][&settlement::fund_pay_sumamt])});
  }
  out += "<br>" + bars_svg(levels, colors);

  out += "<h2>Patient share</h2><p>Share of each bill the patient bears (psn_part_amt / medfee_sumamt):</p>";
  out += share_svg(s.base.share_bp);
  out += "<table><tr><th>psn_part_amt (yuan)</th><th>mean</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>";
  for (const auto& [name, h] : {std::pair<const char*, const sim::histogram*>{"per bill", &s.base.patient_share},
                                {"per person-year", &s.base.person_year_share}}) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", name,
                       yuan(h->mean()), yuan(h->percentile(500)), yuan(h->percentile(900)), yuan(h->percentile(990)),
                       yuan(h->max));
  }
  out += "</table><table><tr><th>patient share above</th><th>bills</th><th>person-years</th></tr>";
  for (std::size_t k = 0; k < s.thresholds.size(); ++k) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", s.thresholds[k].to_string(),
                       s.base.bills_above[k], s.base.person_years_above[k]);
  }
  out += "</table><h2>Caps</h2><table><tr><th>layer</th><th>person-years reaching the annual cap</th>";
  if (s.reform) out += "<th>reform</th>";
  out += "</tr>";
  for (int l = 0; l < layer_count; ++l) {
    out += fmt::format("<tr><td>{}</td><td>{}</td>", to_string(static_cast<layer_id>(l)), s.base.cap_reached[l]);
    if (s.reform) out += fmt::format("<td>{}</td>", s.reform->cap_reached[l]);
    out += "</tr>";
  }
  out += "</table>";

  if (s.reform) {
    out += fmt::format("<h2>Reform: change in fund payments by group</h2><p>{} bills pay more (+{}), {} pay less "
                       "(-{}), {} unchanged.</p>",
                       s.delta.more, yuan(s.delta.raised), s.delta.less, yuan(s.delta.lowered), s.delta.same);
    std::vector<std::pair<std::string, fen_sum>> rows;
    for (int d = 0; d < sim::dimension_count; ++d) {
      const auto dim = static_cast<dimension>(d);
      for (std::size_t v = 0; v < s.base.by[d].size(); ++v) {
        if (s.base.by[d][v].bills == 0) continue;
        rows.emplace_back(std::string{sim::dimension_name(dim)} + ": " + sim::dimension_value(dim, static_cast<int>(v)),
                          s.reform->by[d][v][&settlement::fund_pay_sumamt] - s.base.by[d][v][&settlement::fund_pay_sumamt]);
      }
    }
    out += signed_bars_svg(rows);
  }

  out += "<h2>By group</h2>";
  for (int d = 0; d < sim::dimension_count; ++d) dimension_table(out, s, static_cast<dimension>(d));
  out += "<p>Money in yuan, exact sums of fen. Percentiles of amounts within 0.2%; shares above thresholds exact.</p>";
  out += "</body></html>\n";
  return out;
}

}  // namespace yibao::cli
