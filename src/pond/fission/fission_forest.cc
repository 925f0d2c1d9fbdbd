// The invitation forest over all of a workspace's campaigns, built on demand from each
// campaign's attributed invitations: earliest first, so a friend belongs to whoever invited
// them first anywhere, and an invitation that would close a loop across campaigns is left out.
#include <algorithm>
#include <deque>
#include <tuple>

#include "pond/fission/fission_service.h"
#include "pond/fission/fission_workspace.h"

namespace pond {
namespace {

struct Overall {
  InviteForest forest;
  std::map<std::string, FissionService::TreeNode> attributed;  // invitee -> its invitation
  std::map<std::string, std::vector<std::string>> children;    // in the order invited
};

// REQUIRES: the service's mu_.
Overall BuildOverall(const FissionService::Workspace& w) {
  Overall out;
  std::vector<FissionService::TreeNode> edges;
  for (const auto& [id, c] : w.campaigns) {
    for (const auto& [code, participant] : c.codes) out.forest.Join(participant);
    for (const auto& [friend_id, f] : c.facts) {
      edges.push_back(
          {friend_id, f.inviter, id, 1, c.qualified.count(friend_id) > 0, f.invited_at});
    }
  }
  std::sort(edges.begin(), edges.end(), [](const auto& a, const auto& b) {
    return std::tie(a.invited_at, a.campaign, a.customer) <
           std::tie(b.invited_at, b.campaign, b.customer);
  });
  for (FissionService::TreeNode& e : edges) {
    if (out.forest.Invite(e.inviter, e.customer, e.invited_at) != InviteOutcome::kAttributed) {
      continue;
    }
    if (e.qualified) out.forest.SetQualified(e.customer, true);
    out.children[e.inviter].push_back(e.customer);
    out.attributed[e.customer] = std::move(e);
  }
  return out;
}

}  // namespace

Result<FissionService::ForestReport> FissionService::Forest(const std::string& ws, size_t limit) {
  std::lock_guard lock(mu_);
  const Overall all = BuildOverall(WorkspaceFor(ws));
  ForestReport r;
  r.participants = all.forest.participants();
  r.invites = all.forest.invites();
  r.qualified = all.forest.qualified();
  r.k_factor = all.forest.KFactor();
  r.depths = all.forest.DepthHistogram();
  for (const auto& [id, stats] : all.forest.TopInviters(limit)) {
    r.top.push_back({id, stats.invites, stats.qualified, all.forest.Depth(id)});
  }
  return r;
}

Result<FissionService::Tree> FissionService::TreeOf(const std::string& ws,
                                                    const std::string& customer_key, int depth,
                                                    size_t limit) {
  ASSIGN_OR_RETURN(const std::string customer, engine_->ResolveCustomer(ws, customer_key));
  std::lock_guard lock(mu_);
  const Overall all = BuildOverall(WorkspaceFor(ws));
  Tree t;
  t.customer = customer;
  auto own = all.attributed.find(t.customer);
  t.self = own != all.attributed.end() ? own->second : TreeNode{t.customer, "", "", 0, false, 0};
  t.self.level = 0;
  // Each ancestor with its own invitation (none for the root).
  std::string up = all.forest.InviterOf(t.customer);
  for (int level = -1; !up.empty(); --level) {
    auto it = all.attributed.find(up);
    TreeNode n = it != all.attributed.end() ? it->second : TreeNode{up, "", "", 0, false, 0};
    n.level = level;
    up = n.inviter;
    t.upline.push_back(std::move(n));
  }
  std::deque<std::pair<std::string, int>> queue{{t.customer, 0}};
  while (!queue.empty()) {
    auto [id, at] = queue.front();
    queue.pop_front();
    auto kids = all.children.find(id);
    if (at >= depth || kids == all.children.end()) continue;
    for (const std::string& kid : kids->second) {
      if (t.downline.size() == limit) {
        t.truncated = true;
        return t;
      }
      TreeNode n = all.attributed.at(kid);
      n.level = at + 1;
      t.downline.push_back(std::move(n));
      queue.emplace_back(kid, at + 1);
    }
  }
  return t;
}

}  // namespace pond
