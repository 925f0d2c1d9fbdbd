// The state of one workspace's fission campaigns inside FissionService, as their events left
// it, and the decisions queued for RunDue. Internal to the service (fission_service.cc,
// fission_games.cc, fission_workspace.cc).
#pragma once

#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/distribution/referral_code.h"
#include "pond/engine/tenant_state.h"
#include "pond/fission/fission_event_names.h"
#include "pond/fission/fission_service.h"

namespace pond {

inline Event FissionEvent(const char* name, std::string message_id, const std::string& customer,
                          Micros at, const nlohmann::json& properties) {
  return ServiceEvent(name, std::move(message_id), customer, at, DumpJson(properties));
}

// A friend's arrival with a poster code, or a change in whether they count.
struct Arrival {
  std::string friend_id, campaign, code;
  Micros at = 0;
  std::string ip, device_id;                 // from the event's context, for fraud scoring
  std::string phone, unionid, anonymous_id;  // from the event's identities
};
struct Standing {
  std::string friend_id, campaign, order_id, staff_id;
  bool qualifies = true;
  std::string reason;
  int64_t seq = 0;  // the event that caused it
  Micros at = 0;
};

// What the customer state says of a friend arriving with `inviter`'s code, for fraud scoring.
struct ArrivalCheck {
  Micros created_at = 0;        // when the friend's profile was created
  std::string same_as_inviter;  // "device" / "phone": the index had it as the inviter's first
  std::string reregistered;     // the older profile holding the phone or unionid, if it left
};
// REQUIRES: the state's shared lock.
ArrivalCheck CheckArrival(const TenantState& state, const Arrival& a, const std::string& inviter);

// The time of the customer's latest event of their own doing (not one pond wrote about them:
// rewards, messages, tasks, tags), or 0. REQUIRES: the state's shared lock.
Micros LastActivity(const TenantState& state, uint32_t customer);

// One campaign as its events left it.
struct LiveCampaign {
  Campaign def;
  InviteForest forest;
  std::unique_ptr<TaskTiers> tiers;
  std::map<std::string, std::string> codes;  // poster code -> participant
  struct Qualified {
    std::string order_id, staff_id;
    Micros at = 0;
  };
  std::map<std::string, Qualified> qualified;  // friend -> how they qualified
  std::set<std::string> granted;               // reward keys with fission_reward_granted
  std::set<std::string> refused;               // reached with no stock or budget left
  std::map<std::string, int> disputes;         // reward key -> disputes recorded
  int64_t reserved = 0, reserved_fen = 0;      // rewards granted or due, and their value
  std::vector<std::string> due;                // to grant
  std::vector<std::string> to_dispute;
  // Fraud: what is known of each friend, the campaign-wide counts, each inviter's friends, and
  // the rewards held for review (by key), to hold (events to write) and rejected.
  std::map<std::string, InviteeFacts> facts;
  FraudCounts counts;
  std::map<std::string, std::vector<std::string>> invitees_of;
  std::map<std::string, HeldReward> held;
  std::vector<std::string> to_hold;
  std::set<std::string> rejected;
  int64_t sent_to_review = 0;  // rewards ever held for review

  // The inviter's fraud score as the campaign stands at `at`.
  FraudScore InviterScore(const std::string& inviter, Micros at) const {
    std::vector<InviteeFacts> list;
    if (auto it = invitees_of.find(inviter); it != invitees_of.end()) {
      for (const std::string& f : it->second) list.push_back(facts.at(f));
    }
    FraudRules rules;
    // The service does not follow friends' activity yet, so "zombie" cannot be told here.
    rules.zombie_after = std::numeric_limits<Micros>::max() / 2;
    const std::vector<FraudScore> scores = ScoreInvitees(list, {}, rules, at, &counts);
    std::vector<FraudScore> inviters = ScoreInviters(list, scores, rules);
    return inviters.empty() ? FraudScore{inviter, 0, false, {}} : inviters[0];
  }

  const CampaignReward& RewardOf(const std::string& key) const {
    static const CampaignReward kNone;
    const size_t tier = std::stoul(key.substr(key.rfind(':') + 1));
    return tier < def.tiers.size() ? def.tiers[tier].reward : kNone;
  }
};

struct GroupMember {
  std::string customer, order_id;
  int64_t amount_fen = 0;
};

struct FissionService::Workspace {
  std::string secret;
  std::unique_ptr<GroupBuyBook> groups = std::make_unique<GroupBuyBook>();
  std::map<std::string, std::vector<GroupMember>> members;  // group id -> who paid what
  std::map<std::string, Bargain> bargains;
  std::map<std::string, LiveCampaign> campaigns;
  std::vector<Arrival> arrivals;
  std::set<std::pair<std::string, std::string>> arriving;  // (friend, campaign) of `arrivals`
  std::vector<Standing> standings;

  LiveCampaign& Define(const Campaign& c) {
    LiveCampaign& live = campaigns[c.id];
    live.def = c;
    std::vector<TaskTier> tiers;
    for (const CampaignTier& t : c.tiers) tiers.push_back({t.invites, t.reward.coupon});
    if (!live.tiers) live.tiers = std::make_unique<TaskTiers>(tiers);
    return live;
  }

  // One of the service's own events (deterministic: replaying them rebuilds the campaign).
  void ApplyOwn(const Event& e, const std::string& customer);

  // Other events: a friend arriving with a code, or doing (or undoing) what a campaign asks.
  void Note(const Event& e, const std::string& customer);
};

}  // namespace pond
