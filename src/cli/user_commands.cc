// `pond user add|list|disable|reset-password`: the team's accounts (docs/privacy.md). They work
// beside a running server, which sees the change within auth::kRecheckMicros.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "pond/app/account_views.h"
#include "pond/auth/accounts.h"
#include "pond/base/time.h"

namespace pond::cli {
namespace {

// The first line of standard input, for --password-stdin (so it stays out of the shell history
// and the process list).
std::string ReadPasswordLine() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

int RunUser(const Common& common, const UserArgs& a) {
  auto engine = OpenEngine(common, false);
  if (!engine.ok()) return Fail(engine.status());
  auth::AccountService accounts(engine->get());
  const std::string password = a.password_stdin ? ReadPasswordLine() : std::string();
  if (a.action == "add") {
    auto made = accounts.AddUser(common.workspace,
                                 {a.login, a.name, a.role, password, a.staff_id, a.distributor_id});
    if (!made.ok()) return Fail(made.status());
    RecordCliAudit(**engine, common.workspace, "user.add", made->first.id);
    std::printf("added %s (%s) to workspace \"%s\" as %s\n", made->first.id.c_str(),
                made->first.login.c_str(), common.workspace.c_str(),
                std::string(auth::RoleName(made->first.role)).c_str());
    if (!made->second.empty()) std::printf("password (shown once):\n%s\n", made->second.c_str());
    return 0;
  }
  if (a.action == "list") {
    auto users = accounts.ListUsers(common.workspace);
    if (!users.ok()) return Fail(users.status());
    if (common.json) {
      nlohmann::json data = nlohmann::json::array();
      for (const auth::User& u : *users) data.push_back(app::UserJson(u));
      std::printf("%s\n", nlohmann::json{{"data", data}}.dump().c_str());
      return 0;
    }
    Table t({"id", "login", "name", "role", "staff", "state", "created"});
    for (const auth::User& u : *users) {
      t.Add({u.id, u.login, u.name, std::string(auth::RoleName(u.role)),
             u.staff_id.empty() ? u.distributor_id : u.staff_id, u.disabled ? "disabled" : "active",
             FormatIso8601(u.created_at)});
    }
    t.Print();
    return 0;
  }
  if (a.action == "disable") {
    auto u = accounts.DisableUser(common.workspace, a.user);
    if (!u.ok()) return Fail(u.status());
    RecordCliAudit(**engine, common.workspace, "user.disable", u->id);
    std::printf("disabled %s (%s); their sessions are ended\n", u->id.c_str(), u->login.c_str());
    return 0;
  }
  // reset-password
  auto chosen = accounts.ResetPassword(common.workspace, a.user, password);
  if (!chosen.ok()) return Fail(chosen.status());
  RecordCliAudit(**engine, common.workspace, "user.reset_password", a.user);
  std::printf("password of %s reset; their sessions are ended\n", a.user.c_str());
  if (!chosen->empty()) std::printf("new password (shown once):\n%s\n", chosen->c_str());
  return 0;
}

}  // namespace pond::cli
