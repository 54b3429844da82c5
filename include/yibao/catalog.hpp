#pragma once
/// \file catalog.hpp
/// The catalog of the place of treatment: item code -> class, B first-pay
/// ratio, price limit. Loaded from CSV (docs/catalog-format.md).

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "yibao/bill.hpp"
#include "yibao/error.hpp"
#include "yibao/money.hpp"

namespace yibao {

struct catalog_entry {
  item_class cls = item_class::C;
  std::optional<ratio> selfpay_ratio;  ///< absent: the tariff's B default
  std::optional<price> price_limit;    ///< per unit; absent: no limit
  std::string name;
};

/// Immutable after load; safe to share across threads.
class catalog {
 public:
  catalog();
  ~catalog();
  catalog(catalog&&) noexcept;
  auto operator=(catalog&&) noexcept -> catalog&;

  /// Looks an item up; nullptr if absent. The entry is not copied: the
  /// pointer is into the catalog and valid while the catalog lives (also
  /// after the catalog is moved); `add` with the same code replaces what it
  /// points to.
  [[nodiscard]] auto find(std::string_view code) const noexcept -> const catalog_entry*;
  [[nodiscard]] auto size() const noexcept -> std::size_t;
  /// Adds or replaces an entry (used by loaders and tests).
  void add(std::string code, catalog_entry entry);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Parses catalog CSV text. Header (any column order, names exact):
/// `code,name,class,selfpay_ratio,price_limit` (`name`, `selfpay_ratio`,
/// `price_limit` may be empty). `file` names the source in diagnostics.
/// All bad rows are reported (file:line:column) in `error::diagnostics`.
[[nodiscard]] auto parse_catalog_csv(std::string_view text, std::string_view file) -> result<catalog>;

}  // namespace yibao
