// Intent score (lead scoring) for customers who have not bought yet.
//
// Each event matching a row of the points table adds the row's points (rows add up: a base row
// for message_received and an extra one for message_received where property.keyword == "price"),
// halved for every full half-life since the event happened, so interest fades unless renewed.
// Scores are kept in 1/1024ths of a point, so the answer is exact and the same on every path,
// and it changes only at known instants (an event's next halving). Customers with a paid order
// have no intent score: a rule on `intent` does not match them. Thresholds name the bands:
// strong ≥ `strong`, weak ≥ `weak`, none below. Each workspace may replace the default table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/status.h"
#include "pond/segment/rule.h"

namespace pond {

struct IntentRow {
  std::string event;
  std::vector<PropertyFilter> where;  // empty: every event of the name
  std::string filter_key;             // EventFilterKey(event, where) when `where` is not empty
  int64_t points = 0;
};

struct IntentSettings {
  std::vector<IntentRow> rows;
  int64_t half_life_days = 14;
  int64_t strong = 60;
  int64_t weak = 20;
};

inline constexpr int64_t kIntentScale = 1024;
inline constexpr size_t kMaxIntentRows = 100;

// message_received 5, questionnaire_submitted 15, friend_added 10, channel_scanned 5,
// moment_liked 3, content_viewed 2, moment_viewed 1, page_viewed 1, invite_sent 5,
// coupon_redeemed 10; half-life 14 days; strong 60, weak 20.
const IntentSettings& DefaultIntentSettings();

// Builds a row from the event as count() takes it ("message_received where property.keyword ==
// \"price\""). Errors name `field`.
Result<IntentRow> ParseIntentRow(const std::string& event, int64_t points,
                                 const std::string& field);
// Checks thresholds, half-life and the rows' count. Errors name the field.
Status ValidateIntentSettings(const IntentSettings& settings);

// What an event of `points` at `timestamp` contributes at `now`, in 1/1024ths of a point, and
// (lowered into *next) when that next changes.
int64_t IntentContribution(int64_t points, Micros timestamp, Micros now, Micros half_life,
                           Micros* next);

}  // namespace pond
