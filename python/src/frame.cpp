// Table settlement for yibao.settle_frame; see frame.hpp for the contract.
#include "frame.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "sim/reader.hpp"

namespace yibao_py {
namespace yb = yibao;
namespace {

// The bills and lines tables have the bulk CSV's columns, in its order: each
// cell goes through the bulk reader's converter of its column.
static_assert(bill_column_count == static_cast<std::size_t>(yb::sim::detail::bill_col_count));
static_assert(line_column_count == static_cast<std::size_t>(yb::sim::detail::line_col_count));

// The part of the bill a bills column fills: 0 the bill, 1 its person, 2 its visit.
const std::array<int, bill_column_count> column_part = [] {
  std::array<int, bill_column_count> out{};
  for (std::size_t c = 0; c < bill_column_count; ++c) {
    const std::string path = yb::sim::detail::bill_field_path(static_cast<int>(c));
    out[c] = path.rfind("person.", 0) == 0 ? 1 : path.rfind("visit.", 0) == 0 ? 2 : 0;
  }
  return out;
}();

/// qty x price rounded half-up (the contract's amount), as text; "" when
/// either does not parse (the bill reader then reports that cell), "0" when
/// the product overflows (only a qty or price beyond validate()'s limits
/// does, and validate reports that cell before the amount).
auto computed_amount(std::string_view qty, std::string_view price) -> std::string {
  const auto q = yb::parse_quantity(qty);
  const auto p = yb::parse_price(price);
  if (!q || !p) return {};
  try {
    return yb::extend(*q, *p, yb::rounding::half_up).to_string();
  } catch (const std::overflow_error&) {
    return "0";
  }
}

/// Bill row `i` and its line rows into `out`, cell by cell. Empty cells are
/// absent fields (the contract's defaults; a required one is missing); an
/// absent amount is computed from qty and price. An error has the table's
/// path ("bills[3].level", "lines[12].qty") and is the one the bill JSON
/// reader would meet first: the bill, its person, its visit, then each line,
/// and in each of them a bad cell before a missing one.
auto frame_bill(const bill_columns& bills, std::size_t i, const line_columns& lines, const std::size_t* rows,
                std::size_t n_rows, yb::bill& out) -> std::optional<yb::error> {
  namespace sd = yb::sim::detail;
  yb::bill b;
  std::string what;
  auto bad = [&](std::string path) { return yb::make_error(yb::errc::invalid_argument, std::move(path), what); };
  for (std::size_t c = 0; c < bill_column_count;) {
    std::optional<std::size_t> missing;
    for (const int part = column_part[c]; c < bill_column_count && column_part[c] == part; ++c) {
      const std::string_view cell = bills.get(c, i);
      if (cell.empty()) {
        if (!missing && sd::bill_column_required(static_cast<int>(c))) missing = c;
      } else if (!sd::bill_cell(static_cast<int>(c), cell, b, what)) {
        return bad(fmt::format("bills[{}].{}", i, bill_column_names[c]));
      }
    }
    if (missing) {
      what = "missing required field";
      return bad(fmt::format("bills[{}].{}", i, bill_column_names[*missing]));
    }
  }
  b.lines.resize(n_rows);
  for (std::size_t k = 0; k < n_rows; ++k) {
    const std::size_t row = rows[k];
    std::optional<std::size_t> missing;
    std::string amount;
    for (std::size_t c = l_code; c < line_column_count; ++c) {
      std::string_view cell = lines.get(c, row);
      if (cell.empty() && c == l_amount) cell = amount = computed_amount(lines.get(l_qty, row), lines.get(l_price, row));
      if (cell.empty()) {
        if (!missing && sd::line_column_required(static_cast<int>(c))) missing = c;
      } else if (!sd::line_cell(static_cast<int>(c), cell, b.lines[k], what)) {
        return bad(fmt::format("lines[{}].{}", row, line_column_names[c]));
      }
    }
    if (missing) {
      what = "missing required field";
      return bad(fmt::format("lines[{}].{}", row, line_column_names[*missing]));
    }
  }
  out = std::move(b);
  return std::nullopt;
}

/// A validate() error with its field path turned into the table's: the bill
/// row's column ("bills[3].level") or the line row's ("lines[12].qty").
auto table_error(yb::error e, std::size_t i, const std::size_t* rows, std::size_t n_rows) -> yb::error {
  std::string_view path = e.path;
  std::string_view what = e.message;
  if (!path.empty() && what.substr(0, path.size()) == path && what.substr(path.size(), 2) == ": ") {
    what.remove_prefix(path.size() + 2);
  }
  std::string table_path;
  if (path.substr(0, 6) == "lines[") {
    const std::size_t close = path.find(']');
    std::size_t k = 0;
    const auto [end, ec] = std::from_chars(path.data() + 6, path.data() + close, k);
    if (ec == std::errc{} && end == path.data() + close && k < n_rows) {
      table_path = fmt::format("lines[{}]{}", rows[k], path.substr(close + 1));
    }
  } else {
    // A field's column; an item of a list field keeps its index
    // ("person.chronic[1]" -> "bills[3].chronic[1]").
    for (std::size_t c = 0; c < bill_column_count && table_path.empty(); ++c) {
      const std::string field = yb::sim::detail::bill_field_path(static_cast<int>(c));
      if (path.substr(0, field.size()) == field && (path.size() == field.size() || path[field.size()] == '[')) {
        table_path = fmt::format("bills[{}].{}{}", i, bill_column_names[c], path.substr(field.size()));
      }
    }
  }
  if (table_path.empty()) table_path = fmt::format("bills[{}]", i);
  return yb::make_error(e.code, std::move(table_path), std::string(what));
}

auto prefixed(std::string_view bill_id, yb::error e) -> yb::error {
  if (!bill_id.empty()) e.message = fmt::format("bill {}: {}", bill_id, e.message);
  return e;
}

void put(frame_result& r, std::size_t i, const yb::settlement& s) {
  for (std::size_t k = 0; k < money_column_count; ++k) r.money[k][i] = (s.*yb::settlement_fields[k].member).fen();
  for (std::size_t k = 0; k < ytd_column_count; ++k) r.ytd[k][i] = (s.ytd_after.*yb::ytd_fields[k].member).fen();
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

auto settle_frame(frame_tariff t, const yb::catalog& c, std::size_t n_bills, const bill_columns& bills,
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

  // Bills, indexed by id. A bill without an id is validate()'s "id: must not
  // be empty" (the bills table's path): the whole table's error, or with
  // collect_errors that bill's row, its lines (bill_id "") joined to none.
  std::unordered_map<std::string_view, std::size_t> by_id;
  by_id.reserve(n_bills);
  std::vector<std::optional<yb::error>> errs(n_bills);
  bool empty_ids = false;
  for (std::size_t i = 0; i < n_bills; ++i) {
    const std::string_view id = bills.get(b_id, i);
    if (id.empty()) {
      errs[i] = yb::make_error(yb::errc::invalid_argument, fmt::format("bills[{}].bill_id", i), "must not be empty");
      if (!collect_errors) return std::move(*errs[i]);
      empty_ids = true;
      continue;
    }
    if (auto [it, fresh] = by_id.emplace(id, i); !fresh) {
      return yb::make_error(yb::errc::invalid_argument, fmt::format("bills[{}].bill_id", i),
                            fmt::format("duplicate bill id \"{}\" (first at bills[{}])", id, it->second));
    }
  }
  // Each bill's line rows, in table order: rows[first[i], first[i + 1]).
  constexpr std::size_t no_bill = static_cast<std::size_t>(-1);
  std::vector<std::size_t> bill_of(n_lines);
  std::vector<std::size_t> first(n_bills + 1, 0);
  for (std::size_t j = 0; j < n_lines; ++j) {
    const std::string_view id = lines.get(l_bill, j);
    if (id.empty() && empty_ids) {
      bill_of[j] = no_bill;
      continue;
    }
    const auto it = by_id.find(id);
    if (it == by_id.end()) {
      return yb::make_error(yb::errc::invalid_argument, fmt::format("lines[{}].bill_id", j),
                            fmt::format("no bill \"{}\" in the bills table", id));
    }
    bill_of[j] = it->second;
    ++first[it->second + 1];
  }
  std::partial_sum(first.begin(), first.end(), first.begin());
  std::vector<std::size_t> rows(n_lines);
  {
    std::vector<std::size_t> next(first.begin(), first.end() - 1);
    for (std::size_t j = 0; j < n_lines; ++j) {
      if (bill_of[j] != no_bill) rows[next[bill_of[j]]++] = j;
    }
  }

  // Every bill through the converters of the bulk CSV reader and the bill
  // JSON reader, and yibao::validate(): the same checks and limits (amounts,
  // prices, quantities, ratios, integers, number of lines), whatever the route.
  std::vector<yb::bill> bs(n_bills);
  frame_result r = sized(n_bills);
  for (std::size_t i = 0; i < n_bills; ++i) {
    const std::size_t* own = rows.data() + first[i];
    const std::size_t n_own = first[i + 1] - first[i];
    r.lines[i] = static_cast<std::int64_t>(n_own);
    if (errs[i]) {
      // no id (above): nothing else is read
    } else if (n_own == 0) {
      errs[i] = yb::make_error(yb::errc::invalid_argument, fmt::format("bills[{}]", i), "no lines");
    } else if (n_own > yb::max_bill_lines) {  // the reader's limit, told before building the text
      errs[i] = yb::make_error(yb::errc::invalid_argument, fmt::format("bills[{}]", i),
                               fmt::format("{} lines exceed the limit {}", n_own, yb::max_bill_lines));
    } else {
      yb::bill b;
      if (auto e = frame_bill(bills, i, lines, own, n_own, b)) {
        errs[i] = std::move(e);
      } else if (auto valid = yb::validate(b); !valid) {  // told with the table's paths
        errs[i] = table_error(std::move(valid).err(), i, own, n_own);
      } else {
        bs[i] = std::move(b);
      }
    }
    if (errs[i]) {
      if (!collect_errors) return prefixed(bills.get(b_id, i), std::move(*errs[i]));
      bs[i].id = bills.get(b_id, i);  // a rejected bill keeps its place in its person's order
      bs[i].who.id = bills.get(b_person, i);
      if (const auto d = yb::parse_date(bills.get(b_date, i))) bs[i].at.on = *d;
    }
    r.scheme[i] = yb::to_string(bs[i].who.scheme_);
    r.status[i] = yb::to_string(bs[i].who.status_);
    r.group[i] = yb::to_string(bs[i].who.group_);
    r.visit_type[i] = yb::to_string(bs[i].at.type);
    r.level[i] = bs[i].at.level;
    r.location[i] = yb::to_string(bs[i].at.where);
    r.admission[i] = bs[i].at.admission;
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
      const yb::tariff* version = t.one;
      if (t.versions != nullptr) {  // the version in force on the bill's date
        auto in_force = t.versions->in_force(b.at.on);
        if (!in_force) {
          if (!collect_errors) return prefixed(b.id, std::move(in_force).err());
          put_error(r, i, prefixed(b.id, std::move(in_force).err()));
          continue;
        }
        version = in_force.value();
      }
      const int y = yb::sim::policy_year(*version, b.at.on);
      if (person == nullptr || *person != b.who.id || y != year) {
        person = &b.who.id;
        year = y;
        totals = yb::ytd{};
      }
      auto s = yb::settle(*version, c, b, totals);
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
