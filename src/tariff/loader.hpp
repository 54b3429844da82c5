#pragma once
// Private: the two halves of the tariff loader.
//
// parse_file.cpp (the only file that includes toml++) turns the TOML text of
// ONE file into a `file_part`: the values that file writes, which keys it
// wrote, and where. load_tariff.cpp follows `extends`, layers the parts over
// each other, runs the checks that need the whole chain (required keys,
// validity period, citations) and builds the result.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "yibao/error.hpp"
#include "yibao/tariff.hpp"

namespace yibao::tariff_detail {

/// Every diagnostic of a load, all files together (sorted by the driver).
struct sink {
  std::vector<diagnostic> errors;
  std::vector<diagnostic> warnings;
};

/// One `extends` entry as written (not yet resolved against the folder).
struct extends_ref {
  std::string path;
  source_location where;
  std::string key_path;  ///< "tariff.extends" or "tariff.extends[1]"
};

/// A date and where it was written.
struct located_date {
  date value;
  source_location where;
};

/// What one file (or, after layering, a chain of files) says.
struct file_part {
  bool parsed = false;  ///< false: TOML syntax error, nothing else was read
  /// Values of the keys written. `provenance::source` holds the text as
  /// written (a [sources] key or literal text); the driver resolves it.
  tariff t;
  /// Dotted names of the tables and keys written, valid or not
  /// ("tariff", "tariff.id", "catalog.source", ...).
  std::set<std::string> present;
  source_location tariff_where;  ///< the [tariff] table, else file:1:1
  std::optional<located_date> valid_from;  ///< set only if valid
  std::optional<located_date> valid_to;
  std::vector<extends_ref> extends;
  std::map<std::string, source_location> source_where;  ///< [sources] key -> its position
  std::vector<std::string> citations;  ///< every `source` value written
  /// Where each rule of `t.rules` writes `deductible_factor` (and its key
  /// path), or nullopt: the loader bounds the factors' product over the chain.
  std::vector<std::optional<std::pair<source_location, std::string>>> factor_where;
  /// A name of a pool as written, where, and its key path.
  struct pool_ref {
    std::string name;
    source_location where;
    std::string key_path;
  };
  /// The pool each rule of `t.rules` names (`pool = "..."`), if any: the
  /// driver resolves the names once every file's [pool] tables are known.
  std::vector<std::optional<pool_ref>> rule_pool;
  /// A [pool.NAME] table: the pool (its `cap_with` / `deductible_with` not
  /// yet resolved) and the names it writes for them.
  struct pool_decl {
    pool_def def;
    std::optional<pool_ref> cap_with, deductible_with;
  };
  std::vector<pool_decl> pool_decls;  ///< in the order declared (a child's replaces its parent's of the same name)

  [[nodiscard]] auto has(const std::string& key) const -> bool { return present.count(key) != 0; }
};

/// Parses the TOML text of one file. Problems go to `out`, with `file` as the
/// file name. Does not follow `extends` (the refs are returned).
[[nodiscard]] auto parse_file(std::string_view text, const std::string& file, sink& out) -> file_part;

}  // namespace yibao::tariff_detail
