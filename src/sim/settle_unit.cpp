// Stage 4 of the bulk pipeline: settle whole people, carrying the ytd.

#include <fmt/format.h>

#include "io/string_hash.hpp"
#include "sim/output.hpp"
#include "sim/run_detail.hpp"
#include "yibao/engine.hpp"

namespace yibao::sim::detail {

namespace {

auto new_scenario(const options& o, const tariff& t) -> scenario {
  scenario s;
  s.tariff_id = t.info.id;
  for (int d = 0; d < dimension_count; ++d) s.by[d].resize(dimension_size(static_cast<dimension>(d)));
  s.share_bp.assign(10'001, 0);
  s.bills_above.assign(o.thresholds.size(), 0);
  s.person_years_above.assign(o.thresholds.size(), 0);
  return s;
}

// The sums of one person-year under one tariff.
struct person_year {
  __int128 share = 0;
  std::array<bool, layer_count> capped{};
};

void close_year(const options& o, scenario& sc, person_year& py) {
  sc.person_year_share.add(static_cast<std::int64_t>(py.share));
  for (std::size_t k = 0; k < o.thresholds.size(); ++k) {
    if (py.share > o.thresholds[k].fen()) ++sc.person_years_above[k];
  }
  for (int l = 0; l < layer_count; ++l) {
    if (py.capped[l]) ++sc.cap_reached[l];
  }
  py = person_year{};
}

void add_bill(const options& o, scenario& sc, const bill& b, const settlement& s, person_year& py) {
  const std::size_t lines = b.lines.size();
  totals one;  // this bill's fields, read once for the eight tables it counts in
  one.add(s, lines);
  sc.all.merge(one);
  const int filing_value = b.at.where == location::local ? filing_count : static_cast<int>(b.at.filed);
  const std::array<int, dimension_count> value{static_cast<int>(b.who.scheme_), static_cast<int>(b.who.status_),
                                               static_cast<int>(b.who.group_),  static_cast<int>(b.at.type),
                                               b.at.level,                      static_cast<int>(b.at.where),
                                               filing_value};
  for (int d = 0; d < dimension_count; ++d) sc.by[d][value[d]].merge(one);
  const std::int64_t share = s.psn_part_amt.fen();
  sc.patient_share.add(share);
  if (s.medfee_sumamt.fen() > 0) {
    const auto bp = static_cast<std::size_t>(static_cast<__int128>(share) * 10'000 / s.medfee_sumamt.fen());
    ++sc.share_bp[std::min<std::size_t>(bp, 10'000)];
  }
  for (std::size_t k = 0; k < o.thresholds.size(); ++k) {
    if (share > o.thresholds[k].fen()) ++sc.bills_above[k];
  }
  py.share += share;
  for (const fund_detail& f : s.funds) {
    if (f.cap_left && f.cap_left->fen() == 0) py.capped[static_cast<int>(f.layer)] = true;
  }
}

auto source_of(const std::vector<input>& in, const record& r) -> std::string {
  return fmt::format("{}:{}", source_name(in, r.input, r.origin), r.line);
}

}  // namespace

auto id_set::insert(std::string_view id) -> bool {
  std::uint64_t h = io::string_hash{}(id);
  if (h == 0) h = 1;
  if (2 * (size_ + 1) > slots_.size()) {
    std::vector<std::uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    const std::size_t mask = slots_.size() - 1;
    for (const std::uint64_t v : old) {
      if (v == 0) continue;
      std::size_t i = v & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = v;
    }
  }
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = h & mask;
  while (slots_[i] != 0) {
    if (slots_[i] == h) return false;
    i = (i + 1) & mask;
  }
  slots_[i] = h;
  ++size_;
  return true;
}

accumulator::accumulator(const options& o) : base{new_scenario(o, *o.base)} {
  if (o.reform != nullptr) reform = new_scenario(o, *o.reform);
}

void settle_unit(const options& o, const std::vector<input>& in, std::vector<record>& unit, accumulator& acc,
                 std::string& out, std::string& rejected, std::optional<reject>& first) {
  const tariff& base = *o.base;
  const tariff* reform = o.reform;
  const settle_options plain{};

  // The person being settled.
  const std::string* person = nullptr;
  int year = 0, reform_year = 0;
  ytd carried, reform_carried;
  person_year py, reform_py;
  bool year_open = false;

  auto close = [&] {
    if (!year_open) return;
    close_year(o, acc.base, py);
    if (reform != nullptr) close_year(o, *acc.reform, reform_py);
    ++acc.person_years;
    year_open = false;
  };
  auto fail = [&](const record& r, std::string reason) {
    reject j{source_name(in, r.input, r.origin), r.line, r.b.id, r.b.who.id, std::move(reason)};  // ids empty if unparsed
    append_reject_csv(rejected, j);
    if (!first) first = std::move(j);
    ++acc.rejected;
  };

  bool person_counted = false;
  for (record& r : unit) {
    if (!r.ok) {
      fail(r, r.reason);
      continue;
    }
    const bill& b = r.b;
    const int y = policy_year(base, b.at.on);
    const int ry = reform != nullptr ? policy_year(*reform, b.at.on) : 0;
    if (person == nullptr || *person != b.who.id) {
      close();
      person = &b.who.id;
      person_counted = false;
      year = y, reform_year = ry;
      carried = ytd{}, reform_carried = ytd{};
    } else {
      if (y != year) {  // the tariff's year starts again: the ytd totals reset
        close();
        year = y;
        carried = ytd{};
      }
      if (ry != reform_year) {
        reform_year = ry;
        reform_carried = ytd{};
      }
    }

    auto s = settle(base, *o.items, b, carried, plain);
    if (!s) {
      fail(r, fmt::format("{} ({})", s.err().message, to_string(s.err().code)));
      continue;
    }
    std::optional<settlement> rs;
    if (reform != nullptr) {
      auto x = settle(*reform, *o.items, b, reform_carried, plain);
      if (!x) {
        fail(r, fmt::format("under reform tariff {}: {} ({})", reform->info.id, x.err().message,
                            to_string(x.err().code)));
        continue;
      }
      rs = std::move(x).value();
    }
    const settlement& st = s.value();
    carried = st.ytd_after;
    if (!person_counted) {
      ++acc.people;
      person_counted = true;
    }
    year_open = true;
    ++acc.settled;
    add_bill(o, acc.base, b, st, py);
    if (rs) {
      reform_carried = rs->ytd_after;
      add_bill(o, *acc.reform, b, *rs, reform_py);
      const std::int64_t change = rs->psn_part_amt.fen() - st.psn_part_amt.fen();
      if (change > 0) {
        ++acc.delta.more;
        acc.delta.raised += change;
      } else if (change < 0) {
        ++acc.delta.less;
        acc.delta.lowered -= change;
      } else {
        ++acc.delta.same;
      }
    }
    if (o.out == output_format::csv) {
      append_settlement_csv(out, source_of(in, r), b, y, st, rs ? &*rs : nullptr);
    } else if (o.out == output_format::jsonl) {
      append_settlement_jsonl(out, source_of(in, r), b, y, st, rs ? &*rs : nullptr);
    }
  }
  close();
}

}  // namespace yibao::sim::detail
