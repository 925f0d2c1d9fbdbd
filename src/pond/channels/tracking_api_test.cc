#include "pond/channels/tracking_api.h"

#include <gtest/gtest.h>

#include "pond/base/time.h"

namespace pond {
namespace {

constexpr Micros kReceived = 1'709'281'800'000'000;  // 2024-03-01T08:30:00Z

Result<SegmentRequest> Parse(std::string body, std::string endpoint = "batch",
                             SegmentLimits limits = {}) {
  size_t n = body.size();
  body.append(JsonPadding(), ' ');
  return ParseSegmentRequest(std::string_view(body.data(), n), endpoint, kReceived, limits);
}

TEST(SegmentTest, ParsesABatchLikeTheSdksSendIt) {
  auto r = Parse(R"({"batch":[
    {"type":"identify","userId":"u1","messageId":"m1","traits":{"name":"小美","phone":"+86 138 0013 8000"},
     "timestamp":"2024-03-01T08:00:00.000Z"},
    {"type":"track","anonymousId":"a1","event":"content_viewed","messageId":"m2",
     "properties":{"content_id":"c9"},"context":{"traits":{"email":"Mei@Example.com"}},
     "timestamp":"2024-03-01T08:01:00Z"}
  ],"sentAt":"2024-03-01T08:30:00Z","writeKey":"wk"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->write_key, "wk");
  ASSERT_EQ(r->events.size(), 2u);
  const Event& a = r->events[0];
  EXPECT_EQ(a.type, EventType::kIdentify);
  EXPECT_EQ(a.user_id, "u1");
  EXPECT_EQ(a.message_id, "m1");
  EXPECT_EQ(a.traits, R"({"name":"小美","phone":"+86 138 0013 8000"})");
  ASSERT_EQ(a.identities.size(), 1u);
  EXPECT_EQ(a.identities[0].value, "13800138000");
  EXPECT_EQ(a.timestamp, *ParseIso8601("2024-03-01T08:00:00Z"));
  const Event& b = r->events[1];
  EXPECT_EQ(b.name, "content_viewed");
  EXPECT_EQ(b.properties, R"({"content_id":"c9"})");
  ASSERT_EQ(b.identities.size(), 1u);
  EXPECT_EQ(b.identities[0].kind, IdentityKind::kEmail);
}

TEST(SegmentTest, CorrectsClockSkewWhenTimestampIsAbsent) {
  // The device's clock is 10 minutes fast: it stamped the event at 08:35 and sent at 08:40;
  // pond received at 08:30. timestamp = receivedAt - (sentAt - originalTimestamp) = 08:25.
  auto r = Parse(R"({"batch":[{"type":"track","userId":"u","event":"e",
    "originalTimestamp":"2024-03-01T08:35:00Z"}],"sentAt":"2024-03-01T08:40:00Z"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->events[0].timestamp, *ParseIso8601("2024-03-01T08:25:00Z"));
  EXPECT_EQ(r->events[0].received_at, kReceived);
  // Per-event sentAt wins over the batch's.
  auto r2 = Parse(R"({"batch":[{"type":"track","userId":"u","event":"e",
    "originalTimestamp":"2024-03-01T08:35:00Z","sentAt":"2024-03-01T08:36:00Z"}],
    "sentAt":"2024-03-01T08:40:00Z"})");
  EXPECT_EQ(r2->events[0].timestamp, *ParseIso8601("2024-03-01T08:29:00Z"));
  // Nothing at all: the time pond received it.
  auto r3 = Parse(R"({"type":"track","userId":"u","event":"e"})", "track");
  EXPECT_EQ(r3->events[0].timestamp, kReceived);
  EXPECT_FALSE(r3->events[0].message_id.empty());  // generated
}

TEST(SegmentTest, SingleCallsTakeTheirTypeFromThePath) {
  auto r = Parse(R"({"userId":"u","traits":{"city":"上海"},"writeKey":"k2"})", "identify");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->events[0].type, EventType::kIdentify);
  EXPECT_EQ(r->write_key, "k2");
  auto alias = Parse(R"({"userId":"u","previousId":"anon-1"})", "alias");
  ASSERT_TRUE(alias.ok());
  ASSERT_EQ(alias->events[0].identities.size(), 1u);
  EXPECT_EQ(alias->events[0].identities[0].kind, IdentityKind::kAnonymousId);
}

TEST(SegmentTest, RefusesTheEventsMoneyFollowsFrom) {
  auto forged = Parse(
      R"({"userId":"u","event":"commission_accrued","properties":{"order_id":"X","lines":[]}})",
      "track");
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.status().field(), "event");
  EXPECT_NE(forged.status().message().find("written by pond only"), std::string::npos);
  EXPECT_EQ(Parse(R"({"userId":"u","event":"fission_reward_granted","properties":{}})", "track")
                .status()
                .field(),
            "event");
  EXPECT_TRUE(
      Parse(R"({"userId":"u","event":"distributor_link_opened","properties":{"code":"AB"}})",
            "track")
          .ok());
}

TEST(SegmentTest, NumbersBeforeANewlineKeepOnlyTheirDigits) {
  // Pretty-printed JSON: the token after a number runs to the next line.
  auto r = Parse(
      "{\"userId\": 12345\n, \"event\": \"order_paid\",\n \"properties\": "
      "{\"order_id\": 7,\n \"amount\": 99.9\n}\n}",
      "track");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->events[0].user_id, "12345");
  EXPECT_EQ(r->events[0].order->order_id, "7");
  EXPECT_EQ(r->events[0].amount_fen, 9990);
}

TEST(SegmentTest, ParsesOrdersExactly) {
  auto r = Parse(R"({"userId":"u","event":"order_paid","properties":{"order_id":"T1",
    "amount":99.9,"products":[{"sku":"MASK","name":"面膜","price":"9.90","quantity":10},
    {"sku":"GIFT","price":0,"quantity":1}]}})",
                 "track");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Event& e = r->events[0];
  ASSERT_TRUE(e.order.has_value());
  EXPECT_EQ(e.order->total_fen, 9990);
  EXPECT_EQ(e.amount_fen, 9990);
  ASSERT_EQ(e.order->items.size(), 2u);
  EXPECT_EQ(e.order->items[0].unit_price_fen, 990);
  EXPECT_EQ(e.order->items[0].amount_fen, 9900);
  auto refund = Parse(R"({"userId":"u","event":"order_refunded","properties":{"order_id":"T1",
    "amount":"9.90"}})",
                      "track");
  ASSERT_TRUE(refund.ok());
  EXPECT_EQ(refund->events[0].refund->refund_id, "T1");
  EXPECT_EQ(refund->events[0].refund->amount_fen, 990);
}

TEST(SegmentTest, BadInputNamesTheField) {
  struct Case {
    std::string body;
    std::string endpoint;
    StatusCode code;
    std::string field;
  } cases[] = {
      {"{not json", "batch", StatusCode::kInvalidArgument, ""},
      {"[]", "batch", StatusCode::kInvalidArgument, ""},
      {R"({"sentAt":"2024-03-01T00:00:00Z"})", "batch", StatusCode::kInvalidArgument, "batch"},
      {R"({"batch":{}})", "batch", StatusCode::kInvalidArgument, "batch"},
      {R"({"batch":[1]})", "batch", StatusCode::kInvalidArgument, "batch[0]"},
      {R"({"batch":[{"type":"track","userId":"u","event":"e"},{"type":"track","event":"e"}]})",
       "batch", StatusCode::kInvalidArgument, "batch[1].userId"},
      {R"({"batch":[{"type":"track","userId":"u","event":"e","timestamp":"2024-13-01"}]})", "batch",
       StatusCode::kInvalidArgument, "batch[0].timestamp"},
      {R"({"batch":[{"type":"shout","userId":"u"}]})", "batch", StatusCode::kInvalidArgument,
       "batch[0].type"},
      {R"({"batch":[{"type":"track","userId":"u"}]})", "batch", StatusCode::kInvalidArgument,
       "batch[0].event"},
      {R"({"batch":[{"type":"track","userId":{"a":1},"event":"e"}]})", "batch",
       StatusCode::kInvalidArgument, "batch[0].userId"},
      {R"({"batch":[{"type":"track","userId":"u","event":"e","properties":[1]}]})", "batch",
       StatusCode::kInvalidArgument, "batch[0].properties"},
      {R"({"userId":"u","event":"order_paid","properties":{"amount":"1"}})", "track",
       StatusCode::kInvalidArgument, "properties.order_id"},
      {R"({"userId":"u","event":"order_paid","properties":{"order_id":"T","amount":"1.234"}})",
       "track", StatusCode::kInvalidArgument, "properties.amount"},
      {R"({"userId":"u","event":"order_paid","properties":{"order_id":"T","amount":1e3}})", "track",
       StatusCode::kInvalidArgument, "properties.amount"},
      {R"({"userId":"u","event":"order_paid","properties":{"order_id":"T"}})", "track",
       StatusCode::kInvalidArgument, "properties.amount"},
      {R"({"userId":"u"})", "alias", StatusCode::kInvalidArgument, "previousId"},
      {R"({"userId":"u","event":"e"} trailing)", "track", StatusCode::kInvalidArgument, ""},
      {"{\"userId\":\"\xff\",\"event\":\"e\"}", "track", StatusCode::kInvalidArgument, ""},
      {R"({"userId":")" + std::string(300, 'x') + R"(","event":"e"})", "track",
       StatusCode::kInvalidArgument, "userId"},
  };
  for (const Case& c : cases) {
    auto r = Parse(c.body, c.endpoint);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), c.code) << c.body << " -> " << r.status().ToString();
    EXPECT_EQ(r.status().field(), c.field) << c.body << " -> " << r.status().ToString();
  }
}

TEST(SegmentTest, EnforcesSegmentSizeLimits) {
  std::string big_props(33 * 1024, 'x');
  auto one =
      Parse(R"({"userId":"u","event":"e","properties":{"p":")" + big_props + R"("}})", "track");
  EXPECT_EQ(one.status().code(), StatusCode::kPayloadTooLarge);

  std::string call = R"({"type":"track","userId":"u","event":"e"})";
  std::string many = R"({"batch":[)";
  for (int i = 0; i < 2501; ++i) many += (i ? "," : "") + call;
  many += "]}";
  auto r = Parse(many);
  EXPECT_EQ(r.status().code(), StatusCode::kPayloadTooLarge);
  EXPECT_EQ(r.status().field(), "batch");

  std::string in_batch = R"({"batch":[)" + call + R"(,{"type":"track","userId":"u","event":"e",
    "properties":{"p":")" +
                         big_props + R"("}}]})";
  auto r2 = Parse(in_batch);
  EXPECT_EQ(r2.status().code(), StatusCode::kPayloadTooLarge);
  EXPECT_EQ(r2.status().field(), "batch[1]");

  std::string huge = R"({"batch":[)";
  for (int i = 0; huge.size() < 501 * 1024; ++i) {
    huge += (i ? "," : "") + std::string(R"({"type":"track","userId":"u","event":")") +
            std::string(150, 'e') + "\"}";
  }
  huge += "]}";
  EXPECT_EQ(Parse(huge).status().code(), StatusCode::kPayloadTooLarge);
}

}  // namespace
}  // namespace pond

namespace pond {
namespace {

TEST(OrdersTest, ParsesOneOrManyOrders) {
  std::string body = R"({"order_id":"TB1001","taobao_nick":"小美","amount":"169.00",
    "paid_at":"2024-03-01T20:00:00+08:00","items":[{"sku":"MASK","price":"169","quantity":1}]})";
  size_t n = body.size();
  body.append(JsonPadding(), ' ');
  auto r = ParseOrdersRequest(std::string_view(body.data(), n), kReceived);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  const Event& e = (*r)[0];
  EXPECT_EQ(e.message_id, "order:TB1001");
  EXPECT_EQ(e.name, "order_paid");
  EXPECT_EQ(e.order->total_fen, 16900);
  EXPECT_EQ(e.timestamp, *ParseIso8601("2024-03-01T12:00:00Z"));
  ASSERT_EQ(e.identities.size(), 1u);
  EXPECT_EQ(e.identities[0].kind, IdentityKind::kTaobaoNick);

  std::string many = R"({"orders":[{"order_id":1,"user_id":"u","total_fen":990},
                                    {"order_id":2,"user_id":"u","amount":9.9}]})";
  n = many.size();
  many.append(JsonPadding(), ' ');
  auto m = ParseOrdersRequest(std::string_view(many.data(), n), kReceived);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)[1].order->total_fen, 990);
}

// The probe's findings (issue 25): lines above the amount, negative lines, amounts past int64's
// comfort, a price times a quantity that would overflow, NUL inside ids and names.
TEST(SegmentTest, RefusesMoneyThatWasNeverPaid) {
  auto order = [](const std::string& properties) {
    return Parse(R"({"userId":"u","event":"order_paid","properties":)" + properties + "}", "track");
  };
  struct Case {
    std::string properties;
    std::string field;
  } cases[] = {
      // a ¥10 order with a ¥10,000 course line
      {R"({"order_id":"T","amount":10,"items":[{"sku":"COURSE","amount":10000}]})",
       "properties.items"},
      {R"({"order_id":"T","amount":10,"items":[{"sku":"A","amount":6},{"sku":"B","amount":5}]})",
       "properties.items"},
      {R"({"order_id":"T","amount":10,"items":[{"sku":"A","amount":-100}]})",
       "properties.items[0].amount"},
      {R"({"order_id":"T","items":[{"sku":"A","price":-5,"quantity":2}]})",
       "properties.items[0].price"},
      {R"({"order_id":"T","items":[{"sku":"A","price_fen":-1}]})", "properties.items[0].price_fen"},
      {R"({"order_id":"T","amount":-1})", "properties.amount"},
      {R"({"order_id":"T","amount_fen":10000000001})", "properties.amount_fen"},
      {R"({"order_id":"T","amount_fen":9223372036854775807})", "properties.amount_fen"},
      {R"({"order_id":"T","discount_fen":-5,"amount":1})", "properties.discount_fen"},
      // 10^10 fen × 10^6 would be 10^16 fen: within int64, far past the per-line limit
      {R"({"order_id":"T","items":[{"sku":"A","price_fen":10000000000,"quantity":1000000}]})",
       "properties.items[0].price"},
      // lines of the limit each add up past it: the derived amount is refused
      {R"({"order_id":"T","items":[{"amount_fen":10000000000},{"amount_fen":10000000000}]})",
       "properties.amount"},
      {"{\"order_id\":\"T\\u0000x\",\"amount\":1}", "properties.order_id"},
      {"{\"order_id\":\"T\",\"amount\":1,\"items\":[{\"name\":\"a\\nb\"}]}",
       "properties.items[0].name"},
  };
  for (const Case& c : cases) {
    auto r = order(c.properties);
    ASSERT_FALSE(r.ok()) << c.properties;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.properties;
    EXPECT_EQ(r.status().field(), c.field) << c.properties << " -> " << r.status().ToString();
  }
  auto nul_user = Parse("{\"userId\":\"u\\u0000\",\"event\":\"e\"}", "track");
  EXPECT_EQ(nul_user.status().field(), "userId") << nul_user.status().ToString();

  // What stays accepted: lines below the amount (shipping is the rest), the limit itself.
  auto shipping = order(R"({"order_id":"T","amount":12,"items":[{"sku":"A","amount":10}]})");
  ASSERT_TRUE(shipping.ok()) << shipping.status().ToString();
  EXPECT_EQ(shipping->events[0].order->total_fen, 1200);
  auto limit = order(R"({"order_id":"T","amount_fen":10000000000})");
  ASSERT_TRUE(limit.ok()) << limit.status().ToString();
  EXPECT_EQ(limit->events[0].amount_fen, kMaxMoneyFen);
  // A refund may not name more lines than it gives back either.
  auto refund = Parse(R"({"userId":"u","event":"order_refunded","properties":{"order_id":"T",
    "amount":1,"items":[{"sku":"COURSE","amount":10000}]}})",
                      "track");
  EXPECT_EQ(refund.status().field(), "properties.items") << refund.status().ToString();
}

TEST(OrdersTest, BadOrdersNameTheField) {
  struct Case {
    std::string body;
    std::string field;
  } cases[] = {
      {R"({"user_id":"u","amount":1})", "order_id"},
      {R"({"order_id":"T","amount":1})", "user_id"},
      {R"({"order_id":"T","user_id":"u"})", "amount"},
      {R"({"order_id":"T","user_id":"u","amount":"-"})", "amount"},
      {R"({"order_id":"T","user_id":"u","amount":1,"paid_at":"yesterday"})", "paid_at"},
      {R"({"orders":[{"order_id":"T","user_id":"u","amount":1},{"order_id":"U"}]})",
       "orders[1].user_id"},
      {R"({"orders":{}})", "orders"},
      {R"({"orders":[]})", "orders"},
      {R"({"order_id":"T","user_id":"u","amount":10,"items":[{"price":-1,"quantity":1}]})",
       "items[0].price"},
      {R"({"order_id":"T","user_id":"u","amount":1,"items":[{"price":2,"quantity":1}]})", "items"},
  };
  for (const Case& c : cases) {
    std::string body = c.body;
    size_t n = body.size();
    body.append(JsonPadding(), ' ');
    auto r = ParseOrdersRequest(std::string_view(body.data(), n), kReceived);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().field(), c.field) << c.body << " -> " << r.status().ToString();
  }
}

}  // namespace
}  // namespace pond
