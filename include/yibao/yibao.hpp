#pragma once
/// \file yibao.hpp
/// Umbrella header: the whole public C++ API.
#include "yibao/bill.hpp"        // IWYU pragma: export
#include "yibao/catalog.hpp"     // IWYU pragma: export
#include "yibao/engine.hpp"      // IWYU pragma: export
#include "yibao/error.hpp"       // IWYU pragma: export
#include "yibao/fields.hpp"      // IWYU pragma: export
#include "yibao/input.hpp"       // IWYU pragma: export
#include "yibao/money.hpp"       // IWYU pragma: export
#include "yibao/settlement.hpp"  // IWYU pragma: export
#include "yibao/simulate.hpp"    // IWYU pragma: export
#include "yibao/tariff.hpp"      // IWYU pragma: export
#include "yibao/tariff_set.hpp"  // IWYU pragma: export
#include "yibao/version.hpp"     // IWYU pragma: export
