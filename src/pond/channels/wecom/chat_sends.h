// Group sends to customer groups (客户群群发, issue 27; docs/wecom.md, "Group sends"): one
// externalcontact/add_msg_template task per group owner with chat_type "group" and the owner's
// groups as chat_id_list (at most 2,000 a task); the owner confirms it in WeCom's client. The
// results are read back (get_groupmsg_send_result) every five minutes: a group WeCom sent to
// gets a group_campaign {group_id, chat_id, msgid, staff} on each customer in it then
// (groupchat/get), so the group's health counts the campaign once and each member has the touch;
// messageIds "wecom-chat-send:<msgid>:<chat_id>:<external_userid>".
//
// A send is kept as an object ("wecom_chat_send", by its id): asked again with the same id it
// answers what was done and calls WeCom no more. A task not confirmed in three days is closed.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "pond/channels/outbound/wecom_api.h"
#include "pond/engine/engine.h"

namespace pond::wecom {

inline constexpr size_t kChatsPerTask = 2000;  // add_msg_template's chat_id_list limit

struct ChatTarget {
  std::string group_id;  // pond's
  std::string chat_id;   // WeCom's
  std::string owner;     // the owner's WeCom userid: the task's sender
};

struct ChatSendTask {
  std::string msgid, sender;
  std::vector<ChatTarget> chats;
  std::vector<std::string> settled;  // chat ids with a final status
};

struct ChatSend {
  std::string id;  // the caller's, for retries
  std::string text;
  std::vector<ChatSendTask> tasks;
  Micros created_at = 0;
  bool closed = false;
  int64_t sent = 0, failed = 0;  // groups WeCom sent to, and did not
};
nlohmann::json ChatSendJson(const ChatSend& s);

// Makes the tasks (or answers the kept send of the same id). A field error for no groups, more
// than 10,000, a text over WeCom's 4,000 bytes, a group without a chat or an owner.
Result<ChatSend> SendToChats(Engine& engine, outbound::WecomApi& api, const std::string& ws,
                             const std::string& id, const std::vector<ChatTarget>& chats,
                             const std::string& text);

Result<std::vector<ChatSend>> ChatSends(Engine& engine, const std::string& ws);

// Reads the open sends' results; how many group_campaign events were stored.
Result<int64_t> PollChatSends(Engine& engine, outbound::WecomApi& api, const std::string& ws);

}  // namespace pond::wecom
