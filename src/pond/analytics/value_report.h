// Repurchase and value (docs/analytics.md, "Value"), over the live customers:
//   orders      order_paid events counted as orders (a repeated order id counts once)
//   gmv_fen     their amounts; refunded_fen the refunds' (order_refunded counted as refunds)
//   aov_fen     gmv / orders, rounded half up
//   repurchase  buyers with two or more orders / buyers with one or more
//   intervals   days between a buyer's consecutive orders (whole days, rounded down), as a
//               histogram over kIntervalBuckets, and their median
//   historical LTV per acquisition channel: (gmv − refunds) of the channel's customers / its
//               customers ("" for customers without a channel)
//   gross margin when the workspace knows its cost ratio: (gmv − refunds) × (1 − cost ratio)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pond/engine/tenant_state.h"

namespace pond::analytics {

// Upper bounds (inclusive, in days) of the interval histogram's buckets; the last is open.
inline constexpr int kIntervalBuckets[] = {7, 14, 30, 60, 90, 180, 365};
inline constexpr size_t kIntervalBucketCount = std::size(kIntervalBuckets) + 1;

struct ChannelValue {
  std::string channel;
  int64_t customers = 0, buyers = 0, orders = 0, gmv_fen = 0, refunded_fen = 0;
  int64_t ltv_fen = 0;  // historical: net revenue per customer, rounded half up
};

struct ValueReport {
  int64_t customers = 0, buyers = 0, repeat_buyers = 0, orders = 0;
  int64_t gmv_fen = 0, refunded_fen = 0, aov_fen = 0;
  double repurchase_rate = 0;
  std::vector<int64_t> intervals;  // kIntervalBucketCount counts
  int64_t median_interval_days = 0;
  Micros first_order_at = 0, last_order_at = 0;  // 0 without orders
  std::vector<ChannelValue> channels;  // most customers first
};

ValueReport ComputeValue(const TenantState& state);

// a / b rounded half up, 0 when b is 0 (non-negative a and b).
int64_t RoundedRatio(int64_t a, int64_t b);
// The upper median (the higher middle value of an even count), 0 for none; reorders `values`.
int64_t UpperMedian(std::vector<int64_t>& values);

}  // namespace pond::analytics
