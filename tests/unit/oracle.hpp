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

// ---- policy model 2 (docs/tariff-format.md "Format versions", "Pools (format 2)",
// "Payment shapes (format 2)", the `when` keys marked format 2) -------------------------
//
// Readings of the documents where they leave a choice (each is stated in the report):
// - a named pool's deductible counter is its `deductible_paid`; a built-in pool keeps
//   model 1's counters (basic: ytd.deductible_paid; an upper layer: its base);
// - a layer drawing from a named pool moves only that pool's counters (and, with
//   `cap_with = P`, P's paid total; with `deductible_with = P`, P's deductible counter);
// - `deductible_after_ratio`: the bands apply to the whole amount entering, their edges
//   from zero whatever `basis`; the deductible borne is what is taken off the rounded
//   fund amount, at most that amount;
// - `quota`: nothing is borne as deductible; the amount entering still goes on the scale;
// - `fixed_fee`: the listed items' in-scope amount leaves the amount entering the bands
//   (setldetail `base` is the banded part); its payment is added before the caps.

struct pool_counters {
  std::int64_t ded = 0, paid = 0, base = 0;
};

struct expected_pool {
  std::string name;
  yibao::date period_from;
  std::int64_t ded = 0, paid = 0, base = 0;
  /// Some layer of the bill drew from it (or shared its cap or deductible counter).
  bool touched = false;
};

struct expected_fund2 {
  expected_fund f;
  std::string pool;  ///< empty: built-in
  yibao::date period_from;
};

struct expected2 {
  bool settles = true;
  std::string missing_fact;  ///< settles == false because a rule needs this fact
  expected e;                ///< every model 1 output (e.funds as in model 1)
  std::vector<expected_fund2> funds;
  std::vector<expected_pool> pools_after;  ///< every named pool, in declaration order
  /// Per layer: the pool it drew from, its cap with bonus (if any), its visit cap.
  std::array<std::uint32_t, 4> pool_of{};
  std::array<std::optional<std::int64_t>, 4> cap_of{};
  std::array<std::optional<std::int64_t>, 4> visit_cap_of{};
  std::array<std::int64_t, 4> paid_of{};
  /// The paid total after the bill of the pool each layer's cap counts against.
  std::array<std::int64_t, 4> cap_total_after{};
  std::array<std::int64_t, 4> cap_total_before{};
};

/// One layer's policy in model 2.
struct layer_rules2 {
  layer_rules base;  // model 1 fields (deductible holds the plain deductible after adjustments)
  std::vector<std::int64_t> factors_ppm;  // every matching ratio_factor
  std::uint32_t pool = 0;
  bool pool_set = false;
  std::optional<std::int64_t> visit_cap, quota;
  const yibao::fixed_fee* fee = nullptr;
  std::optional<yibao::deductible_share> share;
  std::int64_t share_factor_num = 1'000'000;  // product of factors, kept exact below
  rat factor_product = 1;
  std::int64_t minus_sum = 0;
  bool after_ratio = false;
  std::optional<yibao::cap_bonus> bonus;
};

struct policy2 {
  std::array<layer_rules2, 4> layers{};
  std::optional<std::int64_t> b_first_pay_ppm;
  bool b_waived = false;
  std::string missing_fact;
};

namespace detail {

inline auto age_at(yibao::date birth, yibao::date on) -> int {
  int a = on.year - birth.year;
  if (on.month < birth.month || (on.month == birth.month && on.day < birth.day)) --a;
  return a;
}

/// Format 2 `when`. `ignore_facts`: treat the facts without a default as matching
/// (to find a rule that "would otherwise match").
inline auto when_matches2(const yibao::selector& s, const yibao::person& p, const yibao::visit& v,
                          bool ignore_facts) -> bool {
  using namespace yibao;
  if (s.schemes != selector::any && !has(s.schemes, static_cast<int>(p.scheme_))) return false;
  if (s.statuses != selector::any && !has(s.statuses, static_cast<int>(p.status_))) return false;
  if (s.groups != selector::any && !has(s.groups, static_cast<int>(p.group_))) return false;
  if (s.visits != selector::any) {
    const bool direct = has(s.visits, static_cast<int>(v.type));
    const bool day_surgery = v.type == visit_type::day_surgery && has(s.visits, static_cast<int>(visit_type::inpatient));
    if (!direct && !day_surgery) return false;
  }
  if (s.levels != selector::any && !has(s.levels, v.level)) return false;
  if (s.locations != selector::any && !has(s.locations, static_cast<int>(v.where))) return false;
  if (s.filings != selector::any) {
    if (v.where == location::local) return false;
    if (!has(s.filings, static_cast<int>(v.filed))) return false;
  }
  if (v.admission < s.admission_min || v.admission > s.admission_max) return false;
  if (!s.diseases.empty()) {
    bool found = false;
    for (const auto& d : s.diseases) found = found || d == v.disease;
    if (!found) return false;
  }
  if (s.family_doctor >= 0 && (s.family_doctor == 1) != p.family_doctor) return false;
  if (s.contracted >= 0 && (s.contracted == 1) != v.contracted) return false;
  if (v.unfiled_before < s.unfiled_min || v.unfiled_before > s.unfiled_max) return false;
  if (!s.holds.empty()) {
    int n = 0;
    for (const auto& code : s.holds) {
      bool held = false;
      for (const auto& c : p.chronic) held = held || c == code;
      n += held ? 1 : 0;
    }
    if (n < s.holds_min || n > s.holds_max) return false;
  }
  if (s.age_min != 0 || s.age_max != selector::unbounded) {
    if (!p.birth_date) {
      if (!ignore_facts) return false;
    } else {
      const int a = detail::age_at(*p.birth_date, v.on);
      if (a < s.age_min || a > s.age_max) return false;
    }
  }
  if (s.tiers != selector::any) {
    if (p.tier == 0) {
      if (!ignore_facts) return false;
    } else if (!has(s.tiers, p.tier)) {
      return false;
    }
  }
  return true;
}

}  // namespace detail

inline auto resolve_rules2(const yibao::tariff& t, const yibao::person& p, const yibao::visit& v) -> policy2 {
  policy2 out;
  for (std::size_t i = 0; i < 4; ++i) out.layers[i].pool = static_cast<std::uint32_t>(i);
  for (const yibao::rule& r : t.rules) {
    if (!detail::when_matches2(r.when, p, v, false)) {
      if (out.missing_fact.empty() && detail::when_matches2(r.when, p, v, true)) {
        const bool age = r.when.age_min != 0 || r.when.age_max != yibao::selector::unbounded;
        out.missing_fact = age && !p.birth_date ? "person.birth_date" : "person.tier";
      }
      continue;
    }
    layer_rules2& l2 = out.layers[static_cast<int>(r.layer)];
    layer_rules& l = l2.base;
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
    if (r.ratio_factor) l2.factors_ppm.push_back(r.ratio_factor->ppm());
    if (r.pool) l2.pool = *r.pool;
    if (r.visit_cap) l2.visit_cap = r.visit_cap->has_value() ? std::optional<std::int64_t>{(*r.visit_cap)->fen()} : std::nullopt;
    if (r.quota) l2.quota = r.quota->has_value() ? std::optional<std::int64_t>{(*r.quota)->fen()} : std::nullopt;
    if (r.fee) l2.fee = &*r.fee;
    // A layer takes part when a rule gives it bands, a quota or a fixed fee.
    if ((r.quota && r.quota->has_value()) || r.fee) l.active = true;
    if (r.share) l2.share = *r.share;
    if (r.after_ratio) l2.after_ratio = *r.after_ratio;
    if (r.bonus) l2.bonus = *r.bonus;
    if (r.b_first_pay) out.b_first_pay_ppm = r.b_first_pay->ppm();
    if (r.b_first_pay_waived) out.b_waived = *r.b_first_pay_waived;
  }
  for (const yibao::rule& r : t.rules) {
    if (!detail::when_matches2(r.when, p, v, false)) continue;
    layer_rules2& l2 = out.layers[static_cast<int>(r.layer)];
    layer_rules& l = l2.base;
    if (r.deductible_factor) {
      l.deductible = round_fen(rat(l.deductible) * ppm(r.deductible_factor->ppm()), t.info.round);
      l2.factor_product *= ppm(r.deductible_factor->ppm());
    }
    if (r.deductible_minus) {
      l.deductible = std::max<std::int64_t>(0, l.deductible - r.deductible_minus->fen());
      l2.minus_sum += r.deductible_minus->fen();
    }
  }
  return out;
}

/// A band's rate in model 2: plus the points, times every ratio_factor (exactly),
/// held at the floor when lowered, clipped to [0, 1].
inline auto band_rate2(const layer_rules2& l2, const yibao::band& b) -> rat {
  const layer_rules& l = l2.base;
  rat r = ppm(b.rate.ppm() + l.add_ppm);
  rat f = 1;
  for (std::int64_t x : l2.factors_ppm) f *= ppm(x);
  r *= f;
  if ((l.add_ppm < 0 || f < 1) && l.floor_ppm && r < ppm(*l.floor_ppm)) r = std::min(ppm(b.rate.ppm()), ppm(*l.floor_ppm));
  if (r < 0) r = 0;
  if (r > 1) r = 1;
  return r;
}

inline auto exact_pay2(const layer_rules2& l2, const rat& a, const rat& b) -> rat {
  const layer_rules& l = l2.base;
  rat sum = 0;
  if (l.bands == nullptr || !(a < b)) return sum;
  const auto& bands = *l.bands;
  if (l.method == yibao::band_method::whole) {
    for (const yibao::band& band : bands) {
      if (!band.upto || b <= rat(band.upto->fen())) return (b - a) * band_rate2(l2, band);
    }
    return sum;
  }
  std::optional<rat> lower;
  for (const yibao::band& band : bands) {
    rat from = lower && *lower > a ? *lower : a;
    rat to = b;
    if (band.upto && rat(band.upto->fen()) < to) to = rat(band.upto->fen());
    if (to > from) sum += (to - from) * band_rate2(l2, band);
    if (!band.upto) break;
    lower = rat(band.upto->fen());
  }
  return sum;
}

/// First day of the period of `d` (zero date for `admission`).
inline auto period_start(const yibao::tariff& t, yibao::pool_period period, yibao::date d) -> yibao::date {
  using yibao::date;
  switch (period) {
    case yibao::pool_period::year: {
      const int m = t.info.year_start_month, dd = t.info.year_start_day;
      const bool after = d.month > m || (d.month == m && d.day >= dd);
      return date{static_cast<std::int16_t>(after ? d.year : d.year - 1), static_cast<std::int8_t>(m),
                  static_cast<std::int8_t>(dd)};
    }
    case yibao::pool_period::quarter:
      return date{d.year, static_cast<std::int8_t>((d.month - 1) / 3 * 3 + 1), 1};
    case yibao::pool_period::month:
      return date{d.year, d.month, 1};
    case yibao::pool_period::admission:
      return date{};
  }
  return date{};
}

/// The deductible of the basic layer for a visit (share, factors, minus), before
/// the transfer difference and the annual counter.
inline auto deductible2(const yibao::tariff& t, const layer_rules2& l2, std::int64_t medfee) -> std::int64_t {
  if (!l2.share) return l2.base.deductible;
  const auto& sh = *l2.share;
  std::int64_t d = round_fen(rat(medfee) * ppm(sh.share.ppm()), t.info.round);
  d = std::clamp(d, sh.min.fen(), sh.max.fen());
  d = round_fen(rat(d) * l2.factor_product, t.info.round);
  return std::max<std::int64_t>(0, d - l2.minus_sum);
}

/// Settles `b` under policy model 2 from the documents alone.
inline auto oracle_settle2(const yibao::tariff& t, const yibao::catalog& c, const yibao::bill& b,
                           const yibao::ytd& before) -> expected2 {
  using namespace yibao;
  const rounding mode = t.info.round;
  expected2 out;
  expected& e = out.e;
  const visit& v = b.at;
  const person& p = b.who;
  const policy2 pol = resolve_rules2(t, p, v);
  if (!pol.missing_fact.empty()) {
    out.settles = e.settles = false;
    out.missing_fact = pol.missing_fact;
    return out;
  }
  // 1. Classify; the basic layer's rules may set or waive the B-class default.
  std::int64_t fee_inscp = 0;
  const fixed_fee* fee = pol.layers[0].fee;
  for (const line& l : b.lines) {
    const catalog_entry* entry = c.find(l.code);
    const item_class cls = l.cls ? *l.cls : entry->cls;
    e.medfee += l.amount.fen();
    if (cls == item_class::C) {
      e.fulamt += l.amount.fen();
      continue;
    }
    std::int64_t own = 0;
    if (cls == item_class::B && pol.b_waived) {
      own = 0;
    } else if (l.selfpay_ratio) {
      own = l.selfpay_ratio->ppm();
    } else if (entry != nullptr && entry->selfpay_ratio) {
      own = entry->selfpay_ratio->ppm();
    } else if (cls == item_class::B) {
      own = pol.b_first_pay_ppm ? *pol.b_first_pay_ppm : t.b_first_pay_default.ppm();
    }
    std::optional<price> limit = l.price_limit;
    if (!limit && entry != nullptr) limit = entry->price_limit;
    std::int64_t over = 0;
    if (limit && l.unit_price.micro > limit->micro) {
      const rat at_limit = rat(big(l.qty.ten_thousandths) * limit->micro, big(100'000'000));
      over = std::max<std::int64_t>(0, l.amount.fen() - round_fen(at_limit, mode));
    }
    const std::int64_t rest = l.amount.fen() - over;
    const std::int64_t pre = round_fen(rat(rest) * ppm(own), mode);
    e.overlmt += over;
    e.pre += pre;
    e.inscp += rest - pre;
    if (fee != nullptr && std::find(fee->items.begin(), fee->items.end(), l.code) != fee->items.end()) {
      fee_inscp += rest - pre;
    }
  }
  if (!pol.layers[0].base.active) {
    out.settles = e.settles = false;
    return out;
  }
  e.direct = v.where == location::local || v.filed != filing::unfiled;

  // Counters of every pool at the bill's date.
  const std::size_t np = t.pools.size();
  std::vector<pool_counters> cnt(np);
  std::vector<date> from(np);
  std::vector<bool> touched(np, false);
  cnt[0] = {before.deductible_paid.fen(), before.hifp_paid.fen(), before.hifp_base.fen()};
  cnt[1] = {0, before.hifmi_paid.fen(), before.hifmi_base.fen()};
  cnt[2] = {0, before.hifob_paid.fen(), before.hifob_base.fen()};
  cnt[3] = {0, before.maf_paid.fen(), before.maf_base.fen()};
  for (std::size_t i = builtin_pools; i < np; ++i) {
    const pool_def& d = t.pools[i];
    from[i] = period_start(t, d.period, v.on);
    if (d.period == pool_period::admission) continue;
    for (const pool_total& pt : before.pools) {
      if (pt.pool != d.name) continue;
      if (pt.period_from != date{} && pt.period_from < from[i]) continue;  // an earlier period: zero
      cnt[i] = {pt.deductible_paid.fen(), pt.paid.fen(), pt.base.fen()};
    }
  }

  // 2. Eligibility, with the lapse terms of the waiting period.
  e.eligible = p.coverage_ == coverage::active && pol.layers[0].base.reimbursed;
  if (e.eligible && p.rejoined) {
    int variable = t.waiting_per_lapsed_year * p.lapsed_years - t.waiting_back_paid_year * p.back_paid_years;
    int wait = t.waiting_months + std::max(0, variable);
    if (t.waiting_floor_years > 0 && p.lapsed_years >= t.waiting_floor_years) wait = std::max(wait, t.waiting_floor_months);
    if (wait > 0) {
      int y = p.rejoined->year, m = p.rejoined->month + wait;
      y += (m - 1) / 12;
      m = (m - 1) % 12 + 1;
      const int d = std::min<int>(p.rejoined->day, days_in_month(y, m));
      const date until{static_cast<std::int16_t>(y), static_cast<std::int8_t>(m), static_cast<std::int8_t>(d)};
      if (v.on < until) e.eligible = false;
    }
  }

  std::int64_t* paid_of[4] = {&e.hifp, &e.hifmi, &e.hifob, &e.maf};
  if (e.eligible) {
    for (int li = 0; li < 4; ++li) {
      const layer_rules2& l2 = pol.layers[li];
      const layer_rules& l = l2.base;
      if (li > 0 && (!l.active || !l.reimbursed)) continue;
      const std::uint32_t pi = l2.pool;
      const pool_def& pd = t.pools[pi];
      const bool named = pi >= builtin_pools;
      const std::uint32_t cap_pool = pd.cap_with ? *pd.cap_with : pi;
      const std::uint32_t ded_pool = pd.deductible_with ? *pd.deductible_with : pi;
      std::int64_t entering = 0, fee_part = 0;
      if (li == 0) {
        fee_part = fee_inscp;
        const std::int64_t banded_in = e.inscp - fee_part;
        e.first_pay = round_fen(rat(banded_in) * ppm(l.first_pay_ppm), mode);
        entering = banded_in - e.first_pay;
      } else {
        entering = e.inscp - e.hifp - e.hifmi - e.hifob - e.maf;
      }
      // deductible
      std::int64_t ded = li == 0 ? deductible2(t, l2, e.medfee) : l.deductible;
      if (li == 0 && l.transfer && v.transfer_from_level && *v.transfer_from_level < v.level) {
        visit fromv = v;
        fromv.level = *v.transfer_from_level;
        const policy2 fp = resolve_rules2(t, p, fromv);
        ded = std::max<std::int64_t>(0, ded - deductible2(t, fp.layers[0], e.medfee));
      }
      const bool annual = l.per == deductible_scope::year;
      // the deductible counter: basic's ytd.deductible_paid, an upper built-in pool's
      // base (model 1), a named pool's deductible_paid
      auto ded_counter = [&](std::uint32_t q) -> std::int64_t {
        if (q == 0 || q >= builtin_pools) return cnt[q].ded;
        return cnt[q].base;
      };
      const std::int64_t remaining = annual ? std::max<std::int64_t>(0, ded - ded_counter(ded_pool)) : ded;
      const std::int64_t start = annual ? cnt[pi].base : 0;
      const std::int64_t shift = l.basis == band_basis::from_deductible ? ded : 0;
      std::int64_t dedc = 0, pay_amt = 0;
      if (l2.quota) {
        pay_amt = std::min(entering, *l2.quota);
      } else if (l2.after_ratio) {
        // "the bands apply to the whole amount entering": edges from zero
        const std::int64_t banded = round_fen(exact_pay2(l2, rat(start), rat(start + entering)), mode);
        dedc = std::min(banded, remaining);
        pay_amt = banded - dedc;
      } else {
        dedc = std::min(entering, remaining);
        pay_amt = round_fen(exact_pay2(l2, rat(start + dedc - shift), rat(start + entering - shift)), mode);
      }
      if (li == 0) {
        e.dedc = dedc;
        e.basic_total_coord = start + entering - (l2.after_ratio ? 0 : shift);
      }
      pay_amt += std::min(fee_part, fee != nullptr && li == 0 ? fee->fund.fen() : 0);
      bool capped = false;
      if (l2.visit_cap && pay_amt > *l2.visit_cap) {
        pay_amt = *l2.visit_cap;
        capped = true;
      }
      std::optional<std::int64_t> cap = l.cap;
      if (cap && l2.bonus) {
        const cap_bonus& bo = *l2.bonus;
        const std::int64_t years = std::max(0, p.enrolled_years - bo.after_years);
        const std::int64_t add = years * bo.per_year.fen() + p.claim_free_years * bo.per_claim_free_year.fen();
        *cap += std::min(add, bo.max.fen());
      }
      std::optional<std::int64_t> cap_left;
      out.cap_total_before[li] = cnt[cap_pool].paid;
      if (cap) {
        const std::int64_t left = std::max<std::int64_t>(0, *cap - cnt[cap_pool].paid);
        if (pay_amt > left) {
          pay_amt = left;
          capped = true;
        }
        cap_left = left - pay_amt;
      }
      *paid_of[li] = pay_amt;
      // counters
      touched[pi] = touched[cap_pool] = touched[ded_pool] = true;
      if (annual && (ded_pool == 0 || ded_pool >= builtin_pools)) cnt[ded_pool].ded += dedc;
      cnt[pi].paid += pay_amt;
      if (cap_pool != pi) cnt[cap_pool].paid += pay_amt;
      cnt[pi].base += entering;
      expected_fund2 f2;
      f2.f = {static_cast<layer_id>(li), entering, dedc, pay_amt, capped, cap_left};
      if (named) {
        f2.pool = pd.name;
        f2.period_from = from[pi];
      }
      out.funds.push_back(f2);
      e.funds.push_back(f2.f);
      out.pool_of[li] = pi;
      out.cap_of[li] = cap;
      out.visit_cap_of[li] = l2.visit_cap;
      out.paid_of[li] = pay_amt;
      out.cap_total_after[li] = cnt[cap_pool].paid;
    }
  }
  e.ytd = {cnt[0].ded, cnt[0].paid, cnt[1].paid, cnt[2].paid, cnt[3].paid,
           cnt[0].base, cnt[1].base, cnt[2].base, cnt[3].base};
  for (std::size_t i = builtin_pools; i < np; ++i) {
    out.pools_after.push_back({t.pools[i].name, from[i], cnt[i].ded, cnt[i].paid, cnt[i].base, touched[i]});
  }
  e.fund = e.hifp + e.hifmi + e.hifob + e.maf;
  e.psn_part = e.medfee - e.fund;
  const bool account = t.account != account_use::none && t.account_for[static_cast<int>(p.scheme_)] &&
                       (e.direct || t.account_on_unfiled);
  if (account) {
    const std::int64_t payable = t.account == account_use::all ? e.psn_part : e.psn_part - e.fulamt - e.overlmt;
    e.acct = std::max<std::int64_t>(0, std::min(p.account_balance.fen(), payable));
  }
  e.cash = e.psn_part - e.acct;
  e.pay_now = e.direct ? e.psn_part : e.medfee;
  e.claim_later = e.direct ? 0 : e.fund;
  return out;
}

}  // namespace yibao_test
