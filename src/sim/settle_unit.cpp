// Stage 4 of the bulk pipeline: settle whole people, carrying the ytd.

#include <new>

#include <fmt/format.h>

#include "core/string_hash.hpp"
#include "output.hpp"
#include "run_detail.hpp"
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

namespace {
constexpr unsigned tag_bits = 24;  // of the hash, kept in the slot beside the arena offset
constexpr std::uint64_t tag_mask = (std::uint64_t{1} << tag_bits) - 1;
constexpr std::uint64_t max_offset = (std::uint64_t{1} << (64 - tag_bits)) - 2;
}  // namespace

auto id_set::default_hash(std::string_view id) noexcept -> std::uint64_t { return io::string_hash{}(id); }

auto id_set::id_at(std::uint64_t offset) const noexcept -> std::string_view {
  std::size_t at = offset, len = 0;
  for (unsigned shift = 0;; shift += 7) {  // LEB128 length
    const auto byte = static_cast<unsigned char>(arena_[at++]);
    len |= static_cast<std::size_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) break;
  }
  return {arena_.data() + at, len};
}

void id_set::grow() {
  std::vector<std::uint64_t> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
  const std::size_t mask = slots_.size() - 1;
  for (const std::uint64_t v : old) {
    if (v == 0) continue;
    // The slot keeps only part of the hash: the index comes from the id.
    std::size_t i = hash_(id_at((v >> tag_bits) - 1)) & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = v;
  }
}

auto id_set::insert(std::string_view id) -> bool {
  if (2 * (size_ + 1) > slots_.size()) grow();
  const std::uint64_t h = hash_(id);
  const std::uint64_t tag = (h >> (64 - tag_bits)) & tag_mask;
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = h & mask;
  for (; slots_[i] != 0; i = (i + 1) & mask) {
    const std::uint64_t v = slots_[i];
    if ((v & tag_mask) == tag && id_at((v >> tag_bits) - 1) == id) return false;
  }
  const std::uint64_t offset = arena_.size();
  if (offset > max_offset) throw std::bad_alloc{};  // 1 TB of ids
  for (std::size_t n = id.size(); ; n >>= 7) {
    arena_.push_back(static_cast<char>((n & 0x7F) | (n > 0x7F ? 0x80 : 0)));
    if (n <= 0x7F) break;
  }
  arena_.insert(arena_.end(), id.begin(), id.end());
  slots_[i] = ((offset + 1) << tag_bits) | tag;
  ++size_;
  return true;
}

accumulator::accumulator(const options& o) : base{new_scenario(o, *o.base)} {
  if (o.reform != nullptr) reform = new_scenario(o, *o.reform);
}

void settler::close(accumulator& acc, bool reform) {
  year_state& st = reform ? reform_ : base_;
  if (!st.open) return;
  close_year(o_, reform ? *acc.reform : acc.base, st.py);
  if (!reform) ++acc.person_years;  // the summary's count is the base tariff's
  st.open = false;
}

void settler::finish(accumulator& acc) {
  close(acc, false);
  if (o_.reform != nullptr) close(acc, true);
  have_person_ = false;
}

void settler::add(const record& r, accumulator& acc, std::string& out, std::string& rejected, first_reject& first) {
  auto fail = [&](std::string reason) {
    reject j{source_name(in_, r.input, r.origin), r.line, r.b.id, r.b.who.id, std::move(reason)};  // ids empty if unparsed
    append_reject_csv(rejected, j);
    if (!first.row) first = first_reject{std::move(j), r.seq};
    ++acc.rejected;
  };
  if (!r.ok) {
    fail(r.reason);
    return;
  }
  const bill& b = r.b;
  // Versions of one place: the one in force on the bill's date.
  const tariff* picked = o_.base;
  if (o_.versions != nullptr) {
    auto in_force = o_.versions->in_force(b.at.on);
    if (!in_force) {
      fail(fmt::format("{} ({})", in_force.err().message, to_string(in_force.err().code)));
      return;
    }
    picked = in_force.value();
  }
  const tariff& base = *picked;
  const tariff* reform = o_.reform;
  // Each tariff's person-years follow its own year start: a reform that
  // moves it closes and resets its years on other dates than the base.
  const int y = policy_year(base, b.at.on);
  const int ry = reform != nullptr ? policy_year(*reform, b.at.on) : 0;
  if (!have_person_ || person_ != b.who.id) {
    finish(acc);
    have_person_ = true;
    counted_ = false;
    person_ = b.who.id;
    base_ = year_state{};
    base_.year = y;
    reform_ = year_state{};
    reform_.year = ry;
  } else {
    if (y != base_.year) {  // the tariff's year starts again: the ytd totals reset
      close(acc, false);
      base_ = year_state{};
      base_.year = y;
    }
    if (ry != reform_.year) {
      close(acc, true);
      reform_ = year_state{};
      reform_.year = ry;
    }
  }

  const settle_options plain{};
  auto s = settle(base, *o_.items, b, base_.carried, plain);
  if (!s) {
    fail(fmt::format("{} ({})", s.err().message, to_string(s.err().code)));
    return;
  }
  std::optional<settlement> rs;
  if (reform != nullptr) {
    auto x = settle(*reform, *o_.items, b, reform_.carried, plain);
    if (!x) {
      fail(fmt::format("under reform tariff {}: {} ({})", reform->info.id, x.err().message, to_string(x.err().code)));
      return;
    }
    rs = std::move(x).value();
  }
  const settlement& st = s.value();
  base_.carried = st.ytd_after;
  if (!counted_) {
    ++acc.people;
    counted_ = true;
  }
  base_.open = true;
  ++acc.settled;
  add_bill(o_, acc.base, b, st, base_.py);
  if (rs) {
    reform_.carried = rs->ytd_after;
    reform_.open = true;
    add_bill(o_, *acc.reform, b, *rs, reform_.py);
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
  if (o_.out == output_format::csv) {
    append_settlement_csv(out, source_of(in_, r), b, y, st, rs ? &*rs : nullptr);
  } else if (o_.out == output_format::jsonl) {
    append_settlement_jsonl(out, source_of(in_, r), b, y, st, rs ? &*rs : nullptr);
  }
}

void settle_unit(const options& o, const std::vector<input>& in, const std::vector<record>& unit, std::size_t begin,
                 std::size_t end, accumulator& acc, std::string& out, std::string& rejected, first_reject& first) {
  settler s{o, in};
  for (std::size_t i = begin; i < end; ++i) s.add(unit[i], acc, out, rejected, first);
  s.finish(acc);
}

}  // namespace yibao::sim::detail
