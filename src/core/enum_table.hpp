#pragma once
// Private: text <-> enum tables shared by the to_string/parse functions.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace yibao::detail {

template <typename E, std::size_t N>
constexpr auto name_of(const std::array<std::string_view, N>& names, E v) noexcept -> std::string_view {
  const auto i = static_cast<std::size_t>(v);
  return i < N ? names[i] : std::string_view{"?"};
}

template <typename E, std::size_t N>
constexpr auto parse_enum(const std::array<std::string_view, N>& names, std::string_view text) noexcept
    -> std::optional<E> {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace yibao::detail
