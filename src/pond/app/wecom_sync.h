// WeCom sync in the application (docs/wecom.md, "Sync"): where the groups read from WeCom go.
#pragma once

#include <string>

#include "pond/app/app.h"
#include "pond/channels/wecom/wecom_sync.h"

namespace pond::app {

// Sync options whose groups become community groups when the community part runs: a group
// pond already has keeps its kind, rule, capacity and welcome, and takes WeCom's name and
// owner; a new one is an interest group of WeCom's capacity.
wecom::SyncOptions WecomSyncOptions(App& app, const std::string& ws);

}  // namespace pond::app
