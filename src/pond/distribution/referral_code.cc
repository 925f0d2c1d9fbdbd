#include "pond/distribution/referral_code.h"

#include <sodium.h>

#include "pond/engine/tenant_state.h"

namespace pond {

std::string ReferralCode(std::string_view secret, std::string_view message) {
  static_assert(kReferralSecretBytes == crypto_auth_hmacsha256_KEYBYTES);
  if (secret.size() != kReferralSecretBytes) return "";
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(message.data()),
                         message.size(), reinterpret_cast<const unsigned char*>(secret.data()));
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  uint64_t bits = 0;
  for (int i = 0; i < 5; ++i) bits = (bits << 8) | mac[i];
  std::string code(8, ' ');
  for (int i = 7; i >= 0; --i, bits >>= 5) code[i] = kAlphabet[bits & 31];
  return code;
}

Result<std::string> LoadOrCreateSecret(Engine& engine, const std::string& ws,
                                       const std::string& kind) {
  RETURN_IF_ERROR(engine.ReadState(ws, [](const TenantState&) {}));
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine.ListObjects(ws, kind));
  std::string hex;
  for (const StoredObject& o : objects) {
    if (o.id == "secret") hex = o.body;
  }
  std::string secret(kReferralSecretBytes, '\0');
  if (hex.size() != kReferralSecretBytes * 2) {
    randombytes_buf(secret.data(), secret.size());
    hex.assign(kReferralSecretBytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                   secret.size());
    hex.pop_back();
    RETURN_IF_ERROR(engine.PutObject(ws, {kind, "secret", hex, engine.clock().NowMicros()}));
    return secret;
  }
  sodium_hex2bin(reinterpret_cast<unsigned char*>(secret.data()), secret.size(), hex.data(),
                 hex.size(), nullptr, nullptr, nullptr);
  return secret;
}

}  // namespace pond
