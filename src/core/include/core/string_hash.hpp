#pragma once
// Private: the string hash of the catalog and of simulate's set of people.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace yibao::io {

// Item codes and ids are short ("D02633", "P00000001"): hash them with a few
// word loads and one multiply-xorshift mix per 8 bytes instead of std::hash's
// byte-oriented murmur loop. Used only for lookups (the catalog, the set of
// people seen by simulate), so its values never show in any output.
struct string_hash {
  using is_transparent = void;
  static auto load64(const char* p) noexcept -> std::uint64_t {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static auto load32(const char* p) noexcept -> std::uint64_t {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static auto mix(std::uint64_t h) noexcept -> std::uint64_t {  // splitmix64 finaliser
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
  }
  auto operator()(std::string_view s) const noexcept -> std::size_t {
    const char* p = s.data();
    std::size_t n = s.size();
    std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL);
    for (; n > 8; n -= 8, p += 8) h = (h ^ load64(p)) * 0xc4ceb9fe1a85ec53ULL, h ^= h >> 32;
    std::uint64_t tail = 0;  // the last 1..8 bytes (or none)
    if (n >= 4) {
      tail = load32(p) | (load32(p + n - 4) << 32);
    } else if (n > 0) {
      tail = static_cast<std::uint64_t>(static_cast<unsigned char>(p[0])) |
             (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
             (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16);
    }
    return static_cast<std::size_t>(mix(h ^ tail));
  }
};

}  // namespace yibao::io
