// Stage 4 of the bulk pipeline: settle whole people, carrying the ytd.

#include <new>

#include <fmt/format.h>

#include "core/string_hash.hpp"
#include "output.hpp"
#include "run_detail.hpp"
#include "yibao/engine.hpp"

namespace yibao::sim::detail {

namespace {

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

auto new_accumulator(const job& o) -> accumulator {
  accumulator acc;
  acc.thresholds = o.thresholds;
  acc.base = scenario::make(o.base != nullptr ? o.base->info.id : std::string{}, o.thresholds.size());
  if (o.reform != nullptr) acc.reform = scenario::make(o.reform->info.id, o.thresholds.size());
  return acc;
}

void settler::close(accumulator& acc, bool reform) {
  year_state& st = reform ? reform_ : base_;
  if (!st.open) return;
  (reform ? *acc.reform : acc.base).add(st.py, o_.thresholds);
  st.py = person_year{};
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
  auto s = settle(base, o_.items, b, base_.carried, plain);
  if (!s) {
    fail(fmt::format("{} ({})", s.err().message, to_string(s.err().code)));
    return;
  }
  std::optional<settlement> rs;
  if (reform != nullptr) {
    auto x = settle(*reform, o_.items, b, reform_.carried, plain);
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
  const std::array<int, dimension_count> value = dimension_values(b);
  acc.base.add(st, b.lines.size(), value, o_.thresholds);
  base_.py.add(st);
  if (rs) {
    reform_.carried = rs->ytd_after;
    reform_.open = true;
    acc.reform->add(*rs, b.lines.size(), value, o_.thresholds);
    reform_.py.add(*rs);
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

void settle_unit(const job& o, const std::vector<input>& in, const std::vector<record>& unit, std::size_t begin,
                 std::size_t end, accumulator& acc, std::string& out, std::string& rejected, first_reject& first) {
  settler s{o, in};
  for (std::size_t i = begin; i < end; ++i) s.add(unit[i], acc, out, rejected, first);
  s.finish(acc);
}

}  // namespace yibao::sim::detail
