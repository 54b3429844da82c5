#include "layer_math.hpp"

#include "core/decimal_text.hpp"
#include "core/wide_math.hpp"

#include <fmt/format.h>

namespace yibao {

auto pay_layer(const layer_policy& lp, const layer_input& in, rounding mode, money paid_before) -> layer_output {
  layer_output out;
  if (!lp.bands.empty() && in.lo < in.hi) {
    const std::int64_t lo = in.lo.fen() - in.shift.fen();
    const std::int64_t hi = in.hi.fen() - in.shift.fen();
    const auto bands = lp.bands;
    if (lp.method == band_method::whole) {
      // The band the cumulative total falls in (upper edges inclusive) sets one
      // rate; a total above a bounded last band falls in no band and gets none,
      // as the same table would pay nothing there progressively.
      const band* chosen = nullptr;
      for (const band& b : bands) {
        if (!b.upto || hi <= b.upto->fen()) {
          chosen = &b;
          break;
        }
      }
      if (chosen != nullptr) out.exact_num = static_cast<__int128>(hi - lo) * lp.rate(*chosen).ppm();
    } else {
      // Progressive: each band's part at its own rate; the first band reaches down
      // to minus infinity so every eligible fen lies in some band.
      std::int64_t lower = INT64_MIN;
      for (const band& b : bands) {
        const std::int64_t upper = b.upto ? b.upto->fen() : INT64_MAX;
        const std::int64_t from = lo > lower ? lo : lower;
        const std::int64_t to = hi < upper ? hi : upper;
        if (to > from) out.exact_num += static_cast<__int128>(to - from) * lp.rate(b).ppm();
        if (upper >= hi) break;
        lower = upper;
      }
    }
  }
  // Almost every exact amount fits 64 bits, where a constant divisor spares
  // the 128-bit division.
  const auto narrow = static_cast<std::int64_t>(out.exact_num);
  out.rounded = money::from_fen(narrow == out.exact_num
                                    ? divide_round(narrow, ratio::one_ppm, mode)
                                    : static_cast<std::int64_t>(divide_round_wide(out.exact_num, ratio::one_ppm, mode)));
  apply_caps(lp, paid_before, out);
  return out;
}

void apply_caps(const layer_policy& lp, money paid_before, layer_output& out) {
  out.paid = out.rounded;
  out.capped = false;
  if (lp.visit_cap && out.paid > *lp.visit_cap) [[unlikely]] {
    out.paid = *lp.visit_cap;
    out.capped = true;
  }
  if (lp.cap) {
    const money left = max(money{}, *lp.cap - paid_before);
    if (out.paid > left) {
      out.paid = left;
      out.capped = true;
    }
    out.cap_left = left - out.paid;
  }
}

auto describe_layer(const layer_policy& lp, const layer_input& in, const layer_output& out) -> std::string {
  std::string bands;
  if (!lp.bands.empty()) {
    for (const band& b : lp.bands) {
      if (!bands.empty()) bands += ", ";
      bands += fmt::format("{}{}", b.upto ? "<=" + b.upto->to_string() + ": " : "rest: ", lp.rate(b).to_string());
    }
  }
  // Points are shown exactly, without floating point.
  const std::string pts = format_fixed(lp.adjustment.ppm() / 100, 2);
  std::string text = fmt::format("{} bands [{}] on {} .. {} ({}; adjustment {} points): exact {} -> {}", to_string(lp.method), bands,
                     (in.lo - in.shift).to_string(), (in.hi - in.shift).to_string(), to_string(lp.basis), pts, exact_yuan(out.exact_num),
                     out.rounded.to_string());
  if (lp.factor != ratio::one()) text += fmt::format(" (rates x {})", lp.factor.to_string());
  if (lp.visit_cap) text += fmt::format("; per-bill cap {}", lp.visit_cap->to_string());
  if (lp.cap) {
    text += fmt::format("; cap {}{} leaves {}{}", lp.cap->to_string(),
                        lp.cap_bonus > money{} ? fmt::format(" (with {} added for enrolment)", lp.cap_bonus.to_string()) : "",
                        out.cap_left->to_string(), out.capped ? " (cap reached)" : "");
  } else {
    text += out.capped ? " (per-bill cap reached); no annual cap" : "; no cap";
  }
  return text;
}

auto exact_yuan(__int128 fen_ppm) -> std::string {
  // fen x ppm = 1e-8 yuan; trailing zeros dropped down to two decimals.
  return decimal_trimmed(fen_ppm, 8, 2);
}

}  // namespace yibao
