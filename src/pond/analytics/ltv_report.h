// The LTV report (docs/analytics.md, "Predicted LTV"): BG/NBD and Gamma-Gamma fitted on the
// workspace's buyers, and per acquisition channel the value they have brought (historical) and
// are expected to bring over the horizon (predicted purchases × expected spend per purchase).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pond/analytics/ltv_model.h"

namespace pond::analytics {

inline constexpr int kDefaultLtvHorizonDays = 365;
inline constexpr int kMaxLtvHorizonDays = 3650;
// Fewer buyers than this, or fewer repeat buyers than kMinRepeatBuyers, and no model is fitted.
inline constexpr int64_t kMinBuyers = 20;
inline constexpr int64_t kMinRepeatBuyers = 10;

struct LtvChannel {
  std::string channel;  // "" for customers without one
  int64_t customers = 0, buyers = 0;
  int64_t historical_fen = 0;         // GMV − refunds so far
  double expected_purchases = 0;      // over the horizon, all its buyers
  int64_t predicted_fen = 0;          // expected spend over the horizon
  int64_t ltv_fen = 0;                // (historical + predicted) / customers
  double mean_probability_alive = 0;  // over its buyers
};

struct LtvReport {
  int horizon_days = kDefaultLtvHorizonDays;
  int64_t buyers = 0, repeat_buyers = 0;
  // Whether predictions exist; when not, `why` says what is missing in plain words.
  bool predicted = false;
  std::string why;
  BgNbd purchases;
  GammaGamma spend;
  double expected_purchases = 0;
  int64_t predicted_fen = 0;
  std::vector<LtvChannel> channels;  // most customers first
};

LtvReport ComputeLtv(const TenantState& state, Micros now, int utc_offset_seconds,
                     int horizon_days);

}  // namespace pond::analytics
