#include "pond/channels/wecom/wecom_config.h"

#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"
#include "pond/channels/wecom/wecom_crypto.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr char kKind[] = "wecom_config";

Result<std::string> ReadOrCreateKey(const std::string& path) {
  if (sodium_init() < 0) return Status::Internal("libsodium did not start");
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    const size_t n = std::fread(key.data(), 1, key.size(), f);
    std::fclose(f);
    if (n != key.size()) return Status::Internal(path + " is not a key of 32 bytes");
    return key;
  }
  randombytes_buf(key.data(), key.size());
  const mode_t old = umask(077);
  FILE* f = std::fopen(path.c_str(), "wb");
  umask(old);
  if (!f) return Status::Internal("cannot create " + path);
  const bool ok = std::fwrite(key.data(), 1, key.size(), f) == key.size();
  if (std::fclose(f) != 0 || !ok) return Status::Internal("cannot write " + path);
  return key;
}

}  // namespace

Status CheckConfig(const WecomConfig& c) {
  if (c.token.empty() || c.token.size() > 32 ||
      !std::all_of(c.token.begin(), c.token.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
      })) {
    return FieldError("token", "1 to 32 letters and digits, as set in WeCom's admin console");
  }
  RETURN_IF_ERROR(AesKeyFrom(c.encoding_aes_key).status());
  if (c.corp_id.empty() || c.corp_id.size() > 64) {
    return FieldError("corp_id", "the corp id (企业ID), 1 to 64 characters");
  }
  return Status::Ok();
}

Result<std::unique_ptr<WecomConfigStore>> WecomConfigStore::Open(Engine* engine,
                                                                 const std::string& key_file) {
  ASSIGN_OR_RETURN(std::string key, ReadOrCreateKey(key_file));
  return std::unique_ptr<WecomConfigStore>(new WecomConfigStore(engine, std::move(key)));
}

Status WecomConfigStore::Put(const std::string& ws, const WecomConfig& c) {
  RETURN_IF_ERROR(CheckConfig(c));
  const std::string plain =
      DumpJson({{"token", c.token}, {"aes_key", c.encoding_aes_key}, {"corp_id", c.corp_id}});
  std::string sealed(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), out,
                        reinterpret_cast<const unsigned char*>(key_.data()));
  return engine_->PutObject(ws, {kKind, "callback", DumpJson({{"sealed", Base64Encode(sealed)}}),
                                 engine_->clock().NowMicros()});
}

Result<std::optional<WecomConfig>> WecomConfigStore::Get(const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine_->ListObjects(ws, kKind));
  if (objects.empty()) return std::optional<WecomConfig>();
  const json body = json::parse(objects[0].body, nullptr, false);
  Result<std::string> opened =
      Base64Decode(body.is_object() ? body.value("sealed", "") : "", "sealed");
  if (!opened.ok() || opened->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return Status::Internal("the stored WeCom settings are damaged");
  }
  const std::string& sealed = *opened;
  const size_t n = sealed.size();
  const auto* in = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string plain(n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 in + crypto_secretbox_NONCEBYTES, n - crypto_secretbox_NONCEBYTES,
                                 in, reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return Status::Internal("the WeCom settings do not open with this data directory's wecom.key");
  }
  const json j = json::parse(plain, nullptr, false);
  if (!j.is_object()) return Status::Internal("the stored WeCom settings are damaged");
  return std::optional<WecomConfig>(
      WecomConfig{j.value("token", ""), j.value("aes_key", ""), j.value("corp_id", "")});
}

}  // namespace pond::wecom
