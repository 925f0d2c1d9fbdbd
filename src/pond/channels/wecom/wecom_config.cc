#include "pond/channels/wecom/wecom_config.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"
#include "pond/channels/wecom/wecom_crypto.h"
#include "pond/store/sealing.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr char kKind[] = "wecom_config";
constexpr char kId[] = "callback";

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
  ASSIGN_OR_RETURN(std::string key, ReadOrCreateKeyFile(key_file));
  return std::unique_ptr<WecomConfigStore>(new WecomConfigStore(engine, std::move(key)));
}

Status PutSealedObject(Engine& engine, const std::string& ws, const std::string& kind,
                       const std::string& id, const std::string& plain, const std::string& key) {
  const std::string sealed = SealBytes(plain, key);
  return engine.PutObject(
      ws, {kind, id, DumpJson({{"sealed", Base64Encode(sealed)}}), engine.clock().NowMicros()});
}

Result<std::optional<std::string>> GetSealedObject(Engine& engine, const std::string& ws,
                                                   const std::string& kind, const std::string& id,
                                                   const std::string& key,
                                                   const std::string& what) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine.ListObjects(ws, kind));
  for (const StoredObject& o : objects) {
    if (o.id != id) continue;
    const json body = json::parse(o.body, nullptr, false);
    Result<std::string> sealed =
        Base64Decode(body.is_object() ? body.value("sealed", "") : "", "sealed");
    if (!sealed.ok()) return Status::Internal("the stored " + what + " are damaged");
    Result<std::string> plain = OpenBytes(*sealed, key);
    if (!plain.ok()) {
      return Status::Internal("the " + what + " do not open with this data directory's wecom.key");
    }
    return std::optional<std::string>(std::move(*plain));
  }
  return std::optional<std::string>();
}

Status WecomConfigStore::Put(const std::string& ws, const WecomConfig& c) {
  RETURN_IF_ERROR(CheckConfig(c));
  return PutSealedObject(
      *engine_, ws, kKind, kId,
      DumpJson({{"token", c.token}, {"aes_key", c.encoding_aes_key}, {"corp_id", c.corp_id}}),
      key_);
}

Result<std::optional<WecomConfig>> WecomConfigStore::Get(const std::string& ws) {
  ASSIGN_OR_RETURN(std::optional<std::string> plain,
                   GetSealedObject(*engine_, ws, kKind, kId, key_, "WeCom settings"));
  if (!plain) return std::optional<WecomConfig>();
  const json j = json::parse(*plain, nullptr, false);
  if (!j.is_object()) return Status::Internal("the stored WeCom settings are damaged");
  return std::optional<WecomConfig>(
      WecomConfig{j.value("token", ""), j.value("aes_key", ""), j.value("corp_id", "")});
}

}  // namespace pond::wecom
