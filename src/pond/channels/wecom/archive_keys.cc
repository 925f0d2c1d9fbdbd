#include "pond/channels/wecom/archive_keys.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "pond/base/base64.h"

namespace pond::wecom {

struct ArchiveKeys::Key {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey{nullptr, EVP_PKEY_free};
};

ArchiveKeys::ArchiveKeys() = default;
ArchiveKeys::~ArchiveKeys() = default;
ArchiveKeys::ArchiveKeys(ArchiveKeys&&) noexcept = default;
ArchiveKeys& ArchiveKeys::operator=(ArchiveKeys&&) noexcept = default;

Status ArchiveKeys::Add(int version, std::string_view pem) {
  const std::string field = "keys." + std::to_string(version);
  if (pem.size() > 64 * 1024) return FieldError(field, "a PEM private key of at most 64 KiB");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  auto key = std::make_unique<Key>();
  if (bio) key->pkey.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key->pkey || EVP_PKEY_base_id(key->pkey.get()) != EVP_PKEY_RSA) {
    return FieldError(field, "an RSA private key in PEM (PKCS#1 or PKCS#8)");
  }
  keys_[version] = std::move(key);
  return Status::Ok();
}

bool ArchiveKeys::Has(int version) const { return keys_.count(version) > 0; }

Result<std::string> ArchiveKeys::OpenRandomKey(int version,
                                               std::string_view encrypted_base64) const {
  auto it = keys_.find(version);
  if (it == keys_.end()) {
    return Status::NotFound("no private key for publickey_ver " + std::to_string(version));
  }
  ASSIGN_OR_RETURN(std::string sealed, Base64Decode(encrypted_base64, "encrypt_random_key"));
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new(it->second->pkey.get(), nullptr), EVP_PKEY_CTX_free);
  size_t n = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(sealed.data());
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_decrypt(ctx.get(), nullptr, &n, in, sealed.size()) != 1) {
    return FieldError("encrypt_random_key",
                      "does not open with the key of publickey_ver " + std::to_string(version));
  }
  std::string plain(n, '\0');
  if (EVP_PKEY_decrypt(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &n, in,
                       sealed.size()) != 1) {
    return FieldError("encrypt_random_key",
                      "does not open with the key of publickey_ver " + std::to_string(version));
  }
  plain.resize(n);
  return plain;
}

Result<std::string> ArchiveKeys::SealRandomKey(int version, std::string_view plain) const {
  auto it = keys_.find(version);
  if (it == keys_.end()) {
    return Status::NotFound("no key for publickey_ver " + std::to_string(version));
  }
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new(it->second->pkey.get(), nullptr), EVP_PKEY_CTX_free);
  size_t n = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(plain.data());
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_encrypt(ctx.get(), nullptr, &n, in, plain.size()) != 1) {
    return Status::Internal("RSA encryption failed");
  }
  std::string sealed(n, '\0');
  if (EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(sealed.data()), &n, in,
                       plain.size()) != 1) {
    return Status::Internal("RSA encryption failed");
  }
  sealed.resize(n);
  return Base64Encode(sealed);
}

Result<std::string> NewArchiveKeyPem() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  if (!key) return Status::Internal("RSA key generation failed");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Status::Internal("writing the PEM failed");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace pond::wecom
