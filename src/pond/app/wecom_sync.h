// WeCom in the application (docs/wecom.md): where the groups a sync reads go, and the limits a
// handover keeps.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "pond/app/app.h"
#include "pond/channels/wecom/handover.h"
#include "pond/channels/wecom/wecom_sync.h"

namespace pond::app {

// Sync options whose groups become community groups when the community part runs: a group
// pond already has keeps its kind, rule, capacity and welcome, and takes WeCom's name and
// owner; a new one is an interest group of WeCom's capacity.
wecom::SyncOptions WecomSyncOptions(App& app, const std::string& ws);

// The customers a staff member may hand over a local day: the messaging settings'
// staff.transfers_per_day when the journeys part runs, else its default.
int TransfersPerDay(App& app, const std::string& ws);

// A handover's report as the API and `pond wecom handover --json` print it.
nlohmann::json HandoverJson(const wecom::HandoverReport& r);

}  // namespace pond::app
