// FissionService's group buys and bargains: each join and each cut decided one at a time,
// then written as an event (docs/fission.md, "Group buying", "Bargaining").
#include <algorithm>

#include "pond/base/hash.h"
#include "pond/fission/fission_event_names.h"
#include "pond/fission/fission_workspace.h"

namespace pond {

Result<Group> FissionService::OpenGroup(const std::string& ws, const std::string& campaign,
                                        const std::string& leader_key, const std::string& order_id,
                                        int64_t amount_fen) {
  if (amount_fen < 0) return FieldError("amount_fen", "must not be negative");
  ASSIGN_OR_RETURN(const std::string leader, engine_->ResolveCustomer(ws, leader_key));
  std::lock_guard decision(decide_mu_);
  const Micros now = engine_->clock().NowMicros();
  std::string group_id;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    auto it = w.campaigns.find(campaign);
    if (it == w.campaigns.end()) return Status::NotFound("campaign \"" + campaign + "\" not found");
    if (it->second.def.kind != CampaignKind::kGroupBuy) {
      return Status::FailedPrecondition(campaign + " is not a group_buy campaign");
    }
    if (!it->second.def.Active(now)) {
      return Status::FailedPrecondition("campaign " + campaign + " is not running now");
    }
    if (w.groups->Busy(campaign, leader)) {
      return Status::FailedPrecondition(leader + " already has an open group in " + campaign);
    }
    group_id = "grp_" + campaign.substr(4) + "_" + leader.substr(4) + "_" +
               std::to_string(w.groups->OpenedBy(campaign, leader) + 1);
  }
  std::vector<Event> opened;
  opened.push_back(FissionEvent(kGroupBuyOpened, "fis:gopen:" + group_id, leader, now,
                                {{"campaign_id", campaign},
                                 {"group_id", group_id},
                                 {"order_id", order_id},
                                 {"amount_fen", amount_fen}}));
  RETURN_IF_ERROR(engine_->Submit(ws, std::move(opened)).status());
  return GetGroup(ws, group_id);
}

Result<Group> FissionService::JoinGroup(const std::string& ws, const std::string& group_id,
                                        const std::string& customer_key,
                                        const std::string& order_id, int64_t amount_fen) {
  if (amount_fen < 0) return FieldError("amount_fen", "must not be negative");
  ASSIGN_OR_RETURN(const std::string customer, engine_->ResolveCustomer(ws, customer_key));
  std::lock_guard decision(decide_mu_);
  const Micros now = engine_->clock().NowMicros();
  std::string campaign;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    ASSIGN_OR_RETURN(Group g, w.groups->Get(group_id));
    if (std::find(g.members.begin(), g.members.end(), customer) != g.members.end()) return g;
    if (g.state != GroupState::kOpen) {
      return Status::FailedPrecondition("group " + group_id + " is " + GroupStateName(g.state));
    }
    if (now >= g.expires_at) {
      return Status::FailedPrecondition("group " + group_id + " has expired");
    }
    if (w.groups->Busy(g.campaign, customer)) {
      return Status::FailedPrecondition(customer + " already has an open group in " + g.campaign);
    }
    campaign = g.campaign;
  }
  std::vector<Event> joined;
  joined.push_back(FissionEvent(kGroupBuyJoined, "fis:gjoin:" + group_id + ":" + customer, customer,
                                now,
                                {{"campaign_id", campaign},
                                 {"group_id", group_id},
                                 {"order_id", order_id},
                                 {"amount_fen", amount_fen}}));
  RETURN_IF_ERROR(engine_->Submit(ws, std::move(joined)).status());
  return GetGroup(ws, group_id);
}

Result<Bargain> FissionService::StartBargain(const std::string& ws, const std::string& campaign,
                                             const std::string& customer_key) {
  ASSIGN_OR_RETURN(const std::string owner, engine_->ResolveCustomer(ws, customer_key));
  std::lock_guard decision(decide_mu_);
  const Micros now = engine_->clock().NowMicros();
  std::string id;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    auto it = w.campaigns.find(campaign);
    if (it == w.campaigns.end()) return Status::NotFound("campaign \"" + campaign + "\" not found");
    if (it->second.def.kind != CampaignKind::kBargain) {
      return Status::FailedPrecondition(campaign + " is not a bargain campaign");
    }
    if (!it->second.def.Active(now)) {
      return Status::FailedPrecondition("campaign " + campaign + " is not running now");
    }
    int started = 0;
    for (const auto& [bid, b] : w.bargains) {
      if (b.campaign != campaign || b.owner != owner) continue;
      if (!b.reached) return b;  // the open one: a retry
      ++started;
    }
    id = "brg_" + campaign.substr(4) + "_" + owner.substr(4) + "_" + std::to_string(started + 1);
  }
  std::vector<Event> started;
  started.push_back(FissionEvent(kBargainStarted, "fis:bstart:" + id, owner, now,
                                 {{"campaign_id", campaign}, {"bargain_id", id}}));
  RETURN_IF_ERROR(engine_->Submit(ws, std::move(started)).status());
  return GetBargain(ws, id);
}

Result<Bargain> FissionService::HelpBargain(const std::string& ws, const std::string& bargain_id,
                                            const std::string& helper_key) {
  ASSIGN_OR_RETURN(const std::string helper, engine_->ResolveCustomer(ws, helper_key));
  std::lock_guard decision(decide_mu_);
  const Micros now = engine_->clock().NowMicros();
  Event help;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    auto it = w.bargains.find(bargain_id);
    if (it == w.bargains.end()) return Status::NotFound("bargain \"" + bargain_id + "\" not found");
    const Bargain& b = it->second;
    if (std::find(b.helpers.begin(), b.helpers.end(), helper) != b.helpers.end()) return b;
    if (helper == b.owner)
      return Status::FailedPrecondition("self: nobody helps their own bargain");
    if (b.reached) return Status::FailedPrecondition(bargain_id + " has reached its floor price");
    const LiveCampaign& c = w.campaigns.at(b.campaign);
    if (!c.def.Active(now)) return Status::FailedPrecondition("campaign " + b.campaign + " ended");
    const BargainRules& rules = c.def.bargain;
    const int64_t so_far = rules.start_fen - b.price_fen;
    // The seed is the workspace's secret: cuts are fixed, yet nobody outside can foresee them.
    const int64_t cut = BargainCut(rules, Fnv1a64(w.secret), bargain_id,
                                   static_cast<int>(b.helpers.size()) + 1, so_far);
    help = FissionEvent(kBargainHelped, "fis:bhelp:" + bargain_id + ":" + helper, helper, now,
                        {{"campaign_id", b.campaign},
                         {"bargain_id", bargain_id},
                         {"owner", b.owner},
                         {"cut_fen", cut},
                         {"price_fen", b.price_fen - cut}});
  }
  std::vector<Event> batch;
  batch.push_back(std::move(help));
  RETURN_IF_ERROR(engine_->Submit(ws, std::move(batch)).status());
  return GetBargain(ws, bargain_id);
}

Result<Bargain> FissionService::GetBargain(const std::string& ws, const std::string& bargain_id) {
  std::lock_guard lock(mu_);
  auto& bargains = WorkspaceFor(ws).bargains;
  auto it = bargains.find(bargain_id);
  if (it == bargains.end()) return Status::NotFound("bargain \"" + bargain_id + "\" not found");
  return it->second;
}

Result<Group> FissionService::GetGroup(const std::string& ws, const std::string& group_id) {
  std::lock_guard lock(mu_);
  return WorkspaceFor(ws).groups->Get(group_id);
}

}  // namespace pond
