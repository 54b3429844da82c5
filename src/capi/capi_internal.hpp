#pragma once
// Private pieces of the C API (src/capi): the handle structs, the thread-local
// last error and the guard that turns every C++ exception into a status.

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "yibao/catalog.hpp"
#include "yibao/engine.hpp"
#include "yibao/error.hpp"
#include "yibao/input.hpp"
#include "yibao/settlement.hpp"
#include "yibao/tariff.hpp"
#include "yibao/tariff_set.hpp"
#include "yibao/yibao.h"

namespace yibao::capi {

/// What a tariff handle holds: one tariff (yibao_tariff_load_text, _file), or
/// the versions of one place (yibao_tariff_load_set); exactly one is set.
struct tariff_ref {
  std::shared_ptr<const tariff> one;
  std::shared_ptr<const tariff_set> versions;

  /// Settles `b` under the tariff, or under the version in force on its date.
  [[nodiscard]] auto settle(const catalog& c, const bill& b, const settle_options& opts) const
      -> result<settlement>;
};

}  // namespace yibao::capi

// The opaque handles. Tariffs and catalogs are shared (the business-handle
// registry keeps its own reference) and immutable.
struct yibao_tariff {
  yibao::capi::tariff_ref t;
};
struct yibao_catalog {
  std::shared_ptr<const yibao::catalog> c;
};
struct yibao_settlement {
  yibao::settlement s;
};

namespace yibao::capi {

/// Sets the thread's last error (never throws; falls back to a static text).
auto fail(yibao_status code, std::string_view message) noexcept -> yibao_status;
/// Clears the thread's last error (the start of every call).
void clear_error() noexcept;

/// The status of an engine error code.
[[nodiscard]] auto status_of(errc code) noexcept -> yibao_status;
/// Records `e` (all its diagnostics, one per line, or its message) and
/// returns its status.
auto fail(const error& e) noexcept -> yibao_status;

/// Reads a whole regular file within the size limit of its kind
/// (yibao/input.hpp); a FIFO or device is refused (it could block the caller).
[[nodiscard]] auto read_file(const std::string& path, input_kind kind) -> result<std::string>;

/// Loads a tariff / catalog file (shared by the handle API and the registry).
/// A FIFO or device is refused, as by read_file.
[[nodiscard]] auto load_tariff_file(const std::string& path) -> result<std::shared_ptr<const tariff>>;
[[nodiscard]] auto load_catalog_file(const std::string& path) -> result<std::shared_ptr<const catalog>>;
/// Loads the versions of one place from tariff files and directories
/// (yibao::load_tariff_set); a path naming a FIFO or device is refused.
[[nodiscard]] auto load_tariff_set(const std::vector<std::string>& paths) -> result<std::shared_ptr<const tariff_set>>;

/// The "this version or older" rule of the versioned structs (yibao.h): an
/// error at `path` ("version", "options.version") for version 0 or one newer
/// than `current` (the library's `macro`).
[[nodiscard]] auto check_struct_version(unsigned version, unsigned current, std::string_view macro,
                                        std::string_view path) -> std::optional<error>;

/// A struct of the current layout from one of an older, smaller layout of
/// `size` bytes at `p`: its bytes over `defaults` (the fields the older
/// version lacks keep their defaults). Versioned structs only grow at the end.
template <typename T>
[[nodiscard]] auto upgraded(const void* p, std::size_t size, T defaults) noexcept -> T {
  std::memcpy(&defaults, p, size < sizeof(T) ? size : sizeof(T));
  return defaults;
}

/// The size of yibao_bill_c in layout `version` (1..YIBAO_BILL_VERSION).
[[nodiscard]] auto bill_struct_size(unsigned version) noexcept -> std::size_t;

/// Converts C structs into a bill, with the checks of the JSON contract.
[[nodiscard]] auto bill_from_c(const yibao_bill_c& in) -> result<bill>;

/// Runs `f` (returning yibao_status) with the last error cleared; turns any
/// exception into a status and a message. Nothing escapes.
template <typename F>
auto guarded(F&& f) noexcept -> yibao_status {
  try {
    clear_error();
    return f();
  } catch (const std::bad_alloc&) {
    return fail(YIBAO_ENOMEM, "out of memory");
  } catch (const std::overflow_error& e) {
    return fail(YIBAO_EINTERNAL, std::string_view{e.what()});
  } catch (const std::exception& e) {
    return fail(YIBAO_EINTERNAL, std::string_view{e.what()});
  } catch (...) {
    return fail(YIBAO_EINTERNAL, "unknown exception");
  }
}

}  // namespace yibao::capi
