// Reads one tariff file (as a TOML tree) into a file_part: the tables of
// docs/tariff-format.md, its rules and their selectors. Values go through the
// converters of reader.hpp.

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loader.hpp"
#include "reader.hpp"
#include "tree.hpp"
#include "yibao/bill.hpp"
#include "yibao/money.hpp"

namespace yibao::tariff_detail {
namespace {

using namespace std::string_view_literals;

constexpr key_list top_keys{"tariff"sv,   "sources"sv, "catalog"sv, "account"sv,
                            "coverage"sv, "unfiled"sv, "pool"sv,    "rule"sv};
constexpr key_list tariff_keys{"id"sv,         "name"sv,    "place"sv,  "valid_from"sv, "valid_to"sv, "rounding"sv,
                               "year_start"sv, "format"sv, "extends"sv, "source"sv,     "assumed"sv};
constexpr key_list catalog_keys{"b_first_pay"sv, "source"sv, "assumed"sv};
constexpr key_list account_keys{"pays"sv, "schemes"sv, "on_unfiled"sv, "first"sv, "pots"sv, "family"sv, "source"sv, "assumed"sv};
constexpr key_list coverage_keys{"waiting_months"sv, "waiting_months_per_lapsed_year"sv, "waiting_months_back_paid"sv,
                                 "waiting_floor"sv, "source"sv, "assumed"sv};
constexpr key_list waiting_floor_keys{"lapsed_years"sv, "months"sv};
constexpr key_list pool_keys{"label"sv, "period"sv, "cap_with"sv, "deductible_with"sv, "source"sv, "assumed"sv};
constexpr key_list fee_keys{"items"sv, "fund"sv};
constexpr key_list share_keys{"share"sv, "min"sv, "max"sv};
constexpr key_list bonus_keys{"after_years"sv, "per_year"sv, "per_claim_free_year"sv, "max"sv};
constexpr key_list unfiled_keys{"documents"sv, "source"sv, "assumed"sv};
constexpr key_list rule_keys{"name"sv,       "layer"sv,      "when"sv,      "deductible"sv, "per"sv,
                             "bands"sv,      "method"sv,     "basis"sv,     "cap"sv,        "floor"sv,
                             "reimbursed"sv, "reason"sv,     "first_pay"sv, "transfer"sv,   "add_points"sv,
                             "deductible_factor"sv, "deductible_minus"sv, "ratio_factor"sv, "pool"sv,
                             "visit_cap"sv, "quota"sv, "fixed_fee"sv, "deductible_share"sv,
                             "deductible_after_ratio"sv, "b_first_pay"sv, "b_first_pay_waived"sv, "cap_bonus"sv,
                             "source"sv, "assumed"sv};
constexpr key_list when_keys{"scheme"sv, "status"sv,   "group"sv,     "visit"sv,         "level"sv,        "location"sv,
                             "filing"sv, "admission"sv, "admission_min"sv, "admission_max"sv, "disease"sv,
                             "tier"sv, "family_doctor"sv, "contracted"sv, "age_min"sv, "age_max"sv, "holds"sv,
                             "holds_min"sv, "holds_max"sv, "unfiled_before"sv, "unfiled_before_min"sv};
constexpr key_list band_keys{"upto"sv, "ratio"sv};

const std::string tariff_name = "tariff";
const std::string catalog_name = "catalog";
const std::string account_name = "account";
const std::string coverage_name = "coverage";
const std::string unfiled_name = "unfiled";

class file_parser : value_reader {
 public:
  using value_reader::value_reader;

  void run(const node& root) {
    check_keys(root, "", top_keys);
    if (const auto* n = root.get("tariff")) {
      if (const auto* t = table_of(*n, "tariff")) tariff_table(*t);
    }
    if (const auto* n = root.get("sources")) {
      if (const auto* t = table_of(*n, "sources")) sources_table(*t);
    }
    if (const auto* n = root.get("catalog")) {
      if (const auto* t = table_of(*n, "catalog")) catalog_table(*t);
    }
    if (const auto* n = root.get("account")) {
      if (const auto* t = table_of(*n, "account")) account_table(*t);
    }
    if (const auto* n = root.get("coverage")) {
      if (const auto* t = table_of(*n, "coverage")) coverage_table(*t);
    }
    if (const auto* n = root.get("unfiled")) {
      if (const auto* t = table_of(*n, "unfiled")) unfiled_table(*t);
    }
    if (const auto* n = root.get("pool")) {
      if (const auto* t = table_of(*n, "pool")) pool_tables(*t);
    }
    if (const auto* n = root.get("rule")) rules(*n);
    if (model2_ && part_.t.info.format < 2) {
      report(severity::error, model2_->first, model2_->second,
             "expected format = 2 in [tariff] to use this key of policy model 2 (docs/tariff-format.md \"Format "
             "versions\"), found format " + std::to_string(part_.t.info.format));
    }
  }

 private:
  // --- tables --------------------------------------------------------------

  /// The first key of policy model 2 in this file (it needs `format = 2`).
  std::optional<std::pair<source_location, std::string>> model2_;
  void model2(const node& n, std::string path) {
    if (!model2_) model2_.emplace(n.where, std::move(path));
  }

  void tariff_table(const node& t) {
    part_.present.insert("tariff");
    part_.tariff_where = t.where;
    check_keys(t, "tariff", tariff_keys);
    tariff_info& info = part_.t.info;
    const std::initializer_list<std::pair<std::string_view, std::string*>> texts{
        {"id"sv, &info.id}, {"name"sv, &info.name}, {"place"sv, &info.place}};
    for (const auto& [key, field] : texts) {
      with(t, tariff_name, key, [&, out = field](const node& n, const std::string& p) {
        if (auto s = string_of(n, p)) *out = std::move(*s);
      });
    }
    with(t, tariff_name, "valid_from", [&](const node& n, const std::string& p) {
      if (auto d = date_of(n, p)) part_.valid_from = located_date{*d, n.where};
    });
    with(t, tariff_name, "valid_to", [&](const node& n, const std::string& p) {
      if (auto d = date_of(n, p)) part_.valid_to = located_date{*d, n.where};
    });
    with(t, tariff_name, "rounding", [&](const node& n, const std::string& p) {
      if (auto r = enum_of<rounding, 4>(n, p)) info.round = *r;
    });
    with(t, tariff_name, "year_start", [&](const node& n, const std::string& p) { year_start(n, p); });
    with(t, tariff_name, "format", [&](const node& n, const std::string& p) {
      if (auto v = int_of(n, p, 1, 2, "a format version, 1 or 2")) info.format = *v;
    });
    with(t, tariff_name, "extends", [&](const node& n, const std::string& p) {
      if (const auto* a = n.as_array()) {
        for (std::size_t i = 0; i < a->size(); ++i) {
          const node& item = (*a)[i];
          if (auto s = string_of(item, index(p, i))) part_.extends.push_back({*s, item.where, index(p, i)});
        }
      } else if (const auto* s = n.as_string()) {
        part_.extends.push_back({*s, n.where, p});
      } else {
        error(n, p, "expected a file name or an array of file names, found " + kind_of(n));
      }
    });
    origin_of(t, "tariff", "tariff", info.origin);
  }

  void year_start(const node& n, const std::string& p) {
    const auto* s = n.as_string();
    if (s) {
      const std::string& v = *s;
      auto digit = [&v](std::size_t i) { return v[i] >= '0' && v[i] <= '9'; };
      if (v.size() == 5 && v[2] == '-' && digit(0) && digit(1) && digit(3) && digit(4)) {
        const int month = (v[0] - '0') * 10 + (v[1] - '0');
        const int day = (v[3] - '0') * 10 + (v[4] - '0');
        // A day every year has (so not 02-29): the totals must reset every year.
        constexpr int common_year = 2025;
        if (month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(common_year, month)) {
          part_.t.info.year_start_month = month;
          part_.t.info.year_start_day = day;
          return;
        }
      }
    }
    error(n, p, "expected a day of the year \"MM-DD\" such as \"01-01\", found " + found(n));
  }

  void sources_table(const node& t) {
    part_.present.insert("sources");
    for (const entry& e : t.entries) {
      part_.present.insert("sources." + e.key);
      part_.source_where[e.key] = e.where;
      if (auto s = string_of(e.value, join("sources", e.key))) part_.t.sources[e.key] = std::move(*s);
    }
  }

  void catalog_table(const node& t) {
    part_.present.insert("catalog");
    check_keys(t, "catalog", catalog_keys);
    with(t, catalog_name, "b_first_pay", [&](const node& n, const std::string& p) {
      if (auto r = ratio_of(n, p)) part_.t.b_first_pay_default = *r;
    });
    origin_of(t, "catalog", "catalog", part_.t.b_first_pay_origin);
    check_cited(t, "catalog");
  }

  void account_table(const node& t) {
    part_.present.insert("account");
    check_keys(t, "account", account_keys);
    with(t, account_name, "pays", [&](const node& n, const std::string& p) {
      if (auto v = enum_of<account_use, 3>(n, p)) part_.t.account = *v;
    });
    with(t, account_name, "schemes", [&](const node& n, const std::string& p) {
      if (auto m = mask_of<scheme, scheme_count>(n, p)) {
        for (int i = 0; i < scheme_count; ++i) part_.t.account_for[static_cast<std::size_t>(i)] = (*m >> i) & 1U;
      }
    });
    with(t, account_name, "on_unfiled", [&](const node& n, const std::string& p) {
      if (auto b = bool_of(n, p)) part_.t.account_on_unfiled = *b;
    });
    with(t, account_name, "first", [&](const node& n, const std::string& p) {
      model2(n, p);
      if (auto b = bool_of(n, p)) part_.t.account_first = *b;
    });
    with(t, account_name, "family", [&](const node& n, const std::string& p) {
      model2(n, p);
      if (auto b = bool_of(n, p)) part_.t.account_family = *b;
    });
    with(t, account_name, "pots", [&](const node& n, const std::string& p) {
      model2(n, p);
      const char* what = "an array of \"current\" and \"earlier\", in the order they pay";
      const auto* a = n.as_array();
      if (!a || a->empty()) {
        error(n, p, std::string("expected ") + what + ", found " + (a ? "an empty array" : kind_of(n)));
        return;
      }
      std::vector<std::uint8_t> pots;
      for (std::size_t i = 0; i < a->size(); ++i) {
        const auto* s = (*a)[i].as_string();
        const std::uint8_t pot = s && *s == "current" ? 0 : s && *s == "earlier" ? 1 : 2;
        if (pot == 2 || std::find(pots.begin(), pots.end(), pot) != pots.end()) {
          error((*a)[i], index(p, i), std::string("expected ") + what + " (each once), found " + found((*a)[i]));
          return;
        }
        pots.push_back(pot);
      }
      part_.t.account_pots = std::move(pots);
    });
    origin_of(t, "account", "account", part_.t.account_origin);
    check_cited(t, "account");
  }

  void coverage_table(const node& t) {
    part_.present.insert("coverage");
    check_keys(t, "coverage", coverage_keys);
    const char* months_what = "a number of months from 0 to 120";
    with(t, coverage_name, "waiting_months", [&](const node& n, const std::string& p) {
      if (auto m = int_of(n, p, 0, 120, months_what)) part_.t.waiting_months = *m;
    });
    with(t, coverage_name, "waiting_months_per_lapsed_year", [&](const node& n, const std::string& p) {
      model2(n, p);
      if (auto m = int_of(n, p, 0, 120, months_what)) part_.t.waiting_per_lapsed_year = *m;
    });
    with(t, coverage_name, "waiting_months_back_paid", [&](const node& n, const std::string& p) {
      model2(n, p);
      if (auto m = int_of(n, p, 0, 120, months_what)) part_.t.waiting_back_paid_year = *m;
    });
    with(t, coverage_name, "waiting_floor", [&](const node& n, const std::string& p) {
      model2(n, p);
      const auto* f = table_of(n, p);
      if (!f) return;
      check_keys(*f, p, waiting_floor_keys);
      const auto* years = f->get("lapsed_years");
      const auto* months = f->get("months");
      if (!years || !months) {
        error(n, p, "expected { lapsed_years = 4, months = 6 } (both keys), found " + std::string(years ? "no months" : "no lapsed_years"));
        return;
      }
      auto y = int_of(*years, join(p, "lapsed_years"), 1, 150, "a number of years from 1 to 150");
      auto m = int_of(*months, join(p, "months"), 0, 120, months_what);
      if (y && m) {
        part_.t.waiting_floor_years = *y;
        part_.t.waiting_floor_months = *m;
      }
    });
    origin_of(t, "coverage", "coverage", part_.t.waiting_origin);
    check_cited(t, "coverage");
  }

  void unfiled_table(const node& t) {
    part_.present.insert("unfiled");
    check_keys(t, "unfiled", unfiled_keys);
    with(t, unfiled_name, "documents", [&](const node& n, const std::string& p) {
      if (!n.as_array()) {
        error(n, p, "expected an array of strings, found " + kind_of(n));
      } else if (auto v = strings_of(n, p)) {
        part_.t.claim_documents = std::move(*v);
      }
    });
    origin_of(t, "unfiled", "unfiled", part_.t.claim_documents_origin);
    check_cited(t, "unfiled");
  }

  // --- pools ---------------------------------------------------------------

  void pool_tables(const node& t) {
    part_.present.insert("pool");
    model2(t, "pool");
    for (const entry& e : t.entries) {
      const std::string path = join("pool", e.key);
      const auto* body = table_of(e.value, path);
      if (!body) continue;
      if (!pool_name_ok(e.key)) {
        error(e.value, path,
              "expected a pool name of 1 to 31 lower-case letters, digits and '_' other than basic, critical, large "
              "and assistance (the built-in pools), found " + quote(e.key));
        continue;
      }
      check_keys(*body, path, pool_keys);
      file_part::pool_decl d;
      d.def.name = e.key;
      d.def.origin.where = e.where;
      if (const auto* n = body->get("label")) {
        if (auto s = string_of(*n, join(path, "label"))) d.def.label = std::move(*s);
      }
      if (const auto* n = body->get("period")) {
        if (auto v = enum_of<pool_period, 4>(*n, join(path, "period"))) d.def.period = *v;
      }
      for (const auto& [key, ref] : {std::pair{"cap_with"sv, &d.cap_with}, std::pair{"deductible_with"sv, &d.deductible_with}}) {
        if (const auto* n = body->get(key)) {
          if (auto s = string_of(*n, join(path, key))) *ref = file_part::pool_ref{std::move(*s), n->where, join(path, key)};
        }
      }
      origin_of(*body, path, path, d.def.origin);
      part_.pool_decls.push_back(std::move(d));
    }
  }

  static auto pool_name_ok(std::string_view name) -> bool {
    if (name.empty() || name.size() > 31) return false;
    for (const char c : name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    for (int i = 0; i < layer_count; ++i) {
      if (name == to_string(static_cast<layer_id>(i))) return false;
    }
    return true;
  }

  // --- rules ---------------------------------------------------------------

  void rules(const node& n) {
    const auto* a = n.as_array();
    if (!a) {
      error(n, "rule", "expected an array of tables [[rule]], found " + kind_of(n));
      return;
    }
    for (std::size_t i = 0; i < a->size(); ++i) {
      const node& item = (*a)[i];
      const std::string path = index("rule", i);
      if (const auto* t = item.as_table()) {
        part_.t.rules.push_back(rule_of(*t, path));
        std::optional<std::pair<source_location, std::string>> factor;
        if (const auto* f = t->get("deductible_factor"); f && part_.t.rules.back().deductible_factor) {
          factor.emplace(f->where, join(path, "deductible_factor"));
        }
        part_.factor_where.push_back(std::move(factor));
        std::optional<file_part::pool_ref> pool;
        if (const auto* n = t->get("pool")) {
          if (const auto* name = n->as_string()) {
            pool = file_part::pool_ref{*name, n->where, join(path, "pool")};
          } else {
            error(*n, join(path, "pool"), "expected the name of a pool (a string), found " + kind_of(*n));
          }
        }
        part_.rule_pool.push_back(std::move(pool));
      } else {
        error(item, path, "expected a table, found " + kind_of(item));
      }
    }
  }

  auto rule_of(const node& t, const std::string& path) -> rule {
    rule r;
    r.label = path;
    check_keys(t, path, rule_keys);
    auto get = [&](std::string_view key, auto&& f) {
      if (const auto* n = t.get(key)) f(*n, join(path, key));
    };
    get("name", [&](const node& n, const std::string& p) {
      if (auto s = string_of(n, p)) r.label = std::move(*s);
    });
    get("layer", [&](const node& n, const std::string& p) {
      if (auto v = enum_of<layer_id, layer_count>(n, p)) r.layer = *v;
    });
    get("when", [&](const node& n, const std::string& p) {
      if (const auto* w = n.as_table()) {
        r.when = selector_of(*w, p);
      } else {
        error(n, p, "expected a table such as { scheme = \"employee\" }, found " + kind_of(n));
      }
    });
    get("deductible", [&](const node& n, const std::string& p) { r.deductible = money_of(n, p); });
    get("per", [&](const node& n, const std::string& p) { r.per = enum_of<deductible_scope, 2>(n, p); });
    get("bands", [&](const node& n, const std::string& p) { r.bands = bands_of(n, p); });
    get("method", [&](const node& n, const std::string& p) { r.method = enum_of<band_method, 2>(n, p); });
    get("basis", [&](const node& n, const std::string& p) { r.basis = enum_of<band_basis, 2>(n, p); });
    get("cap", [&](const node& n, const std::string& p) {
      const auto* s = n.as_string();
      if (s && *s == "none") {
        r.cap = std::optional<money>{};
      } else if (s && !parse_fixed(*s, 2)) {
        error(n, p, std::string("expected ") + money_example + ", or \"none\", found " + quote(*s));
      } else if (s || n.as_integer()) {
        if (auto m = money_of(n, p)) r.cap = m;
      } else {
        error(n, p, std::string("expected ") + money_example + ", or \"none\", found " + kind_of(n));
      }
    });
    get("floor", [&](const node& n, const std::string& p) { r.floor = ratio_of(n, p); });
    get("reimbursed", [&](const node& n, const std::string& p) { r.reimbursed = bool_of(n, p); });
    get("reason", [&](const node& n, const std::string& p) { r.reason = string_of(n, p); });
    get("first_pay", [&](const node& n, const std::string& p) { r.first_pay = ratio_of(n, p); });
    get("transfer", [&](const node& n, const std::string& p) {
      if (const auto* s = n.as_string(); s && *s == "difference") {
        r.transfer_difference = true;
      } else {
        error(n, p, "expected one of \"difference\", found " + found(n));
      }
    });
    get("add_points", [&](const node& n, const std::string& p) { r.add = points_of(n, p); });
    // A factor above 1 is a legitimate policy (a higher deductible), up to a
    // hundredfold; the product over a chain of rules is bounded by the loader.
    get("deductible_factor",
        [&](const node& n, const std::string& p) { r.deductible_factor = ratio_of(n, p, factor_limit_ppm); });
    get("deductible_minus", [&](const node& n, const std::string& p) { r.deductible_minus = money_of(n, p); });
    extended_keys(t, path, r);
    origin_of(t, path, path, r.origin);
    check_cited(t, path);

    // "whole": the band the total falls in sets the ratio; past a bounded
    // last band no band holds the total, and the layer would pay nothing at
    // all one fen past the edge (a cliff no published policy has).
    if (r.method == band_method::whole && r.bands && !r.bands->empty() && r.bands->back().upto) {
      const node& last = t.get("bands")->items.back();
      error(last.contains("upto") ? *last.get("upto") : last, join(index(join(path, "bands"), r.bands->size() - 1), "upto"),
            "expected the last band of a \"whole\" method to have no upper edge (a total above it would pay "
            "nothing at all), found " + r.bands->back().upto->to_string());
    }
    if (r.cap && *r.cap && r.deductible && **r.cap < *r.deductible) {
      warn(*t.get("cap"), join(path, "cap"),
           "expected a cap of at least the deductible " + r.deductible->to_string() + ", found " +
               (*r.cap)->to_string());
    }
    return r;
  }

  /// Money or "none".
  auto money_or_none(const node& n, const std::string& p) -> std::optional<std::optional<money>> {
    const auto* s = n.as_string();
    if (s && *s == "none") return std::optional<money>{};
    if (s && !parse_fixed(*s, 2)) {
      error(n, p, std::string("expected ") + money_example + ", or \"none\", found " + quote(*s));
      return std::nullopt;
    }
    if (s || n.as_integer()) {
      if (auto m = money_of(n, p)) return std::optional<money>{*m};
      return std::nullopt;
    }
    error(n, p, std::string("expected ") + money_example + ", or \"none\", found " + kind_of(n));
    return std::nullopt;
  }

  /// The settings of policy model 2 (docs/tariff-format.md "Pools and
  /// payment shapes"). `pool` is resolved by the driver (rule_pool).
  void extended_keys(const node& t, const std::string& path, rule& r) {
    auto get = [&](std::string_view key, auto&& f) {
      if (const auto* n = t.get(key)) {
        model2(*n, join(path, key));
        f(*n, join(path, key));
      }
    };
    if (const auto* n = t.get("pool")) model2(*n, join(path, "pool"));
    bool any = t.contains("pool");
    auto basic_only = [&](const node& n, const std::string& p) {
      if (r.layer == layer_id::basic) return true;
      error(n, p, "expected this key only in a rule of layer \"basic\" (it concerns the whole bill), found it in layer " +
                      quote(to_string(r.layer)));
      return false;
    };
    get("visit_cap", [&](const node& n, const std::string& p) {
      r.visit_cap = money_or_none(n, p);
      any = true;
    });
    get("quota", [&](const node& n, const std::string& p) {
      r.quota = money_or_none(n, p);
      any = true;
    });
    get("fixed_fee", [&](const node& n, const std::string& p) {
      any = true;
      const auto* f = table_of(n, p);
      if (!f || !basic_only(n, p)) return;
      check_keys(*f, p, fee_keys);
      const auto* items = f->get("items");
      const auto* fund = f->get("fund");
      if (!items || !fund) {
        error(n, p, std::string("expected { items = [\"codes\"], fund = \"10.00\" } (both keys), found no ") +
                        (items ? "fund" : "items"));
        return;
      }
      auto codes = strings_of(*items, join(p, "items"));
      auto m = money_of(*fund, join(p, "fund"));
      if (codes && codes->empty()) error(*items, join(p, "items"), "expected at least one item code, found none");
      if (codes && !codes->empty() && m) r.fee = fixed_fee{std::move(*codes), *m};
    });
    get("deductible_share", [&](const node& n, const std::string& p) {
      any = true;
      if (const auto* s = n.as_string(); s && *s == "none") {
        r.share = std::optional<deductible_share>{};
        return;
      }
      const auto* f = table_of(n, p);
      if (!f) return;
      check_keys(*f, p, share_keys);
      bool ok = true;
      for (const char* key : {"share", "min", "max"}) {
        if (!f->get(key)) {
          error(n, p, std::string("expected { share = \"0.20\", min = \"2000.00\", max = \"10000.00\" }, found no ") + key);
          ok = false;
        }
      }
      if (!ok) return;
      auto sh = ratio_of(*f->get("share"), join(p, "share"));
      auto lo = money_of(*f->get("min"), join(p, "min"));
      auto hi = money_of(*f->get("max"), join(p, "max"));
      if (!sh || !lo || !hi) return;
      if (*hi < *lo) {
        error(*f->get("max"), join(p, "max"), "expected a maximum of at least the minimum " + lo->to_string() + ", found " + hi->to_string());
        return;
      }
      r.share = std::optional<deductible_share>{deductible_share{*sh, *lo, *hi}};
    });
    get("deductible_after_ratio", [&](const node& n, const std::string& p) {
      r.after_ratio = bool_of(n, p);
      any = true;
    });
    get("b_first_pay", [&](const node& n, const std::string& p) {
      any = true;
      if (basic_only(n, p)) r.b_first_pay = ratio_of(n, p);
    });
    get("b_first_pay_waived", [&](const node& n, const std::string& p) {
      any = true;
      if (basic_only(n, p)) r.b_first_pay_waived = bool_of(n, p);
    });
    get("cap_bonus", [&](const node& n, const std::string& p) {
      any = true;
      if (const auto* s = n.as_string(); s && *s == "none") {
        r.bonus = std::optional<cap_bonus>{};
        return;
      }
      const auto* f = table_of(n, p);
      if (!f) return;
      check_keys(*f, p, bonus_keys);
      cap_bonus b;
      bool ok = true;
      if (const auto* v = f->get("after_years")) {
        if (auto y = int_of(*v, join(p, "after_years"), 0, 150, "a number of years from 0 to 150")) b.after_years = *y; else ok = false;
      }
      for (const auto& [key, out] : {std::pair{"per_year"sv, &b.per_year}, std::pair{"per_claim_free_year"sv, &b.per_claim_free_year},
                                     std::pair{"max"sv, &b.max}}) {
        if (const auto* v = f->get(key)) {
          if (auto m = money_of(*v, join(p, key))) *out = *m; else ok = false;
        }
      }
      if (!f->get("max")) {
        error(n, p, "expected a \"max\": the most all the increases together may add, found none");
        ok = false;
      }
      if (ok) r.bonus = std::optional<cap_bonus>{b};
    });
    get("ratio_factor", [&](const node& n, const std::string& p) { r.ratio_factor = ratio_of(n, p); });
    r.extended = any;
  }

  auto bands_of(const node& n, const std::string& path) -> std::optional<std::vector<band>> {
    const auto* a = n.as_array();
    if (!a) {
      error(n, path, "expected an array of bands such as [ { upto = \"50000.00\", ratio = \"0.85\" } ], found " +
                         kind_of(n));
      return std::nullopt;
    }
    if (a->empty()) {
      error(n, path, "expected at least one band { ratio = \"0.85\" }, found an empty array");
      return std::nullopt;
    }
    std::vector<band> out;
    bool ok = true;
    std::optional<money> previous;
    for (std::size_t i = 0; i < a->size(); ++i) {
      const node& item = (*a)[i];
      const std::string p = index(path, i);
      const auto* t = item.as_table();
      if (!t) {
        error(item, p, "expected a band { upto = \"50000.00\", ratio = \"0.85\" }, found " + kind_of(item));
        ok = false;
        continue;
      }
      check_keys(*t, p, band_keys);
      band b;
      if (const auto* u = t->get("upto")) {
        if (auto m = money_of(*u, join(p, "upto"))) {
          if (previous && *m <= *previous) {
            error(*u, join(p, "upto"),
                  "expected an edge above the previous band's " + previous->to_string() +
                      " (bands ascend), found " + m->to_string());
            ok = false;
          }
          b.upto = *m;
          previous = *m;
        } else {
          ok = false;
        }
      } else if (i + 1 < a->size()) {
        error(*t, join(p, "upto"), "expected an upper edge (only the last band may omit \"upto\"), found none");
        ok = false;
      }
      if (const auto* r = t->get("ratio")) {
        if (auto v = ratio_of(*r, join(p, "ratio"))) {
          b.rate = *v;
        } else {
          ok = false;
        }
      } else {
        error(*t, join(p, "ratio"), std::string("expected ") + ratio_example + ", found none");
        ok = false;
      }
      out.push_back(b);
    }
    return ok ? std::optional{std::move(out)} : std::nullopt;
  }

  /// The person's and the visit's facts of policy model 2.
  void facts_of(const node& t, const std::string& path, selector& s) {
    auto get = [&](std::string_view key, auto&& f) {
      if (const auto* n = t.get(key)) {
        model2(*n, join(path, key));
        f(*n, join(path, key));
      }
    };
    get("tier", [&](const node& n, const std::string& p) {
      std::uint8_t mask = 0;
      if (for_each_int(n, p, 1, 3, "a contribution tier 1..3 (an integer or an array of them)",
                       [&](int v) { mask = static_cast<std::uint8_t>(mask | (1U << v)); })) {
        s.tiers = mask;
      }
    });
    get("family_doctor", [&](const node& n, const std::string& p) {
      if (auto b = bool_of(n, p)) s.family_doctor = *b ? 1 : 0;
    });
    get("contracted", [&](const node& n, const std::string& p) {
      if (auto b = bool_of(n, p)) s.contracted = *b ? 1 : 0;
    });
    const char* age_what = "an age in years from 0 to 150";
    get("age_min", [&](const node& n, const std::string& p) {
      if (auto v = int_of(n, p, 0, 150, age_what)) s.age_min = *v;
    });
    get("age_max", [&](const node& n, const std::string& p) {
      if (auto v = int_of(n, p, 0, 150, age_what)) s.age_max = *v;
    });
    if (s.age_min > s.age_max) {
      error(*t.get("age_max"), join(path, "age_max"),
            "expected an age range that is not empty, found " + std::to_string(s.age_min) + ".." + std::to_string(s.age_max));
    }
    get("holds", [&](const node& n, const std::string& p) {
      if (auto v = strings_of(n, p)) {
        if (v->empty()) {
          error(n, p, "expected at least one disease code, found an empty array");
        } else {
          s.holds = std::move(*v);
        }
      }
    });
    const char* count_what = "a number of diseases from 0 to 64";
    get("holds_min", [&](const node& n, const std::string& p) {
      if (auto v = int_of(n, p, 0, 64, count_what)) s.holds_min = *v;
    });
    get("holds_max", [&](const node& n, const std::string& p) {
      if (auto v = int_of(n, p, 0, 64, count_what)) s.holds_max = *v;
    });
    if ((t.contains("holds_min") || t.contains("holds_max")) && !t.contains("holds")) {
      const char* key = t.contains("holds_min") ? "holds_min" : "holds_max";
      error(*t.get(key), join(path, key), "expected \"holds\" (the diseases to count) beside it, found none");
    }
    const char* unfiled_what = "a number of earlier unfiled stays from 0 to 1000000 (an integer or an array of them)";
    get("unfiled_before", [&](const node& n, const std::string& p) {
      int lo = selector::unbounded, hi = 0;
      std::vector<int> seen;
      if (!for_each_int(n, p, 0, 1'000'000, unfiled_what, [&](int v) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            seen.push_back(v);
          })) {
        return;
      }
      std::sort(seen.begin(), seen.end());
      seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
      for (std::size_t k = 1; k < seen.size(); ++k) {
        if (seen[k] != seen[k - 1] + 1) {
          error(n, p, "expected consecutive numbers such as [1, 2], found a gap at " + std::to_string(seen[k - 1] + 1));
          return;
        }
      }
      s.unfiled_min = std::max(s.unfiled_min, lo);
      s.unfiled_max = std::min(s.unfiled_max, hi);
    });
    get("unfiled_before_min", [&](const node& n, const std::string& p) {
      if (auto v = int_of(n, p, 0, 1'000'000, "a number of earlier unfiled stays from 0 to 1000000")) {
        s.unfiled_min = std::max(s.unfiled_min, *v);
      }
    });
  }

  auto selector_of(const node& t, const std::string& path) -> selector {
    selector s;
    check_keys(t, path, when_keys);
    auto get = [&](std::string_view key, auto&& f) {
      if (const auto* n = t.get(key)) f(*n, join(path, key));
    };
    auto set = [](std::uint8_t& field, std::optional<std::uint8_t> m) {
      if (m) field = *m;
    };
    get("scheme", [&](const node& n, const std::string& p) { set(s.schemes, mask_of<scheme, scheme_count>(n, p)); });
    get("status", [&](const node& n, const std::string& p) { set(s.statuses, mask_of<status, status_count>(n, p)); });
    get("group", [&](const node& n, const std::string& p) { set(s.groups, mask_of<group, group_count>(n, p)); });
    get("visit", [&](const node& n, const std::string& p) {
      set(s.visits, mask_of<visit_type, visit_type_count>(n, p));
    });
    get("location", [&](const node& n, const std::string& p) {
      set(s.locations, mask_of<location, location_count>(n, p));
    });
    get("filing", [&](const node& n, const std::string& p) { set(s.filings, mask_of<filing, filing_count>(n, p)); });
    get("level", [&](const node& n, const std::string& p) {
      std::uint8_t mask = 0;
      bool ok = for_each_int(n, p, 0, level_count - 1, "a level 0..3 (an integer or an array of them)",
                             [&](int v) { mask = static_cast<std::uint8_t>(mask | (1U << v)); });
      if (ok) s.levels = mask;
    });
    // Admission numbers count a person's admissions in one year; a bill may
    // carry any number >= 1, a rule names one up to a million.
    constexpr std::int64_t admission_limit = 1'000'000;
    const char* admission_what = "an admission number from 1 to 1000000 (an integer or an array of them)";
    get("admission", [&](const node& n, const std::string& p) {
      int lo = std::numeric_limits<int>::max();
      int hi = 0;
      std::vector<int> seen;
      bool ok = for_each_int(n, p, 1, admission_limit, admission_what, [&](int v) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        seen.push_back(v);
      });
      if (!ok) return;
      // The selector holds a range: an array must list consecutive numbers.
      std::sort(seen.begin(), seen.end());
      seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
      for (std::size_t k = 1; k < seen.size(); ++k) {
        if (seen[k] != seen[k - 1] + 1) {
          error(n, p, "expected consecutive admission numbers such as [2, 3], found a gap at " +
                          std::to_string(seen[k - 1] + 1));
          return;
        }
      }
      s.admission_min = std::max(s.admission_min, lo);
      s.admission_max = std::min(s.admission_max, hi);
    });
    get("admission_min", [&](const node& n, const std::string& p) {
      if (auto v = int_of(n, p, 1, admission_limit, "an admission number from 1 to 1000000")) {
        s.admission_min = std::max(s.admission_min, *v);
      }
    });
    get("admission_max", [&](const node& n, const std::string& p) {
      if (auto v = int_of(n, p, 1, admission_limit, "an admission number from 1 to 1000000")) {
        s.admission_max = std::min(s.admission_max, *v);
      }
    });
    if (s.admission_min > s.admission_max) {
      const char* last = t.contains("admission_max") ? "admission_max" : "admission";
      error(*t.get(last), join(path, last),
            "expected an admission range that is not empty, found " + std::to_string(s.admission_min) + ".." +
                std::to_string(s.admission_max));
    }
    get("disease", [&](const node& n, const std::string& p) {
      if (auto v = strings_of(n, p)) s.diseases = std::move(*v);
    });
    facts_of(t, path, s);
    return s;
  }
};

}  // namespace

auto parse_file(std::string_view text, const std::string& file, sink& out) -> file_part {
  file_part part;
  part.tariff_where = {file, 1, 1};
  const std::optional<node> root = read_toml(text, file, out.errors);
  if (!root) return part;
  part.parsed = true;
  file_parser(file, out, part).run(*root);
  return part;
}

}  // namespace yibao::tariff_detail
