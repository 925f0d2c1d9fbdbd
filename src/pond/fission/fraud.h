// Fraud scoring for fission: the wool party (羊毛党) and zombie fans, found by what their
// accounts share and how they behave, with every signal explained in words an operator can act
// on. Scores are 0–100; a reward whose inviter scores at or above `review_at` waits in the review
// queue instead of being granted.
//
// Invitee signals (points):
//   shared_device   the device id is shared by `device_min` or more invitees (of any inviter)  40
//   self_referral   the invitee shares a device id or phone with its inviter, or the identity
//                   index says its phone or device was first the inviter's                    50
//   reregistered    the phone or unionid is held by an older profile that deleted the staff
//                   account (the same person back as "new" to earn a reward)                 40
//   zombie          qualified, then no activity for `zombie_after` (and that long has passed)  25
//   shared_ip       the IP's /24 (IPv6: /48) is shared by `ip_min` or more invitees           20
//   phone_block     the phone's first 7 digits are shared by `phone_block_min` or more invitees 20
//   fresh_account   the account was created less than `fresh` before it qualified             15
// Inviter signals: the sum of its own (burst: `burst_count` or more invitations within
// `burst_window`, 30) and, when half or more of its invitees score `review_at` or more,
// mostly_suspicious (50: such an inviter's rewards wait for review). Scores are capped at 100.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pond/base/clock.h"

namespace pond {

struct FraudRules {
  int device_min = 3;
  int ip_min = 5;
  int phone_block_min = 5;
  Micros fresh = 10 * kMicrosPerMinute;
  Micros zombie_after = 7 * kMicrosPerDay;
  int burst_count = 10;
  Micros burst_window = 10 * kMicrosPerMinute;
  int review_at = 50;
};

struct InviteeFacts {
  std::string id;
  std::string inviter;
  std::string device_id;  // "" when unknown
  std::string ip;
  std::string phone;  // the number, or only its first 7 digits (enough for phone_block)
  Micros created_at = 0;
  Micros invited_at = 0;
  Micros qualified_at = 0;    // 0: not qualified
  Micros last_active_at = 0;  // latest activity after qualifying; 0: none
  // What the identity index knew when the invitee arrived: "device" or "phone" when that was
  // first the inviter's; the older profile ("cus_…") whose phone or unionid this is, when that
  // profile deleted the staff account. "" for no.
  std::string same_as_inviter;
  std::string reregistered;
};

struct InviterFacts {
  std::string id;
  std::string device_id;
  std::string phone;
};

struct FraudSignal {
  std::string code;  // "shared_device", …
  int points = 0;
  std::string reason;  // "3 invitees share device d-1"
};

struct FraudScore {
  std::string id;
  int score = 0;  // 0–100
  bool review = false;
  std::vector<FraudSignal> signals;
};

// How many invitees share each device, IP block and phone prefix: kept up to date as invitations
// arrive, so that one inviter's invitees can be scored against the whole campaign.
struct FraudCounts {
  std::map<std::string, int> devices, blocks, prefixes;
  void Add(const InviteeFacts& f);
};

// One score per invitee, in the order given. The shared_* signals count over `counts` when
// given (the campaign), else over `invitees`.
std::vector<FraudScore> ScoreInvitees(const std::vector<InviteeFacts>& invitees,
                                      const std::vector<InviterFacts>& inviters,
                                      const FraudRules& rules, Micros now,
                                      const FraudCounts* counts = nullptr);
// One score per inviter that has invitees, by inviter id; `invitee_scores` from ScoreInvitees.
std::vector<FraudScore> ScoreInviters(const std::vector<InviteeFacts>& invitees,
                                      const std::vector<FraudScore>& invitee_scores,
                                      const FraudRules& rules);

// "10.1.2.3" → "10.1.2", "2001:db8:1::7" → "2001:db8:1"; "" for what is not an address.
std::string IpBlock(const std::string& ip);

}  // namespace pond
