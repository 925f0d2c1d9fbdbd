// The invitation forest of a fission campaign (or of all of them): who brought whom.
//
// Attribution is first touch: an invitee has at most one inviter, the first whose invitation was
// recorded; later invitations of the same person change nothing. An invitation of oneself, or of
// someone up one's own line (which would make a loop), is refused. Roots are participants whom
// nobody invited; a node's depth is the number of invitations above it (a root is at 0).
//
// A participant is someone who took part (shared the poster: Join) or invited someone. An
// invitee `qualifies` when it does what the campaign asks (adds the staff account, pays the ¥9.9
// order); qualification can be withdrawn (the friend deleted the account, the order was
// refunded), and the counts follow. K-factor = invites per participant × conversion =
// (invites / participants) × (qualified / invites) = qualified / participants.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "pond/base/clock.h"

namespace pond {

enum class InviteOutcome { kAttributed, kAlreadyInvited, kSelf, kLoop };
const char* InviteOutcomeName(InviteOutcome outcome);

struct InviterStats {
  int64_t invites = 0;
  int64_t qualified = 0;
};

class InviteForest {
 public:
  // `id` takes part (a root unless someone invited them). Again: no change.
  void Join(const std::string& id);
  // What Invite would answer, changing nothing.
  InviteOutcome Check(const std::string& inviter, const std::string& invitee) const;
  // Makes the inviter a participant too.
  InviteOutcome Invite(const std::string& inviter, const std::string& invitee, Micros at);
  // Sets whether `invitee` counts as qualified; false for someone nobody invited.
  bool SetQualified(const std::string& invitee, bool qualified);

  // "" when nobody invited `id` (a root, or unknown).
  std::string InviterOf(const std::string& id) const;
  int Depth(const std::string& id) const;  // -1 when unknown
  InviterStats StatsOf(const std::string& inviter) const;
  // The inviters with the most qualified invitees (then invites), at most `limit`.
  std::vector<std::pair<std::string, InviterStats>> TopInviters(size_t limit) const;
  // Nodes (roots and invitees) per depth.
  std::map<int, int64_t> DepthHistogram() const;

  int64_t nodes() const { return static_cast<int64_t>(ids_.size()); }
  int64_t participants() const { return participants_; }
  int64_t invites() const { return invites_; }
  int64_t qualified() const { return qualified_; }
  int64_t inviters() const { return inviters_; }
  double InvitesPerParticipant() const;
  double Conversion() const;  // qualified / invites
  double KFactor() const;     // qualified / participants

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t Node(const std::string& id);
  uint32_t Find(const std::string& id) const;

  std::unordered_map<std::string, uint32_t> index_;
  std::vector<std::string> ids_;
  std::vector<uint32_t> parent_;
  std::vector<Micros> invited_at_;
  std::vector<InviterStats> stats_;
  std::vector<bool> is_qualified_;
  std::vector<bool> is_participant_;
  int64_t invites_ = 0, qualified_ = 0, inviters_ = 0, participants_ = 0;
};

}  // namespace pond
