// A workspace's WeCom callback settings: the Token, the EncodingAESKey and the corp id, set with
// `pond wecom configure` and stored encrypted (libsodium secretbox, XSalsa20-Poly1305) under a
// key kept in the data directory (`wecom.key`, created 0600 on first use), so a copy of the
// store alone does not reveal them.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "pond/base/status.h"
#include "pond/engine/engine.h"

namespace pond::wecom {

struct WecomConfig {
  std::string token;             // 1–32 letters and digits (WeCom's rule)
  std::string encoding_aes_key;  // 43 characters
  std::string corp_id;           // the receiver id every message must carry
};

// Errors name the field ("token", "aes_key", "corp_id").
Status CheckConfig(const WecomConfig& config);

// A JSON document kept sealed with `key` (the data directory's wecom.key) as the object
// (kind, id): how the callback settings and the chat archive's settings are stored.
Status PutSealedObject(Engine& engine, const std::string& ws, const std::string& kind,
                       const std::string& id, const std::string& plain, const std::string& key);
// The document, or nullopt when there is none; Internal naming `what` ("WeCom settings") when it
// is damaged or does not open with `key`.
Result<std::optional<std::string>> GetSealedObject(Engine& engine, const std::string& ws,
                                                   const std::string& kind, const std::string& id,
                                                   const std::string& key, const std::string& what);

class WecomConfigStore {
 public:
  // `key_file`: read, or created with a fresh random key.
  static Result<std::unique_ptr<WecomConfigStore>> Open(Engine* engine,
                                                        const std::string& key_file);
  Status Put(const std::string& ws, const WecomConfig& config);
  // nullopt when the workspace has none.
  Result<std::optional<WecomConfig>> Get(const std::string& ws);

 private:
  WecomConfigStore(Engine* engine, std::string key) : engine_(engine), key_(std::move(key)) {}
  Engine* engine_;
  std::string key_;
};

}  // namespace pond::wecom
