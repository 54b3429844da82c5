// yibao show: the resolved tariff (after `extends` layering) as tables an
// analyst can hold against the published policy. For each layer, scheme and
// visit type: rows are level x status, columns location x filing; identical
// columns and rows are collapsed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "common.hpp"
#include "policy_view.hpp"
#include "render.hpp"
#include "core/json_writer.hpp"

namespace yibao::cli {
namespace {

struct show_options {
  std::string tariff_path;
  std::vector<std::string> schemes, statuses, visits, locations, filings;
  std::vector<int> levels;
  std::string group = "none";
  int admission = 1;
  std::string disease;
  bool json = false;
};

/// The sub-rows of a cell, in display order.
constexpr const char* item_names[] = {"deductible", "rates", "method", "cap", "other", "rules"};
constexpr std::size_t item_count = std::size(item_names);
using cell = std::array<std::vector<std::string>, item_count>;

auto cell_of(const layer_policy& lp) -> cell {
  cell c;
  if (!lp.active) {
    c[0].emplace_back("-");
    return c;
  }
  c[0].push_back(fmt::format("{}/{}", lp.deductible.to_string(), to_string(lp.per)));
  for (std::size_t i = 0; i < lp.bands.size(); ++i) {
    std::string line = band_text(lp, i);
    const band& b = lp.bands[i];
    if (lp.rate(b) != b.rate) {
      // The written rate and the adjustment, as a policy states them ("+5 points").
      line += fmt::format(" ({} {} points)", percent(b.rate), signed_points(lp.adjustment));
    }
    c[1].push_back(std::move(line));
  }
  c[2].push_back(fmt::format("{}, {}", to_string(lp.method), to_string(lp.basis)));
  c[3].push_back(lp.cap ? lp.cap->to_string() : "none");
  if (!lp.reimbursed) c[4].push_back("not reimbursed" + (lp.reason.empty() ? "" : ": " + std::string{lp.reason}));
  if (lp.floor) c[4].push_back("floor " + percent(*lp.floor));
  if (lp.first_pay != ratio{}) c[4].push_back("first pay " + percent(lp.first_pay));
  if (lp.transfer_difference) c[4].emplace_back("transfer: difference");
  std::string rules;
  for (const std::uint32_t i : lp.applied) rules += fmt::format("{}#{}", rules.empty() ? "" : " ", i + 1);
  c[5].push_back(std::move(rules));
  return c;
}

auto list_label(const std::vector<int>& values, int count) -> std::string {
  if (static_cast<int>(values.size()) == count) return "all";
  const bool run = values.back() - values.front() + 1 == static_cast<int>(values.size());
  if (run && values.size() > 2) return fmt::format("{}-{}", values.front(), values.back());
  return fmt::format("{}", fmt::join(values, ","));
}

/// Groups equal items, in order of first appearance: indexes into `items`.
template <typename T>
auto group_equal(const std::vector<T>& items) -> std::vector<std::vector<std::size_t>> {
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return items[g.front()] == items[i]; });
    if (it == groups.end()) {
      groups.push_back({i});
    } else {
      it->push_back(i);
    }
  }
  return groups;
}

/// One table: a layer, a scheme and a visit type. Returns "" if the layer is
/// active nowhere in it.
auto render_table(const tariff& t, const combo_space& space, layer_id layer, scheme sc, visit_type vt,
                  std::set<std::uint32_t>& cited) -> std::string {
  struct row_key {
    int level;
    status st;
  };
  std::vector<row_key> rows;
  for (int lv : space.levels) {
    for (status st : space.statuses) rows.push_back({lv, st});
  }
  // grid[column][row]
  std::vector<std::vector<cell>> grid(space.wheres.size(), std::vector<cell>(rows.size()));
  bool any_active = false;
  for (std::size_t ci = 0; ci < space.wheres.size(); ++ci) {
    for (std::size_t ri = 0; ri < rows.size(); ++ri) {
      combo c{sc, rows[ri].st, space.groups.front(), vt, rows[ri].level, space.wheres[ci].first,
              space.wheres[ci].second, space.admissions.front(), space.diseases.front()};
      const resolved_policy rp = t.resolve(c.who(), c.at(), true);
      const layer_policy& lp = rp[layer];
      any_active = any_active || lp.active;
      if (lp.active) cited.insert(lp.applied.begin(), lp.applied.end());
      grid[ci][ri] = cell_of(lp);
    }
  }
  if (!any_active) return {};

  const auto col_groups = group_equal(grid);
  std::vector<std::string> col_labels;
  for (const auto& g : col_groups) {
    std::vector<std::pair<location, filing>> members;
    for (std::size_t ci : g) members.push_back(space.wheres[ci]);
    col_labels.push_back(where_label(members));
  }
  // Rows over the collapsed columns; a group that is not levels x statuses
  // is split by status so that its label stays exact.
  std::vector<std::vector<cell>> row_cells(rows.size());
  for (std::size_t ri = 0; ri < rows.size(); ++ri) {
    for (const auto& g : col_groups) row_cells[ri].push_back(grid[g.front()][ri]);
  }
  std::vector<std::vector<std::size_t>> row_groups;
  for (auto& g : group_equal(row_cells)) {
    std::set<int> lvs;
    std::set<status> sts;
    for (std::size_t ri : g) lvs.insert(rows[ri].level), sts.insert(rows[ri].st);
    if (lvs.size() * sts.size() == g.size()) {
      row_groups.push_back(g);
      continue;
    }
    for (status st : sts) {
      std::vector<std::size_t> part;
      for (std::size_t ri : g) {
        if (rows[ri].st == st) part.push_back(ri);
      }
      row_groups.push_back(part);
    }
  }

  // Lines of text: level, status, item, then one entry per column.
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> header{"level", "status", "item"};
  header.insert(header.end(), col_labels.begin(), col_labels.end());
  lines.push_back(header);
  for (const auto& g : row_groups) {
    std::set<int> lvs;
    std::set<status> sts;
    for (std::size_t ri : g) lvs.insert(rows[ri].level), sts.insert(rows[ri].st);
    std::vector<std::string> st_names;
    for (status st : sts) st_names.emplace_back(to_string(st));
    const std::string lv_label = list_label({lvs.begin(), lvs.end()}, level_count);
    const std::string st_label =
        static_cast<int>(sts.size()) == status_count ? "all" : fmt::format("{}", fmt::join(st_names, ","));
    const std::vector<cell>& cells = row_cells[g.front()];
    bool first = true;
    lines.emplace_back();  // a blank line between rows
    for (std::size_t item = 0; item < item_count; ++item) {
      std::size_t height = 0;
      for (const cell& c : cells) height = std::max(height, c[item].size());
      for (std::size_t k = 0; k < height; ++k) {
        std::vector<std::string> line{first ? lv_label : "", first ? st_label : "", k == 0 ? item_names[item] : ""};
        first = false;
        for (const cell& c : cells) line.push_back(k < c[item].size() ? c[item][k] : "");
        lines.push_back(std::move(line));
      }
    }
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& l : lines) {
    for (std::size_t i = 0; i < l.size(); ++i) widths[i] = std::max(widths[i], display_width(l[i]));
  }
  std::string out = fmt::format("== {} ({}): {}, {} ==\n", to_string(layer), field_name(layer), to_string(sc),
                                to_string(vt));
  for (const auto& l : lines) {
    std::string text;
    for (std::size_t i = 0; i < l.size(); ++i) text += fmt::format("{}{:<{}}", i ? "  " : "", l[i], widths[i]);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out + "\n";
}

/// Restricts `axis` to the values named (all when none); false on an unknown name.
template <typename E, typename Parse>
auto restrict_axis(std::vector<E>& axis, const std::vector<std::string>& names, Parse parse, const char* option)
    -> bool {
  if (names.empty()) return true;
  std::vector<E> keep;
  for (const std::string& n : names) {
    const auto v = parse(n);
    if (!v) {
      std::vector<std::string> accepted;
      for (E e : axis) accepted.emplace_back(to_string(e));
      fmt::print(stderr, "yibao show: {}: expected one of {}, found \"{}\"\n", option, fmt::join(accepted, ", "), n);
      return false;
    }
    if (std::find(keep.begin(), keep.end(), *v) == keep.end()) keep.push_back(*v);
  }
  axis = std::move(keep);
  return true;
}

auto space_of(const show_options& o) -> std::optional<combo_space> {
  combo_space s = combo_space::all();
  const auto g = parse_group(o.group);
  if (!g) {
    std::string names;
    for (int i = 0; i < group_count; ++i) names += fmt::format("{}{}", i ? ", " : "", to_string(static_cast<group>(i)));
    fmt::print(stderr, "yibao show: --group: expected one of {}, found \"{}\"\n", names, o.group);
    return std::nullopt;
  }
  s.groups = {*g};
  s.admissions = {o.admission};
  s.diseases = {o.disease};
  if (!restrict_axis(s.schemes, o.schemes, parse_scheme, "--scheme") ||
      !restrict_axis(s.statuses, o.statuses, parse_status, "--status") ||
      !restrict_axis(s.types, o.visits, parse_visit_type, "--visit")) {
    return std::nullopt;
  }
  if (!o.levels.empty()) {
    s.levels.clear();
    for (int lv : o.levels) {  // 0 .. level_count - 1: checked by the option's transform
      if (std::find(s.levels.begin(), s.levels.end(), lv) == s.levels.end()) s.levels.push_back(lv);
    }
    std::sort(s.levels.begin(), s.levels.end());
  }
  std::vector<location> locs{location::local, location::cross_city, location::cross_province};
  std::vector<filing> fils{filing::long_term, filing::temporary, filing::referral, filing::emergency, filing::unfiled};
  if (!restrict_axis(locs, o.locations, parse_location, "--location") ||
      !restrict_axis(fils, o.filings, parse_filing, "--filing")) {
    return std::nullopt;
  }
  std::vector<std::pair<location, filing>> wheres;
  for (const auto& w : s.wheres) {
    const bool loc_ok = std::find(locs.begin(), locs.end(), w.first) != locs.end();
    // Filing does not apply to a local visit: --filing leaves the local column alone.
    const bool fil_ok = w.first == location::local || std::find(fils.begin(), fils.end(), w.second) != fils.end();
    if (loc_ok && fil_ok) wheres.push_back(w);
  }
  s.wheres = std::move(wheres);
  return s;
}

auto source_of(const provenance& p) -> std::string {
  if (!p.source.empty()) return "source: " + p.source;
  if (!p.assumed.empty()) return "assumed: " + p.assumed;
  return "no source";
}

auto render_text(const tariff& t, const combo_space& s) -> std::string {
  std::string out = fmt::format("tariff {} \"{}\" ({}), valid {} to {}, rounding {}\n", t.info.id, t.info.name,
                                t.info.place, t.info.valid_from.to_string(), t.info.valid_to.to_string(),
                                to_string(t.info.round));
  if (!t.info.extends.empty()) out += fmt::format("layers: {}, {}\n", fmt::join(t.info.extends, ", "), t.file);
  out += fmt::format("group {}, admission {}{}\n\n", to_string(s.groups.front()), s.admissions.front(),
                     s.diseases.front().empty() ? "" : ", disease " + s.diseases.front());
  std::set<std::uint32_t> cited;  // indices into t.rules
  for (int li = 0; li < layer_count; ++li) {
    for (scheme sc : s.schemes) {
      for (visit_type vt : s.types) out += render_table(t, s, static_cast<layer_id>(li), sc, vt, cited);
    }
  }
  if (cited.empty()) return out + "no rule applies to the visits selected\n";
  out += "rules:\n";
  for (std::size_t i = 0; i < t.rules.size(); ++i) {
    const rule& r = t.rules[i];
    if (!cited.count(static_cast<std::uint32_t>(i))) continue;
    out += fmt::format("  #{} {} {}; {}\n", i + 1, r.origin.where.to_string(), r.label, source_of(r.origin));
  }
  return out;
}

auto render_json(const tariff& t, const combo_space& s) -> std::string {
  std::string out;
  {
    detail::json_object root(out);
    root.key("tariff");
    {
      detail::json_object info(out);
      info.str("id", t.info.id);
      info.str("name", t.info.name);
      info.str("place", t.info.place);
      info.str("valid_from", t.info.valid_from.to_string());
      info.str("valid_to", t.info.valid_to.to_string());
      info.str("rounding", to_string(t.info.round));
      info.str("file", t.file);
    }
    root.key("policies");
    out += '[';
    bool first = true;
    for (const combo& c : s.combos()) {
      const resolved_policy rp = t.resolve(c.who(), c.at(), true);
      for (int li = 0; li < layer_count; ++li) {
        const layer_policy& lp = rp.layers[li];
        if (!lp.active) continue;
        if (!first) out += ',';
        first = false;
        detail::json_object p(out);
        p.str("layer", to_string(static_cast<layer_id>(li)));
        p.str("scheme", to_string(c.sch));
        p.str("status", to_string(c.st));
        p.str("group", to_string(c.grp));
        p.str("visit", to_string(c.type));
        p.raw("level", std::to_string(c.level));
        p.str("location", to_string(c.where));
        if (c.where == location::local) {
          p.raw("filing", "null");
        } else {
          p.str("filing", to_string(c.filed));
        }
        p.raw("admission", std::to_string(c.admission));
        for (const field& f : fields_of(t, lp)) {
          if (f.name != "bands") p.str(f.name, f.value);
        }
        p.key("bands");
        out += '[';
        for (std::size_t i = 0; i < lp.bands.size(); ++i) {
          const band& b = lp.bands[i];
          if (i) out += ',';
          detail::json_object bo(out);
          if (b.upto) {
            bo.str("upto", b.upto->to_string());
          } else {
            bo.raw("upto", "null");
          }
          bo.str("ratio", lp.rate(b).to_string(6));
          bo.str("written", b.rate.to_string(6));
        }
        out += ']';
        p.key("rules");
        out += '[';
        for (std::size_t i = 0; i < lp.applied.size(); ++i) {
          if (i) out += ',';
          detail::json_object ro(out);
          const rule& r = t.rules[lp.applied[i]];
          ro.str("name", r.label);
          ro.str("at", r.origin.where.to_string());
        }
        out += ']';
      }
    }
    out += ']';
  }
  return out + "\n";
}

auto run_show(const show_options& o) -> int {
  int code = exit_ok;
  auto t = load_tariff_file(o.tariff_path, code);
  if (!t) return code;
  auto space = space_of(o);
  if (!space) return exit_usage;
  // Day surgery, maternity and pharmacy get tables of their own only when a
  // rule names them or --visit asks for them.
  if (o.visits.empty()) space->drop_unnamed({&*t});
  std::string out;
  try {
    out = o.json ? render_json(*t, *space) : render_text(*t, *space);
  } catch (const std::overflow_error&) {  // a tariff problem the loader's bounds missed, not an internal error
    fmt::print(stderr, "{}: error: {}\n", t->file, tariff_overflow_message);
    return exit_config;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? exit_ok : exit_cant_create;
}

}  // namespace

void setup_show(CLI::App& app, int& exit) {
  auto o = std::make_shared<show_options>();
  CLI::App* sub = app.add_subcommand("show", "Print the resolved tariff as tables (after extends layering)");
  sub->add_option("tariff", o->tariff_path, "Tariff TOML file")->required();
  sub->add_option("--scheme", o->schemes, "Only these schemes (employee, resident)");
  sub->add_option("--status", o->statuses, "Only these statuses (active, retired)");
  sub->add_option("--visit", o->visits,
                  "Only these visit types (outpatient, inpatient, chronic, day_surgery, maternity, pharmacy)");
  sub->add_option("--level", o->levels, "Only these levels (0 community, 1, 2, 3)")->transform(integer_in(0, level_count - 1));
  sub->add_option("--location", o->locations, "Only these locations (local, cross_city, cross_province)");
  sub->add_option("--filing", o->filings, "Only these filings (long_term, temporary, referral, emergency, unfiled)");
  sub->add_option("--group", o->group,
                  "The special group (none, dibao, tekun, poverty, low_income, orphan, illness_poverty)")
      ->capture_default_str();
  sub->add_option("--admission", o->admission, "The n-th admission this year (1 to 1000000)")
      ->transform(integer_in(1, 1'000'000))
      ->capture_default_str();
  sub->add_option("--disease", o->disease, "A disease code (default none)");
  sub->add_flag("--json", o->json, "Print every combination as JSON (no collapsing)");
  sub->callback([o, &exit] { exit = run_show(*o); });
}

}  // namespace yibao::cli
