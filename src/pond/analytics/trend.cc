#include "pond/analytics/trend.h"

#include "pond/analytics/money_names.h"
#include "pond/analytics/parallel_scan.h"
#include "pond/base/time.h"
#include "pond/engine/event_origin.h"
#include "pond/model/event_names.h"

namespace pond::analytics {

Trend ComputeTrend(const TenantState& state, int64_t first_day, int64_t last_day,
                   int utc_offset_seconds) {
  const auto days = static_cast<size_t>(last_day - first_day + 1);
  const CustomerColumns& c = state.customers();
  const EventColumns& events = state.events();
  const MoneyNames money(state);
  const uint32_t friend_added = state.FindEventName(kFriendAdded);
  // Whether each interned name is something the customer did (not one of pond's own writes).
  std::vector<bool> by_customer(state.event_names().size());
  for (size_t n = 0; n < by_customer.size(); ++n) {
    by_customer[n] = !IsPondWrittenEvent(state.event_names()[n]);
  }
  struct Part {
    std::vector<TrendDay> days;
    std::vector<uint32_t> last_active;  // per day: the last customer counted active on it
    int64_t active_customers = 0;
  };
  std::vector<Part> parts(ScanParts(state.live().cardinality()));
  for (Part& p : parts) {
    p.days.resize(days);
    p.last_active.assign(days, kNoIndex);
  }
  ScanLiveInParts(state.live(), parts.size(), [&](size_t part, uint32_t customer) {
    Part& p = parts[part];
    bool active = false;
    for (const HistoryEntry& h : c.history[customer]) {
      const int64_t d = LocalDay(h.timestamp, utc_offset_seconds) - first_day;
      if (d < 0 || d >= static_cast<int64_t>(days)) continue;
      TrendDay& day = p.days[static_cast<size_t>(d)];
      if (money.IsOrder(h)) {
        ++day.orders;
        day.gmv_fen += events.amount_fen[h.event];
      }
      if (h.name == friend_added) ++day.new_friends;
      if (by_customer[h.name] && p.last_active[static_cast<size_t>(d)] != customer) {
        p.last_active[static_cast<size_t>(d)] = customer;
        ++day.active;
        active = true;
      }
    }
    p.active_customers += active;
  });
  Trend trend;
  trend.days.resize(days);
  for (const Part& p : parts) trend.active_customers += p.active_customers;
  std::vector<TrendDay>& out = trend.days;
  for (size_t i = 0; i < days; ++i) {
    out[i].day = first_day + static_cast<int64_t>(i);
    for (const Part& p : parts) {
      out[i].gmv_fen += p.days[i].gmv_fen;
      out[i].orders += p.days[i].orders;
      out[i].new_friends += p.days[i].new_friends;
      out[i].active += p.days[i].active;
    }
  }
  return trend;
}

}  // namespace pond::analytics
