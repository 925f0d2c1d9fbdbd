// WeCom's customer groups in the community part (docs/wecom.md, "Group codes"): the
// application's side of wecom::GroupHooks.
//   KeepJoinWays   every group code with at least one WeCom group (a group with a chat_id) is a
//                  WeCom join way listing its WeCom groups with room — not dismissed, members
//                  and held places under the group's capacity — in the code's order; the groups
//                  WeCom opened for it (auto_create_room) are taken into the code first, as
//                  groups of the code's kind with its template's capacity and welcome. When the
//                  code holds 5 groups, the first full one leaves it for the newcomer: the
//                  rotation moves on, the old group keeps its members and its health.
//   ChatChanged    create: the group read (groupchat/get) and saved with its members, then the
//                  join ways kept (so a group a join way opened joins its code at once);
//                  dismiss: a group_left {scene: "dismiss"} for every member, and the group kept
//                  as dismissed.
#pragma once

#include <string>

#include "pond/app/app.h"
#include "pond/channels/outbound/wecom_api.h"
#include "pond/channels/wecom/wecom_service.h"

namespace pond::app {

Status KeepJoinWays(App& app, const std::string& ws, outbound::WecomApi& api);
Status ChatChanged(App& app, const std::string& ws, outbound::WecomApi& api,
                   const wecom::ChatChange& change);
// A group send to community groups through WeCom (chat_sends.h): each group must be a WeCom group
// (a chat_id) with an owner, who sends it; errors name groups[i]. `id` makes a retry harmless.
Result<wecom::ChatSend> SendToGroups(App& app, const std::string& ws, const std::string& id,
                                     const std::vector<std::string>& groups,
                                     const std::string& text);

// The hooks above, for WecomService::SetGroupHooks. REQUIRES: the community part started.
wecom::GroupHooks GroupHooksFor(App& app);

}  // namespace pond::app
