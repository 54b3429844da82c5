// The summary of a settled table; see summary.hpp.
#include "summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <string_view>

namespace yibao_py {
namespace yb = yibao;
namespace sim = yibao::sim;
namespace {

auto bad(std::size_t row, std::string_view column, std::string what) -> yb::error {
  return yb::make_error(yb::errc::invalid_argument, fmt::format("settled[{}].{}", row, column), std::move(what));
}

template <typename Enum, typename Parse>
auto enum_value(const std::vector<std::string>& col, std::size_t i, std::string_view name, Parse parse, Enum& out)
    -> std::optional<yb::error> {
  const std::optional<Enum> v = parse(col[i]);
  if (!v) return bad(i, name, fmt::format("unknown value \"{}\"", col[i]));
  out = *v;
  return std::nullopt;
}

// The row's values on the summary's dimensions, by yibao::sim's own mapping
// of a bill (sim::dimension_values).
auto values_of(const settled_columns& c, std::size_t i) -> yb::result<std::array<int, sim::dimension_count>> {
  yb::bill b;
  for (auto problem : {enum_value(c.scheme, i, "scheme", yb::parse_scheme, b.who.scheme_),
                       enum_value(c.status, i, "status", yb::parse_status, b.who.status_),
                       enum_value(c.group, i, "group", yb::parse_group, b.who.group_),
                       enum_value(c.visit_type, i, "visit_type", yb::parse_visit_type, b.at.type),
                       enum_value(c.location, i, "location", yb::parse_location, b.at.where),
                       enum_value(c.filing, i, "filing", yb::parse_filing, b.at.filed)}) {
    if (problem) return std::move(*problem);
  }
  if (c.level[i] < 0 || c.level[i] >= yb::level_count) {
    return bad(i, "level", fmt::format("unknown level {}", c.level[i]));
  }
  b.at.level = static_cast<int>(c.level[i]);
  return sim::dimension_values(b);
}

auto settlement_of(const settled_columns& c, std::size_t i) -> yb::settlement {
  yb::settlement s;
  for (std::size_t k = 0; k < money_column_count; ++k) {
    s.*yb::settlement_fields[k].member = yb::money::from_fen(c.money[k][i]);
  }
  s.eligible = c.eligible[i] != 0;
  s.direct = c.direct[i] != 0;
  for (int l = 0; l < yb::layer_count; ++l) {
    if (c.cap_left[l][i] < 0) continue;
    yb::fund_detail f;
    f.layer = static_cast<yb::layer_id>(l);
    f.cap_left = yb::money::from_fen(c.cap_left[l][i]);
    s.funds.push_back(f);
  }
  return s;
}

}  // namespace

auto summarize_settled(const settled_columns& c, const std::vector<yb::money>& thresholds) -> yb::result<sim::summary> {
  const std::size_t n = c.ok.size();
  std::vector<std::pair<std::string, std::size_t>> sizes{{"direct", c.direct.size()},
                                                         {"eligible", c.eligible.size()},
                                                         {"lines", c.lines.size()},
                                                         {"level", c.level.size()},
                                                         {"year", c.year.size()},
                                                         {"person_id", c.person_id.size()},
                                                         {"tariff_id", c.tariff_id.size()},
                                                         {"scheme", c.scheme.size()},
                                                         {"status", c.status.size()},
                                                         {"group", c.group.size()},
                                                         {"visit_type", c.visit_type.size()},
                                                         {"location", c.location.size()},
                                                         {"filing", c.filing.size()}};
  for (std::size_t k = 0; k < money_column_count; ++k) {
    sizes.emplace_back(yb::settlement_fields[k].name, c.money[k].size());
  }
  for (int l = 0; l < yb::layer_count; ++l) sizes.emplace_back("cap_left", c.cap_left[l].size());
  for (const auto& [name, size] : sizes) {
    if (size != n) {
      return yb::make_error(yb::errc::invalid_argument, fmt::format("settled.{}", name),
                            fmt::format("column has {} rows, expected {}", size, n));
    }
  }

  sim::summary s;
  s.thresholds = thresholds;
  s.base = sim::scenario::make("", thresholds.size());
  std::vector<std::size_t> rows;  // the settled rows, by person then policy year
  for (std::size_t i = 0; i < n; ++i) {
    if (c.ok[i] == 0) continue;
    if (rows.empty()) s.base.tariff_id = c.tariff_id[i];
    rows.push_back(i);
  }
  s.bills_read = n;
  s.settled = rows.size();
  s.rejected = n - rows.size();
  std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
    if (c.person_id[a] != c.person_id[b]) return c.person_id[a] < c.person_id[b];
    return c.year[a] < c.year[b];
  });
  sim::person_year py;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const std::size_t i = rows[k];
    auto value = values_of(c, i);
    if (!value) return std::move(value).err();
    if (c.lines[i] < 0) return bad(i, "lines", fmt::format("negative count {}", c.lines[i]));
    const bool new_person = k == 0 || c.person_id[i] != c.person_id[rows[k - 1]];
    if (k > 0 && (new_person || c.year[i] != c.year[rows[k - 1]])) {
      s.base.add(py, thresholds);
      ++s.person_years;
      py = sim::person_year{};
    }
    if (new_person) ++s.people;
    const yb::settlement st = settlement_of(c, i);
    s.base.add(st, static_cast<std::size_t>(c.lines[i]), value.value(), thresholds);
    py.add(st);
  }
  if (!rows.empty()) {
    s.base.add(py, thresholds);
    ++s.person_years;
  }
  return s;
}

}  // namespace yibao_py
