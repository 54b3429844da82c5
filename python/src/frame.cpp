// Table settlement for yibao.settle_frame; see frame.hpp for the contract.
#include "frame.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>
#include <optional>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

namespace yibao_py {
namespace yb = yibao;
namespace {

template <typename E>
auto accepted(int count) -> std::string {
  std::string out = "expected one of ";
  for (int i = 0; i < count; ++i) {
    if (i > 0) out += ", ";
    out += yb::to_string(static_cast<E>(i));
  }
  return out;
}

/// Parses the cells of one row; the first problem is kept with its path,
/// e.g. "bills[3].level" or "lines[12].qty".
class row_reader {
 public:
  row_reader(const char* table, std::size_t row, const char* const* names)
      : table_{table}, row_{row}, names_{names} {}

  [[nodiscard]] auto failed() const -> bool { return err_.has_value(); }
  auto take() -> yb::error { return std::move(*err_); }

  auto fail(std::size_t col, std::string what) -> bool {
    if (!err_) err_ = yb::make_error(yb::errc::invalid_argument, fmt::format("{}[{}].{}", table_, row_, names_[col]), std::move(what));
    return false;
  }

  auto required(std::size_t col, std::string_view text) -> bool {
    return !text.empty() || fail(col, "missing value of a required column");
  }

  template <typename E, typename Parse>
  auto enumeration(std::size_t col, std::string_view text, int count, Parse parse, E& out) -> bool {
    if (text.empty()) return true;  // default kept
    const std::optional<E> v = parse(text);
    if (!v) return fail(col, fmt::format("unknown value \"{}\"; {}", text, accepted<E>(count)));
    out = *v;
    return true;
  }

  auto integer(std::size_t col, std::string_view text, int lo, int hi, int& out) -> bool {
    int v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size()) {
      return fail(col, fmt::format("expected an integer, found \"{}\"", text));
    }
    if (v < lo || v > hi) return fail(col, fmt::format("must be between {} and {}, found {}", lo, hi, v));
    out = v;
    return true;
  }

  auto day(std::size_t col, std::string_view text, yb::date& out) -> bool {
    const auto d = yb::parse_date(text);
    if (!d) return fail(col, fmt::format("\"{}\" is not a valid date (expected YYYY-MM-DD)", text));
    out = *d;
    return true;
  }

  /// A non-negative fixed-point decimal (the public parsers of money.hpp).
  template <typename Parse>
  auto decimal(std::size_t col, std::string_view text, Parse parse, std::int64_t& out,
               std::int64_t max = -1) -> bool {
    std::string why;
    const auto v = parse(text, &why);
    if (!v) return fail(col, fmt::format("invalid decimal \"{}\": {}", text, why));
    const std::int64_t raw = scaled(*v);
    if (raw < 0) return fail(col, fmt::format("must not be negative, found \"{}\"", text));
    if (max >= 0 && raw > max) return fail(col, fmt::format("must be between 0 and 1, found \"{}\"", text));
    out = raw;
    return true;
  }

 private:
  static auto scaled(yb::money m) -> std::int64_t { return m.fen(); }
  static auto scaled(yb::ratio r) -> std::int64_t { return r.ppm(); }
  static auto scaled(yb::price p) -> std::int64_t { return p.micro; }
  static auto scaled(yb::quantity q) -> std::int64_t { return q.ten_thousandths; }

  const char* table_;
  std::size_t row_;
  const char* const* names_;
  std::optional<yb::error> err_;
};

auto read_bill(const bill_columns& in, std::size_t i, yb::bill& b) -> std::optional<yb::error> {
  row_reader r{"bills", i, bill_column_names.data()};
  b.id = in.get(b_id, i);
  b.who.id = in.get(b_person, i);
  r.required(b_person, b.who.id);
  if (in.get(b_scheme, i).empty()) r.required(b_scheme, {});
  r.enumeration(b_scheme, in.get(b_scheme, i), yb::scheme_count, yb::parse_scheme, b.who.scheme_);
  r.enumeration(b_status, in.get(b_status, i), yb::status_count, yb::parse_status, b.who.status_);
  r.enumeration(b_group, in.get(b_group, i), yb::group_count, yb::parse_group, b.who.group_);
  r.enumeration(b_coverage, in.get(b_coverage, i), 3, yb::parse_coverage, b.who.coverage_);
  if (auto s = in.get(b_balance, i); !s.empty()) {
    std::int64_t fen = 0;
    if (r.decimal(b_balance, s, yb::parse_money, fen)) b.who.account_balance = yb::money::from_fen(fen);
  }
  if (auto s = in.get(b_rejoined, i); !s.empty()) {
    yb::date d;
    if (r.day(b_rejoined, s, d)) b.who.rejoined = d;
  }
  if (in.get(b_type, i).empty()) r.required(b_type, {});
  r.enumeration(b_type, in.get(b_type, i), yb::visit_type_count, yb::parse_visit_type, b.at.type);
  if (r.required(b_level, in.get(b_level, i))) r.integer(b_level, in.get(b_level, i), 0, yb::level_count - 1, b.at.level);
  if (in.get(b_location, i).empty()) r.required(b_location, {});
  r.enumeration(b_location, in.get(b_location, i), yb::location_count, yb::parse_location, b.at.where);
  r.enumeration(b_filing, in.get(b_filing, i), yb::filing_count, yb::parse_filing, b.at.filed);
  if (!in.get(b_admission, i).empty()) r.integer(b_admission, in.get(b_admission, i), 1, 1'000'000, b.at.admission);
  if (r.required(b_date, in.get(b_date, i))) r.day(b_date, in.get(b_date, i), b.at.on);
  b.at.disease = in.get(b_disease, i);
  if (auto s = in.get(b_transfer, i); !s.empty()) {
    int from = 0;
    if (r.integer(b_transfer, s, 0, yb::level_count - 1, from)) {
      if (from >= b.at.level) {
        r.fail(b_transfer, fmt::format("must be below level ({}), found {}", b.at.level, from));
      } else {
        b.at.transfer_from_level = from;
      }
    }
  }
  if (r.failed()) return r.take();
  return std::nullopt;
}

auto read_line(const line_columns& in, std::size_t j, yb::line& l) -> std::optional<yb::error> {
  row_reader r{"lines", j, line_column_names.data()};
  l.code = in.get(l_code, j);
  r.required(l_code, l.code);
  l.name = in.get(l_name, j);
  if (auto s = in.get(l_class, j); !s.empty()) {
    yb::item_class cls = yb::item_class::C;
    if (r.enumeration(l_class, s, 3, yb::parse_item_class, cls)) l.cls = cls;
  }
  if (auto s = in.get(l_ratio, j); !s.empty()) {
    std::int64_t ppm = 0;
    if (r.decimal(l_ratio, s, yb::parse_ratio, ppm, yb::ratio::one_ppm)) l.selfpay_ratio = yb::ratio::from_ppm(ppm);
  }
  if (auto s = in.get(l_limit, j); !s.empty()) {
    std::int64_t micro = 0;
    if (r.decimal(l_limit, s, yb::parse_price, micro)) l.price_limit = yb::price{micro};
  }
  if (r.required(l_qty, in.get(l_qty, j))) r.decimal(l_qty, in.get(l_qty, j), yb::parse_quantity, l.qty.ten_thousandths);
  if (r.required(l_price, in.get(l_price, j))) r.decimal(l_price, in.get(l_price, j), yb::parse_price, l.unit_price.micro);
  if (r.failed()) return r.take();
  // As in the bill JSON contract: amount = qty x price rounded half-up.
  const yb::money expected = yb::extend(l.qty, l.unit_price, yb::rounding::half_up);
  if (auto s = in.get(l_amount, j); !s.empty()) {
    std::int64_t fen = 0;
    if (!r.decimal(l_amount, s, yb::parse_money, fen)) return r.take();
    l.amount = yb::money::from_fen(fen);
    if (l.amount != expected) {
      r.fail(l_amount, fmt::format("{} is not qty x price = {}", l.amount.to_string(), expected.to_string()));
      return r.take();
    }
  } else {
    l.amount = expected;
  }
  return std::nullopt;
}

auto prefixed(std::string_view bill_id, yb::error e) -> yb::error {
  if (!bill_id.empty()) e.message = fmt::format("bill {}: {}", bill_id, e.message);
  return e;
}

/// The policy year a date falls in (years start on the tariff's year_start).
auto policy_year(const yb::tariff& t, yb::date d) -> int {
  const bool before_start = d.month < t.info.year_start_month ||
                            (d.month == t.info.year_start_month && d.day < t.info.year_start_day);
  return d.year - (before_start ? 1 : 0);
}

void put(frame_result& r, std::size_t i, const yb::settlement& s) {
  const std::array<yb::money, money_column_count> m{
      s.medfee_sumamt, s.fulamt_ownpay_amt, s.overlmt_selfpay, s.preselfpay_amt, s.inscp_scp_amt,
      s.inscope_first_pay, s.act_pay_dedc, s.hifp_pay, s.hifmi_pay, s.hifob_pay, s.maf_pay,
      s.fund_pay_sumamt, s.psn_part_amt, s.acct_pay, s.psn_cash_pay, s.pay_now, s.claim_later};
  for (std::size_t k = 0; k < m.size(); ++k) r.money[k][i] = m[k].fen();
  const yb::ytd& y = s.ytd_after;
  const std::array<yb::money, ytd_column_count> yv{y.deductible_paid, y.hifp_paid, y.hifmi_paid,
                                                   y.hifob_paid,      y.maf_paid,  y.hifp_base,
                                                   y.hifmi_base,      y.hifob_base, y.maf_base};
  for (std::size_t k = 0; k < yv.size(); ++k) r.ytd[k][i] = yv[k].fen();
  for (const yb::fund_detail& f : s.funds) {
    if (f.cap_left) r.cap_left[static_cast<std::size_t>(f.layer)][i] = f.cap_left->fen();
  }
  r.ok[i] = true;
  r.direct[i] = s.direct;
  r.eligible[i] = s.eligible;
  r.tariff_id[i] = s.tariff_id;
  r.filed_as[i] = yb::to_string(s.filed_as);
  r.ineligible_reason[i] = s.ineligible_reason;
}

void put_error(frame_result& r, std::size_t i, const yb::error& e) {
  r.ok[i] = false;
  r.error_code[i] = yb::to_string(e.code);
  r.error[i] = e.message;
}

auto sized(std::size_t n) -> frame_result {
  frame_result r;
  for (auto& col : r.money) col.assign(n, 0);
  for (auto& col : r.ytd) col.assign(n, 0);
  for (auto& col : r.cap_left) col.assign(n, -1);
  r.ok.assign(n, false);
  r.direct.assign(n, false);
  r.eligible.assign(n, false);
  r.lines.assign(n, 0);
  r.admission.assign(n, 0);
  r.level.assign(n, 0);
  r.year.assign(n, 0);
  for (auto* v : {&r.tariff_id, &r.filed_as, &r.ineligible_reason, &r.error_code, &r.error}) v->assign(n, {});
  for (auto* v : {&r.scheme, &r.status, &r.group, &r.visit_type, &r.location}) v->assign(n, {});
  return r;
}

}  // namespace

auto settle_frame(const yb::tariff& t, const yb::catalog& c, std::size_t n_bills, const bill_columns& bills,
                  std::size_t n_lines, const line_columns& lines, bool collect_errors, unsigned threads)
    -> yb::result<frame_result> {
  for (const std::size_t col : {b_id, b_person, b_scheme, b_type, b_level, b_location, b_date}) {
    if (n_bills > 0 && !bills.has(col)) {
      return yb::make_error(yb::errc::invalid_argument, std::string("bills.") + bill_column_names[col],
                            "missing required column");
    }
  }
  for (const std::size_t col : {l_bill, l_code, l_qty, l_price}) {
    if (n_lines > 0 && !lines.has(col)) {
      return yb::make_error(yb::errc::invalid_argument, std::string("lines.") + line_column_names[col],
                            "missing required column");
    }
  }

  // Bills, indexed by id.
  std::vector<yb::bill> bs(n_bills);
  std::vector<std::optional<yb::error>> errs(n_bills);
  std::unordered_map<std::string_view, std::size_t> by_id;
  by_id.reserve(n_bills);
  for (std::size_t i = 0; i < n_bills; ++i) {
    const std::string_view id = bills.get(b_id, i);
    if (id.empty()) {
      return yb::make_error(yb::errc::invalid_argument, fmt::format("bills[{}].bill_id", i), "must not be empty");
    }
    if (auto [it, fresh] = by_id.emplace(id, i); !fresh) {
      return yb::make_error(yb::errc::invalid_argument, fmt::format("bills[{}].bill_id", i),
                            fmt::format("duplicate bill id \"{}\" (first at bills[{}])", id, it->second));
    }
    errs[i] = read_bill(bills, i, bs[i]);
    if (errs[i] && !collect_errors) return prefixed(id, std::move(*errs[i]));
  }

  // Lines, in table order, onto their bills.
  for (std::size_t j = 0; j < n_lines; ++j) {
    const std::string_view id = lines.get(l_bill, j);
    const auto it = by_id.find(id);
    if (it == by_id.end()) {
      return yb::make_error(yb::errc::invalid_argument, fmt::format("lines[{}].bill_id", j),
                            fmt::format("no bill \"{}\" in the bills table", id));
    }
    yb::bill& b = bs[it->second];
    if (auto e = read_line(lines, j, b.lines.emplace_back())) {
      if (!collect_errors) return prefixed(id, std::move(*e));
      if (!errs[it->second]) errs[it->second] = std::move(*e);
    }
  }
  frame_result r = sized(n_bills);
  for (std::size_t i = 0; i < n_bills; ++i) {
    r.lines[i] = static_cast<std::int64_t>(bs[i].lines.size());
    r.scheme[i] = yb::to_string(bs[i].who.scheme_);
    r.status[i] = yb::to_string(bs[i].who.status_);
    r.group[i] = yb::to_string(bs[i].who.group_);
    r.visit_type[i] = yb::to_string(bs[i].at.type);
    r.level[i] = bs[i].at.level;
    r.location[i] = yb::to_string(bs[i].at.where);
    r.admission[i] = bs[i].at.admission;
    if (bs[i].lines.empty() && !errs[i]) {
      errs[i] = yb::make_error(yb::errc::invalid_argument, fmt::format("bills[{}]", i), "no lines");
      if (!collect_errors) return prefixed(bs[i].id, std::move(*errs[i]));
    }
  }

  // Each person's bills by date (ties: table order); carry the totals.
  std::vector<std::size_t> order(n_bills);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (bs[a].who.id != bs[b].who.id) return bs[a].who.id < bs[b].who.id;
    return bs[a].at.on < bs[b].at.on;
  });
  // Settle runs of whole people, `threads` runs at once; every bill writes
  // only its own row, so the result does not depend on the thread count.
  auto settle_run = [&](std::size_t begin, std::size_t end) -> std::optional<yb::error> {
    const std::string* person = nullptr;
    int year = 0;
    yb::ytd totals;
    for (std::size_t k = begin; k < end; ++k) {
      const std::size_t i = order[k];
      yb::bill& b = bs[i];
      if (errs[i]) {
        if (!collect_errors) return prefixed(b.id, std::move(*errs[i]));
        put_error(r, i, prefixed(b.id, std::move(*errs[i])));
        continue;
      }
      const int y = policy_year(t, b.at.on);
      if (person == nullptr || *person != b.who.id || y != year) {
        person = &b.who.id;
        year = y;
        totals = yb::ytd{};
      }
      auto s = yb::settle(t, c, b, totals);
      if (!s) {
        if (!collect_errors) return prefixed(b.id, std::move(s).err());
        put_error(r, i, prefixed(b.id, std::move(s).err()));
        continue;
      }
      totals = s.value().ytd_after;
      put(r, i, s.value());
      r.year[i] = y;
    }
    return std::nullopt;
  };
  std::vector<std::size_t> starts;  // where each person's run begins in `order`
  for (std::size_t k = 0; k < n_bills; ++k) {
    if (k == 0 || bs[order[k]].who.id != bs[order[k - 1]].who.id) starts.push_back(k);
  }
  std::size_t runs = threads == 0 ? std::max(1U, std::thread::hardware_concurrency()) : threads;
  runs = std::max<std::size_t>(1, std::min(runs, starts.size()));
  std::vector<std::size_t> bounds;  // run j covers order[bounds[j], bounds[j + 1])
  for (std::size_t j = 0; j < runs; ++j) bounds.push_back(starts.empty() ? 0 : starts[j * starts.size() / runs]);
  bounds.push_back(n_bills);
  std::vector<std::optional<yb::error>> failed(runs);
  if (runs == 1) {
    failed[0] = settle_run(bounds[0], bounds[1]);
  } else {
    std::vector<std::thread> pool;
    for (std::size_t j = 0; j < runs; ++j) {
      pool.emplace_back([&, j] { failed[j] = settle_run(bounds[j], bounds[j + 1]); });
    }
    for (std::thread& th : pool) th.join();
  }
  for (auto& f : failed) {  // the first failure in settlement order
    if (f) return std::move(*f);
  }
  return r;
}

}  // namespace yibao_py
