#include "pond/fission/task_tiers.h"

namespace pond {

Status ValidateTiers(const std::vector<TaskTier>& tiers) {
  if (tiers.empty() || tiers.size() > 10) return FieldError("tiers", "1 to 10 tiers");
  int64_t last = 0;
  for (size_t i = 0; i < tiers.size(); ++i) {
    const std::string at = "tiers[" + std::to_string(i) + "]";
    if (tiers[i].invites <= last || tiers[i].invites > 10'000) {
      return FieldError(at + ".invites", "increasing from tier to tier, 1 to 10000");
    }
    if (tiers[i].reward.empty()) return FieldError(at + ".reward", "is required");
    last = tiers[i].invites;
  }
  return Status::Ok();
}

std::string TaskTiers::Key(const std::string& campaign, const std::string& inviter, size_t tier) {
  return campaign + ":" + inviter + ":" + std::to_string(tier);
}

TierChange TaskTiers::Update(const std::string& campaign, const std::string& inviter,
                             int64_t qualified) {
  TierChange change;
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < tiers_.size(); ++i) {
    const std::string key = Key(campaign, inviter, i);
    auto it = granted_.find(key);
    const bool reached = qualified >= tiers_[i].invites;
    if (it == granted_.end()) {
      if (reached) {
        granted_.emplace(key, false);
        change.granted.push_back(key);
      }
    } else if (!reached && !it->second) {
      it->second = true;
      change.disputed.push_back(key);
    } else if (reached && it->second) {
      it->second = false;
      change.undisputed.push_back(key);
    }
  }
  return change;
}

bool TaskTiers::Granted(const std::string& key) const {
  std::lock_guard lock(mu_);
  return granted_.count(key) > 0;
}

bool TaskTiers::Disputed(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = granted_.find(key);
  return it != granted_.end() && it->second;
}

}  // namespace pond
