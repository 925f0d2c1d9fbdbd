#include "pond/channels/wecom/wecom_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <memory>

namespace pond::wecom {
namespace {

constexpr size_t kBlock = 32;  // WeCom pads to 32 bytes, not AES's 16

// AES-256-CBC over whole blocks, no padding of OpenSSL's own.
Result<std::string> Cbc(std::string_view key, std::string_view in, bool encrypt) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  if (!ctx ||
      EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, k, k, encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return Status::Internal("AES-256-CBC is not available");
  }
  std::string out(in.size() + 16, '\0');
  int n = 0, tail = 0;
  if (EVP_CipherUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n,
                       reinterpret_cast<const unsigned char*>(in.data()),
                       static_cast<int>(in.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &tail) != 1) {
    return FieldError("encrypt", "the AES-256-CBC blocks do not decrypt");
  }
  out.resize(static_cast<size_t>(n + tail));
  return out;
}

}  // namespace

Result<std::string> AesKeyFrom(std::string_view encoding_aes_key) {
  if (encoding_aes_key.size() != 43 ||
      !std::all_of(encoding_aes_key.begin(), encoding_aes_key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '+' || c == '/';
      })) {
    return FieldError("aes_key", "WeCom's EncodingAESKey: 43 letters, digits, '+' or '/'");
  }
  ASSIGN_OR_RETURN(std::string key, Base64Decode(std::string(encoding_aes_key) + "=", "aes_key"));
  if (key.size() != 32) return FieldError("aes_key", "does not decode to 32 bytes");
  return key;
}

std::string Signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                      std::string_view encrypted) {
  std::array<std::string_view, 4> parts{token, timestamp, nonce, encrypted};
  std::sort(parts.begin(), parts.end());
  std::string joined;
  for (std::string_view p : parts) joined += p;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(joined.data()), joined.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

bool SignatureMatches(std::string_view signature, std::string_view token,
                      std::string_view timestamp, std::string_view nonce,
                      std::string_view encrypted) {
  const std::string expected = Signature(token, timestamp, nonce, encrypted);
  return signature.size() == expected.size() &&
         CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0;
}

Result<Plain> Decrypt(std::string_view aes_key, std::string_view encrypted) {
  if (aes_key.size() != 32) return FieldError("aes_key", "must be 32 bytes");
  ASSIGN_OR_RETURN(std::string raw, Base64Decode(encrypted, "encrypt"));
  if (raw.empty() || raw.size() % 16 != 0) {
    return FieldError("encrypt", "not whole AES blocks (" + std::to_string(raw.size()) + " bytes)");
  }
  ASSIGN_OR_RETURN(std::string plain, Cbc(aes_key, raw, false));
  const auto pad = static_cast<unsigned char>(plain.back());
  if (pad < 1 || pad > kBlock || pad > plain.size() ||
      !std::all_of(plain.end() - pad, plain.end(),
                   [&](char c) { return static_cast<unsigned char>(c) == pad; })) {
    return FieldError("encrypt", "bad PKCS#7 padding (wrong key?)");
  }
  plain.resize(plain.size() - pad);
  if (plain.size() < 20) return FieldError("encrypt", "shorter than its header");
  const auto* b = reinterpret_cast<const unsigned char*>(plain.data()) + 16;
  const size_t len = (size_t{b[0]} << 24) | (size_t{b[1]} << 16) | (size_t{b[2]} << 8) | b[3];
  if (len > plain.size() - 20) {
    return FieldError("encrypt",
                      "its length field (" + std::to_string(len) + ") is longer than the message");
  }
  return Plain{plain.substr(20, len), plain.substr(20 + len)};
}

Result<std::string> Encrypt(std::string_view aes_key, std::string_view message,
                            std::string_view receiver_id, std::string_view random16) {
  if (aes_key.size() != 32) return FieldError("aes_key", "must be 32 bytes");
  std::string plain(16, '\0');
  if (random16.size() == 16) {
    plain.assign(random16);
  } else if (RAND_bytes(reinterpret_cast<unsigned char*>(plain.data()), 16) != 1) {
    return Status::Internal("no random bytes");
  }
  const auto len = static_cast<uint32_t>(message.size());
  plain += static_cast<char>(len >> 24);
  plain += static_cast<char>((len >> 16) & 0xFF);
  plain += static_cast<char>((len >> 8) & 0xFF);
  plain += static_cast<char>(len & 0xFF);
  plain += message;
  plain += receiver_id;
  const size_t pad = kBlock - plain.size() % kBlock;  // 1..32
  plain.append(pad, static_cast<char>(pad));
  ASSIGN_OR_RETURN(std::string cipher, Cbc(aes_key, plain, true));
  return Base64Encode(cipher);
}

}  // namespace pond::wecom
