// Per-bill output rows and reject rows (docs/bulk-format.md "Output").
#include "output.hpp"

#include <charconv>

#include "core/decimal_text.hpp"
#include "sim/reader.hpp"

namespace yibao::sim::detail {

namespace {

void append_int(std::string& out, long long v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

void append_fields(std::string& out, const settlement& s) {
  for (const settlement_field& f : settlement_fields) {
    out += ',';
    append_decimal(out, (s.*f.member).fen(), 2);
  }
}

}  // namespace

auto settlement_csv_header(bool reform) -> std::string {
  std::string h = "source,bill_id,person_id,date,policy_year,visit_type,level,location,filing,eligible,direct";
  for (const settlement_field& f : settlement_fields) h.append(1, ',').append(f.name);
  if (reform) {
    h += ",reform_eligible,reform_direct";
    for (const settlement_field& f : settlement_fields) h.append(",reform_").append(f.name);
    h += ",delta_fund_pay_sumamt,delta_psn_part_amt";
  }
  return h + "\n";
}

void append_settlement_csv(std::string& out, std::string_view source, const bill& b, int year, const settlement& s,
                           const settlement* reformed) {
  append_csv_cell(out, source);
  out += ',';
  append_csv_cell(out, b.id);
  out += ',';
  append_csv_cell(out, b.who.id);
  out += ',';
  out += b.at.on.to_string();
  out += ',';
  append_int(out, year);
  out += ',';
  out += to_string(b.at.type);
  out += ',';
  append_int(out, b.at.level);
  out += ',';
  out += to_string(b.at.where);
  out += ',';
  out += b.at.where == location::local ? std::string_view{"local"} : to_string(b.at.filed);
  out += s.eligible ? ",1" : ",0";
  out += s.direct ? ",1" : ",0";
  append_fields(out, s);
  if (reformed != nullptr) {
    out += reformed->eligible ? ",1" : ",0";
    out += reformed->direct ? ",1" : ",0";
    append_fields(out, *reformed);
    out += ',';
    append_decimal(out, reformed->fund_pay_sumamt.fen() - s.fund_pay_sumamt.fen(), 2);
    out += ',';
    append_decimal(out, reformed->psn_part_amt.fen() - s.psn_part_amt.fen(), 2);
  }
  out += '\n';
}

void append_settlement_jsonl(std::string& out, std::string_view source, const bill& b, int year, const settlement& s,
                             const settlement* reformed) {
  out += "{\"source\":";
  append_json_string(out, source);
  out += ",\"person_id\":";
  append_json_string(out, b.who.id);
  out += ",\"date\":\"";
  out += b.at.on.to_string();
  out += "\",\"policy_year\":";
  append_int(out, year);
  out += ",\"settlement\":";
  out += to_json(s);
  if (reformed != nullptr) {
    out += ",\"reform\":";
    out += to_json(*reformed);
  }
  out += "}\n";
}

auto rejects_csv_header() -> std::string { return "file,line,bill_id,person_id,reason\n"; }

void append_reject_csv(std::string& out, const reject& r) {
  append_csv_cell(out, r.file);
  out += ',';
  append_int(out, static_cast<long long>(r.line));
  out += ',';
  append_csv_cell(out, r.bill_id);
  out += ',';
  append_csv_cell(out, r.person_id);
  out += ',';
  append_csv_cell(out, r.reason);
  out += '\n';
}

}  // namespace yibao::sim::detail
