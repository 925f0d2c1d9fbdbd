// The Segment tracking API's parser on arbitrary bodies, with the money and time oracle: any
// event it accepts carries amounts inside [0, kMaxMoneyFen], lines that add up to no more than
// their order or refund, a time inside the documented window, and ids without control
// characters.
#include <string>

#include "fuzz_target.h"
#include "pond/channels/tracking_api.h"

namespace {

constexpr pond::Micros kReceived = 1'764'547'200'000'000;  // 2025-12-01T00:00:00Z

bool Clean(const std::string& id) {
  for (unsigned char c : id) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using pond::fuzz::Require;
  if (size == 0) return 0;
  // The first byte picks the endpoint; the rest is the body, padded as the server pads it.
  static const char* const kEndpoints[] = {"batch", "track", "identify", "page", "alias", "group"};
  const char* endpoint = kEndpoints[data[0] % 6];
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t n = body.size();
  body.append(pond::JsonPadding(), ' ');
  auto parsed = pond::ParseSegmentRequest(std::string_view(body.data(), n), endpoint, kReceived);
  if (!parsed.ok()) return 0;
  for (const pond::Event& e : parsed->events) {
    Require(e.timestamp >= pond::kEarliestEventTime &&
                e.timestamp <= kReceived + pond::kDefaultMaxEventLead,
            "an accepted event's time is inside the window");
    Require(Clean(e.user_id) && Clean(e.anonymous_id) && Clean(e.message_id),
            "accepted ids carry no control characters");
    if (e.order) {
      int64_t lines = 0;
      for (const pond::LineItem& li : e.order->items) {
        Require(li.amount_fen >= 0 && li.amount_fen <= pond::kMaxMoneyFen, "a line's amount");
        Require(li.unit_price_fen >= 0, "a line's price");
        lines += li.amount_fen;
      }
      Require(e.order->total_fen >= 0 && e.order->total_fen <= pond::kMaxMoneyFen,
              "an order's amount is inside the limit");
      Require(lines <= e.order->total_fen, "an order's lines add up to no more than it");
    }
    if (e.refund) {
      Require(e.refund->amount_fen >= 0 && e.refund->amount_fen <= pond::kMaxMoneyFen,
              "a refund's amount is inside the limit");
    }
  }
  return 0;
}
