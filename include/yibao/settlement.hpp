#pragma once
/// \file settlement.hpp
/// The result of settling one bill, with the national platform's field names.

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string_view>
#include <string>
#include <vector>

#include "yibao/bill.hpp"
#include "yibao/error.hpp"
#include "yibao/money.hpp"
#include "yibao/tariff.hpp"

namespace yibao {

/// One fund's part (the platform's `setldetail` entry).
struct fund_detail {
  layer_id layer = layer_id::basic;
  money base;           ///< amount that entered this layer (in-scope self-pay left)
  money deductible;     ///< deductible borne in this layer on this bill
  money paid;           ///< fund_payamt
  bool capped = false;  ///< the cap limited the payment
  std::optional<money> cap_left;  ///< crt_payb_lmt_amt: cap left after this bill (none: no cap)
  /// The named pool the layer drew from (docs/tariff-format.md "Pools"), NUL
  /// terminated; empty: the layer's built-in pool. Held inline (a pool name
  /// has at most 31 bytes), so settling allocates nothing for it.
  std::array<char, 32> pool{};
  date period_from;  ///< first day of the pool's period (a named pool; zero for a per-bill pool)
  [[nodiscard]] auto pool_name() const noexcept -> std::string_view { return pool.data(); }
};

/// The fund parts of one settlement, in layer order, at most one per layer.
/// Held inline: settling a bill allocates nothing for them.
class fund_list {
 public:
  using value_type = fund_detail;
  using const_iterator = const fund_detail*;

  [[nodiscard]] auto size() const noexcept -> std::size_t { return size_; }
  [[nodiscard]] auto empty() const noexcept -> bool { return size_ == 0; }
  /// The i-th part; `i < size()`.
  [[nodiscard]] auto operator[](std::size_t i) const noexcept -> const fund_detail& { return items_[i]; }
  [[nodiscard]] auto begin() const noexcept -> const_iterator { return items_.data(); }
  [[nodiscard]] auto end() const noexcept -> const_iterator { return items_.data() + size_; }
  /// Appends a layer's part. Throws `std::length_error` past one per layer (a
  /// broken invariant).
  void push_back(const fund_detail& f) {
    if (size_ == items_.size()) throw std::length_error("yibao: more fund parts than layers");
    items_[size_++] = f;
  }

 private:
  std::array<fund_detail, layer_count> items_{};
  std::size_t size_ = 0;
};

/// One step of the trace: which rule, from where, the exact amount and the
/// rounded one.
struct trace_step {
  std::string step;    ///< "classify", "eligibility", "deductible", "basic", ...
  std::string rule;    ///< rule label(s) that set the values
  std::string where;   ///< tariff file:line:column of the rule
  std::string source;  ///< citation
  std::string detail;  ///< plain text: what was computed and why
  std::string exact;   ///< exact value before rounding (decimal, "" if exact already)
  money value;         ///< the amount after rounding
};

struct settlement {
  std::string bill_id;
  std::string tariff_id;
  filing filed_as = filing::long_term;  ///< the filing this settlement assumed
  bool direct = true;  ///< settled at the hospital (filed or local); false: unfiled

  money medfee_sumamt;      ///< total of the bill
  money fulamt_ownpay_amt;  ///< class C / self-pay items
  money overlmt_selfpay;    ///< parts above price limits
  money preselfpay_amt;     ///< B-class (and own-share) first-pay
  money inscp_scp_amt;      ///< in scope
  money inscope_first_pay;  ///< in-scope share borne first by the patient (tariff `first_pay`)
  money act_pay_dedc;       ///< deductible actually borne
  money hifp_pay, hifmi_pay, hifob_pay, maf_pay;
  money oth_pay;            ///< other funds (zero: no other fund is modelled yet)
  money fund_pay_sumamt;
  money psn_part_amt;
  money acct_pay;          ///< from the person's own account (both pots, and the first segment)
  money acct_mulaid_pay;   ///< from a relative's account (家庭共济)
  money psn_cash_pay;

  bool eligible = true;
  std::string ineligible_reason;

  money pay_now;      ///< what the patient pays at the hospital
  money claim_later;  ///< what they get back later (unfiled only)
  std::vector<std::string> claim_documents;

  fund_list funds;                 ///< per fund layer that was active
  ytd ytd_after;                   ///< year-to-date totals after this bill
  std::vector<trace_step> trace;   ///< empty unless requested
};

/// The settlement as JSON (money as decimal strings with two decimals, the
/// national field names, `ytd`, `setldetail`, and `trace` when present).
[[nodiscard]] auto to_json(const settlement& s) -> std::string;

/// A plain-text account of the calculation like the platform's
/// `setl_proc_info`, at most 4000 characters.
[[nodiscard]] auto setl_proc_info(const settlement& s) -> std::string;

}  // namespace yibao
