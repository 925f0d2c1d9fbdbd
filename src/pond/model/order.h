// Orders, their line items and refunds. Money is integer fen.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pond/base/clock.h"

namespace pond {

// The most one order, line, discount or refund may carry: ¥100,000,000. Far below int64 (9.2e18),
// so that a customer's spend, a report's GMV or a book's sum over even a billion such amounts
// cannot overflow; the ingest edge refuses more, naming the field.
inline constexpr int64_t kMaxMoneyFen = 10'000'000'000;

struct LineItem {
  std::string sku;
  std::string name;
  std::string category;
  int64_t quantity = 1;
  int64_t unit_price_fen = 0;
  int64_t amount_fen = 0;  // paid for this line after discounts (not unit price × quantity)
};

struct Order {
  std::string order_id;     // the shop's order number, kept as given
  std::string customer_id;  // who placed it, as known when it was recorded
  int64_t event_seq = 0;    // the order_paid event that recorded it
  Micros paid_at = 0;
  int64_t total_fen = 0;     // amount paid
  int64_t discount_fen = 0;  // discounts already taken off total_fen
  std::string currency = "CNY";
  std::string source;  // "taobao", "youzan", "mini_program", "import", ...
  std::vector<LineItem> items;
};

struct Refund {
  std::string refund_id;    // natural key: the shop's refund / cancellation number
  std::string order_id;     // may be empty when the shop does not link it (UCI "C" invoices)
  std::string customer_id;  // as known when it was recorded
  int64_t event_seq = 0;    // the order_refunded event that recorded it
  Micros refunded_at = 0;
  int64_t amount_fen = 0;
  std::string reason;
};

}  // namespace pond
