#include "pond/community/group_health.h"

#include <cstdio>
#include <map>
#include <set>

#include "pond/base/time.h"

namespace pond {
namespace {

std::string Percent(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", share * 100);
  return buf;
}

double Share(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0;
}

}  // namespace

GroupHealth ComputeGroupHealth(const std::vector<GroupActivity>& log, int capacity, Micros now,
                               int tz) {
  using Type = GroupActivity::Type;
  constexpr Micros kWeek = 7 * kMicrosPerDay;
  GroupHealth h;
  h.capacity = capacity;
  const int64_t today = LocalDay(now, tz);
  std::map<int64_t, GroupDay> days;
  for (int64_t d = today - 13; d <= today; ++d) days[d].date = FormatDate(d);
  std::set<std::string> members;
  std::set<std::string> spoke_now, spoke_before;
  struct Campaign {
    Micros at;
    std::set<std::string> members, buyers;
  };
  std::vector<Campaign> campaigns;
  std::set<std::string> members_before;  // members as of a week ago (for the earlier rate)
  bool week_ago_taken = false;
  for (const GroupActivity& a : log) {
    if (a.at > now) break;
    if (!week_ago_taken && a.at > now - kWeek) {
      members_before = members;
      week_ago_taken = true;
    }
    const int64_t day = LocalDay(a.at, tz);
    switch (a.type) {
      case Type::kJoined:
        members.insert(a.customer);
        if (days.count(day)) ++days[day].joins;
        break;
      case Type::kLeft:
        members.erase(a.customer);
        if (days.count(day)) ++days[day].leaves;
        break;
      case Type::kMessage:
        if (a.at > now - kWeek) {
          spoke_now.insert(a.customer);
          ++h.messages;
          h.ad_messages += a.ad;
        } else if (a.at > now - 2 * kWeek) {
          spoke_before.insert(a.customer);
        }
        break;
      case Type::kCampaign:
        if (a.at > now - 30 * kMicrosPerDay) campaigns.push_back({a.at, members, {}});
        break;
      case Type::kOrder:
        for (Campaign& c : campaigns) {
          if (a.at >= c.at && a.at - c.at <= kWeek && c.members.count(a.customer)) {
            c.buyers.insert(a.customer);
          }
        }
        break;
    }
  }
  if (!week_ago_taken) members_before = members;
  h.members = static_cast<int64_t>(members.size());
  for (auto& [d, day] : days) h.days.push_back(day);
  for (const std::string& m : spoke_now) h.active_members += members.count(m);
  h.active_rate = Share(h.active_members, h.members);
  int64_t active_before = 0;
  for (const std::string& m : spoke_before) active_before += members_before.count(m);
  h.active_rate_before = Share(active_before, static_cast<int64_t>(members_before.size()));
  h.ad_ratio = Share(h.ad_messages, h.messages);
  for (const Campaign& c : campaigns) {
    ++h.campaigns;
    h.campaign_members += static_cast<int64_t>(c.members.size());
    h.campaign_buyers += static_cast<int64_t>(c.buyers.size());
  }
  h.conversion = Share(h.campaign_buyers, h.campaign_members);
  if (h.messages >= 10 && h.ad_ratio > 0.3) {
    h.alerts.push_back("ad_ratio_high: " + Percent(h.ad_ratio) +
                       " of the last 7 days' messages are ads (above 30%)");
  }
  if (h.active_rate_before >= 0.1 && h.active_rate < h.active_rate_before / 2) {
    h.alerts.push_back("activity_collapsing: " + Percent(h.active_rate) +
                       " of members spoke in the last 7 days, against " +
                       Percent(h.active_rate_before) + " the 7 days before");
  }
  if (capacity > 0 && h.members * 100 >= static_cast<int64_t>(capacity) * 95) {
    h.alerts.push_back("nearly_full: " + std::to_string(h.members) + " of " +
                       std::to_string(capacity) + " members");
  }
  return h;
}

}  // namespace pond
