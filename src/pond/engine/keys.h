// API key secrets: random, shown once, stored only as a BLAKE2b-256 hash (libsodium). Keys are
// high-entropy random strings, so a fast keyed-free hash is the right tool here; passwords
// (when users arrive) get argon2id instead.
#pragma once

#include <string>

#include "pond/model/workspace.h"

namespace pond {

// "pond_write_<40 hex>" or "pond_admin_<40 hex>".
std::string GenerateKeySecret(KeyKind kind);
// Hex BLAKE2b-256 of the secret.
std::string HashKeySecret(const std::string& secret);
// `bytes` random bytes as lower-case hex.
std::string RandomHex(size_t bytes);
// "key_<16 hex>" / "chn_<16 hex>": random public ids.
std::string RandomId(const char* prefix);

}  // namespace pond
