#include "pond/fission/fraud.h"

#include <algorithm>
#include <map>

namespace pond {
namespace {

void Add(FraudScore& s, const char* code, int points, std::string reason) {
  s.signals.push_back({code, points, std::move(reason)});
  s.score = std::min(100, s.score + points);
}

std::string PhonePrefix(const InviteeFacts& f) {
  return f.phone.size() >= 7 ? f.phone.substr(0, 7) : "";  // a whole number or its block
}

int CountOf(const std::map<std::string, int>& counts, const std::string& key) {
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

std::string Minutes(Micros t) { return std::to_string(t / kMicrosPerMinute) + " min"; }

}  // namespace

std::string IpBlock(const std::string& ip) {
  if (ip.find(':') != std::string::npos) {  // IPv6: the first three groups
    size_t at = 0;
    for (int groups = 0; groups < 3; ++groups) {
      at = ip.find(':', at);
      if (at == std::string::npos) return "";
      ++at;
    }
    return ip.substr(0, at - 1);
  }
  int dots = 0;
  for (char c : ip) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return "";
    }
  }
  return dots == 3 ? ip.substr(0, ip.rfind('.')) : "";
}

void FraudCounts::Add(const InviteeFacts& f) {
  if (!f.device_id.empty()) ++devices[f.device_id];
  if (const std::string b = IpBlock(f.ip); !b.empty()) ++blocks[b];
  if (const std::string p = PhonePrefix(f); !p.empty()) ++prefixes[p];
}

std::vector<FraudScore> ScoreInvitees(const std::vector<InviteeFacts>& invitees,
                                      const std::vector<InviterFacts>& inviters,
                                      const FraudRules& r, Micros now, const FraudCounts* given) {
  FraudCounts own;
  if (!given) {
    for (const InviteeFacts& f : invitees) own.Add(f);
  }
  const FraudCounts& counts = given ? *given : own;
  const auto& devices = counts.devices;
  const auto& blocks = counts.blocks;
  const auto& prefixes = counts.prefixes;
  std::map<std::string, const InviterFacts*> by_id;
  for (const InviterFacts& i : inviters) by_id[i.id] = &i;
  std::vector<FraudScore> out;
  for (const InviteeFacts& f : invitees) {
    FraudScore s;
    s.id = f.id;
    bool self = !f.same_as_inviter.empty();
    if (auto it = by_id.find(f.inviter); it != by_id.end()) {
      const InviterFacts& inv = *it->second;
      self = self || (!f.device_id.empty() && f.device_id == inv.device_id) ||
             (!f.phone.empty() && f.phone == inv.phone);
    }
    if (self) Add(s, "self_referral", 50, "shares a device or phone with its inviter " + f.inviter);
    if (!f.device_id.empty() && CountOf(devices, f.device_id) >= r.device_min) {
      Add(s, "shared_device", 40,
          std::to_string(CountOf(devices, f.device_id)) + " invitees share device " + f.device_id);
    }
    if (!f.reregistered.empty()) {
      Add(s, "reregistered", 40,
          "the phone or unionid is " + f.reregistered + "'s, who deleted the staff account");
    }
    if (f.qualified_at && now - f.qualified_at >= r.zombie_after &&
        f.last_active_at <= f.qualified_at) {
      Add(s, "zombie", 25,
          "no activity in the " + std::to_string(r.zombie_after / kMicrosPerDay) +
              " days since qualifying");
    }
    if (const std::string b = IpBlock(f.ip); !b.empty() && CountOf(blocks, b) >= r.ip_min) {
      Add(s, "shared_ip", 20,
          std::to_string(CountOf(blocks, b)) + " invitees come from " + b + ".x");
    }
    if (const std::string p = PhonePrefix(f);
        !p.empty() && CountOf(prefixes, p) >= r.phone_block_min) {
      Add(s, "phone_block", 20,
          std::to_string(CountOf(prefixes, p)) + " invitees have phones starting " + p);
    }
    if (f.qualified_at && f.created_at && f.qualified_at - f.created_at < r.fresh) {
      Add(s, "fresh_account", 15,
          "created " + Minutes(f.qualified_at - f.created_at) + " before qualifying");
    }
    s.review = s.score >= r.review_at;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<FraudScore> ScoreInviters(const std::vector<InviteeFacts>& invitees,
                                      const std::vector<FraudScore>& invitee_scores,
                                      const FraudRules& r) {
  std::map<std::string, std::vector<Micros>> invited_at;
  std::map<std::string, std::pair<int, int>> flagged;  // inviter -> (suspicious, all)
  for (size_t i = 0; i < invitees.size(); ++i) {
    const InviteeFacts& f = invitees[i];
    invited_at[f.inviter].push_back(f.invited_at);
    auto& [suspicious, all] = flagged[f.inviter];
    ++all;
    if (i < invitee_scores.size() && invitee_scores[i].score >= r.review_at) ++suspicious;
  }
  std::vector<FraudScore> out;
  for (auto& [inviter, times] : invited_at) {
    FraudScore s;
    s.id = inviter;
    std::sort(times.begin(), times.end());
    size_t busiest = 0;  // the most invitations in any window of burst_window
    for (size_t lo = 0, hi = 0; hi < times.size(); ++hi) {
      while (times[hi] - times[lo] > r.burst_window) ++lo;
      busiest = std::max(busiest, hi - lo + 1);
    }
    if (static_cast<int>(busiest) >= r.burst_count) {
      Add(s, "burst", 30,
          std::to_string(busiest) + " invitations within " + Minutes(r.burst_window));
    }
    const auto [suspicious, all] = flagged[inviter];
    if (suspicious * 2 >= all && suspicious > 0) {
      Add(s, "mostly_suspicious", 50,
          std::to_string(suspicious) + " of " + std::to_string(all) + " invitees are suspicious");
    }
    s.review = s.score >= r.review_at;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace pond
