#include "render.hpp"

#include <fmt/format.h>

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
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xF0) {
      len = 4, cp = c & 0x07U;
    } else if (c >= 0xE0) {
      len = 3, cp = c & 0x0FU;
    } else if (c >= 0xC0) {
      len = 2, cp = c & 0x1FU;
    }
    for (std::size_t k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3FU);
    }
    // East Asian wide ranges (CJK, fullwidth forms, Hangul): two columns.
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

auto pad_right(std::string_view text, std::size_t width) -> std::string {
  std::string out{text};
  for (std::size_t w = display_width(text); w < width; ++w) out += ' ';
  return out;
}

auto pad_left(std::string_view text, std::size_t width) -> std::string {
  std::string out;
  for (std::size_t w = display_width(text); w < width; ++w) out += ' ';
  return out + std::string{text};
}

namespace {

struct row {
  const char* zh;
  const char* en;
  money settlement::*field;
};

constexpr row fee_rows[] = {
    {"医疗费总额", "medfee_sumamt", &settlement::medfee_sumamt},
    {"全自费", "fulamt_ownpay_amt", &settlement::fulamt_ownpay_amt},
    {"超限价自费", "overlmt_selfpay", &settlement::overlmt_selfpay},
    {"先行自付", "preselfpay_amt", &settlement::preselfpay_amt},
    {"政策范围内", "inscp_scp_amt", &settlement::inscp_scp_amt},
};
constexpr row fund_rows[] = {
    {"起付线(个人负担)", "act_pay_dedc", &settlement::act_pay_dedc},
    {"政策内先行自付", "inscope_first_pay", &settlement::inscope_first_pay},
    {"统筹基金", "hifp_pay", &settlement::hifp_pay},
    {"大病保险", "hifmi_pay", &settlement::hifmi_pay},
    {"职工大额补助", "hifob_pay", &settlement::hifob_pay},
    {"医疗救助", "maf_pay", &settlement::maf_pay},
    {"基金支付合计", "fund_pay_sumamt", &settlement::fund_pay_sumamt},
};
constexpr row person_rows[] = {
    {"个人负担", "psn_part_amt", &settlement::psn_part_amt},
    {"个人账户支付", "acct_pay", &settlement::acct_pay},
    {"个人现金支付", "psn_cash_pay", &settlement::psn_cash_pay},
};
constexpr row result_rows[] = {
    {"现在支付", "pay now", &settlement::pay_now},
    {"以后报销", "get back later", &settlement::claim_later},
};

constexpr std::size_t label_width = 18;
constexpr std::size_t field_width = 19;
constexpr std::size_t value_width = 16;

void section(std::string& out, const char* title, const row* rows, std::size_t n,
             const std::vector<const settlement*>& columns) {
  out += title;
  out += '\n';
  for (std::size_t i = 0; i < n; ++i) {
    out += "  " + pad_right(rows[i].zh, label_width) + pad_right(rows[i].en, field_width);
    for (const settlement* s : columns) out += pad_left(((*s).*(rows[i].field)).to_string(), value_width);
    out += '\n';
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
  out += '\n' + pad_right("", 2 + label_width + field_width);
  for (const std::string& title : titles) out += pad_left(title, value_width);
  out += '\n';
  section(out, "费用构成 fee breakdown", fee_rows, std::size(fee_rows), columns);
  section(out, "基金支付 fund payments", fund_rows, std::size(fund_rows), columns);
  section(out, "个人负担 patient share", person_rows, std::size(person_rows), columns);
  section(out, "结果 result", result_rows, std::size(result_rows), columns);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const settlement& s = *columns[i];
    const std::string prefix = columns.size() > 1 ? "[" + titles[i] + "] " : "";
    out += '\n' + prefix;
    if (!s.eligible) out += "基金不予支付 no fund pays: " + terminal_safe(s.ineligible_reason) + "\n" + prefix;
    if (s.direct) {
      out += fmt::format("直接结算 direct settlement: you pay {} at the hospital ({} from your personal account, {} in "
                         "cash); the funds pay {}.\n",
                         s.psn_part_amt.to_string(), s.acct_pay.to_string(), s.psn_cash_pay.to_string(),
                         s.fund_pay_sumamt.to_string());
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
