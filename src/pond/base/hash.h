// FNV-1a, 64-bit: a stable hash (the same across builds and platforms, unlike std::hash) for
// ids that are persisted or must match between runs.
#pragma once

#include <cstdint>
#include <string_view>

namespace pond {

inline constexpr uint64_t kFnv1aOffset = 1469598103934665603ULL;

// Hashes `s`, continuing from `h` so that pieces can be hashed as if concatenated.
inline uint64_t Fnv1a64(std::string_view s, uint64_t h = kFnv1aOffset) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace pond
