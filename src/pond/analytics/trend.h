// The daily trend behind the console's overview line (docs/analytics.md, "Trend"): for each
// local day of a range, GMV and orders paid, new friends, and active customers (those who did
// something themselves: pond's own writes such as deliveries and tags do not count).
#pragma once

#include <cstdint>
#include <vector>

#include "pond/engine/tenant_state.h"

namespace pond::analytics {

// Longest range one request may ask for.
inline constexpr int64_t kMaxTrendDays = 366;

struct TrendDay {
  int64_t day = 0;  // days since 1970-01-01, local
  int64_t gmv_fen = 0;
  int64_t orders = 0;
  int64_t new_friends = 0;  // friend_added
  int64_t active = 0;       // distinct customers
};

struct Trend {
  std::vector<TrendDay> days;
  int64_t active_customers = 0;  // distinct over the whole range
};

// Days first_day … last_day inclusive (REQUIRES: at most kMaxTrendDays of them).
Trend ComputeTrend(const TenantState& state, int64_t first_day, int64_t last_day,
                   int utc_offset_seconds);

}  // namespace pond::analytics
