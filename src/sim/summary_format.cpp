// The bulk summary as JSON and as plain-text tables.
#include <fmt/format.h>

#include "sim/reader.hpp"
#include "core/wide_math.hpp"
#include "yibao/simulate.hpp"

namespace yibao::sim {
namespace {

constexpr std::array<int, 8> permilles{100, 250, 500, 750, 900, 950, 990, 1000};
constexpr std::array<const char*, 8> permille_names{"p10", "p25", "p50", "p75", "p90", "p95", "p99", "max"};

// count / total as a percentage with two decimals, rounded half-up.
auto percent(std::uint64_t count, std::uint64_t total) -> std::string {
  if (total == 0) return "0.00";
  const auto bp = divide_round_wide(static_cast<__int128>(count) * 10'000, total, rounding::half_up);
  return format_fixed(static_cast<std::int64_t>(bp), 2);
}

// The basis-point value at quantile p/1000 of the exact share distribution.
auto share_percentile(const std::vector<std::uint64_t>& bp, int permille) -> std::int64_t {
  std::uint64_t n = 0;
  for (const std::uint64_t c : bp) n += c;
  if (n == 0) return 0;
  const std::uint64_t rank =
      std::max<std::uint64_t>(1, static_cast<std::uint64_t>((static_cast<unsigned __int128>(n) * permille + 999) / 1000));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bp.size(); ++i) {
    seen += bp[i];
    if (seen >= rank) return static_cast<std::int64_t>(i);
  }
  return static_cast<std::int64_t>(bp.size()) - 1;
}

auto share_mean_bp(const std::vector<std::uint64_t>& bp) -> std::int64_t {
  __int128 sum = 0;
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < bp.size(); ++i) {
    sum += static_cast<__int128>(bp[i]) * static_cast<__int128>(i);
    n += bp[i];
  }
  return n == 0 ? 0 : static_cast<std::int64_t>(divide_round_wide(sum, n, rounding::half_up));
}

void totals_json(std::string& out, const totals& t) {
  out += fmt::format("\"bills\":{},\"lines\":{},\"ineligible\":{},\"unfiled\":{}", t.bills, t.lines, t.ineligible,
                     t.unfiled);
  for (std::size_t f = 0; f < field_count; ++f) {
    out += fmt::format(",\"{}\":\"{}\"", settlement_fields[f].name, format_fen(t.sum[f]));
  }
}

void histogram_json(std::string& out, const histogram& h) {
  out += fmt::format("{{\"n\":{},\"sum\":\"{}\",\"mean\":\"{}\"", h.n, format_fen(h.sum), format_fen(h.mean()));
  for (std::size_t i = 0; i < permilles.size(); ++i) {
    out += fmt::format(",\"{}\":\"{}\"", permille_names[i], format_fen(h.percentile(permilles[i])));
  }
  out += '}';
}

void above_json(std::string& out, const std::vector<money>& thresholds, const std::vector<std::uint64_t>& counts,
                std::uint64_t total, const char* unit) {
  out += '[';
  for (std::size_t k = 0; k < thresholds.size() && k < counts.size(); ++k) {
    if (k > 0) out += ',';
    out += fmt::format("{{\"threshold\":\"{}\",\"{}\":{},\"percent\":\"{}\"}}", thresholds[k].to_string(), unit,
                       counts[k], percent(counts[k], total));
  }
  out += ']';
}

void scenario_json(std::string& out, const scenario& s, const std::vector<money>& thresholds) {
  out += "{\"tariff_id\":";
  detail::append_json_string(out, s.tariff_id);
  out += ",\"totals\":{";
  totals_json(out, s.all);
  out += "},\"by\":{";
  for (int d = 0; d < dimension_count; ++d) {
    if (d > 0) out += ',';
    out += fmt::format("\"{}\":[", dimension_name(static_cast<dimension>(d)));
    for (std::size_t v = 0; v < s.by[d].size(); ++v) {
      if (v > 0) out += ',';
      out += "{\"value\":";
      detail::append_json_string(out, dimension_value(static_cast<dimension>(d), static_cast<int>(v)));
      out += ',';
      totals_json(out, s.by[d][v]);
      out += '}';
    }
    out += ']';
  }
  out += "},\"patient_share\":";
  histogram_json(out, s.patient_share);
  out += fmt::format(",\"patient_share_percent\":{{\"mean\":\"{}\"", format_fixed(share_mean_bp(s.share_bp), 2));
  for (std::size_t i = 0; i < permilles.size(); ++i) {
    out += fmt::format(",\"{}\":\"{}\"", permille_names[i], format_fixed(share_percentile(s.share_bp, permilles[i]), 2));
  }
  out += "},\"bills_above\":";
  above_json(out, thresholds, s.bills_above, s.all.bills, "bills");
  out += ",\"person_year_share\":";
  histogram_json(out, s.person_year_share);
  out += ",\"person_years_above\":";
  above_json(out, thresholds, s.person_years_above, s.person_year_share.n, "person_years");
  out += ",\"cap_reached\":{";
  for (int l = 0; l < layer_count; ++l) {
    out += fmt::format("{}\"{}\":{}", l > 0 ? "," : "", to_string(static_cast<layer_id>(l)), s.cap_reached[l]);
  }
  out += "}}";
}

void reject_json(std::string& out, const reject& r) {
  out += "{\"file\":";
  detail::append_json_string(out, r.file);
  out += fmt::format(",\"line\":{},\"bill_id\":", r.line);
  detail::append_json_string(out, r.bill_id);
  out += ",\"reason\":";
  detail::append_json_string(out, r.reason);
  out += '}';
}

}  // namespace

auto to_json(const summary& s) -> std::string {
  std::string out = fmt::format("{{\"partial\":{},\"stopped_at\":", s.partial ? "true" : "false");
  if (s.stopped_at) {
    reject_json(out, *s.stopped_at);
  } else {
    out += "null";
  }
  out += fmt::format(
      ",\"counts\":{{\"bills_read\":{},\"settled\":{},\"rejected\":{},\"people\":{},\"person_years\":{},"
      "\"lines\":{},\"line_rows_read\":{},\"line_rows_orphan\":{},\"bytes_read\":{}}}",
      s.bills_read, s.settled, s.rejected, s.people, s.person_years, s.base.all.lines, s.line_rows_read,
      s.line_rows_orphan, s.bytes_read);
  out += ",\"base\":";
  scenario_json(out, s.base, s.thresholds);
  if (s.reform) {
    out += ",\"reform\":";
    scenario_json(out, *s.reform, s.thresholds);
    out += fmt::format(",\"change\":{{\"bills_paying_more\":{},\"bills_paying_less\":{},\"bills_unchanged\":{},"
                       "\"patient_share_raised\":\"{}\",\"patient_share_lowered\":\"{}\"",
                       s.delta.more, s.delta.less, s.delta.same, format_fen(s.delta.raised),
                       format_fen(s.delta.lowered));
    for (std::size_t f = 0; f < field_count; ++f) {
      out += fmt::format(",\"{}\":\"{}\"", settlement_fields[f].name,
                         format_fen(s.reform->all.sum[f] - s.base.all.sum[f]));
    }
    out += '}';
  }
  out += "}\n";
  return out;
}

auto to_text(const summary& s) -> std::string {
  std::string out;
  if (s.partial) out += "PARTIAL: stopped before the end of the input; the figures cover the bills read so far.\n";
  out += fmt::format("tariff {}{}\n", s.base.tariff_id, s.reform ? " vs reform " + s.reform->tariff_id : "");
  out += fmt::format("bills read {} = settled {} + rejected {}; people {}, person-years {}, lines {}\n", s.bills_read,
                     s.settled, s.rejected, s.people, s.person_years, s.base.all.lines);
  if (s.line_rows_read > 0) {
    out += fmt::format("line rows read {} ({} matched no bill)\n", s.line_rows_read, s.line_rows_orphan);
  }
  out += fmt::format("\n{:<20}{:>20}", "totals (yuan)", "base");
  if (s.reform) out += fmt::format("{:>20}{:>20}", "reform", "change");
  out += '\n';
  for (std::size_t f = 0; f < field_count; ++f) {
    out += fmt::format("{:<20}{:>20}", settlement_fields[f].name, format_fen(s.base.all.sum[f]));
    if (s.reform) {
      out += fmt::format("{:>20}{:>20}", format_fen(s.reform->all.sum[f]),
                         format_fen(s.reform->all.sum[f] - s.base.all.sum[f]));
    }
    out += '\n';
  }
  for (int d = 0; d < dimension_count; ++d) {
    const auto dim = static_cast<dimension>(d);
    out += fmt::format("\nby {:<14}{:>10}{:>18}{:>18}{:>18}{:>18}{:>18}", dimension_name(dim), "bills", "medfee",
                       "hifp_pay", "hifmi+hifob", "maf_pay", "psn_part_amt");
    if (s.reform) out += fmt::format("{:>18}", "change in fund");
    out += '\n';
    for (std::size_t v = 0; v < s.base.by[d].size(); ++v) {
      const totals& t = s.base.by[d][v];
      if (t.bills == 0) continue;
      out += fmt::format("   {:<14}{:>10}{:>18}{:>18}{:>18}{:>18}{:>18}", dimension_value(dim, static_cast<int>(v)),
                         t.bills, format_fen(t[&settlement::medfee_sumamt]), format_fen(t[&settlement::hifp_pay]),
                         format_fen(t[&settlement::hifmi_pay] + t[&settlement::hifob_pay]), format_fen(t[&settlement::maf_pay]),
                         format_fen(t[&settlement::psn_part_amt]));
      if (s.reform) {
        out += fmt::format("{:>18}", format_fen(s.reform->by[d][v][&settlement::fund_pay_sumamt] - t[&settlement::fund_pay_sumamt]));
      }
      out += '\n';
    }
  }
  const auto distribution = [&](const char* title, const histogram& h) {
    out += fmt::format("\n{} (yuan): mean {}", title, format_fen(h.mean()));
    for (std::size_t i = 0; i < permilles.size(); ++i) {
      out += fmt::format(", {} {}", permille_names[i], format_fen(h.percentile(permilles[i])));
    }
    out += '\n';
  };
  distribution("patient share per bill", s.base.patient_share);
  out += fmt::format("patient share of the bill (%): mean {}", format_fixed(share_mean_bp(s.base.share_bp), 2));
  for (std::size_t i = 0; i < permilles.size(); ++i) {
    out += fmt::format(", {} {}", permille_names[i], format_fixed(share_percentile(s.base.share_bp, permilles[i]), 2));
  }
  out += '\n';
  for (std::size_t k = 0; k < s.thresholds.size(); ++k) {
    out += fmt::format("  bills with patient share above {}: {} ({}%)\n", s.thresholds[k].to_string(),
                       s.base.bills_above[k], percent(s.base.bills_above[k], s.base.all.bills));
  }
  distribution("patient share per person-year", s.base.person_year_share);
  for (std::size_t k = 0; k < s.thresholds.size(); ++k) {
    out += fmt::format("  person-years above {}: {} ({}%)\n", s.thresholds[k].to_string(),
                       s.base.person_years_above[k], percent(s.base.person_years_above[k], s.base.person_year_share.n));
  }
  out += "\nperson-years reaching the annual cap:";
  for (int l = 0; l < layer_count; ++l) {
    out += fmt::format(" {} {}{}", to_string(static_cast<layer_id>(l)), s.base.cap_reached[l],
                       s.reform ? fmt::format(" (reform {})", s.reform->cap_reached[l]) : "");
  }
  out += '\n';
  if (s.reform) {
    out += fmt::format("\nreform: {} bills pay more (+{}), {} pay less (-{}), {} unchanged\n", s.delta.more,
                       format_fen(s.delta.raised), s.delta.less, format_fen(s.delta.lowered), s.delta.same);
  }
  return out;
}

}  // namespace yibao::sim
