#include "pond/testing/archive_fixture.h"

#include "pond/base/base64.h"
#include "pond/base/hash.h"

namespace pond::testing {

nlohmann::json SealArchiveItem(const wecom::ArchiveKeys& keys, uint64_t seq,
                               const nlohmann::json& message, int version) {
  const std::string key = Hex64(Mix64(seq)) + "k";
  std::string bytes = "WWFS" + message.dump();
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] ^= key[i % key.size()];
  return {{"seq", seq},
          {"msgid", message.value("msgid", "")},
          {"publickey_ver", version},
          {"encrypt_random_key", keys.SealRandomKey(version, key).value()},
          {"encrypt_chat_msg", Base64Encode(bytes)}};
}

nlohmann::json ArchiveMessage(const std::string& msgid, const std::string& from,
                              const std::string& to, const std::string& type, nlohmann::json body,
                              int64_t msgtime_ms, const std::string& room) {
  nlohmann::json m = {{"msgid", msgid}, {"action", "send"},      {"from", from},   {"tolist", {to}},
                      {"roomid", room}, {"msgtime", msgtime_ms}, {"msgtype", type}};
  if (!body.is_null()) m[type] = std::move(body);
  return m;
}

}  // namespace pond::testing
