// Intent score (lead scoring) for customers who have not bought yet.
//
// Each event of a kind in the points table adds its points, halved for every full half-life
// (14 days) since it happened, so interest fades unless renewed. Scores are kept in 1/1024ths
// of a point, so the answer is exact and the same on every path, and it changes only at known
// instants (an event's next halving). Customers with a paid order have no intent score: a rule
// on `intent` does not match them. Thresholds name the bands: strong ≥ 60, weak ≥ 20, none
// below. The table is the default below for every workspace; making it configurable is planned.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "pond/base/clock.h"

namespace pond {

struct IntentPoints {
  std::string_view event;
  int64_t points;
};

// message_received 5, questionnaire_submitted 15, friend_added 10, channel_scanned 5,
// moment_liked 3, content_viewed 2, moment_viewed 1, page_viewed 1, invite_sent 5,
// coupon_redeemed 10.
const std::vector<IntentPoints>& DefaultIntentPoints();

inline constexpr int64_t kIntentScale = 1024;
inline constexpr Micros kIntentHalfLife = 14 * 86'400'000'000LL;
inline constexpr int64_t kIntentStrong = 60;
inline constexpr int64_t kIntentWeak = 20;

// What an event of `points` at `timestamp` contributes at `now`, in 1/1024ths of a point, and
// (lowered into *next) when that next changes.
int64_t IntentContribution(int64_t points, Micros timestamp, Micros now, Micros* next);

}  // namespace pond
