// parse_tariff: follows `extends`, layers the files over each other and runs
// the checks that need the whole chain. No I/O: parents are read through the
// caller's file_reader.
//
// Layering (docs/tariff-format.md): the parent is loaded first; the keys a
// child writes in [tariff], [catalog], [account], [coverage] and [unfiled]
// replace the parent's, [sources] merge, and the rules are the parent's
// followed by the child's. With several parents, each is layered over the
// previous one in the order written.

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tariff/loader.hpp"
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
  overlay_origin(child, "account", c.account_origin, b.account_origin);

  if (has("coverage.waiting_months")) b.waiting_months = c.waiting_months;
  overlay_origin(child, "coverage", c.waiting_origin, b.waiting_origin);

  if (has("unfiled.documents")) b.claim_documents = std::move(c.claim_documents);
  overlay_origin(child, "unfiled", c.claim_documents_origin, b.claim_documents_origin);

  for (rule& r : c.rules) b.rules.push_back(std::move(r));
  base.citations.insert(base.citations.end(), child.citations.begin(), child.citations.end());
  base.present.insert(child.present.begin(), child.present.end());
  base.parsed = base.parsed && child.parsed;
}

class loader {
 public:
  explicit loader(const file_reader& read) : read_{read} {}

  /// Loads `file` and everything it extends; the result is the layered chain.
  auto load(std::string_view text, const std::string& file) -> file_part {
    stack_.push_back(normal(file));
    file_part own = parse_file(text, file, out_);
    if (!own.parsed) complete_ = false;

    std::optional<file_part> base;
    std::vector<std::string> chain;
    for (const extends_ref& ref : own.extends) {
      const std::string path = resolve_path(file, ref.path);
      if (auto cycle = std::find(stack_.begin(), stack_.end(), path); cycle != stack_.end()) {
        std::string loop;
        for (auto it = cycle; it != stack_.end(); ++it) loop += *it + " -> ";
        add_error(ref.where, ref.key_path, "expected a file that does not extend itself, found the cycle " + loop + path);
        complete_ = false;
        continue;
      }
      std::optional<std::string> parent_text;
      if (read_) parent_text = read_(path);
      if (!parent_text) {
        add_error(ref.where, ref.key_path, "expected a readable tariff file, found none at \"" + path + "\"");
        complete_ = false;
        continue;
      }
      file_part parent = load(*parent_text, path);
      chain.insert(chain.end(), parent.t.info.extends.begin(), parent.t.info.extends.end());
      chain.push_back(path);
      if (base) {
        overlay(*base, std::move(parent));
      } else {
        base = std::move(parent);
      }
    }
    stack_.pop_back();
    order_.push_back(file);

    if (!base) return own;
    overlay(*base, std::move(own));
    base->t.info.extends = std::move(chain);
    return std::move(*base);
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

  void check_whole(const file_part& whole) {
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
    const std::set<std::string> cited(whole.citations.begin(), whole.citations.end());
    for (const auto& [key, where] : whole.source_where) {
      if (cited.count(key)) continue;
      out_.warnings.push_back({severity::warning, where, "sources." + key,
                               "expected some \"source\" to cite this key, found none"});
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

  const file_reader& read_;
  sink out_;
  std::vector<std::string> stack_;  ///< normalized files being loaded (cycle check)
  std::vector<std::string> order_;  ///< files as finished: parents first
  bool complete_ = true;            ///< every file parsed and every parent read
};

}  // namespace
}  // namespace tariff_detail

auto parse_tariff(std::string_view text, const std::string& file, const file_reader& read,
                  std::vector<diagnostic>* warnings) -> result<tariff> {
  tariff_detail::loader l(read);
  tariff_detail::file_part whole = l.load(text, file);
  return l.finish(std::move(whole), file, warnings);
}

}  // namespace yibao
