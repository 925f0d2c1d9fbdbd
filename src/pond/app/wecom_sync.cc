#include "pond/app/wecom_sync.h"

#include "pond/community/community_service.h"
#include "pond/journey/journey_runtime.h"

namespace pond::app {

wecom::SyncOptions WecomSyncOptions(App& app, const std::string& ws) {
  wecom::SyncOptions o;
  if (!app.Has(kCommunity)) return o;
  CommunityService* community = &app.community();
  o.save_group = [community, ws](const wecom::SyncedGroup& g) -> Status {
    CommunityGroup group;
    if (Result<GroupView> known = community->GetGroup(ws, g.id); known.ok()) {
      group = known->group;
    } else {
      group.id = g.id;
      group.kind = GroupKind::kInterest;
      group.capacity = kWecomGroupCapacity;
    }
    // A group WeCom gives no name is shown as WeCom shows it: by its members.
    group.name = g.name.empty()
                     ? "客户群 " + g.chat_id.substr(g.chat_id.size() > 6 ? g.chat_id.size() - 6 : 0)
                     : g.name;
    if (!g.owner.empty()) group.owner = g.owner;
    group.chat_id = g.chat_id;
    return community->SaveGroup(ws, group).status();
  };
  return o;
}

nlohmann::json HandoverJson(const wecom::HandoverReport& r) {
  nlohmann::json refused = nlohmann::json::object(), groups_refused = nlohmann::json::object();
  for (const auto& [code, n] : r.refused) refused[std::to_string(code)] = n;
  for (const auto& [code, n] : r.groups_refused) groups_refused[std::to_string(code)] = n;
  return {{"customers", r.customers},
          {"requested", r.requested},
          {"pending", r.pending},
          {"twice_in_90_days", r.twice_in_90_days},
          {"over_daily_limit", r.over_daily_limit},
          {"no_external_userid", r.no_external_userid},
          {"refused", refused},
          {"groups", r.groups},
          {"groups_refused", groups_refused}};
}

int TransfersPerDay(App& app, const std::string& ws) {
  if (app.Has(kJourneys)) {
    if (Result<PolitenessSettings> s = app.journeys().Politeness(ws); s.ok()) {
      return s->staff.transfers_per_day;
    }
  }
  return StaffLimits{}.transfers_per_day;
}

}  // namespace pond::app
