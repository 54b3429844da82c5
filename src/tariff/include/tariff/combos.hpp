#pragma once
// The resolved policy of a tariff over every combination of person and visit
// (scheme x status x group x visit type x level x location x filing x
// admission x disease), for the layers above: the semantic checks
// (tariff/semantic_checks.hpp) and `yibao show` and `yibao diff`.
#include <cstdint>
#include <string>
#include <utility>
#include <initializer_list>
#include <vector>

#include "yibao/bill.hpp"
#include "yibao/money.hpp"
#include "yibao/tariff.hpp"

namespace yibao {

/// What the semantic checks, show and diff say when resolving a tariff overflows
/// (`yibao check`, `show` and `diff` exit 78).
inline constexpr const char* tariff_overflow_message =
    "expected amounts that fit in 64-bit fen when the rules are applied, found a deductible or cap that does not";

/// One combination of the selector axes.
struct combo {
  scheme sch = scheme::employee;
  status st = status::active;
  group grp = group::none;
  visit_type type = visit_type::outpatient;
  int level = 0;
  location where = location::local;
  filing filed = filing::long_term;  ///< ignored (long_term) for a local visit
  int admission = 1;
  std::string disease;  ///< "" none

  [[nodiscard]] auto who() const -> person;
  [[nodiscard]] auto at() const -> visit;
};

/// The values of each axis to enumerate. `local` appears once (filing does
/// not apply to it); every other location with each filing.
struct combo_space {
  std::vector<scheme> schemes;
  std::vector<status> statuses;
  std::vector<group> groups;
  std::vector<visit_type> types;
  std::vector<int> levels;
  std::vector<std::pair<location, filing>> wheres;
  std::vector<int> admissions{1};
  std::vector<std::string> diseases{""};

  /// Every value of every axis; admission 1 and no disease.
  [[nodiscard]] static auto all() -> combo_space;
  /// Adds the admission numbers where some rule of `t` starts or stops
  /// matching, and the disease codes its rules name, so that every distinct
  /// policy of `t` is reached.
  void add_breakpoints(const tariff& t);
  /// Drops the visit kinds and groups of policy model 2 that no rule of
  /// `ts` names (they settle like the others there).
  void drop_unnamed(std::initializer_list<const tariff*> ts);
  /// The admissions `admissions[i]` stands for: "2", "2-3" or "4+".
  [[nodiscard]] auto admission_label(std::size_t i) const -> std::string;
  [[nodiscard]] auto combos() const -> std::vector<combo>;
  /// Calls `f(combo)` for every combination, disease outermost, without
  /// holding them all (there are thousands per disease a tariff names).
  template <typename F>
  void for_each(F&& f) const {
    combo c;
    for (const std::string& d : diseases) {
      c.disease = d;
      for (scheme sc : schemes) {
        c.sch = sc;
        for (status st : statuses) {
          c.st = st;
          for (group g : groups) {
            c.grp = g;
            for (visit_type vt : types) {
              c.type = vt;
              for (int lv : levels) {
                c.level = lv;
                for (const auto& [loc, fil] : wheres) {
                  c.where = loc;
                  c.filed = fil;
                  for (int adm : admissions) {
                    c.admission = adm;
                    f(static_cast<const combo&>(c));
                  }
                }
              }
            }
          }
        }
      }
    }
  }
};

/// The rules of a tariff that can match a visit with one disease (those
/// naming no disease and those naming it), as a tariff of their own: it
/// resolves every visit with that disease exactly as the whole tariff does,
/// in time proportional to these rules only (a tariff may have hundreds of
/// per-disease rules, each matching only its own disease).
struct disease_slice {
  tariff t;                           ///< the rules kept, in order; the rest of the tariff as is
  std::vector<std::uint32_t> origin;  ///< the index in the whole tariff of each rule kept

  disease_slice(const tariff& whole, const std::string& disease);
  /// Resolves `c` (whose disease must be the slice's) with `applied` rules
  /// indexing the whole tariff's rules. `bands` point into the slice.
  [[nodiscard]] auto resolve(const combo& c) const -> resolved_policy;
};

/// "85%", "87.5%", "-10%".
[[nodiscard]] auto percent(ratio r) -> std::string;
/// Percentage points with a sign: "+5", "-10", "+2.5".
[[nodiscard]] auto signed_points(ratio r) -> std::string;
/// "rule[3]" of its file: the key path of a rule in diagnostics.
[[nodiscard]] auto rule_path(const tariff& t, const rule& r) -> std::string;
/// "file:line:column (label)".
[[nodiscard]] auto rule_where(const rule& r) -> std::string;

}  // namespace yibao
