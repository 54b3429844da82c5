// The catalog of the place of treatment (include/yibao/catalog.hpp): a hash
// map from item code to entry. Its CSV loader is in the formats layer
// (src/formats/catalog_csv.cpp).

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/string_hash.hpp"

#include "yibao/catalog.hpp"

namespace yibao {

struct catalog::impl {
  std::unordered_map<std::string, catalog_entry, io::string_hash, std::equal_to<>> items;
};

catalog::catalog() : impl_{std::make_unique<impl>()} {}
catalog::~catalog() = default;
catalog::catalog(catalog&&) noexcept = default;
auto catalog::operator=(catalog&&) noexcept -> catalog& = default;

auto catalog::find(std::string_view code) const noexcept -> const catalog_entry* {
  if (!impl_) return nullptr;  // moved-from
  const auto it = impl_->items.find(code);
  return it == impl_->items.end() ? nullptr : &it->second;
}

auto catalog::size() const noexcept -> std::size_t { return impl_ ? impl_->items.size() : 0; }

void catalog::add(std::string code, catalog_entry entry) {
  if (!impl_) impl_ = std::make_unique<impl>();
  impl_->items.insert_or_assign(std::move(code), std::move(entry));
}

}  // namespace yibao
