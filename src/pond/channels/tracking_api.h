// The Segment HTTP Tracking API, as pond accepts it: the same bodies Segment's and RudderStack's
// SDKs send to /v1/identify|track|page|screen|group|alias|batch, turned into Events.
//
// Followed exactly: per-event and per-batch size limits, messageId, the timestamp rule
// (timestamp = receivedAt − (sentAt − originalTimestamp) when timestamp is absent), writeKey in
// the body. pond's additions: identities named in traits/properties (phone, email, unionid,
// openid, external_userid, taobao_nick) are collected for identity resolution, and the standard
// money events (order_paid, order_refunded) are parsed into orders and refunds exactly (yuan
// text or number → integer fen, never through a double).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/status.h"
#include "pond/model/event.h"

namespace pond {

inline constexpr Micros kEarliestEventTime = 946'684'800'000'000;  // 2000-01-01T00:00:00Z
inline constexpr Micros kDefaultMaxEventLead = 86'400'000'000;     // one day ahead of receipt

// The event time window above, for `field`: an error that names it and the window.
Status CheckEventTime(Micros t, Micros received_at, const std::string& field,
                      Micros earliest = kEarliestEventTime, Micros max_lead = kDefaultMaxEventLead);

struct SegmentLimits {
  size_t max_event_bytes = 32 * 1024;   // Segment: 32 KB per call
  size_t max_batch_bytes = 500 * 1024;  // Segment: 500 KB per batch request
  size_t max_batch_events = 2500;       // Segment: 2,500 events per batch
  // An event's time, after clock-skew correction, lies in [earliest, received + max_lead]:
  // reports and cohorts are sized by the time span of the data, so a year 0001 or 9999 is
  // refused rather than stored.
  Micros earliest = kEarliestEventTime;
  Micros max_lead = kDefaultMaxEventLead;
};

struct SegmentRequest {
  std::vector<Event> events;
  std::string write_key;  // "writeKey" from the body, when sent there
};

// `endpoint` is "batch" (alias "import") or a call type ("track", "identify", …). `body` must
// be followed by at least simdjson::SIMDJSON_PADDING readable bytes (see PaddedBody).
// Errors are InvalidArgument (or PayloadTooLarge for sizes) naming the field:
// "batch[3].timestamp", "userId", "batch".
Result<SegmentRequest> ParseSegmentRequest(std::string_view body, std::string_view endpoint,
                                           Micros received_at, const SegmentLimits& limits = {});

// One call object with its own "type" (track when absent), as a line of a JSONL import.
// Same padding rule as above. Unlike the API, a missing messageId is left empty so that the
// importer can derive a stable one.
Result<Event> ParseSegmentCall(std::string_view call, Micros received_at,
                               std::string_view default_type = "track");

// Parses one order_paid / order_refunded properties object into the event's order or refund
// and amount. Used by the Segment parser, the orders endpoint and importers.
Status ParseMoneyEvent(Event& event);
// The same from a view of the properties; `padded`: readable padding follows the view.
Status ParseMoneyEvent(Event& event, std::string_view properties, bool padded);

// Adds the identity-bearing keys of a JSON object (phone, email, unionid, openid,
// external_userid, taobao_nick), normalised, to `out`. Malformed input adds nothing.
// `padded`: readable padding follows the text (a slice of a padded request body).
void CollectIdentities(std::string_view object_json, bool padded, std::vector<Identity>* out);

// Parses POST /v1/orders: one order object, or {"orders": [...]} with up to 1,000. Each order
// becomes an order_paid event whose messageId is "order:<order_id>", so a re-sent order is a
// duplicate, not a second sale. Fields: order_id, user_id / anonymous_id / any identity key,
// paid_at (ISO-8601, default: received), amount (yuan) or total_fen, discount / discount_fen,
// source, currency, items [{sku, name, category, quantity, price | price_fen, amount |
// amount_fen}].
Result<std::vector<Event>> ParseOrdersRequest(std::string_view body, Micros received_at);

// Bytes of padding the parsers need after the body (simdjson::SIMDJSON_PADDING).
size_t JsonPadding();

// A fresh random message id for calls that come without one (Segment's servers do the same).
std::string NewMessageId();

}  // namespace pond
