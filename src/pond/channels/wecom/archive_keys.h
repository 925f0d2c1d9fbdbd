// The brand's RSA key pairs for WeCom's chat archive (会话内容存档, docs/conversations.md):
// WeCom encrypts each message's random key with the public key of a version (publickey_ver);
// a brand that rotates keys keeps the old private keys so older messages still open. OpenSSL
// stays in the .cc.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "pond/base/status.h"

namespace pond::wecom {

class ArchiveKeys {
 public:
  ArchiveKeys();
  ~ArchiveKeys();
  ArchiveKeys(ArchiveKeys&&) noexcept;
  ArchiveKeys& operator=(ArchiveKeys&&) noexcept;

  // A private key in PEM (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY") for `version`.
  // InvalidArgument naming "keys.<version>" for a PEM that is no RSA private key.
  Status Add(int version, std::string_view pem);
  bool Has(int version) const;

  // encrypt_random_key (base64) opened with the key of `version` (RSA, PKCS#1 v1.5 padding):
  // NotFound for a version with no key, InvalidArgument naming "encrypt_random_key" when it
  // does not open with that key.
  Result<std::string> OpenRandomKey(int version, std::string_view encrypted_base64) const;

  // For tests and the demo: `plain` encrypted with the public half of `version`'s key, base64,
  // as WeCom writes encrypt_random_key.
  Result<std::string> SealRandomKey(int version, std::string_view plain) const;

 private:
  struct Key;
  std::map<int, std::unique_ptr<Key>> keys_;
};

// A new 2048-bit RSA private key in PKCS#8 PEM (tests and `pond wecom archive-key`).
Result<std::string> NewArchiveKeyPem();

}  // namespace pond::wecom
