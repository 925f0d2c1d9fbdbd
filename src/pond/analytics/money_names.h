// Orders and refunds in a report's scan. Only order_paid events can count as orders and only
// order_refunded events as refunds (the ingest path parses an order or a refund from those names
// alone), so a scan checks the interned name in the history entry it already holds before it
// reads the money column: one random access per event saved, which on a million customers is
// most of a report's time.
#pragma once

#include "pond/engine/tenant_state.h"
#include "pond/model/event_names.h"

namespace pond::analytics {

class MoneyNames {
 public:
  explicit MoneyNames(const TenantState& state)
      : events_(state.events()),
        paid_(state.FindEventName(kOrderPaid)),
        refunded_(state.FindEventName(kOrderRefunded)) {}

  // An order_paid that counted as an order (a repeated order id counts once).
  bool IsOrder(const HistoryEntry& h) const {
    return h.name == paid_ && events_.money[h.event] == kCountedOrder;
  }
  bool IsRefund(const HistoryEntry& h) const {
    return h.name == refunded_ && events_.money[h.event] == kCountedRefund;
  }

 private:
  const EventColumns& events_;
  uint32_t paid_, refunded_;  // kNoIndex when never seen
};

}  // namespace pond::analytics
