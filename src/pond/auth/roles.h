// Roles and the route policy (docs/privacy.md, "Roles"): what each kind of team member may do.
// Every HTTP route names one Need in the route table; Allows() is the whole policy.
#pragma once

#include <optional>
#include <string_view>

namespace pond::auth {

enum class Role {
  kOwner,        // everything, including the team, keys, money decisions and the audit log
  kOperator,     // builds and runs journeys, segments, campaigns, content; sees personal data
  kAnalyst,      // reads reports and customers with personal data masked; changes nothing
  kStaff,        // 导购/客服: only the customers whose owning staff account is theirs
  kDistributor,  // their own clients (masked), commissions and withdrawals
};

std::string_view RoleName(Role role);
std::optional<Role> RoleFromName(std::string_view name);
inline constexpr std::string_view kRoleNames = "owner, operator, analyst, staff or distributor";

// What a route needs. Ordered from the most open; the policy is a table, not this order.
enum class Need {
  kPublic,     // no credential: /healthz, /metrics, the login itself
  kIngest,     // a write key (or an admin key): events and orders in
  kSelf,       // any signed-in user: their own account (/v1/me, logout)
  kPortal,     // a distributor's own portal (a portal token or a distributor's session)
  kRead,       // reports and definitions (segments, journeys, campaigns, settings), no changes
  kCustomers,  // customer lists and profiles: staff see their own customers only
  kStaffWork,  // a customer's tags, notes and the tasks on them: staff on their own customers
  kOperate,    // change definitions and act on customers in bulk
  kMoney,      // decide about money: withdrawals, distribution settings, held rewards
  kTeam,       // users, keys and the audit log
};

std::string_view NeedName(Need need);

// Whether a signed-in user with `role` may call a route that needs `need`. Staff and
// distributors pass kCustomers / kStaffWork / kPortal only for their own records: the handler
// narrows what they see (a customer who is not theirs is a 404, not a 403).
bool Allows(Role role, Need need);

// Whether `role` reads personal data (phones, names, unionids) unmasked.
bool SeesPersonalData(Role role);

}  // namespace pond::auth
