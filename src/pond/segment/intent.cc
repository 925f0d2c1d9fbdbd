#include "pond/segment/intent.h"

namespace pond {

const std::vector<IntentPoints>& DefaultIntentPoints() {
  static const std::vector<IntentPoints> table = {
      {"message_received", 5}, {"questionnaire_submitted", 15}, {"friend_added", 10},
      {"channel_scanned", 5},  {"moment_liked", 3},             {"content_viewed", 2},
      {"moment_viewed", 1},    {"page_viewed", 1},              {"invite_sent", 5},
      {"coupon_redeemed", 10},
  };
  return table;
}

int64_t IntentContribution(int64_t points, Micros timestamp, Micros now, Micros* next) {
  const Micros age = now > timestamp ? now - timestamp : 0;
  const int64_t halvings = age / kIntentHalfLife;
  if (halvings >= 62) return 0;
  const int64_t value = (points * kIntentScale) >> halvings;
  if (value > 0 && next) {
    const Micros at = timestamp + (halvings + 1) * kIntentHalfLife;
    if (at > now && at < *next) *next = at;
  }
  return value;
}

}  // namespace pond
