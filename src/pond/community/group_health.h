// A group's health from what happened in it (docs/communities.md, "Health"): members, joins and
// leaves per day, the active rate, the ad ratio, conversion after group campaigns, and alerts.
//
//   active rate   members now who sent a message in the last 7 days / members now
//   ad ratio      messages marked as ads / all messages, last 7 days
//   conversion    over the group campaigns of the last 30 days: members at each campaign who
//                 paid an order within 7 days after it / members at each campaign (summed)
//   alerts        ad_ratio_high (ad ratio above 30%, with 10 messages or more);
//                 activity_collapsing (the active rate fell below half of the 7 days before,
//                 which was 10% or more); nearly_full (95% of capacity)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pond/base/clock.h"

namespace pond {

struct GroupActivity {
  enum class Type { kJoined, kLeft, kMessage, kOrder, kCampaign };
  Type type = Type::kJoined;
  std::string customer;  // "" for a campaign
  Micros at = 0;
  bool ad = false;  // messages
};

struct GroupDay {
  std::string date;  // local YYYY-MM-DD
  int64_t joins = 0, leaves = 0;
};

struct GroupHealth {
  int64_t members = 0;
  int capacity = 0;
  std::vector<GroupDay> days;  // the last 14 days, oldest first
  int64_t active_members = 0;
  double active_rate = 0;
  double active_rate_before = 0;  // the 7 days before those
  int64_t messages = 0, ad_messages = 0;
  double ad_ratio = 0;
  int64_t campaigns = 0, campaign_members = 0, campaign_buyers = 0;
  double conversion = 0;
  std::vector<std::string> alerts;  // codes, with the reason after ": "
};

// `log` in time order (as the events were applied).
GroupHealth ComputeGroupHealth(const std::vector<GroupActivity>& log, int capacity, Micros now,
                               int tz_offset_seconds);

}  // namespace pond
