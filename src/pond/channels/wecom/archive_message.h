// One chat-archive message (会话内容存档, issue 28; docs/conversations.md) as pond events. The
// message is the JSON WeCom's SDK decrypts (DecryptData) or an archive tool writes, one per
// line: {msgid, action: send|recall|switch, from, tolist, roomid, msgtime (ms), msgtype, <the
// msgtype's object>}.
//
//   in a customer group (roomid)   a customer's message → group_message {group_id (GroupIdForChat),
//                                  chat_id, msgtype, text?} on the sender; a staff member's is
//                                  not a customer's activity and maps to nothing
//   1:1, from a customer           message_received {staff_id: the staff member in tolist, …}
//   1:1, from a staff member       message_sent {staff_id: from, …} on the customer in tolist
//   staff to staff, action switch  nothing (not the private domain)
// A customer is an id WeCom gives external contacts: "wm…" (a WeChat user) or "wo…" (a WeCom
// user of another corp). Properties beside those: msgid, msgtype, channel "wecom", via
// "archive", and by type: text {text}; link {title, url}; image / voice / video / file /
// emotion {media: sdkfileid, md5, size, name for a file}; revoke {pre_msgid}; agree /
// disagree {agree: true|false}; mixed {text: its text parts joined, parts}. The messageId is
// "wecom-archive:" + msgid, so a message read twice is stored once.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "pond/base/status.h"
#include "pond/channels/wecom/conversation_keywords.h"
#include "pond/model/event.h"

namespace pond::wecom {

inline constexpr size_t kMaxArchiveText = 16 * 1024;  // bytes; a longer text is refused

// WeCom's ids for external contacts: a customer.
bool IsExternalUserId(std::string_view id);

// The events of one decrypted message: none for a message pond does not keep (staff to staff,
// a staff member in a group, a switch). A message that is not one (no msgid, no msgtime, a text
// over the limit) is InvalidArgument naming the field.
// With `keywords`, a message whose text mentions some also has `keyword` (the first, in table
// order) and `keywords` (all) among its properties.
Result<std::vector<Event>> MapArchiveMessage(const nlohmann::json& message,
                                             const KeywordTable* keywords = nullptr);

}  // namespace pond::wecom
