// Passwords: argon2id through libsodium's crypto_pwhash_str (its "interactive" limits: 2 passes
// over 64 MiB), so a stolen store gives no password back cheaply. The encoded hash carries its
// own salt and parameters.
#pragma once

#include <string>
#include <string_view>

#include "pond/base/status.h"

namespace pond::auth {

inline constexpr size_t kMinPasswordBytes = 8;
inline constexpr size_t kMaxPasswordBytes = 128;

// 8 to 128 bytes of valid UTF-8 without control characters; errors name `field`.
Status CheckPassword(std::string_view password, const char* field);
// The argon2id encoding ("$argon2id$v=19$m=65536,t=2,p=1$…") of a password CheckPassword allows.
Result<std::string> HashPassword(std::string_view password);
// Constant-time as far as argon2 is; false for a malformed hash.
bool VerifyPassword(const std::string& encoded, std::string_view password);
// A random password for first starts and resets: 16 characters from an unambiguous alphabet.
std::string RandomPassword();

}  // namespace pond::auth
