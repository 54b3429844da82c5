#pragma once
// The checks of a loaded tariff that need its resolved policy for every
// combination of person and visit, which the loader (one rule at a time)
// cannot make. `yibao check` prints them; they are not part of loading, so
// that `estimate`, `simulate`, the C API and Python load a tariff without
// enumerating its combinations.
#include <vector>

#include "yibao/error.hpp"
#include "yibao/tariff.hpp"

namespace yibao {

/// Warnings about `t`: a cap below a deductible set by another rule, a last
/// band with an upper edge under the "whole" method, adjusted rates clipped to
/// 0%..100%, rules that match no visit, and rules whose every setting a later
/// rule replaces. Each names the rule's position and key path. In the order of
/// their positions, the files `t` extends first (as the loader orders its own
/// diagnostics). When applying the rules overflows 64-bit fen (a figure the
/// loader's bounds let through), the result is instead one error at the
/// [tariff] table with `tariff_overflow_message` (tariff/combos.hpp).
[[nodiscard]] auto semantic_checks(const tariff& t) -> std::vector<diagnostic>;

}  // namespace yibao
