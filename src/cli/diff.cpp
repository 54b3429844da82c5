// yibao diff: what changed between two tariffs (or two versions), value by
// value. The resolved policy of every combination is compared, not the rule
// text: a reordering that changes no figure is not reported. Each change
// names where the old and the new value are written.
//
// Exit codes: 0 identical, 1 different, 66 unreadable, 78 invalid tariff.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "common.hpp"
#include "policy_view.hpp"

namespace yibao::cli {
namespace {

struct diff_options {
  std::string old_path;
  std::string new_path;
};

struct change {
  std::string what;  ///< "tariff.valid_to", "basic.deductible for level=3", ...
  std::string old_value, new_value;
  std::string old_where, new_where;
};

auto print_change(std::string& out, const change& c) {
  out += fmt::format("{}: {} -> {}\n  old: {}\n  new: {}\n", c.what, c.old_value, c.new_value, c.old_where,
                     c.new_where);
}

// --- settings outside the rules ---------------------------------------------

struct setting {
  std::string name;
  std::string value;
  std::string where;
};

auto schemes_text(const tariff& t) -> std::string {
  std::vector<std::string> names;
  for (int i = 0; i < scheme_count; ++i) {
    if (t.account_for[static_cast<std::size_t>(i)]) names.emplace_back(to_string(static_cast<scheme>(i)));
  }
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ","));
}

auto settings_of(const tariff& t) -> std::vector<setting> {
  const std::string info = t.info.origin.where.to_string();
  std::vector<setting> out{
      {"tariff.id", t.info.id, info},
      {"tariff.name", t.info.name, info},
      {"tariff.place", t.info.place, info},
      {"tariff.valid_from", t.info.valid_from.to_string(), info},
      {"tariff.valid_to", t.info.valid_to.to_string(), info},
      {"tariff.rounding", std::string(to_string(t.info.round)), info},
      {"tariff.year_start", fmt::format("{:02}-{:02}", t.info.year_start_month, t.info.year_start_day), info},
      {"catalog.b_first_pay", t.b_first_pay_default.to_string(6), t.b_first_pay_origin.where.to_string()},
      {"account.pays", std::string(to_string(t.account)), t.account_origin.where.to_string()},
      {"account.schemes", schemes_text(t), t.account_origin.where.to_string()},
      {"account.on_unfiled", t.account_on_unfiled ? "true" : "false", t.account_origin.where.to_string()},
      {"coverage.waiting_months", std::to_string(t.waiting_months), t.waiting_origin.where.to_string()},
      {"unfiled.documents", fmt::format("[{}]", fmt::join(t.claim_documents, ", ")),
       t.claim_documents_origin.where.to_string()},
  };
  for (const auto& [key, text] : t.sources) out.push_back({"sources." + key, text, t.file});
  return out;
}

void diff_settings(const tariff& a, const tariff& b, std::vector<change>& out) {
  const auto sa = settings_of(a);
  const auto sb = settings_of(b);
  auto find = [](const std::vector<setting>& v, const std::string& name) -> const setting* {
    for (const setting& s : v) {
      if (s.name == name) return &s;
    }
    return nullptr;
  };
  std::vector<std::string> names;
  for (const setting& s : sa) names.push_back(s.name);
  for (const setting& s : sb) {
    if (!find(sa, s.name)) names.push_back(s.name);
  }
  for (const std::string& n : names) {
    const setting* x = find(sa, n);
    const setting* y = find(sb, n);
    if (x && y && x->value == y->value) continue;
    out.push_back({n, x ? x->value : "(none)", y ? y->value : "(none)", x ? x->where : a.file,
                   y ? y->where : b.file});
  }
}

// --- the resolved policy -----------------------------------------------------

constexpr std::size_t dims = 8;  // scheme, status, group, visit, level, where, admission, disease
using point = std::array<std::size_t, dims>;

auto universe(const combo_space& s) -> point {
  return {s.schemes.size(), s.statuses.size(), s.groups.size(), s.types.size(),
          s.levels.size(),  s.wheres.size(),   s.admissions.size(), s.diseases.size()};
}

/// "scheme=employee level=3 location=cross_city unfiled" for a product set.
auto selector_text(const combo_space& s, const std::array<std::set<std::size_t>, dims>& sets) -> std::string {
  const point all = universe(s);
  std::vector<std::string> parts;
  auto names = [&](std::size_t d, auto name_of) {
    if (sets[d].size() == all[d]) return;
    std::vector<std::string> v;
    for (std::size_t i : sets[d]) v.push_back(name_of(i));
    static constexpr const char* dim_names[] = {"scheme", "status", "group", "visit",
                                                "level",  "",       "admission", "disease"};
    parts.push_back(fmt::format("{}={}", dim_names[d], fmt::join(v, ",")));
  };
  names(0, [&](std::size_t i) { return std::string(to_string(s.schemes[i])); });
  names(1, [&](std::size_t i) { return std::string(to_string(s.statuses[i])); });
  names(2, [&](std::size_t i) { return std::string(to_string(s.groups[i])); });
  names(3, [&](std::size_t i) { return std::string(to_string(s.types[i])); });
  names(4, [&](std::size_t i) { return std::to_string(s.levels[i]); });
  if (sets[5].size() != all[5]) {
    std::vector<std::pair<location, filing>> w;
    for (std::size_t i : sets[5]) w.push_back(s.wheres[i]);
    parts.push_back("location=" + where_label(w));
  }
  names(6, [&](std::size_t i) { return s.admission_label(i); });
  names(7, [&](std::size_t i) { return s.diseases[i].empty() ? std::string("other") : s.diseases[i]; });
  return parts.empty() ? "every visit" : fmt::format("{}", fmt::join(parts, " "));
}

/// Describes a set of points as a union of products (one selector each).
void describe(const combo_space& s, const std::vector<point>& set, std::vector<std::string>& out) {
  std::array<std::set<std::size_t>, dims> sets;
  for (const point& p : set) {
    for (std::size_t d = 0; d < dims; ++d) sets[d].insert(p[d]);
  }
  std::size_t product = 1;
  for (const auto& v : sets) product *= v.size();
  if (product == set.size()) {
    out.push_back(selector_text(s, sets));
    return;
  }
  // Split along the first axis that varies, then describe each part.
  std::size_t d = 0;
  while (sets[d].size() == 1) ++d;
  for (std::size_t value : sets[d]) {
    std::vector<point> part;
    for (const point& p : set) {
      if (p[d] == value) part.push_back(p);
    }
    describe(s, part, out);
  }
}

/// Where the rules `from` (indices into `t.rules`) are, "; "-separated.
auto where_of(const tariff& t, const std::vector<std::uint32_t>& from) -> std::string {
  if (from.empty()) return "no rule (the default)";
  std::vector<std::string> v;
  for (const std::uint32_t i : from) v.push_back(rule_where(t.rules[i]));
  return fmt::format("{}", fmt::join(v, "; "));
}

/// The fields of an active layer in one line (when it appears or disappears).
auto summary(const std::vector<field>& fs) -> std::string {
  std::vector<std::string> v;
  for (const field& f : fs) {
    if (f.name == "deductible" || f.name == "per" || f.name == "bands" || f.name == "cap" || f.name == "reimbursed") {
      v.push_back(f.name + " " + f.value);
    }
  }
  return fmt::format("yes ({})", fmt::join(v, ", "));
}

void diff_policies(const tariff& a, const tariff& b, std::vector<change>& out) {
  combo_space s = combo_space::all();
  s.add_breakpoints(a);
  s.add_breakpoints(b);
  s.drop_unnamed({&a, &b});
  // (layer, field, old, new, old where, new where) -> the points where it holds
  using key = std::tuple<int, std::size_t, std::string, std::string, std::string, std::string, std::string>;
  std::map<key, std::vector<point>> groups;
  std::vector<key> order;
  static const std::vector<std::string> field_order{"active",   "reimbursed", "reason", "deductible",
                                                    "per",      "bands",      "method", "basis",
                                                    "cap",      "floor",      "first_pay", "transfer"};
  auto rank = [](const std::string& name) {
    return static_cast<std::size_t>(std::find(field_order.begin(), field_order.end(), name) - field_order.begin());
  };
  auto add = [&](int layer, const std::string& name, std::string ov, std::string nv, std::string ow, std::string nw,
                 const point& p) {
    key k{layer, rank(name), name, std::move(ov), std::move(nv), std::move(ow), std::move(nw)};
    auto [it, fresh] = groups.try_emplace(k);
    if (fresh) order.push_back(k);
    it->second.push_back(p);
  };
  // Each disease resolves only the rules that can match it (a tariff may
  // have hundreds of per-disease rules; see disease_slice).
  std::vector<disease_slice> slices_a;
  std::vector<disease_slice> slices_b;
  for (const std::string& d : s.diseases) {
    slices_a.emplace_back(a, d);
    slices_b.emplace_back(b, d);
  }
  point p{};
  for (p[0] = 0; p[0] < s.schemes.size(); ++p[0])
    for (p[1] = 0; p[1] < s.statuses.size(); ++p[1])
      for (p[2] = 0; p[2] < s.groups.size(); ++p[2])
        for (p[3] = 0; p[3] < s.types.size(); ++p[3])
          for (p[4] = 0; p[4] < s.levels.size(); ++p[4])
            for (p[5] = 0; p[5] < s.wheres.size(); ++p[5])
              for (p[6] = 0; p[6] < s.admissions.size(); ++p[6])
                for (p[7] = 0; p[7] < s.diseases.size(); ++p[7]) {
                  const combo c{s.schemes[p[0]],       s.statuses[p[1]],     s.groups[p[2]],
                                s.types[p[3]],         s.levels[p[4]],       s.wheres[p[5]].first,
                                s.wheres[p[5]].second, s.admissions[p[6]],   s.diseases[p[7]]};
                  const resolved_policy ra = slices_a[p[7]].resolve(c);
                  const resolved_policy rb = slices_b[p[7]].resolve(c);
                  for (int li = 0; li < layer_count; ++li) {
                    const layer_policy& la = ra.layers[li];
                    const layer_policy& lb = rb.layers[li];
                    if (!la.active && !lb.active) continue;
                    const auto fa = fields_of(a, la);
                    const auto fb = fields_of(b, lb);
                    if (la.active != lb.active) {
                      add(li, "active", la.active ? summary(fa) : "no", lb.active ? summary(fb) : "no",
                          where_of(a, la.applied), where_of(b, lb.applied), p);
                      continue;
                    }
                    for (const field& x : fa) {
                      const auto y = std::find_if(fb.begin(), fb.end(), [&](const field& f) { return f.name == x.name; });
                      if (y == fb.end()) {
                        add(li, x.name, x.value, "(none)", where_of(a, x.from), "-", p);
                      } else if (y->value != x.value) {
                        add(li, x.name, x.value, y->value, where_of(a, x.from), where_of(b, y->from), p);
                      }
                    }
                    for (const field& y : fb) {
                      if (std::none_of(fa.begin(), fa.end(), [&](const field& f) { return f.name == y.name; })) {
                        add(li, y.name, "(none)", y.value, "-", where_of(b, y.from), p);
                      }
                    }
                  }
                }
  std::stable_sort(order.begin(), order.end(), [](const key& x, const key& y) {
    return std::tuple(std::get<0>(x), std::get<1>(x)) < std::tuple(std::get<0>(y), std::get<1>(y));
  });
  for (const key& k : order) {
    std::vector<std::string> selectors;
    describe(s, groups[k], selectors);
    const auto& [layer, r, name, ov, nv, ow, nw] = k;
    for (const std::string& sel : selectors) {
      out.push_back({fmt::format("{}.{} for {}", to_string(static_cast<layer_id>(layer)), name, sel), ov, nv, ow, nw});
    }
  }
}

auto run_diff(const diff_options& o) -> int {
  int code = exit_ok;
  auto a = load_tariff_file(o.old_path, code);
  if (!a) return code;
  auto b = load_tariff_file(o.new_path, code);
  if (!b) return code;
  std::vector<change> changes;
  try {
    diff_settings(*a, *b, changes);
    diff_policies(*a, *b, changes);
  } catch (const std::overflow_error&) {  // a tariff problem the loader's bounds missed, not an internal error
    fmt::print(stderr, "{} or {}: error: {}\n", a->file, b->file, tariff_overflow_message);
    return exit_config;
  }
  std::string out;
  if (changes.empty()) {
    out = fmt::format("{} and {}: no differences\n", o.old_path, o.new_path);
  } else {
    out = fmt::format("--- {}\n+++ {}\n", o.old_path, o.new_path);
    for (const change& c : changes) print_change(out, c);
    out += fmt::format("{} difference{}\n", changes.size(), changes.size() == 1 ? "" : "s");
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (std::fflush(stdout) != 0) return exit_cant_create;
  return changes.empty() ? exit_ok : exit_failure;
}

}  // namespace

void setup_diff(CLI::App& app, int& exit) {
  auto o = std::make_shared<diff_options>();
  CLI::App* sub = app.add_subcommand(
      "diff", "What changed between two tariffs, value by value; exit 0 identical, 1 different");
  sub->add_option("old", o->old_path, "The old tariff TOML file")->required();
  sub->add_option("new", o->new_path, "The new tariff TOML file")->required();
  sub->callback([o, &exit] { exit = run_diff(*o); });
}

}  // namespace yibao::cli
