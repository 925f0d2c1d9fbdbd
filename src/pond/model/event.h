// Event: one fact about a customer, as it arrived (Segment's spec) and as the engine stored it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/model/identity.h"
#include "pond/model/order.h"

namespace pond {

// Segment's call types.
enum class EventType : uint8_t { kIdentify = 1, kTrack, kPage, kScreen, kGroup, kAlias };
std::string_view EventTypeName(EventType type);  // "identify", "track", ...
std::optional<EventType> EventTypeFromName(std::string_view name);

struct Event {
  int64_t seq = 0;  // position in the store's log; assigned by the engine
  std::string message_id;
  EventType type = EventType::kTrack;
  std::string name;  // track: the event ("order_paid"); page/screen: the page name
  std::string user_id;
  std::string anonymous_id;
  Micros timestamp = 0;    // when it happened (Segment's timestamp rules applied)
  Micros received_at = 0;  // when pond received it
  // Raw JSON objects, "{}" when absent. Kept verbatim so that nothing sent is lost.
  std::string properties = "{}";
  std::string traits = "{}";
  std::string context = "{}";
  // Identities named by the event beyond userId/anonymousId (traits, context.traits,
  // properties, alias previousId), already normalised.
  std::vector<Identity> identities;
  // For order_paid: the order total paid; for order_refunded: the amount refunded. 0 otherwise.
  // Kept as sent; the engine counts an order or refund once per order_id / refund_id.
  int64_t amount_fen = 0;
  std::optional<Order> order;    // order_paid, parsed from properties
  std::optional<Refund> refund;  // order_refunded, parsed from properties
  // Set by the engine: the customer the event was resolved to when it was applied.
  std::string customer_id;
};

// A track event pond's own services write about a customer they know by id ("cus_…"):
// outcomes of deliveries, tasks, and the like. `properties` is a JSON object's text.
Event ServiceEvent(std::string name, std::string message_id, const std::string& customer_id,
                   Micros at, std::string properties);

}  // namespace pond
