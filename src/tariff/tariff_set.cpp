#include "yibao/tariff_set.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

namespace yibao {
namespace {

/// "file (valid_to 2025-12-31 at file:3:1)"-style reference to another version.
auto describe(const tariff& t, const source_location& at, const char* key, date value) -> std::string {
  return std::string(key) + " " + value.to_string() + " of " + (t.info.id.empty() ? t.file : t.info.id) + " at " +
         at.to_string();
}

}  // namespace

void tariff_set::add(tariff t, std::optional<window_origin> where) {
  window_origin w = where ? std::move(*where) : window_origin{t.info.origin.where, t.info.origin.where};
  // After every version that starts on or before this one: stable in addition order.
  const auto pos = std::upper_bound(versions_.begin(), versions_.end(), t.info.valid_from,
                                    [](const date& d, const tariff& v) { return d < v.info.valid_from; });
  const auto i = std::distance(versions_.begin(), pos);
  versions_.insert(pos, std::move(t));
  windows_.insert(windows_.begin() + i, std::move(w));
}

auto tariff_set::pick(date on) const noexcept -> std::optional<std::size_t> {
  // Versions are ordered by start: scan from the latest start backwards.
  for (std::size_t i = versions_.size(); i-- > 0;) {
    if (versions_[i].info.valid_from <= on && on <= versions_[i].info.valid_to) return i;
  }
  return std::nullopt;
}

auto tariff_set::in_force(date on) const -> result<const tariff*> {
  if (const std::optional<std::size_t> i = pick(on)) return &versions_[*i];
  return make_error(errc::out_of_range, "visit.date", "no tariff version is in force on " + on.to_string());
}

auto settle(const tariff_set& versions, const catalog& c, const bill& b, const ytd& before,
            const settle_options& opts) -> result<settlement> {
  auto t = versions.in_force(b.at.on);
  if (t) return settle(*t.value(), c, b, before, opts);  // validates the bill first
  // No version for the date: a bad bill is still told as settle() tells it.
  if (auto valid = validate(b); !valid) return std::move(valid).err();
  return std::move(t).err();
}

auto tariff_set::check_windows() const -> std::vector<diagnostic> {
  std::vector<diagnostic> out;
  if (versions_.empty()) return out;
  const std::string& place = versions_.front().info.place;
  for (std::size_t i = 1; i < versions_.size(); ++i) {
    const tariff& t = versions_[i];
    if (t.info.place != place) {
      out.push_back({severity::error, t.info.origin.where, "tariff.place",
                     "expected the place \"" + place + "\" of " + versions_.front().file + ", found \"" +
                         t.info.place + "\""});
    }
  }
  // The version that ends latest among those before i: an overlap with any
  // earlier version shows against it; a gap only against all of them.
  std::size_t last = 0;
  for (std::size_t i = 1; i < versions_.size(); ++i) {
    const tariff& prev = versions_[last];
    const tariff& cur = versions_[i];
    const window_origin& pw = windows_[last];
    const window_origin& cw = windows_[i];
    if (cur.info.valid_from <= prev.info.valid_to) {
      out.push_back({severity::error, cw.valid_from, "tariff.valid_from",
                     "expected a date after " + describe(prev, pw.valid_to, "valid_to", prev.info.valid_to) +
                         " (versions must not overlap), found " + cur.info.valid_from.to_string()});
    } else if (add_days(prev.info.valid_to, 1) < cur.info.valid_from) {
      out.push_back({severity::warning, cw.valid_from, "tariff.valid_from",
                     "expected " + add_days(prev.info.valid_to, 1).to_string() + ", the day after " +
                         describe(prev, pw.valid_to, "valid_to", prev.info.valid_to) + ", found " +
                         cur.info.valid_from.to_string() + " (a gap: no version covers bills from " +
                         add_days(prev.info.valid_to, 1).to_string() + " up to it)"});
    }
    if (prev.info.valid_to < cur.info.valid_to) last = i;
  }
  return out;
}

}  // namespace yibao
