#include "yibao/version.hpp"

#define YIBAO_STR2(x) #x
#define YIBAO_STR(x) YIBAO_STR2(x)

namespace yibao {
auto version() noexcept -> const char* {
  return YIBAO_STR(YIBAO_VERSION_MAJOR) "." YIBAO_STR(YIBAO_VERSION_MINOR) "." YIBAO_STR(YIBAO_VERSION_PATCH);
}
}  // namespace yibao
