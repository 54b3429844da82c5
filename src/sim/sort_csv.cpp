// yibao simulate --sort, CSV inputs: each bill row is joined to its line rows
// by the joiner of sim::run (src/sim/csv_join.cpp: the lines file lists bills
// in the bills file's order; a line row whose bill is neither the current one
// nor among the next 64 bill rows is an orphan; duplicate bill ids, rows over
// the length limit and bills over the line limit are rejected), built and
// validated by the reader's own functions (src/sim/reader.hpp), and becomes
// one sorted record, the bill written as bill JSON, at the bills file's name
// and line. A bill that fails keeps the CSV
// reader's reason (naming CSV columns, and the lines file's line for a bad
// line row); it and the orphans are the sort's rejects (see run_sorted).
#include <fmt/format.h>

#include "formats/bill_json.hpp"
#include "sim/reader.hpp"
#include "sim/sort.hpp"
#include "yibao/bill.hpp"

namespace yibao::sim {

using namespace detail;

auto sorted_input::read_csv(const sim::input& in, std::uint32_t origin) -> std::optional<sort_error> {
  csv_joiner join{in};
  if (auto e = join.open()) return sort_error{e->code, false, e->message};
  std::vector<sim::reject> orphans;
  joined_bill bill;
  std::string json, why;
  yibao::bill b;
  auto flush_orphans = [&]() -> std::optional<sort_error> {
    for (sim::reject& r : orphans) {
      if (auto e = add_reject(std::move(r), false)) return e;
    }
    orphans.clear();
    return std::nullopt;
  };
  for (;;) {
    if (!join.next(bill, orphans)) {
      if (auto e = flush_orphans()) return e;
      break;
    }
    std::optional<std::string> reason;
    std::string bill_id, person_id;  // a bill that cannot be parsed has no ids in the rejects, as in sim::run
    if (!bill.note.empty()) {
      reason = std::move(bill.note);
      bill_id = std::move(bill.bill_id);
      person_id = std::move(bill.person_id);
    } else if (!csv_bill(bill.text, join.bills(), bill.rows, join.lines(), in.lines_name, b, why)) {
      reason = why;
    } else if (auto valid = validate(b); !valid) {
      reason = csv_reason(valid.err(), bill.rows, in.lines_name);
    } else {
      json.clear();
      io::append_bill_json(json, b);
    }
    auto e = reason ? add_reject(sim::reject{in.name, bill.line, std::move(bill_id), std::move(person_id),
                                             std::move(*reason)},
                                 true)
                    : add(json, origin, bill.line);
    if (e) return e;
    if (auto e2 = flush_orphans()) return e2;  // an orphan met while joining a bill comes after it
  }
  stats_.bytes_read += join.bytes();
  stats_.line_rows_read += join.line_rows_read();
  if (join.failed()) return sort_error{errc::io_error, false, fmt::format("cannot read {}", join.failed_name())};
  return std::nullopt;
}

}  // namespace yibao::sim
