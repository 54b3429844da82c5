#include <fmt/format.h>

#include "core/json_writer.hpp"
#include "yibao/fields.hpp"
#include "yibao/settlement.hpp"

namespace yibao {
namespace detail {

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void append_pool_totals(std::string& out, const std::vector<pool_total>& pools) {
  json_object o{out};
  for (const pool_total& t : pools) {
    o.key(t.pool);
    json_object p{out};
    if (t.period_from != date{}) p.str("period_from", t.period_from.to_string());
    p.str("deductible_paid", t.deductible_paid.to_string());
    p.str("paid", t.paid.to_string());
    p.str("base", t.base.to_string());
  }
}

}  // namespace detail

namespace {

// The totals, then the named pools when there are any (so a settlement
// without them is written as before).
void write_ytd(std::string& out, const ytd& y) {
  detail::json_object o{out};
  for (const ytd_field& f : ytd_fields) o.str(f.name, (y.*f.member).to_string());
  if (!y.pools.empty()) {
    o.key("pools");
    detail::append_pool_totals(out, y.pools);
  }
}

// The settlement's money fields in table order: the outcome fields (after
// `eligible`) or all the others (before it).
void write_money(detail::json_object& o, const settlement& s, bool outcome) {
  for (const settlement_field& f : settlement_fields) {
    if ((f.part == field_part::outcome) == outcome) o.str(f.name, (s.*f.member).to_string());
  }
}

}  // namespace

auto to_json(const settlement& s) -> std::string {
  std::string out;
  out.reserve(2048);
  {
    detail::json_object o{out};
    o.str("bill_id", s.bill_id);
    o.str("tariff_id", s.tariff_id);
    o.str("filing", to_string(s.filed_as));
    o.raw("direct", s.direct ? "true" : "false");
    write_money(o, s, false);
    o.raw("eligible", s.eligible ? "true" : "false");
    o.str("ineligible_reason", s.ineligible_reason);
    write_money(o, s, true);
    o.key("claim_documents");
    out += '[';
    for (std::size_t i = 0; i < s.claim_documents.size(); ++i) {
      if (i) out += ',';
      detail::append_json_string(out, s.claim_documents[i]);
    }
    out += ']';
    o.key("setldetail");
    out += '[';
    for (std::size_t i = 0; i < s.funds.size(); ++i) {
      const fund_detail& f = s.funds[i];
      if (i) out += ',';
      detail::json_object d{out};
      d.str("fund", field_name(f.layer));
      d.str("layer", to_string(f.layer));
      d.str("inscp_scp_amt", f.base.to_string());
      d.str("deductible", f.deductible.to_string());
      d.str("fund_payamt", f.paid.to_string());
      d.raw("capped", f.capped ? "true" : "false");
      if (f.cap_left) {
        d.str("crt_payb_lmt_amt", f.cap_left->to_string());
      } else {
        d.raw("crt_payb_lmt_amt", "null");
      }
      if (!f.pool_name().empty()) {
        d.str("pool", f.pool_name());
        if (f.period_from != date{}) d.str("period_from", f.period_from.to_string());
      }
    }
    out += ']';
    o.key("ytd");
    write_ytd(out, s.ytd_after);
    o.str("setl_proc_info", setl_proc_info(s));
    if (!s.trace.empty()) {
      o.key("trace");
      out += '[';
      for (std::size_t i = 0; i < s.trace.size(); ++i) {
        const trace_step& t = s.trace[i];
        if (i) out += ',';
        detail::json_object d{out};
        d.str("step", t.step);
        d.str("rule", t.rule);
        d.str("where", t.where);
        d.str("source", t.source);
        d.str("detail", t.detail);
        d.str("exact", t.exact);
        d.str("value", t.value.to_string());
      }
      out += ']';
    }
  }
  return out;
}

auto setl_proc_info(const settlement& s) -> std::string {
  std::string out = fmt::format("总费用{} = 全自费{} + 超限价{} + 先行自付{} + 政策范围内{}; ", s.medfee_sumamt.to_string(),
                                s.fulamt_ownpay_amt.to_string(), s.overlmt_selfpay.to_string(),
                                s.preselfpay_amt.to_string(), s.inscp_scp_amt.to_string());
  if (!s.eligible) {
    out += "不予支付: " + s.ineligible_reason + "; ";
  } else {
    if (s.inscope_first_pay > money{}) out += fmt::format("政策内先自付{}; ", s.inscope_first_pay.to_string());
    out += fmt::format("起付线{}; ", s.act_pay_dedc.to_string());
    for (const fund_detail& f : s.funds) {
      out += fmt::format("{} 计入{} 支付{}", field_name(f.layer), f.base.to_string(), f.paid.to_string());
      if (!f.pool_name().empty()) out += fmt::format(" (基金池{})", f.pool_name());
      if (f.cap_left) out += fmt::format(" 剩余限额{}", f.cap_left->to_string());
      if (f.capped) out += " (封顶)";
      out += "; ";
    }
  }
  out += fmt::format("基金合计{}, 个人负担{} (个人账户{}, {}现金{})", s.fund_pay_sumamt.to_string(),
                     s.psn_part_amt.to_string(), s.acct_pay.to_string(),
                     s.acct_mulaid_pay > money{} ? fmt::format("共济账户{}, ", s.acct_mulaid_pay.to_string()) : "",
                     s.psn_cash_pay.to_string());
  if (!s.direct) out += fmt::format("; 未备案: 先全额垫付{}, 回参保地手工报销{}", s.pay_now.to_string(), s.claim_later.to_string());
  // The platform's field holds at most 4000 characters; cut on a UTF-8 boundary.
  constexpr std::size_t max_chars = 4000;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if ((static_cast<unsigned char>(out[i]) & 0xC0) != 0x80 && ++chars > max_chars) {
      out.resize(i);
      break;
    }
  }
  return out;
}

}  // namespace yibao
