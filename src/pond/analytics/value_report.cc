#include "pond/analytics/value_report.h"

#include <algorithm>
#include <map>

#include "pond/analytics/money_names.h"
#include "pond/analytics/parallel_scan.h"

namespace pond::analytics {

int64_t RoundedRatio(int64_t a, int64_t b) { return b == 0 ? 0 : (2 * a + b) / (2 * b); }

int64_t UpperMedian(std::vector<int64_t>& values) {
  if (values.empty()) return 0;
  auto mid = values.begin() + static_cast<ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  return *mid;
}

ValueReport ComputeValue(const TenantState& state) {
  const CustomerColumns& c = state.customers();
  const EventColumns& events = state.events();
  const MoneyNames money(state);
  // Each part of the scan sums on its own; the parts are merged in order.
  struct Part {
    std::map<uint32_t, ChannelValue> by_channel;  // by interned channel, kNoIndex for none
    std::vector<int64_t> intervals = std::vector<int64_t>(kIntervalBucketCount, 0);
    std::vector<int64_t> all_intervals;
    int64_t customers = 0, repeat_buyers = 0;
    Micros first = INT64_MAX, last = INT64_MIN;
    std::vector<Micros> order_times;
  };
  std::vector<Part> parts(ScanParts(state.live().cardinality()));
  ScanLiveInParts(state.live(), parts.size(), [&](size_t part, uint32_t customer) {
    Part& p = parts[part];
    ++p.customers;
    ChannelValue& ch = p.by_channel[c.channel[customer]];
    ++ch.customers;
    p.order_times.clear();
    for (const HistoryEntry& h : c.history[customer]) {
      if (money.IsOrder(h)) {
        p.order_times.push_back(h.timestamp);
        ch.gmv_fen += events.amount_fen[h.event];
      } else if (money.IsRefund(h)) {
        ch.refunded_fen += events.amount_fen[h.event];
      }
    }
    const auto orders = static_cast<int64_t>(p.order_times.size());
    ch.orders += orders;
    if (orders == 0) return;
    ++ch.buyers;
    if (orders >= 2) ++p.repeat_buyers;
    std::sort(p.order_times.begin(), p.order_times.end());
    p.first = std::min(p.first, p.order_times.front());
    p.last = std::max(p.last, p.order_times.back());
    for (size_t i = 1; i < p.order_times.size(); ++i) {
      const int64_t days = (p.order_times[i] - p.order_times[i - 1]) / (86'400 * kMicrosPerSecond);
      p.all_intervals.push_back(days);
      size_t bucket = 0;
      while (bucket < std::size(kIntervalBuckets) && days > kIntervalBuckets[bucket]) ++bucket;
      ++p.intervals[bucket];
    }
  });
  ValueReport out;
  out.intervals.assign(kIntervalBucketCount, 0);
  std::vector<int64_t> all_intervals;
  std::map<uint32_t, ChannelValue> by_channel;
  for (const Part& p : parts) {
    out.customers += p.customers;
    out.repeat_buyers += p.repeat_buyers;
    if (p.first != INT64_MAX) {
      out.first_order_at = out.first_order_at ? std::min(out.first_order_at, p.first) : p.first;
      out.last_order_at = std::max(out.last_order_at, p.last);
    }
    for (size_t b = 0; b < kIntervalBucketCount; ++b) out.intervals[b] += p.intervals[b];
    all_intervals.insert(all_intervals.end(), p.all_intervals.begin(), p.all_intervals.end());
    for (const auto& [index, part_ch] : p.by_channel) {
      ChannelValue& ch = by_channel[index];
      ch.customers += part_ch.customers;
      ch.buyers += part_ch.buyers;
      ch.orders += part_ch.orders;
      ch.gmv_fen += part_ch.gmv_fen;
      ch.refunded_fen += part_ch.refunded_fen;
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
  out.median_interval_days = UpperMedian(all_intervals);
  return out;
}

}  // namespace pond::analytics
