#include "pond/auth/password.h"

#include <sodium.h>

#include <cstdlib>

#include "pond/base/utf8.h"

namespace pond::auth {
namespace {

void EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();  // no randomness source: nothing safe can be done
}

}  // namespace

Status CheckPassword(std::string_view password, const char* field) {
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes) {
    return FieldError(field, "8 to 128 bytes");
  }
  if (!IsValidUtf8(password)) return FieldError(field, "must be valid UTF-8");
  for (char c : password) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return FieldError(field, "must not contain control characters");
    }
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  RETURN_IF_ERROR(CheckPassword(password, "password"));
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::ResourceExhausted("password hashing ran out of memory; try again");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& encoded, std::string_view password) {
  EnsureSodium();
  if (password.size() > kMaxPasswordBytes || !encoded.starts_with("$argon2id$")) return false;
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

std::string RandomPassword() {
  EnsureSodium();
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out(16, '\0');
  for (char& c : out) c = kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
  return out;
}

}  // namespace pond::auth
