#include "pond/app/first_start.h"

namespace pond::app {

Result<std::optional<FirstKeys>> CreateFirstKeys(App& app) {
  Engine& e = app.engine();
  ASSIGN_OR_RETURN(std::vector<ApiKey> keys, e.ListApiKeys(kDefaultWorkspace));
  if (!keys.empty()) return std::optional<FirstKeys>();
  ASSIGN_OR_RETURN(NewApiKey admin, e.CreateApiKey(kDefaultWorkspace, KeyKind::kAdmin));
  ASSIGN_OR_RETURN(NewApiKey write, e.CreateApiKey(kDefaultWorkspace, KeyKind::kWrite));
  return std::optional<FirstKeys>(FirstKeys{admin.secret, write.secret});
}

}  // namespace pond::app
