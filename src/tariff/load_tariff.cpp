// parse_tariff: follows `extends`, layers the files over each other and runs
// the checks that need the whole chain. No I/O: parents are read through the
// caller's file_reader.
//
// Layering (docs/tariff-format.md): the files of the `extends` graph are put
// in one linear order, depth first, parents in the order written, each file
// once at its first appearance, the file itself last; then each is layered
// over the ones before it: the keys it writes in [tariff], [catalog],
// [account], [coverage] and [unfiled] replace theirs, [sources] merge, and
// its rules follow theirs. A file shared by two parents (a diamond) thus
// contributes its rules and adjustments once.

#include <algorithm>
#include <array>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "loader.hpp"
#include "reader.hpp"
#include "yibao/tariff.hpp"

namespace yibao {
namespace tariff_detail {
namespace {

/// `rel` against the folder of `from`, lexically (no file system access).
auto resolve_path(const std::string& from, const std::string& rel) -> std::string {
  const std::filesystem::path base = std::filesystem::path(from).parent_path();
  return (base / rel).lexically_normal().generic_string();
}

auto normal(const std::string& file) -> std::string {
  return std::filesystem::path(file).lexically_normal().generic_string();
}

/// Copies the table provenance a child writes over its parent's.
void overlay_origin(const file_part& child, const std::string& table, const provenance& from, provenance& to) {
  if (child.has(table)) to.where = from.where;
  if (child.has(table + ".source")) to.source = from.source;
  if (child.has(table + ".assumed")) to.assumed = from.assumed;
}

/// Layers `child` over `base` (in place).
void overlay(file_part& base, file_part&& child) {
  tariff& b = base.t;
  tariff& c = child.t;
  auto has = [&child](const char* key) { return child.has(key); };

  if (has("tariff")) base.tariff_where = child.tariff_where;
  if (has("tariff.id")) b.info.id = std::move(c.info.id);
  if (has("tariff.name")) b.info.name = std::move(c.info.name);
  if (has("tariff.place")) b.info.place = std::move(c.info.place);
  if (has("tariff.valid_from")) base.valid_from = child.valid_from;
  if (has("tariff.valid_to")) base.valid_to = child.valid_to;
  if (has("tariff.rounding")) b.info.round = c.info.round;
  if (has("tariff.format")) b.info.format = c.info.format;
  if (has("tariff.year_start")) {
    b.info.year_start_month = c.info.year_start_month;
    b.info.year_start_day = c.info.year_start_day;
  }
  overlay_origin(child, "tariff", c.info.origin, b.info.origin);

  for (auto& [key, text] : c.sources) b.sources[key] = std::move(text);
  for (auto& [key, where] : child.source_where) base.source_where[key] = std::move(where);

  if (has("catalog.b_first_pay")) b.b_first_pay_default = c.b_first_pay_default;
  overlay_origin(child, "catalog", c.b_first_pay_origin, b.b_first_pay_origin);

  if (has("account.pays")) b.account = c.account;
  if (has("account.schemes")) b.account_for = c.account_for;
  if (has("account.on_unfiled")) b.account_on_unfiled = c.account_on_unfiled;
  if (has("account.first")) b.account_first = c.account_first;
  if (has("account.pots")) b.account_pots = std::move(c.account_pots);
  if (has("account.family")) b.account_family = c.account_family;
  overlay_origin(child, "account", c.account_origin, b.account_origin);

  if (has("coverage.waiting_months")) b.waiting_months = c.waiting_months;
  if (has("coverage.waiting_months_per_lapsed_year")) b.waiting_per_lapsed_year = c.waiting_per_lapsed_year;
  if (has("coverage.waiting_months_back_paid")) b.waiting_back_paid_year = c.waiting_back_paid_year;
  if (has("coverage.waiting_floor")) {
    b.waiting_floor_years = c.waiting_floor_years;
    b.waiting_floor_months = c.waiting_floor_months;
  }
  overlay_origin(child, "coverage", c.waiting_origin, b.waiting_origin);

  if (has("unfiled.documents")) b.claim_documents = std::move(c.claim_documents);
  overlay_origin(child, "unfiled", c.claim_documents_origin, b.claim_documents_origin);

  for (rule& r : c.rules) b.rules.push_back(std::move(r));
  for (auto& f : child.factor_where) base.factor_where.push_back(std::move(f));
  for (auto& p : child.rule_pool) base.rule_pool.push_back(std::move(p));
  for (auto& d : child.pool_decls) {
    auto same = std::find_if(base.pool_decls.begin(), base.pool_decls.end(),
                             [&d](const file_part::pool_decl& x) { return x.def.name == d.def.name; });
    if (same != base.pool_decls.end()) {
      *same = std::move(d);  // a child's pool replaces its parent's, in the parent's place
    } else {
      base.pool_decls.push_back(std::move(d));
    }
  }
  base.citations.insert(base.citations.end(), child.citations.begin(), child.citations.end());
  base.present.insert(child.present.begin(), child.present.end());
  base.parsed = base.parsed && child.parsed;
}

class loader {
 public:
  explicit loader(const tariff_source& source) : source_{source} {}

  /// Loads `file` and everything it extends, each file once; the result is
  /// the files layered in linear order (parents first).
  auto load(std::string_view text, const std::string& file) -> file_part {
    const std::string id = identify(file);
    loaded_.insert(id);
    visit(std::string(text), file, id);
    // linear_ ends with the file itself; the others are the chain it layers on.
    std::vector<std::string> chain;
    for (std::size_t i = 0; i + 1 < linear_.size(); ++i) chain.push_back(linear_[i].first);
    file_part whole = std::move(linear_.front().second);
    for (std::size_t i = 1; i < linear_.size(); ++i) overlay(whole, std::move(linear_[i].second));
    whole.t.info.extends = std::move(chain);
    return whole;
  }

  /// The checks on the layered whole, then the result.
  auto finish(file_part whole, const std::string& file, std::vector<diagnostic>* warnings) -> result<tariff> {
    if (complete_) check_whole(whole);
    sort(out_.errors);
    sort(out_.warnings);
    if (warnings) warnings->insert(warnings->end(), out_.warnings.begin(), out_.warnings.end());
    if (!out_.errors.empty()) {
      yibao::error e;
      e.code = errc::invalid_argument;
      e.message = out_.errors.front().to_string();
      e.path = out_.errors.front().key_path;
      e.diagnostics = std::move(out_.errors);
      return e;
    }
    tariff t = std::move(whole.t);
    t.pools = std::move(pools_);
    t.file = file;
    t.info.valid_from = whole.valid_from->value;
    t.info.valid_to = whole.valid_to->value;
    resolve_citations(t);
    return t;
  }

 private:
  void add_error(const source_location& where, std::string path, std::string message) {
    out_.errors.push_back({severity::error, where, std::move(path), std::move(message)});
  }

  void check_whole(file_part& whole) {
    if (!whole.has("tariff")) {
      add_error(whole.tariff_where, "tariff",
            "expected a [tariff] table with id, name, place, valid_from, valid_to and rounding, found none");
      return;
    }
    static constexpr std::pair<const char*, const char*> required[] = {
        {"id", "a string"},
        {"name", "a string"},
        {"place", "a string"},
        {"valid_from", "a date such as 2025-01-01"},
        {"valid_to", "a date such as 2025-12-31"},
        {"rounding", "one of \"half_up\", \"half_even\", \"down\", \"up\""},
    };
    for (const auto& [key, what] : required) {
      if (!whole.has(std::string("tariff.") + key)) {
        add_error(whole.tariff_where, std::string("tariff.") + key,
              std::string("expected ") + what + " (a required key), found none");
      }
    }
    if (whole.valid_from && whole.valid_to && whole.valid_to->value < whole.valid_from->value) {
      add_error(whole.valid_to->where, "tariff.valid_to",
            "expected a date on or after valid_from " + whole.valid_from->value.to_string() + ", found " +
                whole.valid_to->value.to_string());
    }
    check_deductible_bound(whole);
    resolve_pools(whole);
    const std::set<std::string> cited(whole.citations.begin(), whole.citations.end());
    for (const auto& [key, where] : whole.source_where) {
      if (cited.count(key)) continue;
      out_.warnings.push_back({severity::warning, where, "sources." + key,
                               "expected some \"source\" to cite this key, found none"});
    }
  }

  /// Every matching `deductible_factor` multiplies the deductible: over the
  /// whole chain, the largest deductible of a layer times all its factors
  /// must stay within the amount limit, so that resolving a policy can never
  /// overflow (a bound over all rules, whatever visits they match).
  void check_deductible_bound(const file_part& whole) {
    using wide = __int128;
    std::array<wide, layer_count> worst{};
    for (const rule& r : whole.t.rules) {
      if (r.deductible) worst[static_cast<std::size_t>(r.layer)] =
          std::max<wide>(worst[static_cast<std::size_t>(r.layer)], r.deductible->fen());
    }
    for (std::size_t i = 0; i < whole.t.rules.size() && i < whole.factor_where.size(); ++i) {
      const rule& r = whole.t.rules[i];
      if (!r.deductible_factor || !whole.factor_where[i] || r.deductible_factor->ppm() <= ratio::one_ppm) continue;
      wide& w = worst[static_cast<std::size_t>(r.layer)];
      if (w > money_limit_fen) continue;  // reported at the factor that crossed the limit
      w = (w * r.deductible_factor->ppm() + ratio::one_ppm - 1) / ratio::one_ppm;
      if (w > money_limit_fen) {
        const auto& [where, path] = *whole.factor_where[i];
        add_error(where, path,
                  "expected deductible factors whose product keeps every " + std::string(to_string(r.layer)) +
                      " deductible within " + money::from_fen(money_limit_fen).to_string() +
                      ", found this factor taking the largest to more than that");
      }
    }
  }

  /// The pools (built-in, then named in declaration order) and every name
  /// that refers to one: a rule's `pool`, a pool's `cap_with` and
  /// `deductible_with`. An unknown name is an error at the name.
  void resolve_pools(file_part& whole) {
    for (int i = 0; i < layer_count; ++i) {
      pool_def d;
      d.name = std::string(to_string(static_cast<layer_id>(i)));
      pools_.push_back(std::move(d));
    }
    for (const auto& decl : whole.pool_decls) pools_.push_back(decl.def);
    auto find = [this](const file_part::pool_ref& ref, std::string what) -> std::optional<std::uint32_t> {
      for (std::size_t i = 0; i < pools_.size(); ++i) {
        if (pools_[i].name == ref.name) return static_cast<std::uint32_t>(i);
      }
      std::string names;
      for (const pool_def& p : pools_) names += (names.empty() ? "" : ", ") + quote(p.name);
      add_error(ref.where, ref.key_path, "expected " + what + " (one of " + names + "), found " + quote(ref.name));
      return std::nullopt;
    };
    for (std::size_t i = 0; i < whole.pool_decls.size(); ++i) {
      const auto& decl = whole.pool_decls[i];
      pool_def& def = pools_[builtin_pools + i];
      if (decl.cap_with) def.cap_with = find(*decl.cap_with, "a pool whose cap this one shares");
      if (decl.deductible_with) def.deductible_with = find(*decl.deductible_with, "a pool whose deductible this one shares");
      // The built-in upper layers meet their deductible by their band position
      // (policy model 1): they keep no deductible counter to share.
      if (def.deductible_with && *def.deductible_with > 0 && *def.deductible_with < builtin_pools) {
        add_error(decl.deductible_with->where, decl.deductible_with->key_path,
                  "expected a pool with a deductible counter (\"basic\" or a named pool), found " +
                      quote(decl.deductible_with->name));
        def.deductible_with.reset();
      }
      // One level of sharing: the pool shared with keeps its own counters.
      for (auto [ref, with] : {std::pair{&decl.cap_with, def.cap_with}, std::pair{&decl.deductible_with, def.deductible_with}}) {
        if (!with) continue;
        const pool_def& other = pools_[*with];
        if (*with == builtin_pools + i || (*with >= builtin_pools && (ref == &decl.cap_with ? other.cap_with : other.deductible_with))) {
          add_error((*ref)->where, (*ref)->key_path,
                    "expected a pool that keeps its own counter (sharing goes one step), found " + quote(other.name));
        }
      }
    }
    for (std::size_t i = 0; i < whole.t.rules.size() && i < whole.rule_pool.size(); ++i) {
      rule& r = whole.t.rules[i];
      const auto& ref = whole.rule_pool[i];
      if (!ref) continue;
      const auto index = find(*ref, "a pool declared in [pool] or a built-in one");
      if (!index) continue;
      if (*index < builtin_pools && *index != static_cast<std::uint32_t>(r.layer)) {
        add_error(ref->where, ref->key_path,
                  "expected a named pool or this layer's own built-in pool " + quote(to_string(r.layer)) + ", found " +
                      quote(ref->name));
        continue;
      }
      r.pool = index;
    }
  }

  /// A `source` naming a [sources] key becomes that key's text.
  static void resolve_citations(tariff& t) {
    auto resolve = [&t](provenance& p) {
      if (auto it = t.sources.find(p.source); it != t.sources.end()) p.source = it->second;
    };
    resolve(t.info.origin);
    resolve(t.b_first_pay_origin);
    resolve(t.account_origin);
    resolve(t.waiting_origin);
    resolve(t.claim_documents_origin);
    for (rule& r : t.rules) resolve(r.origin);
    for (pool_def& p : t.pools) resolve(p.origin);
  }

  /// Files in load order (parents first), then line and column.
  void sort(std::vector<diagnostic>& ds) const {
    auto rank = [this](const std::string& f) {
      const auto it = std::find(order_.begin(), order_.end(), f);
      return it == order_.end() ? std::numeric_limits<std::ptrdiff_t>::max() : it - order_.begin();
    };
    std::stable_sort(ds.begin(), ds.end(), [&rank](const diagnostic& a, const diagnostic& b) {
      const auto ra = rank(a.where.file);
      const auto rb = rank(b.where.file);
      if (ra != rb) return ra < rb;
      if (a.where.line != b.where.line) return a.where.line < b.where.line;
      return a.where.column < b.where.column;
    });
  }

  auto identify(const std::string& path) const -> std::string {
    return source_.identify ? source_.identify(path) : normal(path);
  }

  /// Parses `file` (identified by `id`), then visits its parents in the order
  /// written; a file already loaded is not read again (a diamond or
  /// `extends = ["x", "x"]` layers it once, at its first appearance).
  void visit(const std::string& text, const std::string& file, const std::string& id) {
    stack_.push_back({id, file});
    file_part own = parse_file(text, file, out_);
    if (!own.parsed) complete_ = false;
    for (const extends_ref& ref : own.extends) {
      const std::string path = resolve_path(file, ref.path);
      const std::string parent_id = identify(path);
      const auto on_stack = std::find_if(stack_.begin(), stack_.end(),
                                         [&parent_id](const auto& f) { return f.first == parent_id; });
      if (on_stack != stack_.end()) {
        std::string loop;
        for (auto it = on_stack; it != stack_.end(); ++it) loop += it->second + " -> ";
        add_error(ref.where, ref.key_path, "expected a file that does not extend itself, found the cycle " + loop + path);
        complete_ = false;
        continue;
      }
      if (!loaded_.insert(parent_id).second) continue;
      if (stack_.size() >= max_depth) {
        add_error(ref.where, ref.key_path,
                  "expected a chain of at most " + std::to_string(max_depth) + " files, found a longer one");
        complete_ = false;
        continue;
      }
      result<std::string> parent_text =
          source_.read ? source_.read(path)
                       : result<std::string>(make_error(errc::io_error, "",
                                                        "expected a readable tariff file, found none at \"" + path + "\""));
      if (!parent_text) {
        add_error(ref.where, ref.key_path, parent_text.err().message);
        complete_ = false;
        continue;
      }
      visit(parent_text.value(), path, parent_id);
    }
    stack_.pop_back();
    order_.push_back(file);
    linear_.emplace_back(file, std::move(own));
  }

  static constexpr std::size_t max_depth = 64;  ///< files in one line of `extends` (the recursion depth)

  const tariff_source& source_;
  sink out_;
  std::vector<std::pair<std::string, std::string>> stack_;  ///< (id, path) of the files being loaded (cycle check)
  std::set<std::string> loaded_;    ///< ids of the files read so far
  std::vector<std::pair<std::string, file_part>> linear_;  ///< (path, own part) in layering order
  std::vector<std::string> order_;  ///< files as finished: parents first
  bool complete_ = true;            ///< every file parsed and every parent read
  std::vector<pool_def> pools_;     ///< the whole chain's pools, resolved by check_whole
};

}  // namespace
}  // namespace tariff_detail

auto parse_tariff_from(std::string_view text, const std::string& file, const tariff_source& source,
                       std::vector<diagnostic>* warnings) -> result<tariff> {
  tariff_detail::loader l(source);
  tariff_detail::file_part whole = l.load(text, file);
  return l.finish(std::move(whole), file, warnings);
}

auto parse_tariff(std::string_view text, const std::string& file, const file_reader& read,
                  std::vector<diagnostic>* warnings) -> result<tariff> {
  tariff_source source;
  if (read) {
    source.read = [&read](const std::string& path) -> result<std::string> {
      if (auto text = read(path)) return std::move(*text);
      return make_error(errc::io_error, "", "expected a readable tariff file, found none at \"" + path + "\"");
    };
  }
  return parse_tariff_from(text, file, source, warnings);
}

}  // namespace yibao
