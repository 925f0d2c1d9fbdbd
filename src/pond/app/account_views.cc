#include "pond/app/account_views.h"

#include "pond/base/time.h"

namespace pond::app {

using nlohmann::json;

json UserJson(const auth::User& u) {
  return {{"id", u.id},
          {"login", u.login},
          {"name", u.name},
          {"role", auth::RoleName(u.role)},
          {"staff_id", u.staff_id},
          {"distributor_id", u.distributor_id},
          {"disabled", u.disabled},
          {"created_at", FormatIso8601(u.created_at)}};
}

json PrincipalJson(const auth::Principal& who) {
  json may = json::array();
  for (auth::Need need :
       {auth::Need::kRead, auth::Need::kCustomers, auth::Need::kStaffWork, auth::Need::kOperate,
        auth::Need::kMoney, auth::Need::kTeam, auth::Need::kPortal}) {
    if (auth::Allows(who.role, need)) may.push_back(auth::NeedName(need));
  }
  return {{"id", who.user_id},
          {"login", who.login},
          {"name", who.name},
          {"role", auth::RoleName(who.role)},
          {"workspace", who.workspace_id},
          {"staff_id", who.staff_id},
          {"distributor_id", who.distributor_id},
          {"personal_data", auth::SeesPersonalData(who.role) ? "visible" : "masked"},
          {"may", may}};
}

nlohmann::json AuditEntryJson(const auth::AuditEntry& e) {
  return {{"id", e.id},         {"at", FormatIso8601(e.at)}, {"actor", e.actor},
          {"action", e.action}, {"target", e.target},        {"from", e.from},
          {"result", e.result}};
}

}  // namespace pond::app
