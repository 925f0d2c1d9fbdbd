// WeCom's message crypto (企业微信加解密方案, developer.work.weixin.qq.com document 90968 /
// 91144), implemented from its documentation and checked against @wecom/crypto, the independent
// implementation WeCom publishes on npm.
//
//   key        base64(EncodingAESKey + "="): the 43-character key is 32 bytes
//   signature  sha1 hex of the sorted concatenation of token, timestamp, nonce and ciphertext
//   cipher     AES-256-CBC, IV = the key's first 16 bytes, PKCS#7 padding to 32-byte blocks,
//              over random(16) ‖ msg_len (4 bytes, big-endian) ‖ msg ‖ receiver id, base64
#pragma once

#include <string>
#include <string_view>

#include "pond/base/base64.h"  // standard base64 with padding, as WeCom's ciphertexts use it
#include "pond/base/status.h"

namespace pond::wecom {

// The 32-byte AES key of a 43-character EncodingAESKey; errors name "aes_key".
Result<std::string> AesKeyFrom(std::string_view encoding_aes_key);

// sha1(sort(token, timestamp, nonce, encrypted)) as 40 lower-case hex digits.
std::string Signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                      std::string_view encrypted);
// True when `signature` is that signature (compared in constant time).
bool SignatureMatches(std::string_view signature, std::string_view token,
                      std::string_view timestamp, std::string_view nonce,
                      std::string_view encrypted);

struct Plain {
  std::string message;
  std::string receiver_id;  // the corp id (or suite id) the message was for
};
// Decrypts a base64 ciphertext. Errors say what was wrong (base64, length, padding, lengths).
Result<Plain> Decrypt(std::string_view aes_key, std::string_view encrypted);
// Encrypts with the given 16 random bytes (tests) or fresh ones ("" = random).
Result<std::string> Encrypt(std::string_view aes_key, std::string_view message,
                            std::string_view receiver_id, std::string_view random16 = "");

}  // namespace pond::wecom
