// JSON views of the team's accounts, shared by the HTTP API and the CLI. A password hash never
// appears in any of them.
#pragma once

#include <nlohmann/json.hpp>

#include "pond/auth/accounts.h"
#include "pond/auth/audit.h"

namespace pond::app {

nlohmann::json UserJson(const auth::User& user);
// /v1/me: who is signed in, and which route classes (auth::Need) their role opens.
nlohmann::json PrincipalJson(const auth::Principal& who);
// One audit log entry: {id, at, actor, action, target, from, result}.
nlohmann::json AuditEntryJson(const auth::AuditEntry& entry);

}  // namespace pond::app
