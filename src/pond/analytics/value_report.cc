#include "pond/analytics/value_report.h"

#include <algorithm>
#include <map>

namespace pond::analytics {

int64_t RoundedRatio(int64_t a, int64_t b) { return b == 0 ? 0 : (2 * a + b) / (2 * b); }

ValueReport ComputeValue(const TenantState& state) {
  const CustomerColumns& c = state.customers();
  const EventColumns& events = state.events();
  ValueReport out;
  out.intervals.assign(kIntervalBucketCount, 0);
  std::vector<int64_t> all_intervals;
  std::map<uint32_t, ChannelValue> by_channel;  // by interned channel, kNoIndex for none
  std::vector<Micros> order_times;
  for (uint32_t customer : state.live()) {
    ++out.customers;
    ChannelValue& ch = by_channel[c.channel[customer]];
    ++ch.customers;
    order_times.clear();
    for (const HistoryEntry& h : c.history[customer]) {
      if (events.money[h.event] == kCountedOrder) {
        order_times.push_back(h.timestamp);
        ch.gmv_fen += events.amount_fen[h.event];
      } else if (events.money[h.event] == kCountedRefund) {
        ch.refunded_fen += events.amount_fen[h.event];
      }
    }
    const auto orders = static_cast<int64_t>(order_times.size());
    ch.orders += orders;
    if (orders == 0) continue;
    ++ch.buyers;
    if (orders >= 2) ++out.repeat_buyers;
    std::sort(order_times.begin(), order_times.end());
    for (size_t i = 1; i < order_times.size(); ++i) {
      const int64_t days = (order_times[i] - order_times[i - 1]) / (86'400 * kMicrosPerSecond);
      all_intervals.push_back(days);
      size_t bucket = 0;
      while (bucket < std::size(kIntervalBuckets) && days > kIntervalBuckets[bucket]) ++bucket;
      ++out.intervals[bucket];
    }
  }
  for (auto& [index, ch] : by_channel) {
    ch.channel = index == kNoIndex ? "" : state.channel_names()[index];
    ch.ltv_fen = RoundedRatio(std::max<int64_t>(ch.gmv_fen - ch.refunded_fen, 0), ch.customers);
    out.buyers += ch.buyers;
    out.orders += ch.orders;
    out.gmv_fen += ch.gmv_fen;
    out.refunded_fen += ch.refunded_fen;
    out.channels.push_back(std::move(ch));
  }
  std::stable_sort(
      out.channels.begin(), out.channels.end(),
      [](const ChannelValue& a, const ChannelValue& b) { return a.customers > b.customers; });
  out.aov_fen = RoundedRatio(std::max<int64_t>(out.gmv_fen, 0), out.orders);
  out.repurchase_rate =
      out.buyers ? static_cast<double>(out.repeat_buyers) / static_cast<double>(out.buyers) : 0;
  if (!all_intervals.empty()) {
    auto mid = all_intervals.begin() + static_cast<ptrdiff_t>(all_intervals.size() / 2);
    std::nth_element(all_intervals.begin(), mid, all_intervals.end());
    out.median_interval_days = *mid;  // the upper median for an even count
  }
  return out;
}

}  // namespace pond::analytics
