#include "pond/channels/wecom/wecom_events.h"

#include <nlohmann/json.hpp>

#include "pond/base/clock.h"
#include "pond/base/hash.h"
#include "pond/base/json_text.h"
#include "pond/model/event_names.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

Event Make(const XmlFields& x, const std::string& corp, const std::string& external_user,
           const char* name, json properties) {
  Event e;
  e.type = EventType::kTrack;
  e.name = name;
  e.identities.push_back({IdentityKind::kExternalUserId, external_user});
  const std::string created = x.Get("CreateTime");
  int64_t seconds = 0;
  for (char c : created) {
    if (c < '0' || c > '9' || seconds > 10'000'000'000) break;
    seconds = seconds * 10 + (c - '0');
  }
  e.timestamp = seconds * kMicrosPerSecond;
  properties["source"] = "wecom";
  e.properties = DumpJson(properties);
  e.message_id = "wecom:" + corp + ":" + x.Get("Event") + ":" + x.Get("ChangeType") + ":" +
                 x.Get("ChatId") + x.Get("UserID") + ":" + external_user + ":" + created;
  return e;
}

}  // namespace

std::string GroupIdForChat(std::string_view chat_id) { return "grp_wx_" + Hex64(Fnv1a64(chat_id)); }

ChatChange ChatChangeOf(const XmlFields& x) {
  const std::string change = x.Get("ChangeType");
  if (x.Get("Event") != "change_external_chat" || x.Get("ChatId").empty() ||
      (change != "create" && change != "dismiss")) {
    return {};
  }
  return {x.Get("ChatId"), change};
}

std::vector<Event> MapCallback(const XmlFields& x, const std::string& corp) {
  std::vector<Event> out;
  const std::string event = x.Get("Event"), change = x.Get("ChangeType");
  if (event == "change_external_contact") {
    const std::string staff = x.Get("UserID"), user = x.Get("ExternalUserID");
    if (user.empty()) return out;
    if (change == "add_external_contact" || change == "add_half_external_contact") {
      json p = {
          {"staff_id", staff}, {"state", x.Get("State")}, {"welcome_code", x.Get("WelcomeCode")}};
      if (change == "add_half_external_contact") p["half"] = true;
      out.push_back(Make(x, corp, user, kFriendAdded, std::move(p)));
    } else if (change == "edit_external_contact") {
      out.push_back(Make(x, corp, user, "contact_edited", {{"staff_id", staff}}));
    } else if (change == "del_external_contact" || change == "del_follow_user") {
      out.push_back(Make(
          x, corp, user, kFriendDeleted,
          {{"staff_id", staff}, {"by", change == "del_external_contact" ? "staff" : "customer"}}));
    } else if (change == "transfer_fail") {
      out.push_back(Make(x, corp, user, "transfer_failed",
                         {{"staff_id", staff}, {"reason", x.Get("FailReason")}}));
    }
  } else if (event == "change_external_chat" && change == "update") {
    const std::string detail = x.Get("UpdateDetail");
    if (detail != "add_member" && detail != "del_member") return out;
    auto members = x.lists.find("MemChangeList");
    if (members == x.lists.end()) return out;
    for (const std::string& m : members->second) {
      if (m.empty()) continue;
      out.push_back(
          Make(x, corp, m, detail == "add_member" ? kGroupJoined : kGroupLeft,
               {{"group_id", GroupIdForChat(x.Get("ChatId"))},
                {"chat_id", x.Get("ChatId")},
                {"scene", detail == "add_member" ? x.Get("JoinScene") : x.Get("QuitScene")}}));
    }
  }
  return out;
}

}  // namespace pond::wecom
