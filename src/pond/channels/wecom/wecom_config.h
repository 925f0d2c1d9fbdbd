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
