#include "pond/fission/group_buy.h"

#include <algorithm>

namespace pond {

const char* GroupStateName(GroupState state) {
  switch (state) {
    case GroupState::kOpen:
      return "open";
    case GroupState::kSucceeded:
      return "succeeded";
    case GroupState::kFailed:
      return "failed";
  }
  return "open";
}

Status ValidateGroupBuy(const GroupBuyRules& r) {
  if (r.size < 2 || r.size > 100)
    return FieldError("size", "between 2 and 100, the leader included");
  if (r.duration < kMicrosPerHour || r.duration > 30 * kMicrosPerDay) {
    return FieldError("hours", "between 1 hour and 30 days");
  }
  return Status::Ok();
}

Status GroupBuyBook::CheckFree(const std::string& campaign, const std::string& user) const {
  if (busy_.count({campaign, user})) {
    return Status::FailedPrecondition(user + " already has an open group in campaign " + campaign);
  }
  return Status::Ok();
}

void GroupBuyBook::Close(Group& g, GroupState state, Micros at) {
  g.state = state;
  g.closed_at = at;
  for (const std::string& m : g.members) busy_.erase({g.campaign, m});
}

Status GroupBuyBook::Open(const std::string& campaign, const std::string& group_id,
                          const std::string& leader, const GroupBuyRules& rules, Micros at) {
  RETURN_IF_ERROR(ValidateGroupBuy(rules));
  if (group_id.empty()) return FieldError("group_id", "is required");
  std::lock_guard lock(mu_);
  if (auto it = groups_.find(group_id); it != groups_.end()) {
    if (it->second.leader == leader && it->second.campaign == campaign) return Status::Ok();
    return Status::AlreadyExists("group " + group_id + " exists");
  }
  RETURN_IF_ERROR(CheckFree(campaign, leader));
  Group& g = groups_[group_id];
  g = Group{group_id, campaign, leader, {leader}, GroupState::kOpen, at, at + rules.duration, 0};
  rules_[group_id] = rules;
  busy_.insert({campaign, leader});
  return Status::Ok();
}

Status GroupBuyBook::Join(const std::string& group_id, const std::string& member, Micros at,
                          bool* filled) {
  *filled = false;
  std::lock_guard lock(mu_);
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return Status::NotFound("group " + group_id + " not found");
  Group& g = it->second;
  if (std::find(g.members.begin(), g.members.end(), member) != g.members.end()) {
    return Status::Ok();  // a retry
  }
  if (g.state != GroupState::kOpen) {
    return Status::FailedPrecondition("group " + group_id + " is " + GroupStateName(g.state));
  }
  if (at >= g.expires_at) return Status::FailedPrecondition("group " + group_id + " has expired");
  RETURN_IF_ERROR(CheckFree(g.campaign, member));
  const GroupBuyRules& rules = rules_.at(group_id);
  g.members.push_back(member);
  busy_.insert({g.campaign, member});
  if (static_cast<int>(g.members.size()) == rules.size) {
    Close(g, GroupState::kSucceeded, at);
    *filled = true;
  }
  return Status::Ok();
}

std::vector<Group> GroupBuyBook::Expire(Micros now) {
  std::lock_guard lock(mu_);
  std::vector<Group> closed;
  for (auto& [id, g] : groups_) {
    if (g.state != GroupState::kOpen || g.expires_at > now) continue;
    Close(g, rules_.at(id).fill_on_expiry ? GroupState::kSucceeded : GroupState::kFailed,
          g.expires_at);
    closed.push_back(g);
  }
  return closed;
}

std::vector<Group> GroupBuyBook::DueToClose(Micros now) const {
  std::lock_guard lock(mu_);
  std::vector<Group> due;
  for (const auto& [id, g] : groups_) {
    if (g.state != GroupState::kOpen || g.expires_at > now) continue;
    Group closing = g;
    closing.state = rules_.at(id).fill_on_expiry ? GroupState::kSucceeded : GroupState::kFailed;
    closing.closed_at = g.expires_at;
    due.push_back(std::move(closing));
  }
  return due;
}

void GroupBuyBook::CloseGroup(const std::string& group_id, GroupState state, Micros at) {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group_id);
  if (it != groups_.end() && it->second.state == GroupState::kOpen) Close(it->second, state, at);
}

bool GroupBuyBook::Busy(const std::string& campaign, const std::string& user) const {
  std::lock_guard lock(mu_);
  return busy_.count({campaign, user}) > 0;
}

int GroupBuyBook::OpenedBy(const std::string& campaign, const std::string& leader) const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& [id, g] : groups_) n += g.campaign == campaign && g.leader == leader;
  return n;
}

Result<Group> GroupBuyBook::Get(const std::string& group_id) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return Status::NotFound("group " + group_id + " not found");
  return it->second;
}

}  // namespace pond
