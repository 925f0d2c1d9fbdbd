#include "pond/app/wecom_sync.h"

#include "pond/community/community_service.h"

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
    return community->SaveGroup(ws, group).status();
  };
  return o;
}

}  // namespace pond::app
