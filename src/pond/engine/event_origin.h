// Which events pond's own services write about a customer (rewards, messages, tasks, tags,
// stages…) as opposed to what the customer did: activity, retention and zombie checks count only
// the latter.
#pragma once

#include <algorithm>
#include <iterator>
#include <string_view>

#include "pond/model/event_names.h"

namespace pond {

inline bool IsPondWrittenEvent(std::string_view name) {
  // The customer writing to a staff account shares the prefix of pond's delivery outcomes.
  if (name == kMessageReceived) return false;
  static constexpr std::string_view kPrefixes[] = {
      "fission_",     "journey_",    "message_",   "task_",      "commission_",
      "distributor_", "withdrawal_", "group_buy_", "bargain_",   kTagAdded,
      kTagRemoved,    kCouponIssued, kClientBound, kStageChanged};
  return std::any_of(std::begin(kPrefixes), std::end(kPrefixes),
                     [&](std::string_view p) { return name.starts_with(p); });
}

}  // namespace pond
