#pragma once
/// \file version.hpp
#define YIBAO_VERSION_MAJOR 0
#define YIBAO_VERSION_MINOR 1
#define YIBAO_VERSION_PATCH 0
namespace yibao {
/// "MAJOR.MINOR.PATCH" of the library linked in.
[[nodiscard]] auto version() noexcept -> const char*;
}  // namespace yibao
