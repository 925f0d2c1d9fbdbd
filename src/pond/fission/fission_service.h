// FissionService: task campaigns (任务宝) kept as events (docs/fission.md, "How it runs").
//
// A participant gets a poster code (fission_joined). A friend who arrives with it
// (`invite_accepted {campaign_id, code}`) is attributed to the inviter by first touch
// (fission_invited); when the friend does what the campaign asks — pays an order of at least the
// amount, or adds the staff account — they qualify (fission_qualified), and a refund of that
// order or a deletion of that staff account within the window takes it back
// (fission_disqualified). Tiers reached are granted once each (fission_reward_granted, plus
// coupon_issued for a coupon), within the campaign's stock and budget; a tier whose count falls
// away is disputed (fission_reward_disputed), not silently kept.
//
// As with distribution, decisions that follow other events are queued by the observer and made
// by RunDue(), each with a messageId that is a pure function of its cause ("fis:inv:<campaign>:
// <friend>", "fis:reward:<campaign>:<inviter>:<tier>"), so retries, races and restarts grant
// nothing twice; replaying the service's own events rebuilds the trees, counts and grants.
// Group buys and bargains run in fission_games.cc; the forest across campaigns is built on
// demand in fission_forest.cc.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "pond/base/periodic.h"
#include "pond/engine/engine.h"
#include "pond/engine/workspace_map.h"
#include "pond/fission/campaign.h"
#include "pond/fission/fraud.h"
#include "pond/fission/group_buy.h"
#include "pond/fission/invite_forest.h"
#include "pond/fission/task_tiers.h"

namespace pond {

struct CampaignReport {
  std::string campaign;
  int64_t participants = 0;
  int64_t invites = 0;
  int64_t qualified = 0;
  double k_factor = 0;
  double invites_per_participant = 0;
  double conversion = 0;
  std::map<int, int64_t> depths;  // nodes per depth of the invitation forest
  int64_t rewards_granted = 0;
  int64_t rewards_disputed = 0;
  int64_t rewards_refused = 0;  // tiers reached with no stock or budget left
  int64_t rewards_held = 0;     // waiting for review (fraud score at or above the threshold)
  int64_t rewards_rejected = 0;
  // Of the rewards reached within stock and budget, the share whose inviter's fraud score sent
  // them to review.
  double fraud_rate = 0;
  int64_t spent_fen = 0;              // value of the rewards granted
  int64_t cost_per_customer_fen = 0;  // spent / qualified, rounded up
  // group_buy campaigns
  int64_t groups_open = 0, groups_succeeded = 0, groups_failed = 0;
  int64_t group_members = 0;
};

// A reward waiting for review, with the inviter's fraud score and its reasons.
struct HeldReward {
  std::string key;  // "<campaign>:<inviter>:<tier>"
  std::string inviter;
  int score = 0;
  std::vector<std::string> reasons;
};

struct Bargain {
  std::string id;  // "brg_…"
  std::string campaign;
  std::string owner;
  std::vector<std::string> helpers;  // in order
  std::vector<int64_t> cuts;         // fen, per helper
  int64_t price_fen = 0;             // now
  bool reached = false;              // at the floor
  Micros started_at = 0;
};

struct Poster {
  std::string campaign;
  std::string customer;  // the participant, "cus_…"
  std::string code;
};

class FissionService final : public ReplayingObserver {
 public:
  static Result<std::unique_ptr<FissionService>> Start(Engine* engine);
  ~FissionService() override;

  // Saves (creates or replaces) a campaign definition.
  Result<Campaign> SaveCampaign(const std::string& ws, const Campaign& campaign);
  Result<std::vector<Campaign>> Campaigns(const std::string& ws);
  Result<Campaign> GetCampaign(const std::string& ws, const std::string& id);

  // The participant's poster code (joining them to the campaign the first time).
  Result<Poster> Join(const std::string& ws, const std::string& campaign,
                      const std::string& customer_key);
  Result<CampaignReport> Report(const std::string& ws, const std::string& campaign);
  // Per-inviter figures: the inviters with the most qualified friends, at most `limit`.
  struct InviterRow {
    std::string inviter;
    int64_t invites = 0, qualified = 0;
    int depth = 0;  // how many invitations brought the inviter in
  };
  Result<std::vector<InviterRow>> Inviters(const std::string& ws, const std::string& campaign,
                                           size_t limit);
  // Fraud scores as the campaign stands now: the inviters with the highest scores first (at
  // most `limit`), each with its invitees' scores. Holding a reward is decided when its tier is
  // reached, from the service's own events; these scores also tell who went quiet after
  // qualifying (zombie), from each friend's latest activity in the customer state.
  struct FraudRow {
    FraudScore inviter;
    std::vector<FraudScore> invitees;
  };
  Result<std::vector<FraudRow>> Fraud(const std::string& ws, const std::string& campaign,
                                      size_t limit);
  // The invitation forest over all the workspace's campaigns: a friend belongs to whoever
  // invited them first in any campaign (fission_forest.cc).
  struct ForestReport {
    int64_t participants = 0, invites = 0, qualified = 0;
    double k_factor = 0;
    std::map<int, int64_t> depths;
    std::vector<InviterRow> top;  // the inviters with the most qualified friends
  };
  Result<ForestReport> Forest(const std::string& ws, size_t limit);
  struct TreeNode {
    std::string customer, inviter, campaign;
    int level = 0;  // upline: -1 is who invited the customer; downline: 1 is whom they invited
    bool qualified = false;
    Micros invited_at = 0;
  };
  struct Tree {
    std::string customer;
    TreeNode self;                   // the customer's own invitation (level 0)
    std::vector<TreeNode> upline;    // nearest first, up to the root
    std::vector<TreeNode> downline;  // breadth first, `depth` levels, at most `limit` nodes
    bool truncated = false;          // the downline had more
  };
  Result<Tree> TreeOf(const std::string& ws, const std::string& customer_key, int depth,
                      size_t limit);
  // The review queue: rewards held because their inviter looks fraudulent.
  Result<std::vector<HeldReward>> Held(const std::string& ws, const std::string& campaign);
  // Approve (the reward is granted) or reject a held reward. Again: no change.
  Status Review(const std::string& ws, const std::string& campaign, const std::string& key,
                bool approve, const std::string& by);

  // --- group buying (group_buy campaigns; the rules are in group_buy.h) -------------------
  // Opens a group led by the customer, who paid `order_id` (`amount_fen`) to open it.
  Result<Group> OpenGroup(const std::string& ws, const std::string& campaign,
                          const std::string& leader_key, const std::string& order_id,
                          int64_t amount_fen);
  // Joins the customer to the group: one decision at a time, so a group never holds more than
  // its size. FailedPrecondition says why not (full, closed, expired, already in a group).
  Result<Group> JoinGroup(const std::string& ws, const std::string& group_id,
                          const std::string& customer_key, const std::string& order_id,
                          int64_t amount_fen);
  Result<Group> GetGroup(const std::string& ws, const std::string& group_id);

  // --- bargaining (bargain campaigns; the cut algorithm is in bargain.h) ------------------
  // Starts the customer's bargain on the campaign's product (one open bargain each).
  Result<Bargain> StartBargain(const std::string& ws, const std::string& campaign,
                               const std::string& customer_key);
  // `helper` cuts the price: once per helper, never the owner, until the floor is reached at
  // the H-th helper. Helping again is a retry (the same bargain back, no second cut).
  Result<Bargain> HelpBargain(const std::string& ws, const std::string& bargain_id,
                              const std::string& helper_key);
  Result<Bargain> GetBargain(const std::string& ws, const std::string& bargain_id);

  // Makes the queued decisions; returns the events submitted.
  Result<int64_t> RunDue();
  void RunInBackground(std::chrono::milliseconds every);

  void OnApplied(const std::string& ws, const TenantState& state,
                 const AppliedEvent& applied) override;
  void OnReset(const std::string& ws, const TenantState& state) override;

  struct Workspace;

 private:
  explicit FissionService(Engine* engine);
  Status Load(const std::string& ws);
  Workspace& WorkspaceFor(const std::string& ws);  // REQUIRES: mu_
  Result<int64_t> RunDue(const std::string& ws);

  Engine* engine_;
  std::mutex decide_mu_;  // group joins: check, then submit, one at a time
  std::mutex mu_;
  WorkspaceMap<Workspace> workspaces_;  // REQUIRES: mu_
  PeriodicThread background_;
};

}  // namespace pond
