#pragma once
// Private to the tests: an exact settlement oracle on boost::multiprecision::cpp_rational,
// derived from docs/tariff-format.md and shared/domain.md section 5 without the
// engine's code (no yibao::divide_round, apply, extend or tariff::resolve).
// Every amount is kept as an exact rational number of fen and rounded only
// where the documents say a value becomes money.

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "yibao/yibao.hpp"

namespace yibao_test {

using rat = boost::multiprecision::cpp_rational;
using big = boost::multiprecision::cpp_int;

/// The largest integer <= x.
inline auto floor_of(const rat& x) -> big {
  const big n = boost::multiprecision::numerator(x);
  const big d = boost::multiprecision::denominator(x);  // > 0
  big q = n / d;
  if (q * d > n) q -= 1;  // division truncated a negative value upward
  return q;
}

/// Rounds an exact number of fen to a whole fen (money.hpp's table:
/// half_up = half away from zero, down = toward zero, up = away from zero).
inline auto round_fen(const rat& x, yibao::rounding mode) -> std::int64_t {
  const big fl = floor_of(x);
  const rat frac = x - rat(fl);  // in [0, 1)
  const rat half(1, 2);
  big r = fl;
  switch (mode) {
    case yibao::rounding::down:
      r = (x >= 0 || frac == 0) ? fl : fl + 1;
      break;
    case yibao::rounding::up:
      r = (x <= 0 || frac == 0) ? fl : fl + 1;
      break;
    case yibao::rounding::half_up:
      if (frac > half || (frac == half && x > 0)) r = fl + 1;
      break;
    case yibao::rounding::half_even:
      if (frac > half || (frac == half && (fl % 2) != 0)) r = fl + 1;
      break;
  }
  return r.convert_to<std::int64_t>();
}

inline auto ppm(std::int64_t v) -> rat { return rat(big(v), big(1'000'000)); }

struct expected_fund {
  yibao::layer_id layer = yibao::layer_id::basic;
  std::int64_t base = 0, deductible = 0, paid = 0;
  bool capped = false;
  std::optional<std::int64_t> cap_left;
};

/// Every output of a settlement, in fen.
struct expected {
  bool settles = true;  ///< false: failed_precondition (no basic bands)
  bool eligible = true;
  bool direct = true;
  std::int64_t medfee = 0, fulamt = 0, overlmt = 0, pre = 0, inscp = 0, first_pay = 0, dedc = 0;
  std::int64_t hifp = 0, hifmi = 0, hifob = 0, maf = 0, fund = 0, psn_part = 0, acct = 0, cash = 0;
  std::int64_t pay_now = 0, claim_later = 0;
  std::vector<expected_fund> funds;
  std::array<std::int64_t, 9> ytd{};  ///< deductible_paid, 4 x paid, 4 x base
  /// A layer used `whole` with a total above a bounded last band (see exact_pay).
  bool whole_beyond_last_band = false;
  /// The basic layer's total on its band scale (position - shift); lets the
  /// generator aim a bill exactly at a band edge.
  std::int64_t basic_total_coord = 0;
};

/// One layer's policy for one bill, from the rules as the format describes them.
struct layer_rules {
  bool active = false;
  bool reimbursed = true;
  std::int64_t deductible = 0;  // fen, after the adjustments
  yibao::deductible_scope per = yibao::deductible_scope::admission;
  const std::vector<yibao::band>* bands = nullptr;
  std::optional<std::int64_t> floor_ppm;
  yibao::band_method method = yibao::band_method::progressive;
  yibao::band_basis basis = yibao::band_basis::from_deductible;
  std::optional<std::int64_t> cap;  // fen
  std::int64_t first_pay_ppm = 0;
  bool transfer = false;
  std::int64_t add_ppm = 0;
};

namespace detail {

inline auto has(std::uint8_t mask, int value) -> bool { return ((mask >> value) & 1U) != 0; }

/// `when`: a missing key matches anything; a filing condition never matches a local visit.
inline auto when_matches(const yibao::selector& s, const yibao::person& p, const yibao::visit& v) -> bool {
  if (s.schemes != yibao::selector::any && !has(s.schemes, static_cast<int>(p.scheme_))) return false;
  if (s.statuses != yibao::selector::any && !has(s.statuses, static_cast<int>(p.status_))) return false;
  if (s.groups != yibao::selector::any && !has(s.groups, static_cast<int>(p.group_))) return false;
  if (s.visits != yibao::selector::any && !has(s.visits, static_cast<int>(v.type))) return false;
  if (v.level < 0 || v.level > 3) return false;
  if (s.levels != yibao::selector::any && !has(s.levels, v.level)) return false;
  if (s.locations != yibao::selector::any && !has(s.locations, static_cast<int>(v.where))) return false;
  if (s.filings != yibao::selector::any) {
    if (v.where == yibao::location::local) return false;
    if (!has(s.filings, static_cast<int>(v.filed))) return false;
  }
  if (v.admission < s.admission_min || v.admission > s.admission_max) return false;
  if (!s.diseases.empty()) {
    bool found = false;
    for (const auto& d : s.diseases) found = found || d == v.disease;
    if (!found) return false;
  }
  return true;
}

}  // namespace detail

/// "walks the rules in file order and applies every rule whose `when` matches":
/// settings replace, adjustments accumulate and apply after all settings.
/// The deductible is money after each adjustment (rounded with the tariff's mode),
/// in rule order.
inline auto resolve_rules(const yibao::tariff& t, const yibao::person& p, const yibao::visit& v)
    -> std::array<layer_rules, 4> {
  std::array<layer_rules, 4> out{};
  for (const yibao::rule& r : t.rules) {
    if (!detail::when_matches(r.when, p, v)) continue;
    layer_rules& l = out[static_cast<int>(r.layer)];
    if (r.deductible) l.deductible = r.deductible->fen();
    if (r.per) l.per = *r.per;
    if (r.bands) {
      l.bands = &*r.bands;
      l.active = !r.bands->empty();
    }
    if (r.method) l.method = *r.method;
    if (r.basis) l.basis = *r.basis;
    if (r.cap) l.cap = r.cap->has_value() ? std::optional<std::int64_t>{(*r.cap)->fen()} : std::nullopt;
    if (r.floor) l.floor_ppm = r.floor->ppm();
    if (r.reimbursed) l.reimbursed = *r.reimbursed;
    if (r.first_pay) l.first_pay_ppm = r.first_pay->ppm();
    if (r.transfer_difference) l.transfer = *r.transfer_difference;
    if (r.add) l.add_ppm += r.add->ppm();
  }
  for (const yibao::rule& r : t.rules) {
    if (!detail::when_matches(r.when, p, v)) continue;
    layer_rules& l = out[static_cast<int>(r.layer)];
    if (r.deductible_factor) l.deductible = round_fen(rat(l.deductible) * ppm(r.deductible_factor->ppm()), t.info.round);
    if (r.deductible_minus) l.deductible = std::max<std::int64_t>(0, l.deductible - r.deductible_minus->fen());
  }
  return out;
}

/// A band's rate: plus the points, a negative adjustment stops at the floor
/// (保底) unless the band was already below it, then clipped to [0, 1].
inline auto band_rate(const layer_rules& l, const yibao::band& b) -> rat {
  std::int64_t r = b.rate.ppm() + l.add_ppm;
  if (l.add_ppm < 0 && l.floor_ppm) r = std::max(r, std::min(b.rate.ppm(), *l.floor_ppm));
  r = std::clamp<std::int64_t>(r, 0, 1'000'000);
  return ppm(r);
}

/// The exact payment (fen) for the segment [a, b] of band coordinates.
/// Progressive: each band (previous upto, upto] at its own rate, like a tax table;
/// the first band has no lower edge; nothing beyond a bounded last band.
/// Whole: the band the total `b` falls in (upper edges inclusive) sets one rate.
/// `beyond` is set when a whole-method total lies above a bounded last band.
inline auto exact_pay(const layer_rules& l, const rat& a, const rat& b, bool* beyond = nullptr) -> rat {
  rat sum = 0;
  if (l.bands == nullptr || !(a < b)) return sum;
  const auto& bands = *l.bands;
  if (l.method == yibao::band_method::whole) {
    for (const yibao::band& band : bands) {
      if (!band.upto || b <= rat(band.upto->fen())) return (b - a) * band_rate(l, band);
    }
    // The total lies beyond every band (a bounded last band): no band, no rate,
    // as progressive pays nothing above the last edge.
    if (beyond != nullptr) *beyond = true;
    return sum;
  }
  std::optional<rat> lower;  // none: minus infinity
  for (const yibao::band& band : bands) {
    rat from = lower && *lower > a ? *lower : a;
    rat to = b;
    if (band.upto && rat(band.upto->fen()) < to) to = rat(band.upto->fen());
    if (to > from) sum += (to - from) * band_rate(l, band);
    if (!band.upto) break;
    lower = rat(band.upto->fen());
  }
  return sum;
}

struct layer_result {
  std::int64_t paid = 0;
  bool whole_beyond_last_band = false;
  bool capped = false;
  std::optional<std::int64_t> cap_left;
};

/// Pays [lo, hi] of the cumulative scale (band coordinates are position - shift),
/// rounds once, then limits to the cap left after this year's payments.
inline auto pay(const layer_rules& l, std::int64_t lo, std::int64_t hi, std::int64_t shift, std::int64_t paid_before,
                yibao::rounding mode) -> layer_result {
  layer_result r;
  r.paid = round_fen(exact_pay(l, rat(lo - shift), rat(hi - shift), &r.whole_beyond_last_band), mode);
  if (l.cap) {
    const std::int64_t left = std::max<std::int64_t>(0, *l.cap - paid_before);
    if (r.paid > left) {
      r.paid = left;
      r.capped = true;
    }
    r.cap_left = left - r.paid;
  }
  return r;
}

inline auto days_in_month(int y, int m) -> int {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

/// Settles `b` from the documents alone.
inline auto oracle_settle(const yibao::tariff& t, const yibao::catalog& c, const yibao::bill& b,
                          const yibao::ytd& before) -> expected {
  using namespace yibao;
  const rounding mode = t.info.round;
  expected e;
  // 1. Classify: C -> self-pay; the part above the price limit; B first-pay
  //    (amount x ratio, rounded per line); the rest in scope.
  for (const line& l : b.lines) {
    const catalog_entry* entry = c.find(l.code);
    const item_class cls = l.cls ? *l.cls : entry->cls;
    e.medfee += l.amount.fen();
    if (cls == item_class::C) {
      e.fulamt += l.amount.fen();
      continue;
    }
    std::int64_t own = 0;
    if (l.selfpay_ratio) {
      own = l.selfpay_ratio->ppm();
    } else if (entry != nullptr && entry->selfpay_ratio) {
      own = entry->selfpay_ratio->ppm();
    } else if (cls == item_class::B) {
      own = t.b_first_pay_default.ppm();
    }
    std::optional<price> limit = l.price_limit;
    if (!limit && entry != nullptr) limit = entry->price_limit;
    std::int64_t over = 0;
    if (limit && l.unit_price.micro > limit->micro) {
      // the amount the line would cost at the limit price, to the fen
      const rat at_limit = rat(big(l.qty.ten_thousandths) * limit->micro, big(100'000'000));
      over = std::max<std::int64_t>(0, l.amount.fen() - round_fen(at_limit, mode));
    }
    const std::int64_t rest = l.amount.fen() - over;
    const std::int64_t pre = round_fen(rat(rest) * ppm(own), mode);
    e.overlmt += over;
    e.pre += pre;
    e.inscp += rest - pre;
  }

  const visit& v = b.at;
  const auto pol = resolve_rules(t, b.who, v);
  if (!pol[0].active) {
    e.settles = false;
    return e;
  }
  e.direct = v.where == location::local || v.filed != filing::unfiled;
  e.ytd = {before.deductible_paid.fen(), before.hifp_paid.fen(), before.hifmi_paid.fen(), before.hifob_paid.fen(),
           before.maf_paid.fen(),        before.hifp_base.fen(), before.hifmi_base.fen(), before.hifob_base.fen(),
           before.maf_base.fen()};

  // 2. Eligibility.
  const person& p = b.who;
  e.eligible = p.coverage_ == coverage::active && pol[0].reimbursed;
  if (e.eligible && p.rejoined && t.waiting_months > 0) {
    int y = p.rejoined->year, m = p.rejoined->month + t.waiting_months;
    y += (m - 1) / 12;
    m = (m - 1) % 12 + 1;
    const int d = std::min<int>(p.rejoined->day, days_in_month(y, m));
    const date until{static_cast<std::int16_t>(y), static_cast<std::int8_t>(m), static_cast<std::int8_t>(d)};
    if (v.on < until) e.eligible = false;
  }

  if (e.eligible) {
    // 3-4. Basic: first_pay share, deductible, bands, cap.
    const layer_rules& basic = pol[0];
    e.first_pay = round_fen(rat(e.inscp) * ppm(basic.first_pay_ppm), mode);
    const std::int64_t entering = e.inscp - e.first_pay;
    std::int64_t ded = basic.deductible;
    if (basic.transfer && v.transfer_from_level && *v.transfer_from_level < v.level) {
      visit from = v;
      from.level = *v.transfer_from_level;
      ded = std::max<std::int64_t>(0, ded - resolve_rules(t, p, from)[0].deductible);
    }
    const bool annual = basic.per == deductible_scope::year;
    const std::int64_t remaining = annual ? std::max<std::int64_t>(0, ded - before.deductible_paid.fen()) : ded;
    e.dedc = std::min(entering, remaining);
    const std::int64_t start = annual ? before.hifp_base.fen() : 0;
    const std::int64_t shift = basic.basis == band_basis::from_deductible ? ded : 0;
    const layer_result r = pay(basic, start + e.dedc, start + entering, shift, before.hifp_paid.fen(), mode);
    e.hifp = r.paid;
    e.whole_beyond_last_band = r.whole_beyond_last_band;
    e.basic_total_coord = start + entering - shift;
    e.funds.push_back({layer_id::basic, entering, e.dedc, r.paid, r.capped, r.cap_left});
    if (annual) e.ytd[0] += e.dedc;
    e.ytd[1] += r.paid;
    e.ytd[5] += entering;

    // 5-6. Upper layers on the in-scope self-pay left, in order.
    std::int64_t* paid_of[4] = {&e.hifp, &e.hifmi, &e.hifob, &e.maf};
    const std::int64_t paid_before[4] = {before.hifp_paid.fen(), before.hifmi_paid.fen(), before.hifob_paid.fen(),
                                         before.maf_paid.fen()};
    const std::int64_t base_before[4] = {before.hifp_base.fen(), before.hifmi_base.fen(), before.hifob_base.fen(),
                                         before.maf_base.fen()};
    for (int li = 1; li < 4; ++li) {
      const layer_rules& l = pol[li];
      if (!l.active || !l.reimbursed) continue;
      const std::int64_t left = e.inscp - e.hifp - e.hifmi - e.hifob - e.maf;
      const bool year = l.per == deductible_scope::year;
      // an annual deductible is met by what the year already placed on the scale
      const std::int64_t rem = year ? std::max<std::int64_t>(0, l.deductible - base_before[li]) : l.deductible;
      const std::int64_t dedc = std::min(left, rem);
      const std::int64_t s = year ? base_before[li] : 0;
      const std::int64_t sh = l.basis == band_basis::from_deductible ? l.deductible : 0;
      const layer_result lr = pay(l, s + dedc, s + left, sh, paid_before[li], mode);
      *paid_of[li] = lr.paid;
      e.whole_beyond_last_band = e.whole_beyond_last_band || lr.whole_beyond_last_band;
      e.funds.push_back({static_cast<layer_id>(li), left, dedc, lr.paid, lr.capped, lr.cap_left});
      e.ytd[1 + li] += lr.paid;
      e.ytd[5 + li] += left;
    }
  }
  e.fund = e.hifp + e.hifmi + e.hifob + e.maf;
  e.psn_part = e.medfee - e.fund;

  // 7-8. Account, then cash.
  const bool account = t.account != account_use::none && t.account_for[static_cast<int>(p.scheme_)] &&
                       (e.direct || t.account_on_unfiled);
  if (account) {
    // inscope_selfpay: the patient's share except class-C items and over-limit parts
    // (政策范围内自付, which includes the B first-pay share).
    const std::int64_t payable =
        t.account == account_use::all ? e.psn_part : e.psn_part - e.fulamt - e.overlmt;
    e.acct = std::max<std::int64_t>(0, std::min(p.account_balance.fen(), payable));
  }
  e.cash = e.psn_part - e.acct;
  // 10. Filed: pay the share now; unfiled: pay everything now, claim the funds later.
  e.pay_now = e.direct ? e.psn_part : e.medfee;
  e.claim_later = e.direct ? 0 : e.fund;
  return e;
}

}  // namespace yibao_test
