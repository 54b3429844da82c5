#pragma once
/// \file fields.hpp
/// The one table of a settlement's money fields and of the year-to-date
/// totals: national name, member and meaning. Every writer and reader of
/// these fields iterates it (the settlement JSON, the C API getters, the
/// simulate output and summary, the Python columns, the bill readers' `ytd`),
/// so adding a field is one entry here plus its computation in `settle`.
/// The order of the entries is the output order.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "yibao/bill.hpp"
#include "yibao/money.hpp"
#include "yibao/settlement.hpp"

namespace yibao {

/// Where a settlement field belongs: the platform's split of the bill's total
/// (`fee`), what the funds pay (`fund`), the patient's share (`patient`), and
/// how the patient pays it (`outcome`; written after `eligible` in the JSON).
enum class field_part : std::uint8_t { fee, fund, patient, outcome };

/// One money field of `settlement`.
struct settlement_field {
  std::string_view name;         ///< the national platform's name (JSON key, CSV column, C getter)
  money settlement::*member;     ///< where the value lives
  field_part part;
  std::string_view meaning;      ///< what the amount is
};

/// The settlement's money fields, in output order.
inline constexpr std::array settlement_fields{
    settlement_field{"medfee_sumamt", &settlement::medfee_sumamt, field_part::fee, "total of the bill"},
    settlement_field{"fulamt_ownpay_amt", &settlement::fulamt_ownpay_amt, field_part::fee,
                     "class C and fully self-paid items"},
    settlement_field{"overlmt_selfpay", &settlement::overlmt_selfpay, field_part::fee, "parts above price limits"},
    settlement_field{"preselfpay_amt", &settlement::preselfpay_amt, field_part::fee,
                     "class B (and own-share) first pay"},
    settlement_field{"inscp_scp_amt", &settlement::inscp_scp_amt, field_part::fee, "amount inside the policy scope"},
    settlement_field{"inscope_first_pay", &settlement::inscope_first_pay, field_part::fund,
                     "in-scope share borne first by the patient (tariff first_pay)"},
    settlement_field{"act_pay_dedc", &settlement::act_pay_dedc, field_part::fund, "deductible actually borne"},
    settlement_field{"hifp_pay", &settlement::hifp_pay, field_part::fund, "basic pooled fund payment"},
    settlement_field{"hifmi_pay", &settlement::hifmi_pay, field_part::fund, "critical-illness insurance payment"},
    settlement_field{"hifob_pay", &settlement::hifob_pay, field_part::fund, "employees' large-expense subsidy"},
    settlement_field{"maf_pay", &settlement::maf_pay, field_part::fund, "medical assistance payment"},
    settlement_field{"oth_pay", &settlement::oth_pay, field_part::fund, "other funds' payment (zero for now)"},
    settlement_field{"fund_pay_sumamt", &settlement::fund_pay_sumamt, field_part::fund, "total paid by the funds"},
    settlement_field{"psn_part_amt", &settlement::psn_part_amt, field_part::patient, "the patient's total share"},
    settlement_field{"acct_pay", &settlement::acct_pay, field_part::patient, "paid from the personal account"},
    settlement_field{"acct_mulaid_pay", &settlement::acct_mulaid_pay, field_part::patient,
                     "paid from a relative's account (家庭共济)"},
    settlement_field{"psn_cash_pay", &settlement::psn_cash_pay, field_part::patient, "paid in cash"},
    settlement_field{"pay_now", &settlement::pay_now, field_part::outcome, "what the patient pays at the hospital"},
    settlement_field{"claim_later", &settlement::claim_later, field_part::outcome,
                     "what the patient claims back later (unfiled only)"},
};

/// One year-to-date total (a member of `ytd`).
struct ytd_field {
  std::string_view name;  ///< key in the bill's and the settlement's `ytd` object
  money ytd::*member;
  std::string_view meaning;
};

/// The year-to-date totals, in output order.
inline constexpr std::array ytd_fields{
    ytd_field{"deductible_paid", &ytd::deductible_paid, "annual deductible already borne this year"},
    ytd_field{"hifp_paid", &ytd::hifp_paid, "paid by the basic pooled fund this year"},
    ytd_field{"hifmi_paid", &ytd::hifmi_paid, "paid by critical-illness insurance this year"},
    ytd_field{"hifob_paid", &ytd::hifob_paid, "paid by the large-expense subsidy this year"},
    ytd_field{"maf_paid", &ytd::maf_paid, "paid by medical assistance this year"},
    ytd_field{"hifp_base", &ytd::hifp_base, "amount placed on the basic fund's band scale this year"},
    ytd_field{"hifmi_base", &ytd::hifmi_base, "amount placed on critical-illness insurance's band scale"},
    ytd_field{"hifob_base", &ytd::hifob_base, "amount placed on the large-expense subsidy's band scale"},
    ytd_field{"maf_base", &ytd::maf_base, "amount placed on medical assistance's band scale"},
};

/// The entry of `member`, e.g. `settlement_field_of(&settlement::hifp_pay).name`;
/// a member missing from the table does not compile.
consteval auto settlement_field_of(money settlement::*member) -> const settlement_field& {
  for (const settlement_field& f : settlement_fields) {
    if (f.member == member) return f;
  }
  throw "yibao: member missing from settlement_fields";
}

/// The entry of a settlement field by national name (in the static table,
/// never dangling), or null.
constexpr auto find_settlement_field(std::string_view name) noexcept -> const settlement_field* {
  for (const settlement_field& f : settlement_fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

/// The entry of a year-to-date total by name (in the static table), or null.
constexpr auto find_ytd_field(std::string_view name) noexcept -> const ytd_field* {
  for (const ytd_field& f : ytd_fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace yibao
