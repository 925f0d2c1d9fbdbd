#include "pond/auth/roles.h"

#include <array>

namespace pond::auth {
namespace {

constexpr std::array<std::string_view, 5> kRoles = {"owner", "operator", "analyst", "staff",
                                                    "distributor"};

}  // namespace

std::string_view RoleName(Role role) { return kRoles[static_cast<size_t>(role)]; }

std::optional<Role> RoleFromName(std::string_view name) {
  for (size_t i = 0; i < kRoles.size(); ++i) {
    if (kRoles[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

std::string_view NeedName(Need need) {
  switch (need) {
    case Need::kPublic:
      return "public";
    case Need::kIngest:
      return "ingest";
    case Need::kSelf:
      return "self";
    case Need::kPortal:
      return "portal";
    case Need::kRead:
      return "read";
    case Need::kCustomers:
      return "customers";
    case Need::kStaffWork:
      return "staff_work";
    case Need::kOperate:
      return "operate";
    case Need::kMoney:
      return "money";
    case Need::kTeam:
      return "team";
  }
  return "?";
}

bool Allows(Role role, Need need) {
  switch (need) {
    case Need::kPublic:
    case Need::kSelf:
      return true;
    case Need::kIngest:
      return false;  // machines only: write and admin keys
    case Need::kPortal:
      return role == Role::kDistributor;
    case Need::kRead:
      return role == Role::kOwner || role == Role::kOperator || role == Role::kAnalyst;
    case Need::kCustomers:
      return role == Role::kOwner || role == Role::kOperator || role == Role::kAnalyst ||
             role == Role::kStaff;
    case Need::kStaffWork:
      return role == Role::kOwner || role == Role::kOperator || role == Role::kStaff;
    case Need::kOperate:
      return role == Role::kOwner || role == Role::kOperator;
    case Need::kMoney:
    case Need::kTeam:
      return role == Role::kOwner;
  }
  return false;
}

bool SeesPersonalData(Role role) {
  return role == Role::kOwner || role == Role::kOperator || role == Role::kStaff;
}

}  // namespace pond::auth
