#include "pond/distribution/referral_code.h"

#include <sodium.h>

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

}  // namespace pond
