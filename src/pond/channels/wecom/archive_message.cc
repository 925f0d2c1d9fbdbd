#include "pond/channels/wecom/archive_message.h"

#include <nlohmann/json.hpp>

#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/channels/wecom/wecom_events.h"  // GroupIdForChat
#include "pond/model/event_names.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

// The message's own object ("text": {...}), or an empty one.
json Body(const json& m, const std::string& type) {
  const auto it = m.find(type);
  return it != m.end() && it->is_object() ? *it : json::object();
}

// What the message says, by type; InvalidArgument for a text over the limit.
Status Describe(const json& m, const std::string& type, json* p) {
  const json body = Body(m, type);
  if (type == "text") {
    (*p)["text"] = JsonString(body, "content");
  } else if (type == "link") {
    (*p)["title"] = JsonString(body, "title");
    (*p)["url"] = JsonString(body, "link_url");
  } else if (type == "image" || type == "voice" || type == "video" || type == "file" ||
             type == "emotion") {
    (*p)["media"] = JsonString(body, "sdkfileid");
    (*p)["md5"] = JsonString(body, "md5sum");
    if (auto size = body.find("filesize"); size != body.end() && size->is_number_integer()) {
      (*p)["size"] = size->get<int64_t>();
    }
    if (type == "file") (*p)["name"] = JsonString(body, "filename");
  } else if (type == "revoke") {
    (*p)["pre_msgid"] = JsonString(body, "pre_msgid");
  } else if (type == "agree" || type == "disagree") {
    (*p)["agree"] = type == "agree";
  } else if (type == "mixed") {
    std::string text;
    int64_t parts = 0;
    for (const json& item : body.value("item", json::array())) {
      ++parts;
      if (!item.is_object() || JsonString(item, "type") != "text") continue;
      // Each part's content is itself JSON text: {"content": "…"}.
      const json inner = json::parse(JsonString(item, "content"), nullptr, false);
      const std::string words = inner.is_object() ? JsonString(inner, "content") : "";
      if (!words.empty()) text += (text.empty() ? "" : "\n") + words;
    }
    (*p)["text"] = text;
    (*p)["parts"] = parts;
  }
  if (auto t = p->find("text"); t != p->end() && t->get<std::string>().size() > kMaxArchiveText) {
    return FieldError("text", "at most " + std::to_string(kMaxArchiveText) + " bytes");
  }
  return Status::Ok();
}

}  // namespace

bool IsExternalUserId(std::string_view id) {
  return id.size() > 2 && (id.starts_with("wm") || id.starts_with("wo"));
}

Result<std::vector<Event>> MapArchiveMessage(const json& m, const KeywordTable* keywords) {
  if (!m.is_object()) return FieldError("message", "must be a JSON object");
  const std::string msgid = JsonString(m, "msgid");
  if (msgid.empty() || msgid.size() > 256) return FieldError("msgid", "1 to 256 characters");
  const auto time = m.find("msgtime");
  if (time == m.end() || !time->is_number_integer() || time->get<int64_t>() <= 0) {
    return FieldError("msgtime", "milliseconds since the epoch");
  }
  std::vector<Event> out;
  const std::string action = JsonString(m, "action");
  if (action == "switch") return out;
  // A recall arrives as msgtype "revoke"; agree / disagree may carry no action.
  const std::string type = JsonString(m, "msgtype");
  if (type.empty()) return FieldError("msgtype", "the message's type");
  const std::string from = JsonString(m, "from"), room = JsonString(m, "roomid");
  std::vector<std::string> to;
  for (const json& t : m.value("tolist", json::array())) {
    if (t.is_string()) to.push_back(t.get<std::string>());
  }
  json p = {{"msgid", msgid}, {"msgtype", type}, {"channel", "wecom"}, {"via", "archive"}};
  RETURN_IF_ERROR(Describe(m, type, &p));
  if (auto text = p.find("text"); keywords && text != p.end()) {
    const std::vector<std::string> found = FindKeywords(*keywords, text->get<std::string>());
    if (!found.empty()) {
      p["keyword"] = found[0];
      p["keywords"] = found;
    }
  }

  Event e;
  e.type = EventType::kTrack;
  e.message_id = "wecom-archive:" + msgid;
  e.timestamp = time->get<int64_t>() * 1000;
  std::string customer;
  if (!room.empty()) {
    if (!IsExternalUserId(from)) return out;  // a staff member speaking in the group
    customer = from;
    e.name = kGroupMessage;
    p["group_id"] = GroupIdForChat(room);
    p["chat_id"] = room;
    p["touchpoint"] = "group";
  } else if (IsExternalUserId(from)) {
    customer = from;
    e.name = kMessageReceived;
    for (const std::string& t : to) {
      if (!IsExternalUserId(t)) {
        p["staff_id"] = t;
        break;
      }
    }
    p["touchpoint"] = "personal";
  } else {
    for (const std::string& t : to) {
      if (IsExternalUserId(t)) {
        customer = t;
        break;
      }
    }
    if (customer.empty()) return out;  // staff to staff
    e.name = kMessageSent;
    p["staff_id"] = from;
    p["touchpoint"] = "personal";
  }
  e.identities.push_back({IdentityKind::kExternalUserId, customer});
  e.properties = DumpJson(p);
  out.push_back(std::move(e));
  return out;
}

}  // namespace pond::wecom
