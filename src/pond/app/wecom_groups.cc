#include "pond/app/wecom_groups.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "pond/app/wecom_sync.h"
#include "pond/base/json_text.h"
#include "pond/base/utf8.h"
#include "pond/channels/wecom/join_ways.h"
#include "pond/community/community_service.h"
#include "pond/model/event_names.h"

namespace pond::app {
namespace {

using nlohmann::json;

// The group WeCom answers for `chat`, with a group_joined per customer member appended.
Result<wecom::SyncedGroup> ReadChat(outbound::WecomApi& api, const std::string& chat,
                                    std::vector<Event>* joins) {
  ASSIGN_OR_RETURN(json answer, api.Post("/cgi-bin/externalcontact/groupchat/get",
                                         {{"chat_id", chat}, {"need_name", 0}}));
  return wecom::GroupFromWecom(answer.value("group_chat", json::object()), api.corp_id(), joins);
}

bool HasRoom(const GroupView& v) {
  return !v.group.dismissed && v.members + v.held < v.group.capacity;
}

// A chat a join way opened becomes a group of `code`.
Status TakeIntoCode(App& app, const std::string& ws, outbound::WecomApi& api, GroupCode code,
                    const std::string& chat) {
  std::vector<Event> joins;
  ASSIGN_OR_RETURN(wecom::SyncedGroup read, ReadChat(api, chat, &joins));
  CommunityService& community = app.community();
  CommunityGroup group;
  group.id = read.id;
  group.name = read.name.empty() ? code.group_template.name : read.name;
  group.kind = code.kind;
  group.owner = read.owner.empty() ? code.group_template.owner : read.owner;
  group.capacity = code.group_template.capacity;
  group.rule = code.rule;
  group.welcome = code.group_template.welcome;
  group.chat_id = chat;
  RETURN_IF_ERROR(community.SaveGroup(ws, group).status());
  if (!joins.empty()) RETURN_IF_ERROR(app.engine().Submit(ws, std::move(joins)).status());
  if (std::find(code.groups.begin(), code.groups.end(), group.id) != code.groups.end()) {
    return Status::Ok();
  }
  code.groups.push_back(group.id);
  while (code.groups.size() > static_cast<size_t>(kGroupsPerCode)) {
    auto leaving = std::find_if(code.groups.begin(), code.groups.end(), [&](const std::string& g) {
      Result<GroupView> v = community.GetGroup(ws, g);
      return !v.ok() || !HasRoom(*v);
    });
    code.groups.erase(leaving == code.groups.end() ? code.groups.begin() : leaving);
  }
  return community.SaveCode(ws, code).status();
}

// The WeCom groups of `code` with the view of each, in the code's order.
std::vector<GroupView> WecomGroupsOf(CommunityService& community, const std::string& ws,
                                     const GroupCode& code) {
  std::vector<GroupView> out;
  for (const std::string& id : code.groups) {
    Result<GroupView> v = community.GetGroup(ws, id);
    if (v.ok() && !v->group.chat_id.empty()) out.push_back(*v);
  }
  return out;
}

Status KeepOne(App& app, const std::string& ws, outbound::WecomApi& api, GroupCode code,
               const wecom::JoinWay* kept) {
  CommunityService& community = app.community();
  int room_base_id = static_cast<int>(code.groups.size()) + 1;
  if (kept && kept->auto_create && !kept->config_id.empty()) {
    ASSIGN_OR_RETURN(wecom::JoinWayNow now, wecom::ReadJoinWay(api, kept->config_id));
    room_base_id = std::max(room_base_id, now.room_base_id);
    for (const std::string& chat : now.chat_ids) {
      const std::vector<GroupView> known = WecomGroupsOf(community, ws, code);
      if (std::none_of(known.begin(), known.end(),
                       [&](const GroupView& v) { return v.group.chat_id == chat; })) {
        RETURN_IF_ERROR(TakeIntoCode(app, ws, api, code, chat));
        ASSIGN_OR_RETURN(code, community.GetCode(ws, code.id));
      }
    }
  }
  const std::vector<GroupView> groups = WecomGroupsOf(community, ws, code);
  if (groups.empty()) return Status::Ok();  // a code of pond's groups only
  wecom::JoinWay want;
  want.code = code.id;
  for (const GroupView& v : groups) {
    if (HasRoom(v) && want.chat_ids.size() < wecom::kJoinWayChats) {
      want.chat_ids.push_back(v.group.chat_id);
    }
  }
  if (want.chat_ids.empty()) {  // all full: WeCom opens the next group when it may
    want.chat_ids = kept ? kept->chat_ids : std::vector<std::string>{groups.back().group.chat_id};
  }
  want.remark = std::string(Utf8Prefix(code.name, wecom::kJoinWayRemark));
  const std::string& base = code.group_template.name.empty() ? code.name : code.group_template.name;
  want.room_base_name = std::string(Utf8Prefix(base, wecom::kJoinWayRoomName));
  want.auto_create = code.auto_open;
  want.room_base_id = room_base_id;
  return wecom::PublishJoinWay(app.engine(), api, ws, std::move(want)).status();
}

}  // namespace

Status KeepJoinWays(App& app, const std::string& ws, outbound::WecomApi& api) {
  ASSIGN_OR_RETURN(std::vector<GroupCode> codes, app.community().Codes(ws));
  ASSIGN_OR_RETURN(std::vector<wecom::JoinWay> ways, wecom::JoinWays(app.engine(), ws));
  std::map<std::string, wecom::JoinWay> by_code;
  for (wecom::JoinWay& w : ways) by_code[w.code] = std::move(w);
  Status first = Status::Ok();  // one code's refusal does not hold up the others
  for (const GroupCode& code : codes) {
    auto kept = by_code.find(code.id);
    Status s = KeepOne(app, ws, api, code, kept == by_code.end() ? nullptr : &kept->second);
    if (!s.ok() && first.ok()) first = Status(s.code(), code.id + ": " + s.message());
  }
  return first;
}

Status ChatChanged(App& app, const std::string& ws, outbound::WecomApi& api,
                   const wecom::ChatChange& change) {
  CommunityService& community = app.community();
  const std::string id = wecom::GroupIdForChat(change.chat_id);
  if (change.change == "create") {
    std::vector<Event> joins;
    ASSIGN_OR_RETURN(wecom::SyncedGroup read, ReadChat(api, change.chat_id, &joins));
    RETURN_IF_ERROR(WecomSyncOptions(app, ws).save_group(read));
    if (!joins.empty()) RETURN_IF_ERROR(app.engine().Submit(ws, std::move(joins)).status());
    return KeepJoinWays(app, ws, api);
  }
  if (change.change != "dismiss") return Status::Ok();
  Result<GroupView> known = community.GetGroup(ws, id);
  if (!known.ok()) return Status::Ok();  // a group pond never had
  ASSIGN_OR_RETURN(std::vector<std::string> members, community.Members(ws, id));
  const Micros now = app.engine().clock().NowMicros();
  std::vector<Event> left;
  for (const std::string& m : members) {
    left.push_back(ServiceEvent(kGroupLeft, "wecom-dismiss:" + change.chat_id + ":" + m, m, now,
                                DumpJson({{"group_id", id},
                                          {"chat_id", change.chat_id},
                                          {"scene", "dismiss"},
                                          {"source", "wecom"}})));
  }
  if (!left.empty()) RETURN_IF_ERROR(app.engine().Submit(ws, std::move(left)).status());
  CommunityGroup group = known->group;
  group.dismissed = true;
  RETURN_IF_ERROR(community.SaveGroup(ws, group).status());
  return KeepJoinWays(app, ws, api);
}

Result<wecom::ChatSend> SendToGroups(App& app, const std::string& ws, const std::string& id,
                                     const std::vector<std::string>& groups,
                                     const std::string& text) {
  std::vector<wecom::ChatTarget> targets;
  for (size_t i = 0; i < groups.size(); ++i) {
    Result<GroupView> g = app.community().GetGroup(ws, groups[i]);
    const std::string field = "groups[" + std::to_string(i) + "]";
    if (!g.ok()) return FieldError(field, g.status().message());
    if (g->group.chat_id.empty()) return FieldError(field, groups[i] + " is not a WeCom group");
    if (g->group.dismissed) return FieldError(field, groups[i] + " was dismissed");
    targets.push_back({g->group.id, g->group.chat_id, g->group.owner});
  }
  return app.wecom().SendToChats(ws, id, targets, text);
}

wecom::GroupHooks GroupHooksFor(App& app) {
  wecom::GroupHooks hooks;
  hooks.chat_changed = [&app](const std::string& ws, outbound::WecomApi& api,
                              const wecom::ChatChange& change) {
    return ChatChanged(app, ws, api, change);
  };
  hooks.keep_join_ways = [&app](const std::string& ws, outbound::WecomApi& api) {
    return KeepJoinWays(app, ws, api);
  };
  return hooks;
}

}  // namespace pond::app
