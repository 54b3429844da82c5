// Property test of the settlement engine: random tariffs and random bills,
// checked against the identities of shared/domain.md section 5 and against an
// exact cpp_rational oracle (tests/unit/oracle.hpp) derived from the documents.
//
// "Identities that must hold for every bill, exactly, to the fen" (domain.md 5).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "oracle.hpp"
#include "yibao/yibao.hpp"

namespace {

using namespace yibao;
using yibao_test::expected;
using yibao_test::oracle_settle;

constexpr std::uint64_t base_seed = 0x59'42'41'4F'2025ULL;  // "YBAO" 2025
constexpr int bill_count = 12'000;

class gen {
 public:
  explicit gen(std::uint64_t seed) : rng_{seed} {}

  auto uniform(std::int64_t lo, std::int64_t hi) -> std::int64_t {
    return std::uniform_int_distribution<std::int64_t>{lo, hi}(rng_);
  }
  auto chance(int percent) -> bool { return uniform(0, 99) < percent; }
  /// Skewed towards small values: lo + U(0, 10^k) with k uniform in 0..9, clipped to hi.
  auto skewed(std::int64_t lo, std::int64_t hi) -> std::int64_t {
    const int decades = static_cast<int>(uniform(0, 9));
    std::int64_t top = 1;
    for (int i = 0; i < decades; ++i) top *= 10;
    const std::int64_t v = lo + uniform(0, top);
    return std::min(v, hi);
  }
  auto money_yuan(std::int64_t lo_yuan, std::int64_t hi_yuan) -> money {
    return money::from_fen(uniform(lo_yuan * 100, hi_yuan * 100));
  }
  auto mask(int count) -> std::uint8_t {
    if (chance(55)) return selector::any;
    std::uint8_t m = 0;
    while (m == 0) {
      for (int i = 0; i < count; ++i) {
        if (chance(50)) m |= static_cast<std::uint8_t>(1U << i);
      }
    }
    return m;
  }
  auto rate() -> ratio {
    switch (uniform(0, 5)) {
      case 0: return ratio::from_ppm(uniform(0, 1'000'000));
      case 1: return ratio::points(uniform(0, 20) * 5);
      case 2: return ratio::from_ppm(uniform(1'000'000, 1'100'000));  // above 1: clipped
      default: return ratio::points(uniform(30, 95));
    }
  }

  auto bands() -> std::vector<band> {
    const int n = static_cast<int>(uniform(1, 5));
    std::vector<band> out;
    std::int64_t edge = 0;
    for (int i = 0; i < n; ++i) {
      band b;
      b.rate = rate();
      const bool last = i == n - 1;
      if (!last || chance(20)) {
        edge += chance(30) ? uniform(1, 300) * 100 : uniform(100, 150'000) * 100;
        b.upto = money::from_fen(edge);
      }
      out.push_back(b);
    }
    return out;
  }

  auto when() -> selector {
    selector s;
    if (chance(70)) return s;  // general rules are common
    s.schemes = mask(scheme_count);
    s.statuses = mask(status_count);
    s.groups = mask(group_count);
    s.visits = mask(visit_type_count);
    s.levels = mask(level_count);
    s.locations = mask(location_count);
    s.filings = chance(40) ? mask(filing_count) : selector::any;
    if (chance(10)) {
      s.admission_min = static_cast<int>(uniform(1, 3));
      s.admission_max = static_cast<int>(uniform(s.admission_min, 5));
    }
    if (chance(8)) s.diseases = {"I21"};
    return s;
  }

  auto make_rule(layer_id layer, bool general_basic) -> rule {
    rule r;
    r.layer = layer;
    r.label = std::string{to_string(layer)};
    if (!general_basic) r.when = when();
    const bool settings = general_basic || chance(60);
    if (settings) {
      if (general_basic || chance(60)) r.bands = bands();
      if (general_basic || chance(50)) r.deductible = chance(15) ? money{} : money_yuan(0, 20'000);
      if (chance(50)) r.per = chance(50) ? deductible_scope::year : deductible_scope::admission;
      if (chance(50)) r.method = chance(50) ? band_method::whole : band_method::progressive;
      if (chance(50)) r.basis = chance(50) ? band_basis::from_zero : band_basis::from_deductible;
      if (chance(50)) {
        r.cap = chance(30) ? std::optional<money>{} : std::optional<money>{money_yuan(100, 600'000)};
      }
      if (chance(20)) r.floor = ratio::points(uniform(30, 80));
      if (!general_basic && chance(7)) {
        r.reimbursed = false;
        r.reason = "not reimbursed";
      }
      if (layer == layer_id::basic && chance(12)) r.first_pay = ratio::points(uniform(0, 40));
      if (layer == layer_id::basic && chance(10)) r.transfer_difference = true;
    }
    if (!general_basic || chance(20)) {
      if (chance(35)) r.add = chance(30) ? ratio::from_ppm(uniform(-200'000, 100'000)) : ratio::points(uniform(-20, 10));
      if (chance(20)) r.deductible_factor = chance(50) ? ratio::points(50) : ratio::from_ppm(uniform(0, 1'500'000));
      if (chance(12)) r.deductible_minus = money_yuan(0, 5'000);
    }
    return r;
  }

  auto make_tariff() -> tariff {
    tariff t;
    t.info.id = "prop";
    t.info.valid_from = date{2025, 1, 1};
    t.info.valid_to = date{2025, 12, 31};
    t.info.round = static_cast<rounding>(uniform(0, 3));
    t.b_first_pay_default = chance(50) ? ratio::points(10) : ratio::from_ppm(uniform(0, 400'000));
    t.account = static_cast<account_use>(uniform(0, 2));
    t.account_for = {chance(80), chance(30)};
    t.account_on_unfiled = chance(30);
    t.waiting_months = chance(50) ? 0 : static_cast<int>(uniform(1, 6));
    t.claim_documents = {"ID card", "invoices"};
    if (chance(92)) t.rules.push_back(make_rule(layer_id::basic, true));
    const int extra = static_cast<int>(uniform(0, 8));
    for (int i = 0; i < extra; ++i) {
      t.rules.push_back(make_rule(static_cast<layer_id>(uniform(0, 3)), false));
    }
    for (std::size_t i = 0; i < t.rules.size(); ++i) t.rules[i].label.append(1, '#').append(std::to_string(i));
    return t;
  }

  auto make_line(int i) -> line {
    line l;
    l.code = "X" + std::to_string(i);
    const int kind = static_cast<int>(uniform(0, 9));
    if (kind < 2) {
      l.code = "CAT" + std::to_string(uniform(1, 4));  // in the catalog: class from there
      if (chance(50)) l.cls = static_cast<item_class>(uniform(0, 2));
    } else {
      l.cls = static_cast<item_class>(uniform(0, 2));
    }
    if (chance(30)) l.selfpay_ratio = ratio::from_ppm(chance(50) ? uniform(0, 1'000'000) : uniform(0, 10) * 50'000);
    // amount 0.01 .. 200,000 yuan, skewed toward small amounts
    const std::int64_t target_fen = std::max<std::int64_t>(1, skewed(1, 20'000'000));
    l.qty = quantity{chance(60) ? 10'000 : uniform(1, 100'000)};
    std::int64_t micro = target_fen * 10'000 * 10'000 / l.qty.ten_thousandths;  // fen -> micro-yuan per unit
    micro = std::max<std::int64_t>(1, micro + uniform(-9, 9));
    l.unit_price = price{micro};
    // amount = qty x price rounded half-up to the fen (the bill contract)
    const __int128 num = static_cast<__int128>(l.qty.ten_thousandths) * micro;
    l.amount = money::from_fen(static_cast<std::int64_t>((num + 50'000'000) / 100'000'000));
    if (chance(25)) {
      // limit below or above the price
      const std::int64_t lim = micro * uniform(30, 150) / 100 + uniform(-3, 3);
      l.price_limit = price{std::max<std::int64_t>(0, lim)};
    }
    return l;
  }

  auto make_ytd() -> ytd {
    ytd y;
    auto amt = [this]() {
      switch (uniform(0, 3)) {
        case 0: return money{};
        case 1: return money_yuan(0, 2'000);
        case 2: return money_yuan(0, 50'000);
        default: return money_yuan(0, 700'000);  // often past a cap
      }
    };
    y.deductible_paid = amt();
    y.hifp_paid = amt(), y.hifmi_paid = amt(), y.hifob_paid = amt(), y.maf_paid = amt();
    y.hifp_base = amt(), y.hifmi_base = amt(), y.hifob_base = amt(), y.maf_base = amt();
    return y;
  }

  auto make_bill() -> bill {
    bill b;
    b.id = "b";
    b.who.id = "p";  // settle validates the bill (issue 11 item 1)
    b.who.scheme_ = static_cast<scheme>(uniform(0, 1));
    b.who.status_ = static_cast<status>(uniform(0, 1));
    b.who.group_ = chance(60) ? group::none : static_cast<group>(uniform(1, 4));
    const int cov = static_cast<int>(uniform(0, 19));
    b.who.coverage_ = cov < 17 ? coverage::active : cov < 19 ? coverage::lapsed : coverage::waiting;
    b.who.account_balance = chance(20) ? money{} : money::from_fen(skewed(0, 2'000'000));
    b.at.type = static_cast<visit_type>(uniform(0, 2));
    b.at.level = static_cast<int>(uniform(0, 3));
    b.at.where = static_cast<location>(uniform(0, 2));
    b.at.filed = static_cast<filing>(uniform(0, 4));
    b.at.admission = static_cast<int>(uniform(1, 5));
    b.at.on = date{2025, static_cast<std::int8_t>(uniform(1, 12)), static_cast<std::int8_t>(uniform(1, 28))};
    if (chance(10)) {
      b.who.rejoined = date{static_cast<std::int16_t>(uniform(2024, 2025)), static_cast<std::int8_t>(uniform(1, 12)),
                            static_cast<std::int8_t>(uniform(1, 31))};
      if (b.who.rejoined->day > 28 && b.who.rejoined->month == 2) b.who.rejoined->day = 28;
      if (b.who.rejoined->day == 31) b.who.rejoined->day = 30;
    }
    if (chance(15)) b.at.disease = "I21";
    if (chance(15)) {  // an upward transfer only: settle validates the bill (issue 11 item 1)
      const int from = static_cast<int>(uniform(0, 3));
      if (from < b.at.level) b.at.transfer_from_level = from;
    }
    const int n = static_cast<int>(uniform(1, 30));
    for (int i = 0; i < n; ++i) b.lines.push_back(make_line(i));
    b.totals = make_ytd();
    return b;
  }

 private:
  std::mt19937_64 rng_;
};

auto make_catalog() -> catalog {
  catalog c;
  c.add("CAT1", catalog_entry{item_class::A, std::nullopt, std::nullopt, "A item"});
  c.add("CAT2", catalog_entry{item_class::B, ratio::points(20), std::nullopt, "B item, 20%"});
  c.add("CAT3", catalog_entry{item_class::B, std::nullopt, price{50'000'000}, "B item, limit 50"});
  c.add("CAT4", catalog_entry{item_class::C, std::nullopt, std::nullopt, "C item"});
  return c;
}

/// Band edges are inclusive ("5万元以下(含)"): random amounts almost never land
/// on one, so add a class-A line that puts the basic layer's total exactly on
/// an edge of its bands (when no first_pay share makes the total nonlinear).
void aim_at_band_edge(gen& g, const tariff& t, const catalog& cat, bill& b) {
  const auto pol = yibao_test::resolve_rules(t, b.who, b.at);
  if (!pol[0].active || pol[0].first_pay_ppm != 0) return;
  std::vector<std::int64_t> edges;
  for (const band& bd : *pol[0].bands) {
    if (bd.upto) edges.push_back(bd.upto->fen());
  }
  if (edges.empty()) return;
  const std::int64_t edge = edges[static_cast<std::size_t>(g.uniform(0, static_cast<std::int64_t>(edges.size()) - 1))];
  const expected e = oracle_settle(t, cat, b, b.totals);
  if (!e.settles || !e.eligible) return;
  const std::int64_t add = edge - e.basic_total_coord + g.uniform(-1, 1);  // on the edge, or one fen either side
  if (add <= 0) return;
  line l;
  l.code = "EDGE";
  l.cls = item_class::A;
  l.qty = quantity{10'000};
  l.unit_price = price{add * 10'000};
  l.amount = money::from_fen(add);
  b.lines.push_back(l);
}

// ---- printing a failing case ----------------------------------------------------------

auto mask_text(std::uint8_t m) -> std::string {
  if (m == selector::any) return "any";
  std::ostringstream os;
  os << "0x" << std::hex << static_cast<int>(m);
  return os.str();
}

auto dump(const tariff& t, const bill& b) -> std::string {
  std::ostringstream os;
  os << "tariff: rounding=" << to_string(t.info.round) << " b_first_pay=" << t.b_first_pay_default.to_string(6)
     << " account=" << to_string(t.account) << " for(employee,resident)=" << t.account_for[0] << t.account_for[1]
     << " on_unfiled=" << t.account_on_unfiled << " waiting_months=" << t.waiting_months << "\n";
  for (const rule& r : t.rules) {
    os << "  rule " << r.label << " layer=" << to_string(r.layer) << " when{scheme=" << mask_text(r.when.schemes)
       << " status=" << mask_text(r.when.statuses) << " group=" << mask_text(r.when.groups)
       << " visit=" << mask_text(r.when.visits) << " level=" << mask_text(r.when.levels)
       << " location=" << mask_text(r.when.locations) << " filing=" << mask_text(r.when.filings)
       << " admission=" << r.when.admission_min << ".." << r.when.admission_max
       << " diseases=" << r.when.diseases.size() << "}";
    if (r.deductible) os << " deductible=" << r.deductible->to_string();
    if (r.per) os << " per=" << to_string(*r.per);
    if (r.bands) {
      os << " bands=[";
      for (const band& bd : *r.bands) {
        os << "{" << (bd.upto ? bd.upto->to_string() : "inf") << ":" << bd.rate.to_string(6) << "}";
      }
      os << "]";
    }
    if (r.method) os << " method=" << to_string(*r.method);
    if (r.basis) os << " basis=" << to_string(*r.basis);
    if (r.cap) os << " cap=" << (r.cap->has_value() ? (*r.cap)->to_string() : "none");
    if (r.floor) os << " floor=" << r.floor->to_string(6);
    if (r.reimbursed) os << " reimbursed=" << *r.reimbursed;
    if (r.first_pay) os << " first_pay=" << r.first_pay->to_string(6);
    if (r.transfer_difference) os << " transfer=difference";
    if (r.add) os << " add=" << r.add->to_string(6);
    if (r.deductible_factor) os << " deductible_factor=" << r.deductible_factor->to_string(6);
    if (r.deductible_minus) os << " deductible_minus=" << r.deductible_minus->to_string();
    os << "\n";
  }
  os << "bill: scheme=" << to_string(b.who.scheme_) << " status=" << to_string(b.who.status_)
     << " group=" << to_string(b.who.group_) << " coverage=" << to_string(b.who.coverage_)
     << " balance=" << b.who.account_balance.to_string()
     << " rejoined=" << (b.who.rejoined ? b.who.rejoined->to_string() : "-") << " visit=" << to_string(b.at.type)
     << " level=" << b.at.level << " location=" << to_string(b.at.where) << " filing=" << to_string(b.at.filed)
     << " admission=" << b.at.admission << " date=" << b.at.on.to_string() << " disease=" << b.at.disease
     << " transfer_from=" << (b.at.transfer_from_level ? std::to_string(*b.at.transfer_from_level) : "-") << "\n";
  const ytd& y = b.totals;
  os << "  ytd: deductible_paid=" << y.deductible_paid.to_string() << " paid=" << y.hifp_paid.to_string() << "/"
     << y.hifmi_paid.to_string() << "/" << y.hifob_paid.to_string() << "/" << y.maf_paid.to_string()
     << " base=" << y.hifp_base.to_string() << "/" << y.hifmi_base.to_string() << "/" << y.hifob_base.to_string()
     << "/" << y.maf_base.to_string() << "\n";
  for (const line& l : b.lines) {
    os << "  line " << l.code << " class=" << (l.cls ? std::string{to_string(*l.cls)} : "-")
       << " selfpay=" << (l.selfpay_ratio ? l.selfpay_ratio->to_string(6) : "-")
       << " limit=" << (l.price_limit ? format_fixed(l.price_limit->micro, 6) : "-")
       << " qty=" << format_fixed(l.qty.ten_thousandths, 4) << " price=" << format_fixed(l.unit_price.micro, 6)
       << " amount=" << l.amount.to_string() << "\n";
  }
  return os.str();
}

// ---- checks ------------------------------------------------------------------------

// (a) The identities of domain.md section 5, on the engine's output alone.
void check_identities(const tariff& t, const bill& b, const settlement& s, const std::string& ctx) {
  SCOPED_TRACE(ctx);
  EXPECT_EQ(s.medfee_sumamt, s.fulamt_ownpay_amt + s.overlmt_selfpay + s.preselfpay_amt + s.inscp_scp_amt);
  EXPECT_EQ(s.fund_pay_sumamt, s.hifp_pay + s.hifmi_pay + s.hifob_pay + s.maf_pay + s.oth_pay);
  EXPECT_EQ(s.medfee_sumamt, s.fund_pay_sumamt + s.psn_part_amt);
  EXPECT_EQ(s.psn_part_amt, s.acct_pay + s.psn_cash_pay);
  const money zero{};
  for (money m : {s.medfee_sumamt, s.fulamt_ownpay_amt, s.overlmt_selfpay, s.preselfpay_amt, s.inscp_scp_amt,
                  s.inscope_first_pay, s.act_pay_dedc, s.hifp_pay, s.hifmi_pay, s.hifob_pay, s.maf_pay,
                  s.fund_pay_sumamt, s.psn_part_amt, s.acct_pay, s.psn_cash_pay, s.pay_now, s.claim_later}) {
    EXPECT_GE(m, zero);
  }
  // "no fund pays more than the in-scope amount"
  EXPECT_LE(s.fund_pay_sumamt, s.inscp_scp_amt);
  EXPECT_LE(s.act_pay_dedc, s.inscp_scp_amt);
  EXPECT_LE(s.acct_pay, b.who.account_balance);
  // "caps never exceeded": each layer's year-to-date payments stay within its cap
  const auto pol = yibao_test::resolve_rules(t, b.who, b.at);
  const money paid_after[4] = {s.ytd_after.hifp_paid, s.ytd_after.hifmi_paid, s.ytd_after.hifob_paid,
                               s.ytd_after.maf_paid};
  const money paid_before[4] = {b.totals.hifp_paid, b.totals.hifmi_paid, b.totals.hifob_paid, b.totals.maf_paid};
  const money paid_now[4] = {s.hifp_pay, s.hifmi_pay, s.hifob_pay, s.maf_pay};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(paid_after[i], paid_before[i] + paid_now[i]) << "layer " << i;
    if (pol[i].cap && paid_now[i] > zero) {
      EXPECT_LE(paid_after[i].fen(), std::max<std::int64_t>(*pol[i].cap, paid_before[i].fen())) << "layer " << i;
    }
  }
  for (const fund_detail& f : s.funds) {
    if (f.cap_left) {
      EXPECT_GE(*f.cap_left, zero);
    }
  }
  // 10. "Unfiled -> the patient pays medfee_sumamt at the hospital and gets fund_pay_sumamt back later"
  if (b.at.where != location::local && b.at.filed == filing::unfiled) {
    EXPECT_FALSE(s.direct);
    EXPECT_EQ(s.pay_now, s.medfee_sumamt);
    EXPECT_EQ(s.claim_later, s.fund_pay_sumamt);
  } else {
    EXPECT_TRUE(s.direct);
    EXPECT_EQ(s.pay_now, s.psn_part_amt);
    EXPECT_EQ(s.claim_later, zero);
  }
  if (!s.eligible) {
    EXPECT_EQ(s.fund_pay_sumamt, zero);
    EXPECT_FALSE(s.ineligible_reason.empty());
  }
}

// (b) Every output field against the exact oracle, to the fen.
void check_oracle(const expected& e, const settlement& s, const std::string& ctx) {
  SCOPED_TRACE(ctx);
  EXPECT_EQ(s.eligible, e.eligible);
  EXPECT_EQ(s.direct, e.direct);
  EXPECT_EQ(s.medfee_sumamt.fen(), e.medfee);
  EXPECT_EQ(s.fulamt_ownpay_amt.fen(), e.fulamt);
  EXPECT_EQ(s.overlmt_selfpay.fen(), e.overlmt);
  EXPECT_EQ(s.preselfpay_amt.fen(), e.pre);
  EXPECT_EQ(s.inscp_scp_amt.fen(), e.inscp);
  EXPECT_EQ(s.inscope_first_pay.fen(), e.first_pay);
  EXPECT_EQ(s.act_pay_dedc.fen(), e.dedc);
  EXPECT_EQ(s.hifp_pay.fen(), e.hifp);
  EXPECT_EQ(s.hifmi_pay.fen(), e.hifmi);
  EXPECT_EQ(s.hifob_pay.fen(), e.hifob);
  EXPECT_EQ(s.maf_pay.fen(), e.maf);
  EXPECT_EQ(s.fund_pay_sumamt.fen(), e.fund);
  EXPECT_EQ(s.psn_part_amt.fen(), e.psn_part);
  EXPECT_EQ(s.acct_pay.fen(), e.acct);
  EXPECT_EQ(s.psn_cash_pay.fen(), e.cash);
  EXPECT_EQ(s.pay_now.fen(), e.pay_now);
  EXPECT_EQ(s.claim_later.fen(), e.claim_later);
  const ytd& y = s.ytd_after;
  const std::array<std::int64_t, 9> got{y.deductible_paid.fen(), y.hifp_paid.fen(), y.hifmi_paid.fen(),
                                        y.hifob_paid.fen(),      y.maf_paid.fen(),  y.hifp_base.fen(),
                                        y.hifmi_base.fen(),      y.hifob_base.fen(), y.maf_base.fen()};
  EXPECT_EQ(got, e.ytd) << "ytd_after: deductible_paid, paid x4, base x4";
  ASSERT_EQ(s.funds.size(), e.funds.size());
  for (std::size_t i = 0; i < e.funds.size(); ++i) {
    const fund_detail& f = s.funds[i];
    const yibao_test::expected_fund& x = e.funds[i];
    EXPECT_EQ(f.layer, x.layer) << "funds[" << i << "]";
    EXPECT_EQ(f.base.fen(), x.base) << "funds[" << i << "]";
    EXPECT_EQ(f.deductible.fen(), x.deductible) << "funds[" << i << "]";
    EXPECT_EQ(f.paid.fen(), x.paid) << "funds[" << i << "]";
    EXPECT_EQ(f.capped, x.capped) << "funds[" << i << "]";
    EXPECT_EQ(f.cap_left.has_value(), x.cap_left.has_value()) << "funds[" << i << "]";
    if (f.cap_left && x.cap_left) {
      EXPECT_EQ(f.cap_left->fen(), *x.cap_left) << "funds[" << i << "]";
    }
  }
}

TEST(settle_property, oracle_and_identities_over_random_bills) {
  const catalog cat = make_catalog();
  int settled = 0;
  int no_basic = 0;
  int ineligible = 0;
  int unfiled = 0;
  int failures = 0;
  int beyond_last_band = 0;
  int capped = 0, upper = 0, account = 0, first_pay = 0, on_edge = 0;
  for (int i = 0; i < bill_count && failures < 5; ++i) {
    const std::uint64_t seed = base_seed + static_cast<std::uint64_t>(i);
    gen g{seed};
    const tariff t = g.make_tariff();
    bill b = g.make_bill();
    if (g.chance(25)) aim_at_band_edge(g, t, cat, b);
    const std::string ctx = "seed " + std::to_string(seed) + " (bill " + std::to_string(i) + ")";
    const result<settlement> r = settle(t, cat, b, b.totals);
    const expected e = oracle_settle(t, cat, b, b.totals);
    if (!e.settles) {
      ++no_basic;
      EXPECT_FALSE(r.ok()) << ctx << "\n" << dump(t, b);
      if (!r.ok()) {
        EXPECT_EQ(r.err().code, errc::failed_precondition) << ctx << ": " << r.err().message;
      }
      continue;
    }
    ASSERT_TRUE(r.ok()) << ctx << ": " << r.err().message << "\n" << dump(t, b);
    const settlement& s = r.value();
    ++settled;
    if (!s.eligible) ++ineligible;
    if (!s.direct) ++unfiled;
    for (const fund_detail& f : s.funds) capped += f.capped ? 1 : 0;
    upper += (s.hifmi_pay + s.hifob_pay + s.maf_pay) > money{} ? 1 : 0;
    account += s.acct_pay > money{} ? 1 : 0;
    first_pay += s.inscope_first_pay > money{} ? 1 : 0;
    if (e.eligible) {
      for (const band& bd : *yibao_test::resolve_rules(t, b.who, b.at)[0].bands) {
        on_edge += bd.upto && bd.upto->fen() == e.basic_total_coord ? 1 : 0;
      }
    }
    const int parts_before = ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
    check_identities(t, b, s, ctx);
    if (e.whole_beyond_last_band) ++beyond_last_band;
    check_oracle(e, s, ctx);
    if (::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count() != parts_before) {
      ++failures;
      ADD_FAILURE() << ctx << "\n" << dump(t, b);
    }
  }
  std::printf(
      "settle_property: %d bills, %d settled and compared with the oracle (%d whole totals beyond the last band), "
      "%d without a basic rule, %d ineligible, %d unfiled\n",
      bill_count, settled, beyond_last_band, no_basic, ineligible, unfiled);
  std::printf(
      "settle_property: %d capped layers, %d bills with upper-layer payments, %d with account payments, "
      "%d with a first_pay share, %d basic totals exactly on a band edge\n",
      capped, upper, account, first_pay, on_edge);
  EXPECT_GE(settled, bill_count * 8 / 10);
  EXPECT_GT(beyond_last_band, 0);
  EXPECT_GT(ineligible, 0);
  EXPECT_GT(unfiled, 0);
  EXPECT_GT(capped, 0);
  EXPECT_GT(on_edge, 0);
}

// tariff-format.md: "`upto` is the band's upper edge, inclusive" and `whole`
// takes "one rate from the band the total falls in". A total above a bounded
// last band falls in no band, so no rate applies -- as with `progressive`, which
// pays nothing above the last edge. The engine instead extends the last band's
// rate to the whole amount (found by the property test above).
TEST(settle_property, whole_total_beyond_last_band_has_no_rate) {
  tariff t;
  t.info.id = "whole-bounded";
  t.info.valid_from = date{2025, 1, 1};
  t.info.valid_to = date{2025, 12, 31};
  t.info.round = rounding::half_up;
  rule r;
  r.label = "basic";
  r.bands = std::vector<band>{band{money::from_fen(100'000), ratio::points(80)}};  // <= 1000.00: 80%
  r.method = band_method::whole;
  t.rules.push_back(r);
  bill b;
  b.id = "b";
  b.who.id = "p";
  line l;
  l.code = "X";
  l.cls = item_class::A;
  l.qty = quantity{10'000};
  l.unit_price = price{2'000'000'000};
  l.amount = money::from_fen(200'000);  // 2000.00 in scope, above the last edge
  b.lines.push_back(l);
  b.at.on = date{2025, 6, 1};
  const catalog c;

  const result<settlement> whole = settle(t, c, b);
  ASSERT_TRUE(whole.ok()) << whole.err().message;
  const expected e = oracle_settle(t, c, b, b.totals);
  EXPECT_TRUE(e.whole_beyond_last_band);
  EXPECT_EQ(e.hifp, 0);
  EXPECT_EQ(whole.value().hifp_pay.fen(), e.hifp) << "whole: a total of 2000.00 above the last band (<= 1000.00)";

  t.rules[0].method = band_method::progressive;  // the same table, progressive: 1000.00 x 80%
  const result<settlement> prog = settle(t, c, b);
  ASSERT_TRUE(prog.ok()) << prog.err().message;
  EXPECT_EQ(prog.value().hifp_pay.fen(), 80'000);
  EXPECT_EQ(oracle_settle(t, c, b, b.totals).hifp, 80'000);
}

// The oracle's own rounding, checked against money.hpp's truth table so the
// comparison above rests on an independently verified rule.
TEST(settle_property, oracle_rounding_matches_truth_table) {
  using yibao_test::rat;
  using yibao_test::round_fen;
  struct row {
    rat x;
    std::int64_t half_up, half_even, down, up;
  };
  const row rows[] = {
      {rat(3, 2), 2, 2, 1, 2},           {rat(5, 2), 3, 2, 2, 3},           {rat(24999, 10000), 2, 2, 2, 3},
      {rat(25001, 10000), 3, 3, 2, 3},   {rat(-5, 2), -3, -2, -2, -3},      {rat(-24999, 10000), -2, -2, -2, -3},
      {rat(0), 0, 0, 0, 0},              {rat(-3, 2), -2, -2, -1, -2},      {rat(7, 2), 4, 4, 3, 4},
  };
  for (const row& r : rows) {
    EXPECT_EQ(round_fen(r.x, rounding::half_up), r.half_up) << r.x;
    EXPECT_EQ(round_fen(r.x, rounding::half_even), r.half_even) << r.x;
    EXPECT_EQ(round_fen(r.x, rounding::down), r.down) << r.x;
    EXPECT_EQ(round_fen(r.x, rounding::up), r.up) << r.x;
  }
}


// ==== policy model 2 ====================================================================
// Random format 2 tariffs written as TOML (so the loader is exercised) with up to five
// named pools of random periods and sharing, random bills with ytd.pools of various
// periods, checked against oracle_settle2 and the identities of domain.md section 5.

namespace m2 {

using yibao_test::expected2;
using yibao_test::oracle_settle2;

constexpr std::uint64_t seed2 = 0x59'42'41'4F'2026ULL;
constexpr int bill_count2 = 4'000;

const char* const builtin_names[4] = {"basic", "critical", "large", "assistance"};
const char* const period_names[4] = {"year", "quarter", "month", "admission"};

auto yuan(std::int64_t fen) -> std::string { return "\"" + money::from_fen(fen).to_string() + "\""; }
auto ratio_text(std::int64_t ppm_value) -> std::string { return "\"" + ratio::from_ppm(ppm_value).to_string(6) + "\""; }

struct pool_spec {
  std::string name;
  int period = 0;
  int cap_with = -1;  // index into all pools (0..3 built-in, 4.. named)
  int deductible_with = -1;
};

struct tariff_spec {
  std::vector<pool_spec> pools;  // named pools
  int year_start_month = 1, year_start_day = 1;
  std::string toml;
};

class gen2 {
 public:
  explicit gen2(std::uint64_t seed) : g_{seed} {}
  gen& g() { return g_; }

  auto u(std::int64_t lo, std::int64_t hi) -> std::int64_t { return g_.uniform(lo, hi); }
  auto chance(int pc) -> bool { return g_.chance(pc); }

  /// Rates with at most two decimals, factors with two decimals (at most two
  /// factors): every adjusted rate is exact in ppm, so the test does not depend on
  /// how a product of ratios is rounded (the documents do not say).
  auto rate_text() -> std::string { return ratio_text(u(0, 100) * 10'000); }

  auto bands_text(bool whole) -> std::string {
    const int n = static_cast<int>(u(1, 4));
    std::string s = "[";
    std::int64_t edge = 0;
    for (int i = 0; i < n; ++i) {
      if (i) s += ", ";
      s += "{ ";
      const bool last = i == n - 1;
      if (!last || (!whole && chance(15))) {
        edge += chance(30) ? u(1, 300) * 100 : u(100, 80'000) * 100;
        s += "upto = " + yuan(edge) + ", ";
      }
      s += "ratio = " + rate_text() + " }";
    }
    return s + "]";
  }

  auto pick(std::initializer_list<const char*> names) -> std::string {
    std::vector<const char*> v(names);
    std::string s = "[";
    bool any = false;
    while (!any) {
      s = "[";
      for (const char* n : v) {
        if (chance(50)) {
          if (any) s += ", ";
          s += "\"" + std::string{n} + "\"";
          any = true;
        }
      }
    }
    return s + "]";
  }

  auto when_text(int layer) -> std::string {
    std::vector<std::string> keys;
    if (chance(25)) keys.push_back("scheme = " + pick({"employee", "resident"}));
    if (chance(30)) keys.push_back("visit = " + pick({"outpatient", "inpatient", "chronic", "day_surgery", "maternity", "pharmacy"}));
    if (chance(20)) keys.push_back("level = [" + std::to_string(u(0, 1)) + ", " + std::to_string(u(2, 3)) + "]");
    if (chance(15)) keys.push_back("location = " + pick({"local", "cross_city", "cross_province"}));
    if (chance(10)) keys.push_back("filing = " + pick({"long_term", "temporary", "referral", "emergency", "unfiled"}));
    if (chance(8)) {
      const auto lo = u(0, 60);
      keys.push_back("age_min = " + std::to_string(lo));
      if (chance(50)) keys.push_back("age_max = " + std::to_string(lo + u(0, 40)));
    }
    if (chance(6)) keys.push_back("tier = " + std::to_string(u(1, 3)));
    if (chance(8)) keys.push_back(std::string("family_doctor = ") + (chance(50) ? "true" : "false"));
    if (chance(8)) keys.push_back(std::string("contracted = ") + (chance(50) ? "true" : "false"));
    if (chance(8)) {
      keys.push_back("holds = [\"E11\", \"I10\", \"N18\"]");
      if (chance(50)) keys.push_back("holds_min = " + std::to_string(u(1, 2)));
    }
    if (chance(6)) keys.push_back("unfiled_before_min = " + std::to_string(u(1, 2)));
    (void)layer;
    if (keys.empty()) return "";
    std::string s = "when = { ";
    for (std::size_t i = 0; i < keys.size(); ++i) s += (i ? ", " : "") + keys[i];
    return s + " }\n";
  }

  auto rule_text(const tariff_spec& ts, int layer, bool general) -> std::string {
    std::string s = "\n[[rule]]\nlayer = \"" + std::string{builtin_names[layer]} + "\"\n";
    if (!general) s += when_text(layer);
    const bool basic = layer == 0;
    const bool settings = general || chance(70);
    bool whole = false;
    if (settings) {
      if (chance(50) && !ts.pools.empty()) {
        // a per-bill pool only for the basic layer (one layer per bill draws from it)
        const pool_spec& ps = ts.pools[static_cast<std::size_t>(u(0, static_cast<std::int64_t>(ts.pools.size()) - 1))];
        if (ps.period != 3 || basic) s += "pool = \"" + ps.name + "\"\n";
      } else if (chance(20)) {
        s += "pool = \"" + std::string{builtin_names[layer]} + "\"\n";
      }
      if (chance(30)) {
        whole = true;
        s += "method = \"whole\"\n";
      }
      if (general || chance(60)) s += "bands = " + bands_text(whole) + "\n";
      if (general || chance(50)) s += "deductible = " + yuan(chance(15) ? 0 : u(0, 3'000'00)) + "\n";
      if (chance(60)) s += std::string("per = \"") + (chance(60) ? "year" : "admission") + "\"\n";
      if (chance(40)) s += std::string("basis = \"") + (chance(50) ? "from_zero" : "from_deductible") + "\"\n";
      if (chance(60)) s += "cap = " + (chance(15) ? std::string{"\"none\""} : yuan(u(10'000, 2'000'000))) + "\n";
      if (chance(15)) s += "floor = " + ratio_text(u(30, 80) * 10'000) + "\n";
      if (basic && chance(8)) s += "first_pay = " + ratio_text(u(0, 40) * 10'000) + "\n";
      // no `transfer = "difference"`: with a deductible_share the documents leave open
      // which deductible the lower level has (the engine takes its plain `deductible`,
      // the oracle its share); see the report

      if (chance(20)) s += "visit_cap = " + (chance(20) ? std::string{"\"none\""} : yuan(u(1'000, 300'000))) + "\n";
      if (chance(8)) s += "quota = " + (chance(20) ? std::string{"\"none\""} : yuan(u(10'000, 800'000))) + "\n";
      if (basic && chance(15)) s += "fixed_fee = { items = [\"FEE1\", \"FEE2\"], fund = " + yuan(u(0, 2'000)) + " }\n";
      if (basic && chance(15)) {
        if (chance(15)) {
          s += "deductible_share = \"none\"\n";
        } else {
          const auto lo = u(0, 300'000);
          s += "deductible_share = { share = " + ratio_text(u(0, 100'000) * (chance(50) ? 1 : 10) / 10 * 10) + ", min = " +
               yuan(lo) + ", max = " + yuan(lo + u(0, 1'000'000)) + " }\n";
        }
      }
      if (chance(15)) s += std::string("deductible_after_ratio = ") + (chance(80) ? "true" : "false") + "\n";
      if (basic && chance(12)) s += "b_first_pay = " + ratio_text(u(0, 30) * 10'000 + u(0, 9)) + "\n";
      if (basic && chance(8)) s += std::string("b_first_pay_waived = ") + (chance(80) ? "true" : "false") + "\n";
      if (chance(15)) {
        if (chance(15)) {
          s += "cap_bonus = \"none\"\n";
        } else {
          s += "cap_bonus = { after_years = " + std::to_string(u(0, 5)) + ", per_year = " + yuan(u(0, 500'000)) +
               ", per_claim_free_year = " + yuan(u(0, 500'000)) + ", max = " + yuan(u(0, 3'000'000)) + " }\n";
        }
      }
      if (!general && chance(5)) s += "reimbursed = false\nreason = \"no\"\n";
    }
    if (!general || chance(20)) {
      if (chance(30)) s += "add_points = " + std::to_string(u(-20, 10)) + "\n";
      if (chance(20)) s += "ratio_factor = " + ratio_text(u(50, 100) * 10'000) + "\n";
      if (chance(15)) s += "deductible_factor = " + ratio_text(chance(50) ? 500'000 : u(0, 150) * 10'000) + "\n";
      if (chance(10)) s += "deductible_minus = " + yuan(u(0, 50'000)) + "\n";
    }
    return s + "assumed = \"test\"\n";
  }

  auto make_tariff_spec(int forced_pools = -1, bool periods_short = false) -> tariff_spec {
    tariff_spec ts;
    const int np = forced_pools >= 0 ? forced_pools : static_cast<int>(u(0, 5));
    for (int i = 0; i < np; ++i) {
      pool_spec p;
      p.name = "p" + std::to_string(i) + (chance(30) ? "_x" : "");
      p.period = periods_short ? static_cast<int>(u(1, 2)) : static_cast<int>(u(0, 3));
      // sharing goes one step: the pool shared with keeps its own counter (the
      // loader's rule), and a per-bill pool is shared with nobody (see the
      // per_bill_pool test below: its counters are not shared within a bill)
      auto target = [&](bool cap) -> int {
        if (chance(40)) return 0;
        if (i == 0) return -1;
        const auto j = static_cast<std::size_t>(u(0, i - 1));
        const pool_spec& q = ts.pools[j];
        if ((cap ? q.cap_with : q.deductible_with) >= 0 || q.period == 3) return -1;
        return static_cast<int>(j) + 4;
      };
      if (chance(25)) p.cap_with = target(true);
      if (chance(20)) p.deductible_with = target(false);
      ts.pools.push_back(p);
    }
    if (chance(20)) {
      ts.year_start_month = static_cast<int>(u(1, 12));
      ts.year_start_day = static_cast<int>(u(1, 28));
    }
    static const char* const modes[4] = {"half_up", "half_even", "down", "up"};
    char ys[8];
    std::snprintf(ys, sizeof ys, "%02d-%02d", ts.year_start_month, ts.year_start_day);
    std::string s = "[tariff]\nid = \"p2\"\nname = \"p2\"\nplace = \"x\"\nvalid_from = 2024-01-01\nvalid_to = 2026-12-31\n";
    s += "rounding = \"" + std::string{modes[u(0, 3)]} + "\"\nformat = 2\nyear_start = \"" + ys + "\"\nassumed = \"t\"\n";
    s += "\n[catalog]\nb_first_pay = " + ratio_text(chance(50) ? 100'000 : u(0, 400'000)) + "\nassumed = \"t\"\n";
    static const char* const pays[3] = {"none", "inscope_selfpay", "all"};
    s += "\n[account]\npays = \"" + std::string{pays[u(0, 2)]} + "\"\nschemes = " + (chance(70) ? "[\"employee\"]" : "[\"employee\", \"resident\"]") +
         "\non_unfiled = " + (chance(30) ? "true" : "false") + "\nassumed = \"t\"\n";
    s += "\n[coverage]\nwaiting_months = " + std::to_string(chance(50) ? 0 : u(1, 6)) + "\n";
    if (chance(40)) s += "waiting_months_per_lapsed_year = " + std::to_string(u(0, 3)) + "\n";
    if (chance(40)) s += "waiting_months_back_paid = " + std::to_string(u(0, 3)) + "\n";
    if (chance(30)) s += "waiting_floor = { lapsed_years = " + std::to_string(u(1, 5)) + ", months = " + std::to_string(u(0, 12)) + " }\n";
    s += "assumed = \"t\"\n";
    auto name_of = [&](int idx) -> std::string {
      return idx < 4 ? builtin_names[idx] : ts.pools[static_cast<std::size_t>(idx - 4)].name;
    };
    for (const pool_spec& p : ts.pools) {
      s += "\n[pool." + p.name + "]\nperiod = \"" + period_names[p.period] + "\"\n";
      if (chance(30)) s += "label = \"池 " + p.name + "\"\n";
      if (p.cap_with >= 0) s += "cap_with = \"" + name_of(p.cap_with) + "\"\n";
      if (p.deductible_with >= 0) s += "deductible_with = \"" + name_of(p.deductible_with) + "\"\n";
      s += "assumed = \"t\"\n";
    }
    if (chance(95)) s += rule_text(ts, 0, true);
    const int extra = static_cast<int>(u(0, 8));
    for (int i = 0; i < extra; ++i) s += rule_text(ts, static_cast<int>(chance(50) ? 0 : u(1, 3)), false);
    ts.toml = s;
    return ts;
  }

  auto make_bill(const tariff_spec& ts, date on) -> bill {
    bill b = g_.make_bill();
    b.at.on = on;
    person& p = b.who;
    if (chance(70)) p.birth_date = date{static_cast<std::int16_t>(u(1930, 2024)), static_cast<std::int8_t>(u(1, 12)),
                                        static_cast<std::int8_t>(u(1, 28))};
    if (p.birth_date && *p.birth_date > on) p.birth_date = date{2000, 1, 1};
    p.tier = chance(80) ? static_cast<int>(u(1, 3)) : 0;
    p.family_doctor = chance(40);
    for (const char* code : {"E11", "I10", "N18", "J44"}) {
      if (chance(25)) p.chronic.emplace_back(code);
    }
    p.enrolled_years = static_cast<int>(u(0, 12));
    p.claim_free_years = static_cast<int>(u(0, 5));
    if (p.rejoined || chance(10)) {
      p.lapsed_years = static_cast<int>(u(0, 6));
      p.back_paid_years = static_cast<int>(u(0, p.lapsed_years));
    }
    b.at.type = static_cast<visit_type>(u(0, 5));
    b.at.contracted = chance(30);
    b.at.unfiled_before = chance(70) ? 0 : static_cast<int>(u(1, 3));
    for (int i = 0; i < 2; ++i) {
      if (chance(20)) {  // fixed-fee items, class A
        line l;
        l.code = i == 0 ? "FEE1" : "FEE2";
        l.cls = chance(80) ? item_class::A : item_class::B;
        l.qty = quantity{10'000};
        const std::int64_t fen = u(100, 3'000);
        l.unit_price = price{fen * 10'000};
        l.amount = money::from_fen(fen);
        b.lines.push_back(l);
      }
    }
    b.totals.pools.clear();
    for (const pool_spec& ps : ts.pools) {
      if (!chance(70)) continue;
      pool_total pt;
      pt.pool = ps.name;
      pt.period_from = random_period_from(ts, ps, on);
      pt.deductible_paid = money::from_fen(chance(30) ? 0 : u(0, 300'000));
      pt.paid = money::from_fen(chance(30) ? 0 : u(0, 3'000'000));
      pt.base = money::from_fen(chance(30) ? 0 : u(0, 5'000'000));
      b.totals.pools.push_back(pt);
    }
    return b;
  }

  /// A period_from for a pool total: missing (this period), the start of this
  /// period, a day of it before the bill, or a day of an earlier period.
  auto random_period_from(const tariff_spec& ts, const pool_spec& ps, date on) -> date {
    tariff t;  // only year_start matters to period_start
    t.info.year_start_month = ts.year_start_month;
    t.info.year_start_day = ts.year_start_day;
    const date start = yibao_test::period_start(t, static_cast<pool_period>(ps.period), on);
    switch (u(0, 4)) {
      case 0: return date{};
      case 1: return start == date{} ? date{} : start;
      case 2: return start;
      default: {
        const date base = start == date{} ? on : start;
        return add_days(base, -static_cast<int>(u(1, 500)));
      }
    }
  }

 private:
  gen g_;
};

auto load(const std::string& toml) -> result<tariff> {
  std::vector<diagnostic> warnings;
  return parse_tariff(toml, "prop2.toml", file_reader{}, &warnings);
}

auto find_pool(const ytd& y, const std::string& name) -> const pool_total* {
  for (const pool_total& p : y.pools) {
    if (p.pool == name) return &p;
  }
  return nullptr;
}

auto dump2(const std::string& toml, const bill& b) -> std::string {
  std::ostringstream os;
  os << "---- tariff\n" << toml << "---- bill\n";
  os << "person: scheme=" << to_string(b.who.scheme_) << " status=" << to_string(b.who.status_)
     << " group=" << to_string(b.who.group_) << " coverage=" << to_string(b.who.coverage_)
     << " balance=" << b.who.account_balance.to_string()
     << " rejoined=" << (b.who.rejoined ? b.who.rejoined->to_string() : "-")
     << " birth=" << (b.who.birth_date ? b.who.birth_date->to_string() : "-") << " tier=" << b.who.tier
     << " fd=" << b.who.family_doctor << " chronic=" << b.who.chronic.size() << " enrolled=" << b.who.enrolled_years
     << " claim_free=" << b.who.claim_free_years << " lapsed=" << b.who.lapsed_years
     << " back_paid=" << b.who.back_paid_years << "\n";
  os << "visit=" << to_string(b.at.type) << " level=" << b.at.level << " location=" << to_string(b.at.where)
     << " filing=" << to_string(b.at.filed) << " admission=" << b.at.admission << " date=" << b.at.on.to_string()
     << " disease=" << b.at.disease << " contracted=" << b.at.contracted << " unfiled_before=" << b.at.unfiled_before
     << " transfer_from=" << (b.at.transfer_from_level ? std::to_string(*b.at.transfer_from_level) : "-") << "\n";
  const ytd& y = b.totals;
  os << "ytd: deductible_paid=" << y.deductible_paid.to_string() << " paid=" << y.hifp_paid.to_string() << "/"
     << y.hifmi_paid.to_string() << "/" << y.hifob_paid.to_string() << "/" << y.maf_paid.to_string()
     << " base=" << y.hifp_base.to_string() << "/" << y.hifmi_base.to_string() << "/" << y.hifob_base.to_string()
     << "/" << y.maf_base.to_string() << "\n";
  for (const pool_total& p : y.pools) {
    os << "  pool " << p.pool << " from=" << p.period_from.to_string() << " ded=" << p.deductible_paid.to_string()
       << " paid=" << p.paid.to_string() << " base=" << p.base.to_string() << "\n";
  }
  for (const line& l : b.lines) {
    os << "  line " << l.code << " class=" << (l.cls ? std::string{to_string(*l.cls)} : "-")
       << " selfpay=" << (l.selfpay_ratio ? l.selfpay_ratio->to_string(6) : "-")
       << " limit=" << (l.price_limit ? format_fixed(l.price_limit->micro, 6) : "-")
       << " qty=" << format_fixed(l.qty.ten_thousandths, 4) << " price=" << format_fixed(l.unit_price.micro, 6)
       << " amount=" << l.amount.to_string() << "\n";
  }
  return os.str();
}

/// Every field against the oracle, the pools and setldetail included.
void check_oracle2(const expected2& x, const settlement& s, const ytd& in_ytd, const std::string& ctx) {
  check_oracle(x.e, s, ctx);
  SCOPED_TRACE(ctx);
  ASSERT_EQ(s.funds.size(), x.funds.size());
  for (std::size_t i = 0; i < x.funds.size(); ++i) {
    EXPECT_EQ(std::string{s.funds[i].pool_name()}, x.funds[i].pool) << "funds[" << i << "].pool";
    EXPECT_EQ(s.funds[i].period_from, x.funds[i].period_from) << "funds[" << i << "].period_from";
  }
  // A pool the bill used: its totals for the bill's period. A per-bill pool is not
  // carried. A pool the bill did not use: the engine returns its totals as they came
  // (docs: "returns every pool with the bill's period"; see the report).
  for (const auto& want : x.pools_after) {
    const pool_total* got = find_pool(s.ytd_after, want.name);
    if (!want.touched || want.period_from == date{}) {
      const pool_total* in = find_pool(in_ytd, want.name);
      EXPECT_EQ(got == nullptr, in == nullptr) << "ytd_after.pools " << want.name << " (unused by the bill)";
      if (got && in) {
        EXPECT_EQ(*got, *in) << "ytd_after.pools " << want.name << " (unused by the bill, or per bill)";
      }
      continue;
    }
    ASSERT_NE(got, nullptr) << "ytd_after.pools " << want.name;
    EXPECT_EQ(got->period_from, want.period_from) << "ytd_after.pools " << want.name;
    EXPECT_EQ(got->deductible_paid.fen(), want.ded) << "ytd_after.pools " << want.name << ".deductible_paid";
    EXPECT_EQ(got->paid.fen(), want.paid) << "ytd_after.pools " << want.name << ".paid";
    EXPECT_EQ(got->base.fen(), want.base) << "ytd_after.pools " << want.name << ".base";
  }
}

/// The identities of domain.md, and no pool past its cap, no bill past its visit cap.
void check_identities2(const tariff& t, const bill& b, const expected2& x, const settlement& s, const std::string& ctx) {
  SCOPED_TRACE(ctx);
  EXPECT_EQ(s.medfee_sumamt, s.fulamt_ownpay_amt + s.overlmt_selfpay + s.preselfpay_amt + s.inscp_scp_amt);
  EXPECT_EQ(s.fund_pay_sumamt, s.hifp_pay + s.hifmi_pay + s.hifob_pay + s.maf_pay + s.oth_pay);
  EXPECT_EQ(s.medfee_sumamt, s.fund_pay_sumamt + s.psn_part_amt);
  EXPECT_EQ(s.psn_part_amt, s.acct_pay + s.psn_cash_pay);
  const money zero{};
  for (money m : {s.medfee_sumamt, s.fulamt_ownpay_amt, s.overlmt_selfpay, s.preselfpay_amt, s.inscp_scp_amt,
                  s.inscope_first_pay, s.act_pay_dedc, s.hifp_pay, s.hifmi_pay, s.hifob_pay, s.maf_pay,
                  s.fund_pay_sumamt, s.psn_part_amt, s.acct_pay, s.psn_cash_pay, s.pay_now, s.claim_later}) {
    EXPECT_GE(m, zero);
  }
  EXPECT_LE(s.fund_pay_sumamt, s.inscp_scp_amt);
  for (const pool_total& p : s.ytd_after.pools) {
    EXPECT_GE(p.paid, zero);
    EXPECT_GE(p.base, zero);
    EXPECT_GE(p.deductible_paid, zero);
  }
  const money paid_now[4] = {s.hifp_pay, s.hifmi_pay, s.hifob_pay, s.maf_pay};
  for (const fund_detail& f : s.funds) {
    const int li = static_cast<int>(f.layer);
    EXPECT_GE(f.paid, zero);
    if (f.cap_left) {
      EXPECT_GE(*f.cap_left, zero);
    }
    if (x.visit_cap_of[li]) {
      EXPECT_LE(f.paid.fen(), *x.visit_cap_of[li]) << "layer " << li << ": past its per-bill cap";
    }
    if (x.cap_of[li] && paid_now[li] > zero) {
      const std::uint32_t pi = x.pool_of[li];
      // several layers may draw from one pool: each stays within its own cap of
      // what the pool had paid when it came (the oracle's count of it)
      EXPECT_LE(f.paid.fen(), std::max<std::int64_t>(0, *x.cap_of[li] - x.cap_total_before[li]))
          << "layer " << li << " drawing from pool " << t.pools[pi].name << ": paid past its cap";
    }
  }
  (void)b;
}

}  // namespace m2

TEST(settle_property, model2_oracle_and_identities_over_random_bills) {
  const catalog cat = make_catalog();
  int settled = 0, loaded = 0, failures = 0, no_basic = 0, missing = 0, named_used = 0, capped = 0, stale = 0;
  for (int i = 0; i < m2::bill_count2 && failures < 5; ++i) {
    const std::uint64_t seed = m2::seed2 + static_cast<std::uint64_t>(i);
    m2::gen2 g{seed};
    const m2::tariff_spec ts = g.make_tariff_spec();
    const result<tariff> rt = m2::load(ts.toml);
    ASSERT_TRUE(rt.ok()) << "seed " << seed << ": " << rt.err().message << "\n" << ts.toml;
    ++loaded;
    const tariff& t = rt.value();
    const date on{2025, static_cast<std::int8_t>(g.u(1, 12)), static_cast<std::int8_t>(g.u(1, 28))};
    const bill b = g.make_bill(ts, on);
    const std::string ctx = "model 2 seed " + std::to_string(seed) + " (bill " + std::to_string(i) + ")";
    const result<settlement> r = settle(t, cat, b, b.totals);
    const m2::expected2 x = yibao_test::oracle_settle2(t, cat, b, b.totals);
    const int parts_before = ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
    if (!x.settles) {
      (x.missing_fact.empty() ? no_basic : missing) += 1;
      EXPECT_FALSE(r.ok()) << ctx;
      if (!r.ok()) {
        EXPECT_EQ(r.err().code, errc::failed_precondition) << ctx << ": " << r.err().message;
        if (!x.missing_fact.empty() && r.err().message.find("which the bill does not give") != std::string::npos) {
          EXPECT_NE(r.err().message.find(x.missing_fact), std::string::npos) << ctx << ": " << r.err().message;
        }
      }
    } else {
      EXPECT_TRUE(r.ok()) << ctx << ": " << (r.ok() ? "" : r.err().message);
      if (r.ok()) {
        const settlement& s = r.value();
        ++settled;
        for (const auto& f : x.funds) named_used += f.pool.empty() ? 0 : 1;
        for (const auto& f : s.funds) capped += f.capped ? 1 : 0;
        for (const pool_total& pt : b.totals.pools) {
          const auto* want = &pt;
          for (const auto& pa : x.pools_after) {
            if (pa.name == want->pool && want->period_from != date{} && want->period_from < pa.period_from) ++stale;
          }
        }
        m2::check_identities2(t, b, x, s, ctx);
        m2::check_oracle2(x, s, b.totals, ctx);
      }
    }
    if (::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count() != parts_before) {
      ++failures;
      ADD_FAILURE() << ctx << "\n" << m2::dump2(ts.toml, b);
    }
  }
  std::printf(
      "settle_property model 2: %d tariffs loaded, %d bills settled and compared, %d without basic bands, "
      "%d missing a fact, %d layers on a named pool, %d capped, %d stale pool totals\n",
      loaded, settled, no_basic, missing, named_used, capped, stale);
  EXPECT_GE(settled, m2::bill_count2 * 7 / 10);
  EXPECT_GT(named_used, 0);
  EXPECT_GT(capped, 0);
  EXPECT_GT(stale, 0);
  EXPECT_GT(missing, 0);
}


// A person's year: 20-60 bills in date order under a five-pool tariff with quarterly
// and monthly pools, each bill settled with the ytd_after of the one before. The
// engine and the oracle (carrying its own state) agree at every step, no pool pays
// past its cap within its period, and each pool starts again at zero at its period's
// first day.
TEST(settle_property, model2_year_of_bills_carries_pools_by_period) {
  const catalog cat = make_catalog();
  int steps = 0, resets = 0, failures = 0, capped = 0;
  for (int person_no = 0; person_no < 40 && failures < 3; ++person_no) {
    const std::uint64_t seed = m2::seed2 + 1'000'000 + static_cast<std::uint64_t>(person_no);
    m2::gen2 g{seed};
    const m2::tariff_spec ts = g.make_tariff_spec(5, true);
    const result<tariff> rt = m2::load(ts.toml);
    ASSERT_TRUE(rt.ok()) << "seed " << seed << ": " << rt.err().message << "\n" << ts.toml;
    const tariff& t = rt.value();
    const int n = static_cast<int>(g.u(20, 60));
    std::vector<date> dates;
    for (int i = 0; i < n; ++i) {
      dates.push_back(date{2025, static_cast<std::int8_t>(g.u(1, 12)), static_cast<std::int8_t>(g.u(1, 28))});
    }
    std::sort(dates.begin(), dates.end());
    ytd engine_ytd;   // carried from the engine's ytd_after
    ytd oracle_ytd;   // carried from the oracle's own results
    for (int i = 0; i < n; ++i) {
      bill b = g.make_bill(ts, dates[static_cast<std::size_t>(i)]);
      b.who.coverage_ = coverage::active;
      b.who.rejoined.reset();
      b.who.birth_date = date{1970, 5, 5};
      b.who.tier = 2;
      b.totals = engine_ytd;
      const std::string ctx = "year seed " + std::to_string(seed) + " bill " + std::to_string(i);
      const int parts_before = ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
      const result<settlement> r = settle(t, cat, b, engine_ytd);
      const m2::expected2 x = yibao_test::oracle_settle2(t, cat, b, oracle_ytd);
      if (!x.settles) {
        EXPECT_FALSE(r.ok()) << ctx;
      } else if (!r.ok()) {
        ADD_FAILURE() << ctx << ": " << r.err().message;
      } else {
        const settlement& s = r.value();
        ++steps;
        m2::check_identities2(t, b, x, s, ctx);
        m2::check_oracle2(x, s, b.totals, ctx);
        for (const auto& f : s.funds) capped += f.capped ? 1 : 0;
        // each named pool: a new period starts from zero
        for (std::size_t pi = builtin_pools; pi < t.pools.size(); ++pi) {
          const pool_def& pd = t.pools[pi];
          const pool_total* prev = m2::find_pool(engine_ytd, pd.name);
          const pool_total* now = m2::find_pool(s.ytd_after, pd.name);
          if (now == nullptr || pd.period == pool_period::admission) continue;  // not used yet
          const bool fresh = prev == nullptr || prev->period_from != now->period_from;
          if (!fresh) continue;
          ++resets;
          std::int64_t paid = 0, base = 0;
          for (const auto& f : x.funds) {
            const int li = static_cast<int>(f.f.layer);
            const std::uint32_t from = x.pool_of[li];
            if (from == pi) {
              paid += f.f.paid;
              base += f.f.base;
            } else if (t.pools[from].cap_with && *t.pools[from].cap_with == pi) {
              paid += f.f.paid;
            }
          }
          EXPECT_EQ(now->paid.fen(), paid) << ctx << ": pool " << pd.name << " starts a period at zero";
          EXPECT_EQ(now->base.fen(), base) << ctx << ": pool " << pd.name << " starts a period at zero";
        }
        engine_ytd = s.ytd_after;
      }
      // the oracle's own state for the next bill
      if (x.settles) {
        const auto& y = x.e.ytd;
        oracle_ytd.deductible_paid = money::from_fen(y[0]);
        oracle_ytd.hifp_paid = money::from_fen(y[1]);
        oracle_ytd.hifmi_paid = money::from_fen(y[2]);
        oracle_ytd.hifob_paid = money::from_fen(y[3]);
        oracle_ytd.maf_paid = money::from_fen(y[4]);
        oracle_ytd.hifp_base = money::from_fen(y[5]);
        oracle_ytd.hifmi_base = money::from_fen(y[6]);
        oracle_ytd.hifob_base = money::from_fen(y[7]);
        oracle_ytd.maf_base = money::from_fen(y[8]);
        oracle_ytd.pools.clear();
        for (const auto& p : x.pools_after) {
          oracle_ytd.pools.push_back({p.name, p.period_from, money::from_fen(p.ded), money::from_fen(p.paid),
                                      money::from_fen(p.base)});
        }
      }
      if (::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count() != parts_before) {
        ++failures;
        ADD_FAILURE() << ctx << "\n" << m2::dump2(ts.toml, b);
        break;
      }
    }
  }
  std::printf("settle_property model 2 year: %d steps, %d pool period starts, %d capped layers\n", steps, resets, capped);
  EXPECT_GT(steps, 800);
  EXPECT_GT(resets, 100);
  EXPECT_GT(capped, 0);
}


// ---- engine bugs found by the model 2 property test (src/ is not this branch's) ----

auto directed_bill(const std::vector<std::pair<std::string, std::int64_t>>& lines_fen) -> bill {
  bill b;
  b.id = "b";
  b.who.id = "p";
  b.at.type = visit_type::inpatient;
  b.at.on = date{2025, 6, 1};
  for (const auto& [code, fen] : lines_fen) {
    line l;
    l.code = code;
    l.cls = item_class::A;
    l.qty = quantity{10'000};
    l.unit_price = price{fen * 10'000};
    l.amount = money::from_fen(fen);
    b.lines.push_back(l);
  }
  return b;
}

constexpr const char* directed_head =
    "[tariff]\nid = \"d\"\nname = \"d\"\nplace = \"x\"\nvalid_from = 2025-01-01\nvalid_to = 2025-12-31\n"
    "rounding = \"half_up\"\nformat = 2\nassumed = \"t\"\n";

// Found by this test (fixed): a rule selecting on
// `tier` is reported as needing person.tier before its other format 2 facts
// (age, family_doctor, contracted, holds, unfiled_before) are tested. The docs
// (tariff-format.md, `when` keys): a rule "that would otherwise match a bill lacking
// the fact stops the settlement". Here the person is 40, the rule needs 45 or more:
// it would not match whatever the tier, so the bill settles.
TEST(settle_property, missing_fact_only_when_the_rule_would_otherwise_match) {
  const std::string toml = std::string{directed_head} +
                           "[[rule]]\nbands = [{ ratio = \"0.50\" }]\nassumed = \"t\"\n"
                           "[[rule]]\nwhen = { age_min = 45, tier = 1 }\nadd_points = 10\nassumed = \"t\"\n";
  const result<tariff> t = m2::load(toml);
  ASSERT_TRUE(t.ok()) << t.err().message;
  bill b = directed_bill({{"X", 100'000}});
  b.who.birth_date = date{1985, 3, 23};  // 40 on 2025-06-01; no tier
  const result<settlement> r = settle(t.value(), catalog{}, b, b.totals);
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r.value().hifp_pay.fen(), 50'000);
  EXPECT_EQ(yibao_test::oracle_settle2(t.value(), catalog{}, b, b.totals).e.hifp, 50'000);
}

// Found by this test (fixed): a per-bill pool
// (`period = "admission"`) is one scratch total reset at every call, so two layers
// drawing from it in one bill do not see each other's payments (and a pool sharing
// a per-bill pool's cap or deductible aliases its own counters). The docs (Pools):
// a pool is "a set of counters"; per bill means "nothing is carried" to the next
// bill, not that its layers each start from zero. Here basic pays 600.00 (its cap
// 600.00 on the pool); the large layer, capped at 500.00 on the same pool, has
// nothing left.
TEST(settle_property, per_bill_pool_counts_every_layer_of_the_bill) {
  const std::string toml = std::string{directed_head} +
                           "[pool.visit]\nperiod = \"admission\"\nassumed = \"t\"\n"
                           "[[rule]]\npool = \"visit\"\nbands = [{ ratio = \"0.50\" }]\ncap = \"600.00\"\n"
                           "assumed = \"t\"\n"
                           "[[rule]]\nlayer = \"large\"\npool = \"visit\"\nbands = [{ ratio = \"0.50\" }]\n"
                           "cap = \"500.00\"\nassumed = \"t\"\n";
  const result<tariff> t = m2::load(toml);
  ASSERT_TRUE(t.ok()) << t.err().message;
  const bill b = directed_bill({{"X", 1'000'000}});  // 10,000.00 in scope
  const result<settlement> r = settle(t.value(), catalog{}, b, b.totals);
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r.value().hifp_pay.fen(), 60'000);
  EXPECT_EQ(r.value().hifob_pay.fen(), 0);
  const auto x = yibao_test::oracle_settle2(t.value(), catalog{}, b, b.totals);
  EXPECT_EQ(x.e.hifp, 60'000);
  EXPECT_EQ(x.e.hifob, 0);
}

}  // namespace
