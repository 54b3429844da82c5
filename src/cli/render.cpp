#include "render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "yibao/fields.hpp"

namespace yibao::cli {

auto terminal_safe(std::string_view text, bool keep_newlines) -> std::string {
  std::string out;
  out.reserve(text.size());
  auto escape = [&out](unsigned char c) { out += fmt::format("\\x{:02X}", c); };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == '\n' && keep_newlines) {
        out += '\n';
      } else if (c < 0x20 || c == 0x7F) {
        escape(c);
      } else if (c == '\\') {
        out += "\\\\";
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A well-formed UTF-8 sequence (no overlong forms, surrogates or C1
    // controls) is kept; any other byte is escaped on its own.
    const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    bool ok = len != 0 && c <= 0xF4 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xC0U) == 0x80;
    if (ok) {
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      if (c == 0xC2 && c1 < 0xA0) ok = false;                    // C1 controls U+0080-U+009F
      if (c == 0xE0 && c1 < 0xA0) ok = false;                    // overlong
      if (c == 0xED && c1 >= 0xA0) ok = false;                   // surrogates
      if (c == 0xF0 && c1 < 0x90) ok = false;                    // overlong
      if (c == 0xF4 && c1 >= 0x90) ok = false;                   // past U+10FFFF
    }
    if (!ok) {
      escape(c);
      ++i;
      continue;
    }
    out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

auto display_width(std::string_view text) -> std::size_t {
  // fmt pads to a width counted in terminal columns (East Asian wide
  // characters count 2): pad to more columns than the text can take and see
  // how many spaces it added, so that measuring and padding agree.
  const std::size_t room = 2 * text.size() + 1;
  return room - (fmt::formatted_size("{:<{}}", text, room) - text.size());
}

namespace {

// Chinese labels for the settlement fields, by section (field_part), in the
// order shown; `en` replaces the national name where set. A field of the
// table without a label here follows its section's labelled rows, under its
// national name.
struct label {
  money settlement::*member;
  const char* zh;
  const char* en = nullptr;
};

constexpr label labels[] = {
    {&settlement::medfee_sumamt, "医疗费总额"},
    {&settlement::fulamt_ownpay_amt, "全自费"},
    {&settlement::overlmt_selfpay, "超限价自费"},
    {&settlement::preselfpay_amt, "先行自付"},
    {&settlement::inscp_scp_amt, "政策范围内"},
    {&settlement::act_pay_dedc, "起付线(个人负担)"},
    {&settlement::inscope_first_pay, "政策内先行自付"},
    {&settlement::hifp_pay, "统筹基金"},
    {&settlement::hifmi_pay, "大病保险"},
    {&settlement::hifob_pay, "职工大额补助"},
    {&settlement::maf_pay, "医疗救助"},
    {&settlement::oth_pay, "其他支付"},
    {&settlement::fund_pay_sumamt, "基金支付合计"},
    {&settlement::psn_part_amt, "个人负担"},
    {&settlement::acct_pay, "个人账户支付"},
    {&settlement::acct_mulaid_pay, "共济账户支付"},
    {&settlement::psn_cash_pay, "个人现金支付"},
    {&settlement::pay_now, "现在支付", "pay now"},
    {&settlement::claim_later, "以后报销", "get back later"},
};

constexpr std::size_t label_width = 18;
constexpr std::size_t field_width = 19;
constexpr std::size_t value_width = 16;

void row(std::string& out, std::string_view zh, std::string_view en, money settlement::*member,
         const std::vector<const settlement*>& columns) {
  out += fmt::format("  {:<{}}{:<{}}", zh, label_width, en, field_width);
  for (const settlement* s : columns) out += fmt::format("{:>{}}", ((*s).*member).to_string(), value_width);
  out += '\n';
}

void section(std::string& out, const char* title, field_part part, const std::vector<const settlement*>& columns) {
  out += title;
  out += '\n';
  const auto labelled = [](const settlement_field& f) {
    return std::any_of(std::begin(labels), std::end(labels), [&f](const label& l) { return l.member == f.member; });
  };
  for (const label& l : labels) {
    const settlement_field* f = nullptr;
    for (const settlement_field& e : settlement_fields) {
      if (e.member == l.member) f = &e;
    }
    if (f == nullptr || f->part != part) continue;
    row(out, l.zh, l.en != nullptr ? std::string_view{l.en} : f->name, l.member, columns);
  }
  for (const settlement_field& f : settlement_fields) {
    if (f.part == part && !labelled(f)) row(out, "", f.name, f.member, columns);
  }
}

}  // namespace

auto render_breakdown(const tariff& t, const bill& b, const std::vector<const settlement*>& columns,
                      const std::vector<std::string>& titles) -> std::string {
  std::string out;
  out += fmt::format("账单 bill {} · 参保人 person {} · 政策 tariff {} ({})\n", terminal_safe(b.id),
                     terminal_safe(b.who.id), terminal_safe(t.info.id), terminal_safe(t.info.name));
  out += fmt::format("就医 visit: {} {}{}, {}, level {}, {}{}, {}\n", to_string(b.who.scheme_),
                     to_string(b.who.status_),
                     b.who.group_ == group::none ? "" : fmt::format(" ({})", to_string(b.who.group_)),
                     to_string(b.at.type), b.at.level, to_string(b.at.where),
                     b.at.where == location::local ? "" : fmt::format(" ({})", to_string(b.at.filed)),
                     b.at.on.to_string());
  out += fmt::format("\n{:{}}", "", 2 + label_width + field_width);
  for (const std::string& title : titles) out += fmt::format("{:>{}}", title, value_width);
  out += '\n';
  section(out, "费用构成 fee breakdown", field_part::fee, columns);
  section(out, "基金支付 fund payments", field_part::fund, columns);
  section(out, "个人负担 patient share", field_part::patient, columns);
  section(out, "结果 result", field_part::outcome, columns);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const settlement& s = *columns[i];
    const std::string prefix = columns.size() > 1 ? "[" + titles[i] + "] " : "";
    out += '\n' + prefix;
    if (!s.eligible) out += "基金不予支付 no fund pays: " + terminal_safe(s.ineligible_reason) + "\n" + prefix;
    if (s.direct) {
      out += fmt::format("直接结算 direct settlement: you pay {} at the hospital ({} from your personal account, {}{} in "
                         "cash); the funds pay {}.\n",
                         s.psn_part_amt.to_string(), s.acct_pay.to_string(),
                         s.acct_mulaid_pay > money{}
                             ? fmt::format("{} from a relative's account, ", s.acct_mulaid_pay.to_string())
                             : "",
                         s.psn_cash_pay.to_string(), s.fund_pay_sumamt.to_string());
    } else {
      out += fmt::format("未备案 unfiled: you pay all {} at the hospital now and claim {} back later at your insured "
                         "place (手工报销).\n",
                         s.medfee_sumamt.to_string(), s.claim_later.to_string());
      if (!s.claim_documents.empty()) {
        out += prefix + "报销材料 documents for the claim:\n";
        for (const std::string& d : s.claim_documents) out += prefix + "  - " + terminal_safe(d) + "\n";
      }
    }
    out += prefix + "why: " + terminal_safe(setl_proc_info(s)) + "\n";
  }
  return out;
}

auto render_trace(const settlement& s) -> std::string {
  std::string out = fmt::format("trace of bill {} under {} (filing {}):\n", terminal_safe(s.bill_id),
                                terminal_safe(s.tariff_id), to_string(s.filed_as));
  int n = 0;
  for (const trace_step& t : s.trace) {
    out += fmt::format("{:>3}. [{}] {}\n", ++n, terminal_safe(t.step), terminal_safe(t.detail));
    // Several rules may stand behind one step: one line each.
    auto each = [&out](const std::string& list, std::string_view sep, const char* label) {
      std::size_t from = 0;
      while (from < list.size()) {
        std::size_t to = list.find(sep, from);
        if (to == std::string::npos) to = list.size();
        out += fmt::format("     {} {}\n", label, terminal_safe(std::string_view{list}.substr(from, to - from)));
        from = to + sep.size();
      }
    };
    if (t.step == "classify") {
      if (!t.rule.empty()) out += fmt::format("     class {} (from the {})\n", terminal_safe(t.rule), terminal_safe(t.source));
    } else {
      each(t.rule, "; ", "rule:");
      each(t.source, " | ", "from:");
    }
    if (!t.exact.empty()) out += fmt::format("     exact {} -> rounded {}\n", terminal_safe(t.exact), t.value.to_string());
  }
  return out;
}

}  // namespace yibao::cli
