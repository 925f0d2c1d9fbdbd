#include "pond/segment/intent.h"

#include "pond/model/event_names.h"
#include "pond/segment/compiled_rule.h"

namespace pond {

const IntentSettings& DefaultIntentSettings() {
  static const IntentSettings settings = [] {
    IntentSettings s;
    const std::pair<const char*, int64_t> rows[] = {
        {kMessageReceived, 5}, {kQuestionnaireSubmitted, 15},
        {kFriendAdded, 10},    {kChannelScanned, 5},
        {kMomentLiked, 3},     {kContentViewed, 2},
        {kMomentViewed, 1},    {"page_viewed", 1},
        {kInviteSent, 5},      {kCouponRedeemed, 10},
    };
    for (const auto& [event, points] : rows) s.rows.push_back({event, {}, "", points});
    return s;
  }();
  return settings;
}

Result<IntentRow> ParseIntentRow(const std::string& event, int64_t points,
                                 const std::string& field) {
  if (points < -1000 || points > 1000 || points == 0) {
    return FieldError(field + ".points", "a whole number from -1000 to 1000, not 0");
  }
  IntentRow row;
  if (Status s = ParseEventSelector(event, &row.event, &row.where); !s.ok()) {
    return FieldError(
        field + ".event",
        "an event name, optionally with where-filters as in count(…): " + s.message());
  }
  if (IsDerivedEvent(row.event)) {
    return FieldError(field + ".event", row.event + " is produced by segments themselves");
  }
  row.points = points;
  if (!row.where.empty()) row.filter_key = EventFilterKey(row.event, row.where);
  return row;
}

Status ValidateIntentSettings(const IntentSettings& s) {
  if (s.rows.size() > kMaxIntentRows) return FieldError("points", "at most 100 rows");
  if (s.half_life_days < 1 || s.half_life_days > 3650) {
    return FieldError("half_life_days", "1 to 3650 days");
  }
  if (s.weak < 1 || s.weak > 100000) return FieldError("weak", "1 to 100000 points");
  if (s.strong <= s.weak || s.strong > 100000) {
    return FieldError("strong", "more than weak, at most 100000 points");
  }
  return Status::Ok();
}

int64_t IntentContribution(int64_t points, Micros timestamp, Micros now, Micros half_life,
                           Micros* next) {
  const Micros age = now > timestamp ? now - timestamp : 0;
  const int64_t halvings = age / half_life;
  if (halvings >= 62) return 0;
  // Negative points (an unsubscribe) halve toward zero too.
  const int64_t scaled = points * kIntentScale;
  const int64_t value = scaled >= 0 ? scaled >> halvings : -((-scaled) >> halvings);
  if (value != 0 && next) {
    const Micros at = timestamp + (halvings + 1) * half_life;
    if (at > now && at < *next) *next = at;
  }
  return value;
}

}  // namespace pond
