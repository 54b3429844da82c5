#pragma once
// The resolved policy of a tariff over every combination of person and visit
// (scheme x status x group x visit type x level x location x filing x
// admission x disease, and the person's and visit's facts of policy model 2
// that the tariff's rules select on), for the layers above: the semantic
// checks (tariff/semantic_checks.hpp) and `yibao show` and `yibao diff`.
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

/// The facts of policy model 2 one combination gives (docs/tariff-format.md,
/// the `when` table). The defaults are a bill that gives none of them, which
/// is every combination of a tariff whose rules select on none.
struct combo_facts {
  int tier = 0;                      ///< person.tier; 0 not given
  int age = -1;                      ///< age at the visit; -1 no person.birth_date
  bool family_doctor = false;        ///< person.family_doctor
  bool contracted = false;           ///< visit.contracted
  int unfiled_before = 0;            ///< visit.unfiled_before
  std::vector<std::string> chronic;  ///< person.chronic

  [[nodiscard]] auto given() const noexcept -> bool {
    return tier != 0 || age >= 0 || family_doctor || contracted || unfiled_before != 0 || !chronic.empty();
  }
  /// " tier 2 age 70 family doctor ...": the facts given, "" for none.
  [[nodiscard]] auto describe() const -> std::string;
};

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
  combo_facts facts{};  ///< none given unless combo_space::add_facts added some

  /// The person (and visit) of the combination; an age is a birth date that
  /// many years before the visit's date.
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
  std::vector<combo_facts> facts{combo_facts{}};

  /// Every value of every axis; admission 1 and no disease.
  [[nodiscard]] static auto all() -> combo_space;
  /// Adds the admission numbers where some rule of `t` starts or stops
  /// matching, and the disease codes its rules name, so that every distinct
  /// policy of `t` is reached.
  void add_breakpoints(const tariff& t);
  /// Adds, as one more axis, the facts of policy model 2 that some rule of
  /// `t` selects on, at the edges where a rule starts or stops matching:
  /// tiers 1..3; ages 0, each `age_min` and each `age_max` + 1; family doctor
  /// and contracted false and true; `unfiled_before` 0 and each rule's edges;
  /// for each rule's `holds`, none, its first `holds_min` codes and its first
  /// `holds_max` + 1. The axis is the product of the facts named. A tariff whose
  /// rules select on no fact (every format 1 tariff) keeps the one combination
  /// without facts, so its combinations are exactly as before.
  void add_facts(const tariff& t);
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
                    for (const combo_facts& fa : facts) {
                      c.facts = fa;
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
