// What every fuzz target shares: the libFuzzer entry point it defines, and an oracle check that
// aborts (so that both libFuzzer and the corpus replay in `make test` report it) with a message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace pond::fuzz {

inline void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz oracle broken: %s\n", what);
  std::abort();
}

inline std::string_view View(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace pond::fuzz
