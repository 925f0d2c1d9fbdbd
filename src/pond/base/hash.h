// Stable hashes (the same across builds and platforms, unlike std::hash): FNV-1a for ids that
// are persisted or must match between runs, and splitmix64 for deterministic draws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pond {

inline constexpr uint64_t kFnv1aOffset = 1469598103934665603ULL;

// Hashes `s`, continuing from `h` so that pieces can be hashed as if concatenated.
inline uint64_t Fnv1a64(std::string_view s, uint64_t h = kFnv1aOffset) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// splitmix64's finaliser: spreads the bits of `x` (a seed, a counter) into a stable,
// well-mixed 64-bit value. For deterministic draws that must replay the same way.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// `v` as 16 lower-case hex digits, most significant first: a stable hash in an id.
inline std::string Hex64(uint64_t v) {
  std::string out(16, '0');
  for (size_t i = 16; i-- > 0; v >>= 4) out[i] = "0123456789abcdef"[v & 0xf];
  return out;
}

}  // namespace pond
