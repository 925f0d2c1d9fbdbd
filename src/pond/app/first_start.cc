#include "pond/app/first_start.h"

#include "pond/auth/accounts.h"

namespace pond::app {

Result<std::optional<FirstKeys>> CreateFirstKeys(App& app) {
  Engine& e = app.engine();
  ASSIGN_OR_RETURN(std::vector<ApiKey> keys, e.ListApiKeys(kDefaultWorkspace));
  if (!keys.empty()) return std::optional<FirstKeys>();
  ASSIGN_OR_RETURN(NewApiKey admin, e.CreateApiKey(kDefaultWorkspace, KeyKind::kAdmin));
  ASSIGN_OR_RETURN(NewApiKey write, e.CreateApiKey(kDefaultWorkspace, KeyKind::kWrite));
  FirstKeys first{admin.secret, write.secret, kFirstOwnerLogin, ""};
  ASSIGN_OR_RETURN(std::vector<auth::User> users, app.accounts().ListUsers(kDefaultWorkspace));
  if (users.empty()) {
    auth::NewUser owner{kFirstOwnerLogin, "Owner", "owner", "", "", ""};
    ASSIGN_OR_RETURN(auto made, app.accounts().AddUser(kDefaultWorkspace, owner));
    first.owner_password = made.second;
  }
  return std::optional<FirstKeys>(std::move(first));
}

}  // namespace pond::app
