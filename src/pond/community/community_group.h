// Communities (社群, docs/communities.md): groups with an entry threshold, and live group codes
// that route each qualified customer to a group with space, opening the next group when all
// are full. Stored as JSON:
//
//   group: {"id": "grp_vip_1", "name": "VIP 护肤群 1", "kind": "membership",
//           "owner": "stf_lily", "capacity": 500, "rule": "count(order_paid) >= 1",
//           "welcome": "欢迎！群公告里有新人礼", "chat_id": "wrOgQh…" (WeCom's, optional)}
//   code:  {"id": "gcd_vip", "name": "VIP 群活码", "kind": "membership",
//           "groups": ["grp_vip_1"], "policy": "fill_first", "rule": "", "auto_open": true,
//           "template": {"name": "VIP 护肤群", "owner": "stf_lily", "capacity": 500,
//                        "welcome": "…"}}
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "pond/base/status.h"

namespace pond {

// interest (兴趣群), membership (会员群), activity (活动群, temporary), training (分销培训群).
enum class GroupKind { kInterest, kMembership, kActivity, kTraining };
const char* GroupKindName(GroupKind kind);

// WeCom's limits: an external group holds 500 members; a group code serves at most 5 groups.
inline constexpr int kWecomGroupCapacity = 500;
inline constexpr int kGroupsPerCode = 5;

struct CommunityGroup {
  std::string id;  // "grp_…"
  std::string name;
  GroupKind kind = GroupKind::kInterest;
  std::string owner;  // staff account
  int capacity = kWecomGroupCapacity;
  // The entry rule in the segment language; "" = everyone. A membership group's default:
  // count(order_paid) >= 1 ("fans who never bought should not be added to the group").
  std::string rule;
  std::string welcome;
  // The WeCom customer group behind it (WeCom's chat_id); "" for a group only pond knows. A
  // group code whose groups have one is also a WeCom join way (docs/wecom.md, "Group codes").
  std::string chat_id;
  bool dismissed = false;  // WeCom dismissed the group: no one is routed to it
};

struct GroupTemplate {
  std::string name;  // new groups are "<name> <n>"
  std::string owner;
  int capacity = kWecomGroupCapacity;
  std::string welcome;
};

enum class RoutePolicy { kFillFirst, kBalance };

struct GroupCode {
  std::string id;  // "gcd_…"
  std::string name;
  GroupKind kind = GroupKind::kInterest;
  std::vector<std::string> groups;  // in order; at most kGroupsPerCode
  RoutePolicy policy = RoutePolicy::kFillFirst;
  std::string rule;       // who may be routed; "" = the kind's default (see EntryRule)
  bool auto_open = true;  // open the next group from `group_template` when all are full
  GroupTemplate group_template;
};

// Errors name the field ("capacity", "groups[2]").
Result<CommunityGroup> ParseGroup(std::string_view json);
nlohmann::json GroupJson(const CommunityGroup& group);
Result<GroupCode> ParseGroupCode(std::string_view json);
nlohmann::json GroupCodeJson(const GroupCode& code);

// The rule a group (or a code) admits by: its own, or its kind's default.
std::string EntryRule(const CommunityGroup& group);
std::string EntryRule(const GroupCode& code);

}  // namespace pond
