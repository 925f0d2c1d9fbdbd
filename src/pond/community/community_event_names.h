// The events the community service writes (docs/communities.md). A routed place and an
// invitation's outcome follow from them, so the ingest edge refuses them from clients.
#pragma once

#include <string_view>

namespace pond {

inline constexpr char kGroupRouted[] = "group_routed";  // {group_id, code_id, cause?}
inline constexpr char kGroupInviteDecided[] = "group_invite_decided";  // {cause, outcome, …}

inline bool IsCommunityServiceEvent(std::string_view name) {
  return name == kGroupRouted || name == kGroupInviteDecided;
}

}  // namespace pond
