// The bill JSON writer (formats/bill_json.hpp): the field names are the
// readers' (formats/bill_fields.hpp), the escaper the core's.
#include <iterator>
#include <string>

#include "core/json_writer.hpp"
#include "formats/bill_fields.hpp"
#include "formats/bill_json.hpp"
#include "yibao/fields.hpp"

namespace yibao::io {

void append_bill_json(std::string& out, const bill& b) {
  using yibao::detail::json_object;
  json_object root{out};
  root.str(root_fields[0], b.id);
  root.key(root_fields[1]);
  {
    const person& p = b.who;
    json_object o{out};
    o.str(person_fields[0], p.id);
    o.str(person_fields[1], to_string(p.scheme_));
    o.str(person_fields[2], to_string(p.status_));
    o.str(person_fields[3], to_string(p.group_));
    o.str(person_fields[4], to_string(p.coverage_));
    o.str(person_fields[5], p.account_balance.to_string());
    if (p.rejoined) o.str(person_fields[6], p.rejoined->to_string());
    // The facts, each only when it is not its default (so a bill without
    // them is written as before).
    if (p.birth_date) o.str(person_fields[7], p.birth_date->to_string());
    if (p.tier != 0) o.raw(person_fields[8], std::to_string(p.tier));
    if (p.family_doctor) o.raw(person_fields[9], "true");
    if (!p.chronic.empty()) {
      o.key(person_fields[10]);
      out += '[';
      for (std::size_t i = 0; i < p.chronic.size(); ++i) {
        if (i > 0) out += ',';
        yibao::detail::append_json_string(out, p.chronic[i]);
      }
      out += ']';
    }
    const int years[] = {p.enrolled_years, p.claim_free_years, p.lapsed_years, p.back_paid_years};
    for (std::size_t k = 0; k < std::size(years); ++k) {
      if (years[k] != 0) o.raw(person_fields[11 + k], std::to_string(years[k]));
    }
    if (p.account_earlier.fen() != 0) o.str(person_fields[15], p.account_earlier.to_string());
    if (p.family_account.fen() != 0) o.str(person_fields[16], p.family_account.to_string());
  }
  root.key(root_fields[2]);
  {
    const visit& v = b.at;
    json_object o{out};
    o.str(visit_fields[0], to_string(v.type));
    o.raw(visit_fields[1], std::to_string(v.level));
    o.str(visit_fields[2], to_string(v.where));
    o.str(visit_fields[3], to_string(v.filed));
    o.raw(visit_fields[4], std::to_string(v.admission));
    o.str(visit_fields[5], v.on.to_string());
    o.str(visit_fields[6], v.disease);
    if (v.transfer_from_level) o.raw(visit_fields[7], std::to_string(*v.transfer_from_level));
    if (v.contracted) o.raw(visit_fields[8], "true");
    if (v.unfiled_before != 0) o.raw(visit_fields[9], std::to_string(v.unfiled_before));
  }
  bool any_total = false;
  for (const ytd_field& f : ytd_fields) any_total = any_total || (b.totals.*f.member).fen() != 0;
  if (any_total || !b.totals.pools.empty()) {
    root.key(root_fields[3]);
    json_object o{out};
    if (any_total) {
      for (const ytd_field& f : ytd_fields) o.str(f.name, (b.totals.*f.member).to_string());
    }
    if (!b.totals.pools.empty()) {
      o.key(ytd_keys[ytd_fields.size()]);
      yibao::detail::append_pool_totals(out, b.totals.pools);
    }
  }
  root.key(root_fields[4]);
  out += '[';
  for (std::size_t i = 0; i < b.lines.size(); ++i) {
    const line& l = b.lines[i];
    if (i > 0) out += ',';
    json_object o{out};
    o.str(line_fields[0], l.code);
    o.str(line_fields[1], l.name);
    if (l.cls) o.str(line_fields[2], to_string(*l.cls));
    if (l.selfpay_ratio) o.str(line_fields[3], format_fixed(l.selfpay_ratio->ppm(), ratio_kind.decimals));
    if (l.price_limit) o.str(line_fields[4], format_fixed(l.price_limit->micro, price_kind.decimals));
    o.str(line_fields[5], format_fixed(l.qty.ten_thousandths, quantity_kind.decimals));
    o.str(line_fields[6], format_fixed(l.unit_price.micro, price_kind.decimals));
    o.str(line_fields[7], l.amount.to_string());
  }
  out += ']';
}

}  // namespace yibao::io
