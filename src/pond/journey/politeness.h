// Politeness and account safety: what may be sent to whom, and when (docs/journeys.md,
// "Politeness"). A send is checked in this order, and the first rule that applies decides:
//   1. consent      customers who unsubscribed (or deleted their account) get nothing, and a
//                   wecom message needs a standing friendship: suppressed, reason recorded;
//   2. quiet hours  marketing messages inside the tenant's quiet hours wait for their end:
//                   deferred, never dropped;
//   3. caps         marketing messages beyond a customer's daily, weekly or monthly cap on a
//                   channel: suppressed;
//   4. staff limits a wecom message beyond its staff account's per-minute or per-day limit
//                   waits for the next minute or day: deferred (queued overflow).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/status.h"

namespace pond {

class TenantState;

struct FrequencyCap {
  int per_day = 1;    // marketing messages in any 24 hours
  int per_week = 3;   // ... in any 7 days
  int per_month = 0;  // ... in the local calendar month; 0: no monthly cap, except on wecom,
                      // where WeCom's own rule applies: as many as the month has days
};

// The monthly cap in force for `channel` in the month of `now`: `cap.per_month`, or on wecom
// without one WeCom's rule for mass messages (add_msg_template: each customer receives at most
// as many a month as the month has days).
int MonthlyCap(const FrequencyCap& cap, std::string_view channel, Micros now,
               int utc_offset_seconds);

// The start of the local calendar month `now` falls in.
Micros LocalMonthStart(Micros now, int utc_offset_seconds);

// Per staff account. The defaults and why are in docs/journeys.md.
struct StaffLimits {
  int messages_per_minute = 20;
  int messages_per_day = 300;
  int adds_per_day = 50;
  int transfers_per_day = 20;
};

struct PolitenessSettings {
  int quiet_start_minute = 22 * 60;  // local time; start == end: no quiet hours
  int quiet_end_minute = 8 * 60;
  FrequencyCap default_cap;
  std::map<std::string, FrequencyCap> caps;  // by channel, overriding the default
  StaffLimits staff;

  const FrequencyCap& CapFor(std::string_view channel) const;
};

Result<PolitenessSettings> ParsePolitenessSettings(std::string_view json);
nlohmann::json PolitenessSettingsJson(const PolitenessSettings& settings);

// The end of the quiet hours `now` falls in, or 0 when `now` is not in quiet hours.
Micros QuietHoursEnd(const PolitenessSettings& settings, Micros now, int utc_offset_seconds);

// Why a customer may not be messaged on `channel` at all, or "" when they may: "unsubscribed"
// (opted out of every channel or of this one: tenant_state.h, kOptOutTag) or "not_friend"
// (wecom without a standing friendship).
std::string_view ConsentProblem(const TenantState& state, uint32_t customer,
                                std::string_view channel);

// Recent sends, kept from applied message_sent events (so a restart rebuilds them): marketing
// sends per customer and channel for the caps, sends per staff account for the limits.
class SendLedger {
 public:
  void Record(uint32_t customer, uint8_t channel, bool marketing, uint32_t staff, Micros at,
              int utc_offset_seconds);
  // Marketing sends to `customer` on `channel` after `since`.
  int MarketingSince(uint32_t customer, uint8_t channel, Micros since) const;
  // Sends by `staff` in the minute / local day of `now`.
  int StaffThisMinute(uint32_t staff, Micros now) const;
  int StaffToday(uint32_t staff, Micros now, int utc_offset_seconds) const;
  void Clear();

 private:
  struct Mark {
    Micros at;
    uint8_t channel;
  };
  struct StaffCount {
    int64_t minute = -1;
    int minute_count = 0;
    int64_t day = INT64_MIN;
    int day_count = 0;
  };
  std::vector<std::vector<Mark>> marks_;  // by customer: the last 31 days of marketing sends
  std::vector<StaffCount> staff_;         // by interned staff id
};

// The index of a channel in kSendChannels (journey.h), or 0 (outbox) for an unknown one.
uint8_t SendChannelIndex(std::string_view channel);

}  // namespace pond
