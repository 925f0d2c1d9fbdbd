// One WeCom callback, from what arrived to pond events (docs/wecom.md, "Callbacks"): the
// signature checked over the ciphertext, the ciphertext decrypted and checked for the corp, the
// inner XML read and mapped. The HTTP endpoint, `pond wecom replay` and the demo world's
// callbacks all take this path. And the other way, for the demo and tests: an inner message
// sealed as WeCom would post it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pond/base/status.h"
#include "pond/channels/wecom/wecom_config.h"
#include "pond/channels/wecom/wecom_xml.h"
#include "pond/model/event.h"

namespace pond::wecom {

// The query WeCom signs a callback with.
struct CallbackQuery {
  std::string msg_signature;
  std::string timestamp;
  std::string nonce;
};

// The plain text of `encrypted` (the URL verification's echostr, or a POST's <Encrypt>).
//   Unauthenticated   the signature does not match, or the message is for another corp
//   InvalidArgument   the ciphertext is not WeCom's (base64, length, padding), naming it
Result<std::string> OpenEncrypted(const WecomConfig& config, const CallbackQuery& query,
                                  std::string_view encrypted);

// A POST body (WeCom's outer <xml> with <Encrypt>) to its inner message, checked as above.
Result<XmlFields> OpenCallbackXml(const WecomConfig& config, const CallbackQuery& query,
                                  std::string_view body);

// A POST body (WeCom's outer <xml> with <Encrypt>) to the events it maps to (none for a kind
// pond does not map). Malformed or hostile XML, outer or inner, is InvalidArgument ("xml").
Result<std::vector<Event>> OpenCallback(const WecomConfig& config, const CallbackQuery& query,
                                        std::string_view body);

// A callback as WeCom posts it.
struct SealedCallback {
  CallbackQuery query;
  std::string body;
};
SealedCallback SealCallback(const WecomConfig& config, std::string_view inner_xml,
                            const std::string& timestamp, const std::string& nonce);

// A recorded callback, one JSON object a line (`pond wecom replay`, docs/wecom.md):
// {"query": "msg_signature=…&timestamp=…&nonce=…", "body": "<xml>…</xml>"}.
Result<SealedCallback> ParseRecordedCallback(std::string_view line);
std::string RecordedCallbackLine(const SealedCallback& callback);

}  // namespace pond::wecom
