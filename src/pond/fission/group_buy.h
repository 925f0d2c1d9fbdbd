// Group buying (拼团): a leader opens a group of K for a campaign; friends join until it is full;
// if it is not full when its T hours are up, it fails and every member is refunded.
//
// The rules the open-source shops' histories show broken, kept here under one lock per book:
//   - a join is atomic: a group never holds more than K members, however many join at once;
//   - one open group per user per campaign (as leader or member);
//   - a member joins a group once; joining after expiry or after the group filled is refused;
//   - expiry fails the group and names every member to refund (order_refunded events), unless
//     the operator chose to fill expiring groups (`fill_on_expiry`), which completes them as
//     they are.
// A member refunded after the group succeeded leaves the group successful: the refund is that
// member's own order's, the others keep their price, and the group is not reopened.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/status.h"

namespace pond {

enum class GroupState { kOpen, kSucceeded, kFailed };
const char* GroupStateName(GroupState state);

struct GroupBuyRules {
  int size = 3;                           // K, the leader included: 2 to 100
  Micros duration = 24 * kMicrosPerHour;  // T
  bool fill_on_expiry = false;
};
Status ValidateGroupBuy(const GroupBuyRules& rules);

struct Group {
  std::string id;
  std::string campaign;
  std::string leader;
  std::vector<std::string> members;  // the leader first
  GroupState state = GroupState::kOpen;
  Micros opened_at = 0;
  Micros expires_at = 0;
  Micros closed_at = 0;
};

class GroupBuyBook {
 public:
  // Opens `group_id` for `leader`. FailedPrecondition when the leader has an open group in this
  // campaign; AlreadyExists when the id is taken (the same leader and campaign: a retry, Ok).
  Status Open(const std::string& campaign, const std::string& group_id, const std::string& leader,
              const GroupBuyRules& rules, Micros at);
  // Joins `member` to the group: Ok (and true in *filled when this join filled it), or
  // FailedPrecondition naming why not (full, closed, expired, one open group per campaign).
  // Joining a group one is already in is Ok (a retry).
  Status Join(const std::string& group_id, const std::string& member, Micros at, bool* filled);
  // Closes every open group whose time is up by `now`: failed (their members are to be
  // refunded) or, with fill_on_expiry, succeeded as they are. The groups closed.
  std::vector<Group> Expire(Micros now);
  // The open groups whose time is up by `now`, with the state expiry gives them, unchanged.
  std::vector<Group> DueToClose(Micros now) const;
  // Closes an open group as `state` (an expiry decided earlier, replayed). No-op otherwise.
  void CloseGroup(const std::string& group_id, GroupState state, Micros at);
  // True while `user` is in an open group of `campaign`.
  bool Busy(const std::string& campaign, const std::string& user) const;
  // How many groups `leader` opened in `campaign`.
  int OpenedBy(const std::string& campaign, const std::string& leader) const;

  Result<Group> Get(const std::string& group_id) const;

 private:
  Status CheckFree(const std::string& campaign, const std::string& user) const;  // REQUIRES: mu_
  void Close(Group& g, GroupState state, Micros at);                             // REQUIRES: mu_

  mutable std::mutex mu_;
  std::map<std::string, Group> groups_;
  std::map<std::string, GroupBuyRules> rules_;          // by group id
  std::set<std::pair<std::string, std::string>> busy_;  // (campaign, user) in an open group
};

}  // namespace pond
