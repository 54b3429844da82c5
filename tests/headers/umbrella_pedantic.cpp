// The whole public C++ API through the umbrella header alone, compiled with
// -Wall -Wextra -Wpedantic -Werror (issue #11 item 6): no compiler extension
// (__int128) and nothing private leaks into what is installed. Compiled in
// the tree (tests/CMakeLists.txt) and against the installed headers
// (tests/find_package).
#include <yibao/yibao.hpp>

// A type from each public header, so that dropping one from the umbrella fails here.
static_assert(sizeof(yibao::bill) > 0);                // bill.hpp
static_assert(sizeof(yibao::catalog) > 0);             // catalog.hpp
static_assert(sizeof(yibao::settle_options) > 0);      // engine.hpp
static_assert(sizeof(yibao::error) > 0);               // error.hpp
static_assert(sizeof(yibao::input_kind) > 0);          // input.hpp
static_assert(sizeof(yibao::money) > 0);               // money.hpp
static_assert(sizeof(yibao::settlement) > 0);          // settlement.hpp
static_assert(sizeof(yibao::sim::summary) > 0);        // simulate.hpp
static_assert(sizeof(yibao::tariff) > 0);              // tariff.hpp
static_assert(sizeof(yibao::tariff_set) > 0);          // tariff_set.hpp
[[maybe_unused]] static auto (*const version_fn)() noexcept -> const char* = &yibao::version;  // version.hpp

auto main() -> int { return yibao::divide_round(5, 2, yibao::rounding::half_even) == 2 ? 0 : 1; }
