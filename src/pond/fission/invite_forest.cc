#include "pond/fission/invite_forest.h"

#include <algorithm>

namespace pond {

const char* InviteOutcomeName(InviteOutcome outcome) {
  switch (outcome) {
    case InviteOutcome::kAttributed:
      return "attributed";
    case InviteOutcome::kAlreadyInvited:
      return "already_invited";
    case InviteOutcome::kSelf:
      return "self";
    case InviteOutcome::kLoop:
      return "loop";
  }
  return "attributed";
}

uint32_t InviteForest::Find(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? kNone : it->second;
}

uint32_t InviteForest::Node(const std::string& id) {
  auto [it, added] = index_.try_emplace(id, static_cast<uint32_t>(ids_.size()));
  if (added) {
    ids_.push_back(id);
    parent_.push_back(kNone);
    invited_at_.push_back(0);
    stats_.emplace_back();
    is_qualified_.push_back(false);
    is_participant_.push_back(false);
  }
  return it->second;
}

void InviteForest::Join(const std::string& id) {
  const uint32_t n = Node(id);
  if (!is_participant_[n]) {
    is_participant_[n] = true;
    ++participants_;
  }
}

InviteOutcome InviteForest::Check(const std::string& inviter, const std::string& invitee) const {
  if (inviter == invitee) return InviteOutcome::kSelf;
  const uint32_t known = Find(invitee);
  if (known != kNone && parent_[known] != kNone) return InviteOutcome::kAlreadyInvited;
  if (known != kNone) {  // a participant already: refuse making them their own descendant's
    for (uint32_t up = Find(inviter); up != kNone; up = parent_[up]) {
      if (up == known) return InviteOutcome::kLoop;
    }
  }
  return InviteOutcome::kAttributed;
}

InviteOutcome InviteForest::Invite(const std::string& inviter, const std::string& invitee,
                                   Micros at) {
  if (InviteOutcome o = Check(inviter, invitee); o != InviteOutcome::kAttributed) return o;
  Join(inviter);
  const uint32_t from = Find(inviter);
  const uint32_t to = Node(invitee);
  parent_[to] = from;
  invited_at_[to] = at;
  if (stats_[from].invites++ == 0) ++inviters_;
  ++invites_;
  return InviteOutcome::kAttributed;
}

bool InviteForest::SetQualified(const std::string& invitee, bool qualified) {
  const uint32_t n = Find(invitee);
  if (n == kNone || parent_[n] == kNone) return false;
  if (is_qualified_[n] != qualified) {
    is_qualified_[n] = qualified;
    const int64_t delta = qualified ? 1 : -1;
    stats_[parent_[n]].qualified += delta;
    qualified_ += delta;
  }
  return true;
}

std::string InviteForest::InviterOf(const std::string& id) const {
  const uint32_t n = Find(id);
  return n == kNone || parent_[n] == kNone ? "" : ids_[parent_[n]];
}

int InviteForest::Depth(const std::string& id) const {
  uint32_t n = Find(id);
  if (n == kNone) return -1;
  int depth = 0;
  for (n = parent_[n]; n != kNone; n = parent_[n]) ++depth;
  return depth;
}

InviterStats InviteForest::StatsOf(const std::string& inviter) const {
  const uint32_t n = Find(inviter);
  return n == kNone ? InviterStats{} : stats_[n];
}

std::vector<std::pair<std::string, InviterStats>> InviteForest::TopInviters(size_t limit) const {
  std::vector<uint32_t> inviters;
  for (uint32_t n = 0; n < ids_.size(); ++n) {
    if (stats_[n].invites > 0) inviters.push_back(n);
  }
  const size_t k = std::min(limit, inviters.size());
  std::partial_sort(inviters.begin(), inviters.begin() + static_cast<ptrdiff_t>(k), inviters.end(),
                    [&](uint32_t a, uint32_t b) {
                      if (stats_[a].qualified != stats_[b].qualified) {
                        return stats_[a].qualified > stats_[b].qualified;
                      }
                      if (stats_[a].invites != stats_[b].invites) {
                        return stats_[a].invites > stats_[b].invites;
                      }
                      return ids_[a] < ids_[b];
                    });
  std::vector<std::pair<std::string, InviterStats>> out;
  for (size_t i = 0; i < k; ++i) out.emplace_back(ids_[inviters[i]], stats_[inviters[i]]);
  return out;
}

std::map<int, int64_t> InviteForest::DepthHistogram() const {
  // Depths memoised along each walk up, so the whole forest costs O(nodes).
  std::vector<int> depth(ids_.size(), -1);
  std::vector<uint32_t> path;
  std::map<int, int64_t> histogram;
  for (uint32_t n = 0; n < ids_.size(); ++n) {
    uint32_t up = n;
    while (up != kNone && depth[up] < 0) {
      path.push_back(up);
      up = parent_[up];
    }
    int d = up == kNone ? -1 : depth[up];
    for (auto it = path.rbegin(); it != path.rend(); ++it) depth[*it] = ++d;
    path.clear();
    ++histogram[depth[n]];
  }
  return histogram;
}

double InviteForest::InvitesPerParticipant() const {
  return participants_ ? static_cast<double>(invites_) / static_cast<double>(participants_) : 0;
}

double InviteForest::Conversion() const {
  return invites_ ? static_cast<double>(qualified_) / static_cast<double>(invites_) : 0;
}

double InviteForest::KFactor() const {
  return participants_ ? static_cast<double>(qualified_) / static_cast<double>(participants_) : 0;
}

}  // namespace pond
