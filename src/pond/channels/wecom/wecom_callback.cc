#include "pond/channels/wecom/wecom_callback.h"

#include <nlohmann/json.hpp>

#include "pond/base/query_string.h"
#include "pond/channels/wecom/wecom_crypto.h"
#include "pond/channels/wecom/wecom_events.h"
#include "pond/channels/wecom/wecom_xml.h"

namespace pond::wecom {

Result<std::string> OpenEncrypted(const WecomConfig& config, const CallbackQuery& query,
                                  std::string_view encrypted) {
  if (!SignatureMatches(query.msg_signature, config.token, query.timestamp, query.nonce,
                        encrypted)) {
    return Status::Unauthenticated("msg_signature does not match");
  }
  ASSIGN_OR_RETURN(std::string key, AesKeyFrom(config.encoding_aes_key));
  ASSIGN_OR_RETURN(Plain plain, Decrypt(key, encrypted));
  if (plain.receiver_id != config.corp_id) {
    return Status::Unauthenticated("the message is for another corp (" + plain.receiver_id + ")");
  }
  return std::move(plain.message);
}

Result<XmlFields> OpenCallbackXml(const WecomConfig& config, const CallbackQuery& query,
                                  std::string_view body) {
  ASSIGN_OR_RETURN(XmlFields outer, ParseXml(body));
  const std::string encrypted = outer.Get("Encrypt");
  if (encrypted.empty()) return FieldError("xml", "no <Encrypt> element");
  ASSIGN_OR_RETURN(std::string inner_text, OpenEncrypted(config, query, encrypted));
  return ParseXml(inner_text);
}

Result<std::vector<Event>> OpenCallback(const WecomConfig& config, const CallbackQuery& query,
                                        std::string_view body) {
  ASSIGN_OR_RETURN(XmlFields inner, OpenCallbackXml(config, query, body));
  return MapCallback(inner, config.corp_id);
}

SealedCallback SealCallback(const WecomConfig& config, std::string_view inner_xml,
                            const std::string& timestamp, const std::string& nonce) {
  const std::string key = AesKeyFrom(config.encoding_aes_key).value();
  const std::string encrypted = Encrypt(key, inner_xml, config.corp_id).value();
  SealedCallback out;
  out.query = {Signature(config.token, timestamp, nonce, encrypted), timestamp, nonce};
  out.body = "<xml><ToUserName><![CDATA[" + config.corp_id + "]]></ToUserName><Encrypt><![CDATA[" +
             encrypted + "]]></Encrypt></xml>";
  return out;
}

Result<SealedCallback> ParseRecordedCallback(std::string_view line) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains("query") || !j["query"].is_string() || !j.contains("body") ||
      !j["body"].is_string()) {
    return FieldError("callback",
                      "a JSON object {\"query\": \"msg_signature=…&timestamp=…&nonce=…\", "
                      "\"body\": \"<xml>…</xml>\"}");
  }
  std::map<std::string, std::string> q = ParseQueryString(j["query"].get<std::string>());
  SealedCallback out;
  out.query = {q["msg_signature"], q["timestamp"], q["nonce"]};
  out.body = j["body"].get<std::string>();
  return out;
}

std::string RecordedCallbackLine(const SealedCallback& c) {
  // The three values are hex, digits and letters: nothing to percent-encode.
  return nlohmann::json{{"query", "msg_signature=" + c.query.msg_signature + "&timestamp=" +
                                      c.query.timestamp + "&nonce=" + c.query.nonce},
                        {"body", c.body}}
      .dump();
}

}  // namespace pond::wecom
