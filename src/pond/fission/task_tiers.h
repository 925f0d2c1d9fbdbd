// Task fission's tiers (任务宝: "3 friends → a coupon, 10 → the full-size product"): which
// rewards an inviter has earned as their qualified invitees come and go.
//
// Each reward has a natural idempotency key, "<campaign>:<inviter>:<tier>", and is granted once
// however many completions race, repeat or replay. When a friend stops counting (deleted the staff
// account, refunded within the window) the count goes down; a tier already granted is then
// recorded as disputed — for the operator to review — never silently kept or silently taken
// back. It is undisputed if the count climbs back.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "pond/base/status.h"

namespace pond {

struct TaskTier {
  int64_t invites = 0;  // qualified friends needed
  std::string reward;   // what is given: "coupon:<id>", "product:<sku>", "cash:<fen>"
};
// Tiers need strictly increasing thresholds from 1 and a reward each; at most 10.
Status ValidateTiers(const std::vector<TaskTier>& tiers);

struct TierChange {
  std::vector<std::string> granted;     // reward keys granted by this update
  std::vector<std::string> disputed;    // granted earlier, now above the count
  std::vector<std::string> undisputed;  // disputed earlier, reached again
};

class TaskTiers {
 public:
  explicit TaskTiers(std::vector<TaskTier> tiers) : tiers_(std::move(tiers)) {}

  // The inviter now has `qualified` qualified friends in `campaign`.
  TierChange Update(const std::string& campaign, const std::string& inviter, int64_t qualified);

  bool Granted(const std::string& key) const;
  bool Disputed(const std::string& key) const;
  static std::string Key(const std::string& campaign, const std::string& inviter, size_t tier);

 private:
  std::vector<TaskTier> tiers_;
  mutable std::mutex mu_;
  std::map<std::string, bool> granted_;  // key -> disputed
};

}  // namespace pond
