// The settlement steps of docs/domain (shared/domain.md section 5), in order.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <stdexcept>

#include "core/wide_math.hpp"
#include "layer_math.hpp"
#include "validate.hpp"
#include "yibao/engine.hpp"

namespace yibao {
namespace {

struct line_split {
  money self, over, pre, inscope;
};

// `flag ? v : 0` by arithmetic: classes mix at random within a bill, and a
// branch per line on them mispredicts often enough to cost more than this.
constexpr auto keep_if(bool flag, std::int64_t v) noexcept -> std::int64_t {
  return v & -static_cast<std::int64_t>(flag);
}

// One line of step 1: its class, its own-share ratio and its split, or why it
// has none.
struct classified {
  enum class problem : std::uint8_t { none, invalid_line, unknown_item, bad_selfpay_ratio };
  problem fault = problem::none;
  item_class cls = item_class::C;
  ratio own;
  line_split part;
};

// `Waive` (b_first_pay_waived): class B lines bear no first pay whatever
// their own ratio says.
template <bool Waive = false>
[[gnu::always_inline]] inline auto classify_line(const line& l, const catalog_entry* entry, ratio b_default,
                                                 rounding mode) -> classified {
  classified c;
  if (!detail::line_ok_but_ratio(l)) [[unlikely]] {  // the ratio: below
    c.fault = classified::problem::invalid_line;
    return c;
  }
  if (!l.cls && !entry) {
    c.fault = classified::problem::unknown_item;
    return c;
  }
  c.cls = l.cls ? *l.cls : entry->cls;
  c.own = ratio::from_ppm(keep_if(c.cls == item_class::B, b_default.ppm()));
  if (l.selfpay_ratio) {
    c.own = *l.selfpay_ratio;
  } else if (entry && entry->selfpay_ratio) {
    c.own = *entry->selfpay_ratio;
  }
  if (c.own < ratio{} || c.own > ratio::one()) {
    c.fault = classified::problem::bad_selfpay_ratio;
    return c;
  }
  if (Waive && c.cls == item_class::B) c.own = ratio{};
  // The split is computed the same way for all three classes, without a
  // branch on the class: a class C line enters with nothing covered, which
  // leaves nothing for the other parts.
  // The line passed validate()'s rules and its ratio is within 0 .. 1, so
  // every part below is within 0 .. amount <= max_money_fen, and the first-pay
  // product within 0 .. 10^17: unsigned arithmetic without overflow checks.
  const bool self_pay = c.cls == item_class::C;
  const std::int64_t amount = l.amount.fen();
  const std::int64_t covered = keep_if(!self_pay, amount);
  std::int64_t over = 0;
  const std::optional<price>& limit = l.price_limit || !entry ? l.price_limit : entry->price_limit;
  if (!self_pay && limit && l.unit_price > *limit) {
    // A limit below zero (a catalog built in code) allows nothing.
    const std::int64_t allowed = std::max<std::int64_t>(extend(l.qty, *limit, mode).fen(), 0);
    over = allowed < covered ? covered - allowed : 0;
  }
  const auto rest = static_cast<std::uint64_t>(covered - over);
  const std::uint64_t pre =
      divide_round_unsigned(rest * static_cast<std::uint64_t>(c.own.ppm()), ratio::one_ppm, mode);  // per line
  c.part.self = money::from_fen(keep_if(self_pay, amount));
  c.part.over = money::from_fen(over);
  c.part.pre = money::from_fen(static_cast<std::int64_t>(pre));
  c.part.inscope = money::from_fen(static_cast<std::int64_t>(rest - pre));
  return c;
}

auto describe_visit(const person& p, const visit& v) -> std::string {
  return fmt::format("scheme={} status={} group={} visit={} level={} location={} filing={} admission={}",
                     to_string(p.scheme_), to_string(p.status_), to_string(p.group_), to_string(v.type), v.level,
                     to_string(v.where), v.where == location::local ? "n/a" : to_string(v.filed), v.admission);
}

// Which part of a layer's policy a trace step explains; a rule counts for a
// step only if it set or adjusted one of that part's values.
enum class aspect { eligibility, first_pay, deductible, payment };

auto touches(const rule& r, aspect a) -> bool {
  switch (a) {
    case aspect::eligibility:
      return r.reimbursed.has_value() || r.reason.has_value();
    case aspect::first_pay:
      return r.first_pay.has_value();
    case aspect::deductible:
      return r.deductible || r.per || r.deductible_factor || r.deductible_minus || r.transfer_difference;
    case aspect::payment:
      return r.bands || r.method || r.basis || r.cap || r.add || r.floor;
  }
  return false;
}

/// The rules behind one step: "label (file:line:col)" each, the position of
/// the last one, and their citations.
struct cited {
  std::string rules, where, source;
};

auto cite(const tariff& t, const layer_policy& lp, aspect a) -> cited {
  cited c;
  for (const std::uint32_t i : lp.applied) {
    const rule& r = t.rules[i];
    if (!touches(r, a)) continue;
    c.where = r.origin.where.to_string();
    if (!c.rules.empty()) c.rules += "; ";
    c.rules += fmt::format("{} ({})", r.label, c.where);
    std::string s = r.origin.source;
    if (!r.origin.assumed.empty()) s += (s.empty() ? "assumed: " : "; assumed: ") + r.origin.assumed;
    if (s.empty()) continue;
    if (!c.source.empty()) c.source += " | ";
    c.source += r.label + ": " + s;
  }
  return c;
}

// The counters of a per-bill pool (never carried): its index into tariff::pools.
struct scratch_total {
  std::uint32_t pool = 0;
  money deductible_paid, paid, base;
};

// The person's and the visit's facts a rule selected on, as the bill gives
// them ("age 72 (70..), tier 1"); empty for a rule on none.
auto selected_facts(const selector& w, const person& p, const visit& v) -> std::string {
  std::vector<std::string> parts;
  if (w.uses_age() && p.birth_date) {
    parts.push_back(fmt::format("age {} ({}..{})", age_at(*p.birth_date, v.on), w.age_min,
                                w.age_max == selector::unbounded ? std::string{} : std::to_string(w.age_max)));
  }
  if (w.uses_tier()) parts.push_back(fmt::format("tier {}", p.tier));
  if (w.family_doctor >= 0) parts.push_back(fmt::format("family doctor {}", p.family_doctor ? "yes" : "no"));
  if (w.contracted >= 0) parts.push_back(fmt::format("contracted hospital {}", v.contracted ? "yes" : "no"));
  if (w.unfiled_min != 0 || w.unfiled_max != selector::unbounded) {
    parts.push_back(fmt::format("{} earlier unfiled stays", v.unfiled_before));
  }
  if (!w.holds.empty()) {
    int n = 0;
    for (const std::string& c : w.holds) n += std::find(p.chronic.begin(), p.chronic.end(), c) != p.chronic.end() ? 1 : 0;
    parts.push_back(fmt::format("holds {} of [{}]", n, fmt::join(w.holds, ", ")));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

class settler {
 public:
  settler(const tariff& t, const catalog& c, const bill& b, const ytd& before, const settle_options& o, settlement& s)
      : t_{t}, c_{c}, b_{b}, before_{before}, o_{o}, v_{b.at}, s_{s} {
    if (o.as_filing) v_.filed = *o.as_filing;
  }

  /// Fills the settlement; an error leaves it half done.
  auto run() -> std::optional<error>;

 private:
  auto classify() -> std::optional<error>;
  [[nodiscard, gnu::cold]] auto line_error(std::size_t i, bool lookup) const -> error;
  void trace_lines(bool lookup);
  void trace_facts(const resolved_policy& policy);
  auto eligibility(const layer_policy& basic) -> void;
  auto basic_layer(const layer_policy& lp) -> void;
  auto upper_layer(layer_id id, const layer_policy& lp) -> void;
  struct counters;
  auto counters_of(const layer_policy& lp, layer_id id) -> counters;
  struct slot;
  auto named_total(std::uint32_t pool) -> slot;
  auto draw(layer_id id, const layer_policy& lp, money entering, money deductible, money fixed) -> money;
  auto fee_inscope(const layer_policy& lp) const -> money;
  auto basic_deductible(const layer_policy& lp) -> money;
  auto account_and_cash() -> void;
  void step(std::string name, std::string rule, std::string where, std::string source, std::string detail,
            std::string exact, money value) {
    if (!o_.trace) return;
    s_.trace.push_back(trace_step{std::move(name), std::move(rule), std::move(where), std::move(source),
                                  std::move(detail), std::move(exact), value});
  }
  void step(std::string name, const layer_policy& lp, aspect a, std::string detail, std::string exact, money value) {
    if (!o_.trace) return;
    cited c = cite(t_, lp, a);
    step(std::move(name), std::move(c.rules), std::move(c.where), std::move(c.source), std::move(detail),
         std::move(exact), value);
  }

  const tariff& t_;
  const catalog& c_;
  const bill& b_;
  const ytd& before_;
  const settle_options& o_;
  visit v_;
  settlement& s_;
  bool invalid_bill_ = false;  ///< classify() found a line breaking validate()'s rules
  /// The B-class first-pay default of this bill (a rule may set it), and
  /// whether class B lines bear none at all (b_first_pay_waived).
  ratio b_default_;
  bool waived_ = false;
  [[nodiscard]] auto classify_one(const line& l, const catalog_entry* entry) const -> classified {
    return waived_ ? classify_line<true>(l, entry, b_default_, t_.info.round)
                   : classify_line<false>(l, entry, b_default_, t_.info.round);
  }
  /// The totals of the per-bill pools this bill drew from (never carried):
  /// every layer of the bill drawing from one sees the others' payments.
  /// Inline: a layer draws on its pool and at most two it shares with.
  /// Made on first use: most bills draw on no per-bill pool.
  std::optional<std::array<scratch_total, 3 * layer_count>> scratch_;
  std::size_t scratch_used_ = 0;
  money first_segment_;  ///< paid by the current-year account before the deductible (账户段)
  [[nodiscard]] auto has_account() const noexcept -> bool {
    return t_.account != account_use::none && t_.account_for[static_cast<int>(b_.who.scheme_)] &&
           (s_.direct || t_.account_on_unfiled);
  }
};

auto settler::run() -> std::optional<error> {
  // The bill contract first, whatever built the bill (readers only convert
  // syntax): all of validate() but the line rules here, which step 1 checks
  // on each line before it splits it, before anything else reads the lines.
  if (!detail::head_ok(b_)) [[unlikely]]
    return detail::head_error(b_);
  // Bulk runs stream bills through memory, and a bill's lines are what misses
  // the cache: ask for them now, so that they arrive while the work before
  // step 1 runs on cached data (the tariff) instead of step 1 stalling on each
  // line. Step 1 reads from `cls` to `amount`, which may straddle two cache
  // lines; the first 64 lines (8 KiB) are plenty for the hardware to follow.
  const std::size_t ahead = std::min<std::size_t>(b_.lines.size(), 64);
  for (std::size_t i = 0; i < ahead; ++i) {
    __builtin_prefetch(&b_.lines[i].cls);
    __builtin_prefetch(&b_.lines[i].amount);
  }
  s_.bill_id = b_.id;
  s_.tariff_id = t_.info.id;
  s_.filed_as = v_.filed;
  // A local, not a member: resolve's result is then built in place, not moved.
  // It has no effects, so it can run before step 1 while the lines arrive.
  const resolved_policy policy = t_.resolve(b_.who, v_, o_.trace);
  b_default_ = policy.b_first_pay.value_or(t_.b_first_pay_default);
  waived_ = policy.b_first_pay_waived;
  // Step 1 checks validate()'s line rules too; a bill that breaks them is
  // reported first, then a date outside the tariff, then step 1's own errors.
  auto step1 = classify();
  if (step1 && invalid_bill_) return step1;
  if (b_.at.on < t_.info.valid_from || t_.info.valid_to < b_.at.on) {
    return make_error(errc::out_of_range, "visit.date",
                      fmt::format("{} is outside the validity of tariff {} ({} to {})", b_.at.on.to_string(),
                                  t_.info.id, t_.info.valid_from.to_string(), t_.info.valid_to.to_string()));
  }
  if (step1) return step1;
  if (!policy.missing_fact.empty()) [[unlikely]] {
    const rule& r = t_.rules[policy.missing_rule];
    return make_error(errc::failed_precondition, std::string{policy.missing_fact},
                      fmt::format("tariff {} rule {} ({}) selects on {}, which the bill does not give", t_.info.id,
                                  r.label, r.origin.where.to_string(), policy.missing_fact));
  }
  if (o_.trace) trace_facts(policy);
  const layer_policy& basic = policy[layer_id::basic];
  if (!basic.active) {
    return make_error(errc::failed_precondition, "",
                      fmt::format("tariff {} has no basic-fund rule for {}", t_.info.id, describe_visit(b_.who, v_)));
  }
  s_.direct = v_.where == location::local || v_.filed != filing::unfiled;
  s_.ytd_after = before_;
  eligibility(basic);
  if (s_.eligible) {
    basic_layer(basic);
    upper_layer(layer_id::critical, policy[layer_id::critical]);
    upper_layer(layer_id::large, policy[layer_id::large]);
    upper_layer(layer_id::assistance, policy[layer_id::assistance]);
  }
  s_.oth_pay = money{};  // no fund beyond the four layers is modelled yet
  s_.fund_pay_sumamt = s_.hifp_pay + s_.hifmi_pay + s_.hifob_pay + s_.maf_pay + s_.oth_pay;
  s_.psn_part_amt = s_.medfee_sumamt - s_.fund_pay_sumamt;
  account_and_cash();
  return std::nullopt;
}

// The totals of step 1 over a bill's lines, or the first line that has no split.
struct line_totals {
  money total, self, over, pre, inscope;
  std::optional<std::size_t> failed;
};

// The loop of step 1, on its own so that its few values stay in registers
// (it calls nothing but the catalog lookup, and only with `Lookup`), and with
// the rounding mode fixed so that the per-line rounding does not switch on it.
template <bool Lookup, rounding Mode, bool Waive>
[[gnu::noinline]] auto classify_lines(const std::vector<line>& lines, const catalog& items, ratio b_default)
    -> line_totals {
  // Locals, not members of the result: stores there might alias the lines.
  // Plain integers: each summed line passed validate(), so no sum can come
  // near overflow (at most max_bill_lines x max_money_fen = 10^17 fen).
  static_assert(max_bill_lines * static_cast<std::uint64_t>(max_money_fen) < INT64_MAX);
  // The total is not summed: each line's amount is self + over + pre + in scope.
  std::int64_t self = 0, over = 0, pre = 0, inscope = 0;
  const line* const begin = lines.data();
  const line* const end = begin + lines.size();
  for (const line* l = begin; l != end; ++l) {
    const classified c = classify_line<Waive>(*l, Lookup ? items.find(l->code) : nullptr, b_default, Mode);
    if (c.fault != classified::problem::none) [[unlikely]] {
      return line_totals{{}, {}, {}, {}, {}, static_cast<std::size_t>(l - begin)};
    }
    self += c.part.self.fen();
    over += c.part.over.fen();
    pre += c.part.pre.fen();
    inscope += c.part.inscope.fen();
  }
  return line_totals{money::from_fen(self + over + pre + inscope),
                     money::from_fen(self),
                     money::from_fen(over),
                     money::from_fen(pre),
                     money::from_fen(inscope),
                     std::nullopt};
}

template <bool Lookup, bool Waive>
auto classify_lines(const std::vector<line>& lines, const catalog& items, ratio b_default, rounding mode)
    -> line_totals {
  switch (mode) {
    case rounding::half_up:
      return classify_lines<Lookup, rounding::half_up, Waive>(lines, items, b_default);
    case rounding::half_even:
      return classify_lines<Lookup, rounding::half_even, Waive>(lines, items, b_default);
    case rounding::up:
      return classify_lines<Lookup, rounding::up, Waive>(lines, items, b_default);
    case rounding::down:
      break;
  }
  // Also a value outside the enum, which divide_round rounds toward zero too.
  return classify_lines<Lookup, rounding::down, Waive>(lines, items, b_default);
}

// Step 1: split every line by the catalog of the place of treatment.
auto settler::classify() -> std::optional<error> {
  // Bulk runs often carry every class on the lines and pass an empty catalog.
  const bool lookup = c_.size() != 0;
  const line_totals t =
      waived_ ? (lookup ? classify_lines<true, true>(b_.lines, c_, b_default_, t_.info.round)
                        : classify_lines<false, true>(b_.lines, c_, b_default_, t_.info.round))
              : (lookup ? classify_lines<true, false>(b_.lines, c_, b_default_, t_.info.round)
                        : classify_lines<false, false>(b_.lines, c_, b_default_, t_.info.round));
  if (t.failed) [[unlikely]] {
    // Any line breaking the bill contract, even after the one that stopped
    // the loop, is reported first, as validate() reports it.
    if (auto valid = validate(b_); !valid) {
      invalid_bill_ = true;
      return std::move(valid).err();
    }
    return line_error(*t.failed, lookup);
  }
  s_.medfee_sumamt = t.total;
  s_.fulamt_ownpay_amt = t.self;
  s_.overlmt_selfpay = t.over;
  s_.preselfpay_amt = t.pre;
  s_.inscp_scp_amt = t.inscope;
  if (o_.trace) trace_lines(lookup);
  return std::nullopt;
}

auto settler::line_error(std::size_t i, bool lookup) const -> error {
  const line& l = b_.lines[i];
  const classified c = classify_one(l, lookup ? c_.find(l.code) : nullptr);
  if (c.fault == classified::problem::unknown_item) {
    return make_error(errc::not_found, fmt::format("lines[{}].code", i),
                      fmt::format("item {} is not in the catalog and the line has no class", l.code));
  }
  return make_error(errc::invalid_argument, fmt::format("lines[{}].selfpay_ratio", i),
                    fmt::format("{} is not between 0 and 1", c.own.to_string(6)));
}

void settler::trace_lines(bool lookup) {
  for (std::size_t i = 0; i < b_.lines.size(); ++i) {
    const line& l = b_.lines[i];
    const catalog_entry* entry = lookup ? c_.find(l.code) : nullptr;
    const classified c = classify_one(l, entry);
    step("classify", std::string{to_string(c.cls)}, "", entry ? "catalog" : "line",
         fmt::format("lines[{}] {} {}: amount {} -> self-pay {}, over limit {}, first-pay {} ({}), in scope {}", i,
                     l.code, l.name, l.amount.to_string(), c.part.self.to_string(), c.part.over.to_string(),
                     c.part.pre.to_string(), c.own.to_string(), c.part.inscope.to_string()),
         "", c.part.inscope);
  }
  step("classify", "", "", "",
       fmt::format("total {} = self-pay {} + over limit {} + first-pay {} + in scope {}", s_.medfee_sumamt.to_string(),
                   s_.fulamt_ownpay_amt.to_string(), s_.overlmt_selfpay.to_string(), s_.preselfpay_amt.to_string(),
                   s_.inscp_scp_amt.to_string()),
       "", s_.inscp_scp_amt);
}

// Which of the person's facts selected which rule (policy model 2).
void settler::trace_facts(const resolved_policy& policy) {
  for (const layer_policy& lp : policy.layers) {
    for (const std::uint32_t i : lp.applied) {
      const rule& r = t_.rules[i];
      const std::string facts = selected_facts(r.when, b_.who, v_);
      if (facts.empty()) continue;
      const std::string where = r.origin.where.to_string();
      step("facts", fmt::format("{} ({})", r.label, where), where, "", fmt::format("selected by {}", facts), "",
           money{});
    }
  }
}

// Step 2: coverage, waiting period, and whether this treatment is reimbursed.
auto settler::eligibility(const layer_policy& basic) -> void {
  const person& p = b_.who;
  if (p.coverage_ == coverage::lapsed) {
    s_.eligible = false;
    s_.ineligible_reason = "coverage lapsed (断缴): benefits stop until contributions resume";
  } else if (p.coverage_ == coverage::waiting) {
    s_.eligible = false;
    s_.ineligible_reason = "in a waiting period after coverage resumed (等待期)";
  } else if (const int wait = t_.waiting_for(p);
             p.rejoined && wait > 0 && b_.at.on < add_months(*p.rejoined, wait)) {
    s_.eligible = false;
    s_.ineligible_reason =
        fmt::format("in the {}-month waiting period after coverage resumed on {} (等待期, until {})", wait,
                    p.rejoined->to_string(), add_months(*p.rejoined, wait).to_string());
  } else if (!basic.reimbursed) {
    s_.eligible = false;
    const std::string_view reason = basic.reason;
    s_.ineligible_reason = reason.empty() ? "the tariff does not reimburse this treatment" : reason;
  }
  if (!s_.eligible) {
    if (o_.trace) step("eligibility", basic, aspect::eligibility, s_.ineligible_reason + ": no fund pays", "", money{});
  }
}

// The counters a layer's pool keeps in the year-to-date totals: its
// deductible counter (the basic pool's `deductible_paid`, or for the upper
// layers' built-in pools their band position, as in policy model 1), its cap
// counter and its band position; shared counters point into the pool they are
// shared with. All point into s_.ytd_after (which starts as the totals
// before the bill), so a later layer sees what an earlier one added.
struct settler::counters {
  money* deductible = nullptr;  ///< null: the deductible is met by `base` (built-in upper layers)
  money* paid = nullptr;
  money* base = nullptr;
  money* own_paid = nullptr;    ///< a named pool's own paid total (null: built-in)
  date period_from;             ///< a named pool's period (zero: per bill)
};

/// A named pool's counters in s_.ytd_after.pools, or in scratch_ for a per-bill pool.
struct settler::slot {
  money* deductible_paid;
  money* paid;
  money* base;
  date period_from;
};

auto period_start(const tariff& t, pool_period period, date on) -> date {
  switch (period) {
    case pool_period::year: {
      const bool before = on.month < t.info.year_start_month ||
                          (on.month == t.info.year_start_month && on.day < t.info.year_start_day);
      return date{static_cast<std::int16_t>(on.year - (before ? 1 : 0)), static_cast<std::int8_t>(t.info.year_start_month),
                  static_cast<std::int8_t>(t.info.year_start_day)};
    }
    case pool_period::quarter:
      return date{on.year, static_cast<std::int8_t>((on.month - 1) / 3 * 3 + 1), 1};
    case pool_period::month:
      return date{on.year, on.month, 1};
    case pool_period::admission:
      break;
  }
  return date{};
}

// The named pool's totals in s_.ytd_after for the bill's period: added at
// zero when absent, started again at zero when they belong to another
// period. A per-bill pool's totals live in scratch_, never carried. The
// pointers stay valid until the next call adds a pool.
auto settler::named_total(std::uint32_t pool) -> slot {
  const pool_def& def = t_.pools[pool];
  if (def.period == pool_period::admission) {
    if (!scratch_) scratch_.emplace();
    for (std::size_t i = 0; i < scratch_used_; ++i) {
      scratch_total& x = (*scratch_)[i];
      if (x.pool == pool) return slot{&x.deductible_paid, &x.paid, &x.base, date{}};
    }
    scratch_total& x = scratch_->at(scratch_used_++);  // within bounds: see scratch_
    x.pool = pool;
    return slot{&x.deductible_paid, &x.paid, &x.base, date{}};
  }
  const date from = period_start(t_, def.period, b_.at.on);
  for (pool_total& x : s_.ytd_after.pools) {
    if (x.pool != def.name) continue;
    // Totals of another period (an earlier one, as a rule) count as zero.
    if (x.period_from != date{} && period_start(t_, def.period, x.period_from) != from) {
      x = pool_total{def.name, from, {}, {}, {}};
    }
    x.period_from = from;
    return slot{&x.deductible_paid, &x.paid, &x.base, from};
  }
  pool_total& x = s_.ytd_after.pools.emplace_back(pool_total{def.name, from, {}, {}, {}});
  return slot{&x.deductible_paid, &x.paid, &x.base, from};
}

auto settler::counters_of(const layer_policy& lp, layer_id id) -> counters {
  ytd& y = s_.ytd_after;
  auto builtin = [&y](std::uint32_t pool) -> counters {
    switch (static_cast<layer_id>(pool)) {
      case layer_id::basic: return {&y.deductible_paid, &y.hifp_paid, &y.hifp_base, nullptr, date{}};
      case layer_id::critical: return {nullptr, &y.hifmi_paid, &y.hifmi_base, nullptr, date{}};
      case layer_id::large: return {nullptr, &y.hifob_paid, &y.hifob_base, nullptr, date{}};
      case layer_id::assistance: break;
    }
    return {nullptr, &y.maf_paid, &y.maf_base, nullptr, date{}};
  };
  if (lp.pool < builtin_pools || lp.pool >= t_.pools.size()) return builtin(static_cast<std::uint32_t>(id));
  const pool_def& def = t_.pools[lp.pool];
  // The shared pools first: adding an entry may move the others.
  if (def.cap_with && *def.cap_with >= builtin_pools) (void)named_total(*def.cap_with);
  if (def.deductible_with && *def.deductible_with >= builtin_pools) (void)named_total(*def.deductible_with);
  const slot own = named_total(lp.pool);
  counters c{own.deductible_paid, own.paid, own.base, own.paid, own.period_from};
  if (def.cap_with) {
    c.paid = *def.cap_with < builtin_pools ? builtin(*def.cap_with).paid : named_total(*def.cap_with).paid;
  }
  if (def.deductible_with) {
    if (*def.deductible_with < builtin_pools) {
      const counters b = builtin(*def.deductible_with);
      c.deductible = b.deductible != nullptr ? b.deductible : b.base;
    } else {
      c.deductible = named_total(*def.deductible_with).deductible_paid;
    }
  }
  return c;
}

// The in-scope amount of the lines a fixed per-visit payment covers.
auto settler::fee_inscope(const layer_policy& lp) const -> money {
  if (!lp.fee_rule) return money{};
  const fixed_fee& fee = *t_.rules[*lp.fee_rule].fee;
  const bool lookup = c_.size() != 0;
  money sum;
  for (const line& l : b_.lines) {
    if (std::find(fee.items.begin(), fee.items.end(), l.code) == fee.items.end()) continue;
    sum += classify_one(l, lookup ? c_.find(l.code) : nullptr).part.inscope;
  }
  return sum;
}

// The basic layer's deductible for this bill: a share of the bill's total
// when a rule says so, and an upward transfer's difference.
auto settler::basic_deductible(const layer_policy& lp) -> money {
  money deductible = lp.deductible;
  // A share of the bill's total, clamped, then the deductible adjustments.
  auto share_of = [this](const layer_policy& p, money& raw) {
    const deductible_share& d = *p.share;
    raw = apply(s_.medfee_sumamt, d.share, t_.info.round);
    const money clamped = min(max(raw, d.min), d.max);
    return max(money{}, apply(clamped, p.deductible_factor, t_.info.round) - p.deductible_minus);
  };
  if (lp.share) {
    const deductible_share& d = *lp.share;
    money raw;
    deductible = share_of(lp, raw);
    if (o_.trace)
      step("deductible", lp, aspect::deductible,
           fmt::format("{} of the bill's {} is {}, kept within {} .. {}{}", d.share.to_string(),
                       s_.medfee_sumamt.to_string(), raw.to_string(), d.min.to_string(), d.max.to_string(),
                       lp.deductible_factor != ratio::one() || lp.deductible_minus > money{}
                           ? fmt::format(", x {} - {}", lp.deductible_factor.to_string(), lp.deductible_minus.to_string())
                           : ""),
           "", deductible);
  }
  if (lp.transfer_difference && v_.transfer_from_level && *v_.transfer_from_level < v_.level) {
    visit from = v_;
    from.level = *v_.transfer_from_level;
    const resolved_policy lower_policy = t_.resolve(b_.who, from);
    const layer_policy& lower_lp = lower_policy[layer_id::basic];
    money raw;
    const money lower = lower_lp.share ? share_of(lower_lp, raw) : lower_lp.deductible;
    const money before = deductible;
    deductible = max(money{}, deductible - lower);
    if (o_.trace)
      step("deductible", lp, aspect::deductible,
           fmt::format("upward transfer from level {}: pays only {} - {}", from.level, before.to_string(),
                       lower.to_string()),
           "", deductible);
  }
  return deductible;
}

// One layer drawing on its pool: the deductible, then the bands (or a
// quota), the fixed per-visit payment, the caps; the pool's totals advance.
// Returns the payment; its fund_detail is recorded.
auto settler::draw(layer_id id, const layer_policy& lp, money entering, money deductible, money fixed) -> money {
  const rounding mode = t_.info.round;
  const counters c = counters_of(lp, id);
  const bool annual = lp.per == deductible_scope::year;
  const money met = c.deductible != nullptr ? *c.deductible : *c.base;  // deductible met this period
  const money remaining = annual ? max(money{}, deductible - met) : deductible;
  const money start = annual ? *c.base : money{};
  const money paid_before = *c.paid;
  money dedc;
  layer_input in{};
  layer_output out;
  if (lp.quota) {
    // A quota: the fund pays the cost up to a fixed sum, no deductible, no bands.
    in = layer_input{start, start + entering, money{}};
    out.rounded = min(entering, *lp.quota);
    out.exact_num = static_cast<__int128>(out.rounded.fen()) * ratio::one_ppm;
    apply_caps(lp, paid_before, out);
  } else if (lp.after_ratio) {
    // The deductible comes off the fund amount the bands give.
    in = layer_input{start, start + entering, money{}};
    out = pay_layer(lp, in, mode, paid_before);
    dedc = min(out.rounded, remaining);
    out.rounded -= dedc;
    apply_caps(lp, paid_before, out);
  } else {
    dedc = min(entering, remaining);
    in = layer_input{start + dedc, start + entering, lp.basis == band_basis::from_deductible ? deductible : money{}};
    out = pay_layer(lp, in, mode, paid_before);
  }
  if (fixed > money{}) {
    out.rounded += fixed;
    apply_caps(lp, paid_before, out);
  }
  if (annual && c.deductible != nullptr) *c.deductible += dedc;
  *c.paid += out.paid;
  if (c.own_paid != nullptr && c.paid != c.own_paid) *c.own_paid += out.paid;  // its own total too
  *c.base += entering;
  fund_detail f{id, entering, dedc, out.paid, out.capped, out.cap_left, {}, {}};
  const bool named = c.own_paid != nullptr;
  if (named) {
    const std::string_view name = t_.pools[lp.pool].name;
    std::copy_n(name.data(), std::min(name.size(), f.pool.size() - 1), f.pool.data());
    f.period_from = c.period_from;
  }
  s_.funds.push_back(f);
  if (o_.trace) {
    std::string where;
    if (named) {
      const pool_def& def = t_.pools[lp.pool];
      where = fmt::format("pool {}{} ({}{}{}): paid before {}; ", def.name, def.label.empty() ? "" : " " + def.label,
                          to_string(def.period),
                          c.period_from != date{} ? " from " + c.period_from.to_string() : "",
                          def.cap_with ? ", cap shared with " + t_.pools[*def.cap_with].name : "",
                          paid_before.to_string());
    }
    std::string how;
    if (lp.quota) {
      how = fmt::format("quota {}: pays the in-scope {} up to it", lp.quota->to_string(), entering.to_string());
    } else {
      how = describe_layer(lp, in, out);
    }
    if (fixed > money{}) how += fmt::format("; plus the fixed per-visit payment {}", fixed.to_string());
    if (lp.after_ratio) how += fmt::format("; deductible {} taken off the fund amount", dedc.to_string());
    if (id == layer_id::basic) {
      step("deductible", lp, aspect::deductible,
           fmt::format("deductible {} per {}{}: borne now {}", deductible.to_string(), to_string(lp.per),
                       annual ? fmt::format(" (already borne this {} {})", named ? to_string(t_.pools[lp.pool].period) : "year", met.to_string()) : "",
                       dedc.to_string()),
           "", dedc);
      step("basic", lp, aspect::payment, where + how, exact_yuan(out.exact_num), out.paid);
    } else {
      step(std::string{to_string(id)}, lp, aspect::payment,
           fmt::format("{}in-scope self-pay left {}, deductible {} per {} (borne now {}); {}", where, entering.to_string(),
                       deductible.to_string(), to_string(lp.per), dedc.to_string(), how),
           exact_yuan(out.exact_num), out.paid);
    }
  }
  return out.paid;
}

// Steps 3-4: deductible and basic fund.
auto settler::basic_layer(const layer_policy& lp) -> void {
  const rounding mode = t_.info.round;
  // A fixed per-visit payment's items leave the banded part: the fund pays
  // up to its sum of them whatever the deductible.
  const money fee_part = fee_inscope(lp);
  const money fee_paid = lp.fee_rule ? min(fee_part, t_.rules[*lp.fee_rule].fee->fund) : money{};
  const money in_scope = s_.inscp_scp_amt - fee_part;
  s_.inscope_first_pay = apply(in_scope, lp.first_pay, mode);
  const money entering = in_scope - s_.inscope_first_pay;
  if (s_.inscope_first_pay > money{}) {
    if (o_.trace)
      step("first_pay", lp, aspect::first_pay,
           fmt::format("patient first bears {} of the in-scope {}", lp.first_pay.to_string(), in_scope.to_string()), "",
           s_.inscope_first_pay);
  }
  if (lp.fee_rule && o_.trace) {
    const rule& r = t_.rules[*lp.fee_rule];
    step("fixed_fee", r.label, r.origin.where.to_string(), r.origin.source,
         fmt::format("the fund pays {} of the fee items' in-scope {} (up to {}), outside the deductible",
                     fee_paid.to_string(), fee_part.to_string(), r.fee->fund.to_string()),
         "", fee_paid);
  }
  const money deductible = basic_deductible(lp);
  money banded = entering;
  if (t_.account_first && has_account()) [[unlikely]] {
    // 账户段: the current-year account pays first; the deductible and the
    // pool see only what is left.
    first_segment_ = min(entering, max(money{}, b_.who.account_balance));
    banded = entering - first_segment_;
    if (o_.trace)
      step("account_first", std::string{to_string(t_.account)}, t_.account_origin.where.to_string(),
           t_.account_origin.source,
           fmt::format("the current-year account (balance {}) pays {} of the in-scope {} first; the deductible does "
                       "not count it",
                       b_.who.account_balance.to_string(), first_segment_.to_string(), entering.to_string()),
           "", first_segment_);
  }
  s_.hifp_pay = draw(layer_id::basic, lp, banded, deductible, fee_paid);
  s_.act_pay_dedc = s_.funds[s_.funds.size() - 1].deductible;
}

// Steps 5-6: critical-illness / large-amount, then medical assistance, each on
// the in-scope self-pay left by the layers before it.
auto settler::upper_layer(layer_id id, const layer_policy& lp) -> void {
  if (!lp.active) return;
  if (!lp.reimbursed) {
    if (o_.trace)
      step(std::string{to_string(id)}, lp, aspect::eligibility,
           lp.reason.empty() ? "not reimbursed for this treatment" : std::string{lp.reason}, "", money{});
    return;
  }
  const money left = s_.inscp_scp_amt - s_.hifp_pay - s_.hifmi_pay - s_.hifob_pay - s_.maf_pay;
  money* paid_field = nullptr;
  switch (id) {
    case layer_id::critical: paid_field = &s_.hifmi_pay; break;
    case layer_id::large: paid_field = &s_.hifob_pay; break;
    case layer_id::assistance: paid_field = &s_.maf_pay; break;
    case layer_id::basic: return;
  }
  *paid_field = draw(id, lp, left, lp.deductible, money{});
}

// Steps 7-8, 10: personal account, cash, and what is paid when.
auto settler::account_and_cash() -> void {
  const person& p = b_.who;
  // What an account may pay of the patient's share, as [account] says.
  auto payable_of = [this] {
    money payable = s_.psn_part_amt;
    if (t_.account == account_use::inscope_selfpay) payable = payable - s_.fulamt_ownpay_amt - s_.overlmt_selfpay;
    return max(money{}, payable);
  };
  if (has_account()) {
    const money payable = payable_of();
    // The first segment was paid from the current-year balance already.
    s_.acct_pay = min(first_segment_, payable);
    std::array<money, 2> left{max(money{}, p.account_balance - first_segment_), max(money{}, p.account_earlier)};
    for (const std::uint8_t pot : t_.account_pots) {
      const money pay = min(left[pot & 1U], payable - s_.acct_pay);
      s_.acct_pay += max(money{}, pay);
    }
    if (o_.trace)
      step("account", std::string{to_string(t_.account)}, t_.account_origin.where.to_string(), t_.account_origin.source,
           fmt::format("personal account (balance {}{}) pays {} of the patient's {} payable from it",
                       p.account_balance.to_string(),
                       t_.account_pots.size() > 1 || t_.account_pots.front() == 1
                           ? fmt::format(", earlier years {}", p.account_earlier.to_string())
                           : "",
                       s_.acct_pay.to_string(), payable.to_string()),
           "", s_.acct_pay);
  }
  if (t_.account_family && t_.account != account_use::none && p.family_account > money{} &&
      (s_.direct || t_.account_on_unfiled)) [[unlikely]] {
    const money payable = payable_of();
    s_.acct_mulaid_pay = max(money{}, min(p.family_account, payable - s_.acct_pay));
    if (o_.trace)
      step("family_account", std::string{to_string(t_.account)}, t_.account_origin.where.to_string(),
           t_.account_origin.source,
           fmt::format("a relative's account (家庭共济, balance {}) pays {} of the {} left payable from an account",
                       p.family_account.to_string(), s_.acct_mulaid_pay.to_string(), (payable - s_.acct_pay).to_string()),
           "", s_.acct_mulaid_pay);
  }
  s_.psn_cash_pay = s_.psn_part_amt - s_.acct_pay - s_.acct_mulaid_pay;
  if (s_.direct) {
    s_.pay_now = s_.psn_part_amt;
    s_.claim_later = money{};
  } else {
    s_.pay_now = s_.medfee_sumamt;
    s_.claim_later = s_.fund_pay_sumamt;
    s_.claim_documents = t_.claim_documents;
  }
  if (o_.trace)
    step("cash", "", "", "",
         s_.direct ? fmt::format("direct settlement: fund pays {}, patient pays {} ({} from the account, {} in cash)",
                                 s_.fund_pay_sumamt.to_string(), s_.psn_part_amt.to_string(), s_.acct_pay.to_string(),
                                 s_.psn_cash_pay.to_string())
                   : fmt::format("unfiled: patient pays all {} now and claims {} back later",
                                 s_.medfee_sumamt.to_string(), s_.claim_later.to_string()),
         "", s_.psn_cash_pay);
}

}  // namespace

auto settle(const tariff& t, const catalog& c, const bill& b, const ytd& before, const settle_options& opts)
    -> result<settlement> {
  // Built in place in the result: moving a settlement in costs about as much
  // as the arithmetic of a short bill (so `out` is the only thing returned).
  result<settlement> out{settlement{}};
  try {
    if (auto e = settler{t, c, b, before, opts, out.value()}.run()) out = std::move(*e);
  } catch (const std::overflow_error&) {
    // Validated bills and loaded tariffs stay far below 64-bit fen: a broken invariant.
    out = make_error(errc::internal, "", "amounts too large: a total does not fit in 64-bit fen");
  } catch (const std::bad_alloc&) {
    out = make_error(errc::out_of_memory, "", "out of memory while settling the bill");
  }
  return out;
}

}  // namespace yibao
