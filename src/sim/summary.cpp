// The bulk summary: exact integer totals, distributions and their merges.
#include <algorithm>
#include <bit>

#include "core/decimal_text.hpp"
#include "core/wide_math.hpp"
#include "yibao/simulate.hpp"

namespace yibao::sim {

void totals::add(const settlement& s, std::size_t line_count) noexcept {
  ++bills;
  lines += line_count;
  if (!s.eligible) ++ineligible;
  if (!s.direct) ++unfiled;
  for (std::size_t f = 0; f < field_count; ++f) sum[f] += (s.*settlement_fields[f].member).fen();
}

void totals::merge(const totals& o) noexcept {
  bills += o.bills;
  lines += o.lines;
  ineligible += o.ineligible;
  unfiled += o.unfiled;
  for (std::size_t f = 0; f < field_count; ++f) sum[f] += o.sum[f];
}

auto dimension_name(dimension d) noexcept -> std::string_view {
  constexpr std::array<std::string_view, dimension_count> names{"scheme", "status", "group", "visit",
                                                                "level",  "location", "filing"};
  return names[static_cast<int>(d)];
}

auto dimension_size(dimension d) noexcept -> int {
  switch (d) {
    case dimension::scheme: return scheme_count;
    case dimension::status: return status_count;
    case dimension::group: return group_count;
    case dimension::visit: return visit_type_count;
    case dimension::level: return level_count;
    case dimension::location: return location_count;
    case dimension::filing: return filing_count + 1;
  }
  return 0;
}

auto dimension_value(dimension d, int v) -> std::string {
  switch (d) {
    case dimension::scheme: return std::string{to_string(static_cast<scheme>(v))};
    case dimension::status: return std::string{to_string(static_cast<status>(v))};
    case dimension::group: return std::string{to_string(static_cast<group>(v))};
    case dimension::visit: return std::string{to_string(static_cast<visit_type>(v))};
    case dimension::level: return v == 0 ? "community" : "level " + std::to_string(v);
    case dimension::location: return std::string{to_string(static_cast<location>(v))};
    case dimension::filing: return v == filing_count ? "local" : std::string{to_string(static_cast<filing>(v))};
  }
  return {};
}

namespace {

/// The 128-bit value of a total (the public fen_sum keeps it in two halves).
auto wide(fen_sum s) noexcept -> __int128 {
  return static_cast<__int128>(static_cast<unsigned __int128>(static_cast<std::uint64_t>(s.high())) << 64 | s.low());
}

auto bucket_of(std::int64_t v) noexcept -> int {
  constexpr int sub = histogram::sub_bits;
  const auto u = static_cast<std::uint64_t>(v);
  if (u < (std::uint64_t{1} << (sub + 1))) return static_cast<int>(u);
  const int shift = std::bit_width(u) - 1 - sub;
  return (shift << sub) + static_cast<int>(u >> shift);
}

auto bucket_floor(int index) noexcept -> std::int64_t {
  constexpr int sub = histogram::sub_bits;
  if (index < (2 << sub)) return index;
  const int shift = (index >> sub) - 1;
  const std::int64_t mantissa = (index & ((1 << sub) - 1)) | (1 << sub);
  return mantissa << shift;
}

}  // namespace

void histogram::add(std::int64_t fen) {
  if (fen < 0) fen = 0;  // amounts are never negative; guard the bucket index
  if (counts.empty()) counts.assign(buckets, 0);
  ++counts[bucket_of(fen)];
  ++n;
  sum += fen;
  max = std::max(max, fen);
}

void histogram::merge(const histogram& o) {
  if (o.n == 0) return;
  if (counts.empty()) counts.assign(buckets, 0);
  for (int i = 0; i < buckets; ++i) counts[i] += o.counts[i];
  n += o.n;
  sum += o.sum;
  max = std::max(max, o.max);
}

auto histogram::percentile(int permille) const noexcept -> std::int64_t {
  if (n == 0) return 0;
  if (permille >= 1000) return max;
  // The smallest value with at least ceil(n * p) values at or below it.
  const unsigned __int128 want = (static_cast<unsigned __int128>(n) * static_cast<unsigned>(permille) + 999) / 1000;
  const std::uint64_t rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(want));
  std::uint64_t seen = 0;
  for (int i = 0; i < buckets; ++i) {
    seen += counts[i];
    if (seen >= rank) return std::min(bucket_floor(i), max);
  }
  return max;
}

auto histogram::mean() const noexcept -> std::int64_t {
  if (n == 0) return 0;
  return static_cast<std::int64_t>(divide_round_wide(wide(sum), static_cast<std::int64_t>(n), rounding::half_up));
}

void person_year::add(const settlement& s) noexcept {
  share += s.psn_part_amt.fen();
  for (const fund_detail& f : s.funds) {
    if (f.cap_left && f.cap_left->fen() == 0) capped[static_cast<int>(f.layer)] = true;
  }
}

auto dimension_values(const bill& b) noexcept -> std::array<int, dimension_count> {
  const int filing_value = b.at.where == location::local ? filing_count : static_cast<int>(b.at.filed);
  return {static_cast<int>(b.who.scheme_), static_cast<int>(b.who.status_), static_cast<int>(b.who.group_),
          static_cast<int>(b.at.type),     b.at.level,                      static_cast<int>(b.at.where),
          filing_value};
}

auto scenario::make(std::string id, std::size_t thresholds) -> scenario {
  scenario s;
  s.tariff_id = std::move(id);
  for (int d = 0; d < dimension_count; ++d) s.by[d].resize(dimension_size(static_cast<dimension>(d)));
  s.share_bp.assign(10'001, 0);
  s.bills_above.assign(thresholds, 0);
  s.person_years_above.assign(thresholds, 0);
  return s;
}

void scenario::add(const settlement& s, std::size_t lines, const std::array<int, dimension_count>& value,
                   const std::vector<money>& thresholds) {
  totals one;  // this bill's fields, read once for the eight tables it counts in
  one.add(s, lines);
  all.merge(one);
  for (int d = 0; d < dimension_count; ++d) by[d][value[d]].merge(one);
  const std::int64_t share = s.psn_part_amt.fen();
  patient_share.add(share);
  if (s.medfee_sumamt.fen() > 0) {
    const auto bp = static_cast<std::size_t>(static_cast<__int128>(share) * 10'000 / s.medfee_sumamt.fen());
    ++share_bp[std::min<std::size_t>(bp, 10'000)];
  }
  for (std::size_t k = 0; k < thresholds.size(); ++k) {
    if (share > thresholds[k].fen()) ++bills_above[k];
  }
}

void scenario::add(const person_year& py, const std::vector<money>& thresholds) {
  person_year_share.add(static_cast<std::int64_t>(py.share.low()));
  for (std::size_t k = 0; k < thresholds.size(); ++k) {
    if (py.share > fen_sum{thresholds[k].fen()}) ++person_years_above[k];
  }
  for (int l = 0; l < layer_count; ++l) {
    if (py.capped[l]) ++cap_reached[l];
  }
}

void scenario::merge(const scenario& o) {
  if (tariff_id.empty()) tariff_id = o.tariff_id;
  all.merge(o.all);
  for (int d = 0; d < dimension_count; ++d) {
    if (by[d].size() < o.by[d].size()) by[d].resize(o.by[d].size());
    for (std::size_t v = 0; v < o.by[d].size(); ++v) by[d][v].merge(o.by[d][v]);
  }
  patient_share.merge(o.patient_share);
  person_year_share.merge(o.person_year_share);
  if (share_bp.size() < o.share_bp.size()) share_bp.resize(o.share_bp.size());
  for (std::size_t i = 0; i < o.share_bp.size(); ++i) share_bp[i] += o.share_bp[i];
  if (bills_above.size() < o.bills_above.size()) bills_above.resize(o.bills_above.size());
  for (std::size_t i = 0; i < o.bills_above.size(); ++i) bills_above[i] += o.bills_above[i];
  if (person_years_above.size() < o.person_years_above.size()) person_years_above.resize(o.person_years_above.size());
  for (std::size_t i = 0; i < o.person_years_above.size(); ++i) person_years_above[i] += o.person_years_above[i];
  for (int l = 0; l < layer_count; ++l) cap_reached[l] += o.cap_reached[l];
}

void reform_delta::merge(const reform_delta& o) noexcept {
  more += o.more;
  less += o.less;
  same += o.same;
  raised += o.raised;
  lowered += o.lowered;
}

auto summary::merge(const summary& o) -> result<void> {
  if (!thresholds.empty() && !o.thresholds.empty() && thresholds != o.thresholds) {
    return make_error(errc::invalid_argument, "thresholds",
                      "cannot merge summaries that count bills above different thresholds");
  }
  if (thresholds.empty()) thresholds = o.thresholds;
  partial = partial || o.partial;
  if (!stopped_at) stopped_at = o.stopped_at;
  bills_read += o.bills_read;
  settled += o.settled;
  rejected += o.rejected;
  people += o.people;
  person_years += o.person_years;
  line_rows_read += o.line_rows_read;
  line_rows_orphan += o.line_rows_orphan;
  bytes_read += o.bytes_read;
  base.merge(o.base);
  if (o.reform) {
    if (!reform) reform.emplace();
    reform->merge(*o.reform);
  }
  delta.merge(o.delta);
  return {};
}

auto format_fen(fen_sum total) -> std::string {
  std::string out;
  append_decimal(out, wide(total), 2);
  return out;
}

auto default_thresholds() -> std::vector<money> {
  std::vector<money> out;
  for (const std::int64_t yuan : {1'000, 5'000, 10'000, 50'000}) out.push_back(money::from_fen(yuan * 100));
  return out;
}

auto parse_threshold(std::string_view text) -> std::optional<money> {
  auto m = parse_money(text);
  if (!m || *m < money{}) return std::nullopt;
  return m;
}

auto policy_year(const tariff& t, date d) noexcept -> int {
  const bool before_start =
      d.month < t.info.year_start_month || (d.month == t.info.year_start_month && d.day < t.info.year_start_day);
  return before_start ? d.year - 1 : d.year;
}

}  // namespace yibao::sim
