// Sealing: libsodium's secretbox (XSalsa20-Poly1305) for what pond keeps secret at rest — the
// personal data in the store (sealed_store.h), the snapshot, WeCom's settings — and the key
// files that hold its keys. A sealed value is nonce ‖ MAC ‖ ciphertext.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pond/base/status.h"

namespace pond {

inline constexpr size_t kSealKeyBytes = 32;

// The 32-byte key in `path`, created from random bytes with mode 0600 when the file is absent.
// Two processes creating it at once agree on one key (the loser reads the winner's file).
Result<std::string> ReadOrCreateKeyFile(const std::string& path);

// 32 random bytes: a new data key.
std::string RandomKey();

// A fresh nonce each time (a random per-process prefix and a counter): sealing the same text
// twice gives different bytes.
std::string SealBytes(std::string_view plain, std::string_view key);

// The nonce is a keyed hash of the text, so equal texts seal to equal bytes: a blind index that
// still opens. Only for short identifiers looked up by value (a phone, a unionid); it reveals
// which rows hold the same value and nothing else.
// `blind_key` is BlindIndexKey(key), computed once per key by callers that seal many values.
std::string SealDeterministic(std::string_view plain, std::string_view key);
std::string SealDeterministic(std::string_view plain, std::string_view key,
                              std::string_view blind_key);
std::string BlindIndexKey(std::string_view key);

// The text, or an error when `sealed` was not sealed with `key` or was changed since.
Result<std::string> OpenBytes(std::string_view sealed, std::string_view key);

// A subkey for one purpose (`context`: exactly 8 characters, "snapshot"), so one master key
// never encrypts two kinds of thing.
std::string DeriveKey(std::string_view master, uint64_t id, const char (&context)[9]);

}  // namespace pond
