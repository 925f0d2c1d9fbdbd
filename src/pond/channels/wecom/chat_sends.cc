#include "pond/channels/wecom/chat_sends.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/channels/wecom/group_send_results.h"  // kGroupSendOpenFor
#include "pond/channels/wecom/wecom_sync.h"          // GroupFromWecom
#include "pond/model/event_names.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr char kKind[] = "wecom_chat_send";
constexpr size_t kMaxChats = 10'000;
constexpr size_t kMaxText = 4'000;  // bytes, WeCom's text.content limit

json TargetJson(const ChatTarget& t) {
  return {{"group_id", t.group_id}, {"chat_id", t.chat_id}, {"owner", t.owner}};
}

ChatSend SendFrom(const json& j) {
  ChatSend s;
  s.id = j.value("id", "");
  s.text = j.value("text", "");
  s.created_at = j.value("created_at_us", Micros{0});
  s.closed = j.value("closed", false);
  s.sent = j.value("sent", int64_t{0});
  s.failed = j.value("failed", int64_t{0});
  for (const json& t : j.value("tasks", json::array())) {
    ChatSendTask task;
    task.msgid = t.value("msgid", "");
    task.sender = t.value("sender", "");
    for (const json& c : t.value("chats", json::array())) {
      task.chats.push_back({c.value("group_id", ""), c.value("chat_id", ""), c.value("owner", "")});
    }
    for (const json& c : t.value("settled", json::array())) {
      if (c.is_string()) task.settled.push_back(c.get<std::string>());
    }
    s.tasks.push_back(std::move(task));
  }
  return s;
}

Status Keep(Engine& engine, const std::string& ws, const ChatSend& s) {
  return engine.PutObject(ws, {kKind, s.id, DumpJson(ChatSendJson(s)), engine.clock().NowMicros()});
}

}  // namespace

json ChatSendJson(const ChatSend& s) {
  json tasks = json::array();
  for (const ChatSendTask& t : s.tasks) {
    json chats = json::array();
    for (const ChatTarget& c : t.chats) chats.push_back(TargetJson(c));
    tasks.push_back(
        {{"msgid", t.msgid}, {"sender", t.sender}, {"chats", chats}, {"settled", t.settled}});
  }
  return {
      {"id", s.id},         {"text", s.text}, {"tasks", tasks},    {"created_at_us", s.created_at},
      {"closed", s.closed}, {"sent", s.sent}, {"failed", s.failed}};
}

Result<std::vector<ChatSend>> ChatSends(Engine& engine, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine.ListObjects(ws, kKind));
  std::vector<ChatSend> out;
  for (const StoredObject& o : objects) {
    const json j = json::parse(o.body, nullptr, false);
    if (j.is_object()) out.push_back(SendFrom(j));
  }
  return out;
}

Result<ChatSend> SendToChats(Engine& engine, outbound::WecomApi& api, const std::string& ws,
                             const std::string& id, const std::vector<ChatTarget>& chats,
                             const std::string& text) {
  if (id.empty() || id.size() > 64) return FieldError("id", "1 to 64 characters");
  if (chats.empty() || chats.size() > kMaxChats) return FieldError("groups", "1 to 10,000 groups");
  if (text.empty() || text.size() > kMaxText) {
    return FieldError("text", "1 to 4,000 bytes (WeCom's limit)");
  }
  for (size_t i = 0; i < chats.size(); ++i) {
    if (chats[i].chat_id.empty() || chats[i].owner.empty()) {
      return FieldError("groups[" + std::to_string(i) + "]",
                        chats[i].group_id + " is no WeCom group with an owner");
    }
  }
  ASSIGN_OR_RETURN(std::vector<ChatSend> kept, ChatSends(engine, ws));
  for (const ChatSend& s : kept) {
    if (s.id == id) return s;  // a retry: done already
  }
  ChatSend send;
  send.id = id;
  send.text = text;
  send.created_at = engine.clock().NowMicros();
  std::map<std::string, std::vector<ChatTarget>> by_owner;
  for (const ChatTarget& c : chats) by_owner[c.owner].push_back(c);
  for (auto& [owner, targets] : by_owner) {
    for (size_t at = 0; at < targets.size(); at += kChatsPerTask) {
      ChatSendTask task;
      task.sender = owner;
      task.chats.assign(
          targets.begin() + static_cast<long>(at),
          targets.begin() + static_cast<long>(std::min(targets.size(), at + kChatsPerTask)));
      json ids = json::array();
      for (const ChatTarget& c : task.chats) ids.push_back(c.chat_id);
      ASSIGN_OR_RETURN(json answer, api.Post("/cgi-bin/externalcontact/add_msg_template",
                                             {{"chat_type", "group"},
                                              {"sender", owner},
                                              {"chat_id_list", ids},
                                              {"text", {{"content", text}}}}));
      task.msgid = JsonString(answer, "msgid");
      if (task.msgid.empty()) return Status::Unavailable("wecom add_msg_template gave no msgid");
      send.tasks.push_back(std::move(task));
      // Kept after each task: a retry after a failure half-way does not send twice.
      RETURN_IF_ERROR(Keep(engine, ws, send));
    }
  }
  return send;
}

Result<int64_t> PollChatSends(Engine& engine, outbound::WecomApi& api, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<ChatSend> sends, ChatSends(engine, ws));
  const Micros now = engine.clock().NowMicros();
  int64_t stored = 0;
  for (ChatSend& s : sends) {
    if (s.closed) continue;
    bool open = false;
    for (ChatSendTask& t : s.tasks) {
      std::map<std::string, int64_t> status;  // chat_id -> WeCom's status
      std::map<std::string, int64_t> sent_at;
      std::string cursor;
      do {
        json req = {{"msgid", t.msgid}, {"userid", t.sender}, {"limit", 1000}};
        if (!cursor.empty()) req["cursor"] = cursor;
        ASSIGN_OR_RETURN(json page,
                         api.Post("/cgi-bin/externalcontact/get_groupmsg_send_result", req));
        for (const json& r : page.value("send_list", json::array())) {
          const std::string chat = JsonString(r, "chat_id");
          if (chat.empty()) continue;
          status[chat] = r.value("status", int64_t{0});
          sent_at[chat] = r.value("send_time", int64_t{0});
        }
        cursor = JsonString(page, "next_cursor");
      } while (!cursor.empty());
      for (const ChatTarget& c : t.chats) {
        if (std::find(t.settled.begin(), t.settled.end(), c.chat_id) != t.settled.end()) continue;
        const int64_t st = status.count(c.chat_id) ? status[c.chat_id] : 0;
        if (st == 0) {
          open = true;
          continue;
        }
        if (st == 1) {
          // Sent: the touch on each customer in the group now.
          ASSIGN_OR_RETURN(json got, api.Post("/cgi-bin/externalcontact/groupchat/get",
                                              {{"chat_id", c.chat_id}, {"need_name", 0}}));
          std::vector<Event> joins;
          GroupFromWecom(got.value("group_chat", json::object()), api.corp_id(), &joins);
          std::vector<Event> touches;
          for (const Event& j : joins) {
            Event e;
            e.type = EventType::kTrack;
            e.name = kGroupCampaign;
            e.identities = j.identities;
            e.timestamp = sent_at[c.chat_id] > 0 ? sent_at[c.chat_id] * kMicrosPerSecond : now;
            e.message_id = "wecom-chat-send:" + t.msgid + ":" + c.chat_id + ":" +
                           (j.identities.empty() ? "" : j.identities[0].value);
            e.properties = DumpJson({{"group_id", c.group_id},
                                     {"chat_id", c.chat_id},
                                     {"msgid", t.msgid},
                                     {"staff", t.sender},
                                     {"touchpoint", "group"},
                                     {"source", "wecom"}});
            touches.push_back(std::move(e));
          }
          if (!touches.empty()) {
            ASSIGN_OR_RETURN(SubmitResult r, engine.Submit(ws, std::move(touches)));
            stored += r.accepted;
          }
          ++s.sent;
        } else {
          ++s.failed;
        }
        t.settled.push_back(c.chat_id);
      }
    }
    if (!open || now - s.created_at > kGroupSendOpenFor) s.closed = true;
    RETURN_IF_ERROR(Keep(engine, ws, s));
  }
  return stored;
}

}  // namespace pond::wecom
