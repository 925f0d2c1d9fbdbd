// DistributionService's reads: distributors with their figures and the leaderboard.
#include <algorithm>

#include "pond/distribution/distribution_service.h"
#include "pond/distribution/distribution_workspace.h"

namespace pond {

Result<DistributorView> DistributionService::Get(const std::string& ws, const std::string& id) {
  RETURN_IF_ERROR(Secret(ws).status());
  std::lock_guard lock(mu_);
  std::map<std::string, DistributorView> views = WorkspaceFor(ws).Views();
  auto it = views.find(id);
  if (it == views.end()) return Status::NotFound("distributor \"" + id + "\" not found");
  return it->second;
}

Result<std::vector<DistributorView>> DistributionService::List(const std::string& ws,
                                                               const std::string& state) {
  if (!state.empty() && state != "applied" && state != "active" && state != "frozen" &&
      state != "rejected") {
    return FieldError("state", "\"applied\", \"active\", \"frozen\" or \"rejected\"");
  }
  RETURN_IF_ERROR(Secret(ws).status());
  std::lock_guard lock(mu_);
  std::vector<DistributorView> out;
  for (auto& [id, v] : WorkspaceFor(ws).Views()) {
    if (state.empty() || state == DistributorStateName(v.distributor.state)) {
      out.push_back(std::move(v));
    }
  }
  return out;
}

Result<std::vector<DistributorView>> DistributionService::Leaderboard(const std::string& ws,
                                                                      const std::string& by,
                                                                      size_t limit) {
  auto key = [&](const DistributorView& v) -> int64_t {
    if (by == "earned") return v.earned_fen;
    if (by == "clients") return v.clients;
    return v.gmv_fen;
  };
  if (by != "gmv" && by != "earned" && by != "clients") {
    return FieldError("by", "\"gmv\", \"earned\" or \"clients\"");
  }
  ASSIGN_OR_RETURN(std::vector<DistributorView> all, List(ws, ""));
  std::erase_if(all, [](const DistributorView& v) {
    return v.distributor.state != DistributorState::kActive &&
           v.distributor.state != DistributorState::kFrozen;
  });
  std::stable_sort(all.begin(), all.end(), [&](const DistributorView& a, const DistributorView& b) {
    return key(a) > key(b);
  });
  if (all.size() > limit) all.resize(limit);
  return all;
}

}  // namespace pond
