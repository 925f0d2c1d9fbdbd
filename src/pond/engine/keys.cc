#include "pond/engine/keys.h"

#include <sodium.h>

#include <cstdlib>

namespace pond {
namespace {

void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();  // no randomness source: nothing safe can be done
}

}  // namespace

std::string RandomHex(size_t bytes) {
  EnsureSodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                 raw.size());
  hex.pop_back();
  return hex;
}

std::string GenerateKeySecret(KeyKind kind) {
  return "pond_" + std::string(KeyKindName(kind)) + "_" + RandomHex(20);
}

std::string HashKeySecret(const std::string& secret) {
  EnsureSodium();
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string RandomId(const char* prefix) { return std::string(prefix) + RandomHex(8); }

}  // namespace pond
