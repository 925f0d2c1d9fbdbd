// The daily trend on hand-built customers: days in the workspace's zone, GMV counted once per
// order id, new friends, and active customers counted once a day, pond's own writes aside.
#include "pond/analytics/trend.h"

#include <gtest/gtest.h>

#include "pond/analytics/analytics_test_world.h"
#include "pond/base/time.h"

namespace pond::analytics {
namespace {

TEST(TrendTest, CountsEachLocalDay) {
  AnalyticsWorld w;
  constexpr int kChina = 8 * 3600;
  // 2024-03-01 23:30 in China is still the 1st there, the 1st's afternoon in UTC.
  w.Track("ann", "friend_added", "2024-03-01T23:30:00+08:00", R"({"staff_id":"s1"})");
  w.Track("ann", "message_received", "2024-03-01T23:40:00+08:00");
  w.Track("ann", "order_paid", "2024-03-02T00:10:00+08:00", "{}", 12'000);
  w.Track("bob", "order_paid", "2024-03-02T09:00:00+08:00", "{}", 3'000);
  w.Track("bob", "message_delivered", "2024-03-03T09:00:00+08:00");  // pond's own: not active
  w.Track("cat", "page_viewed", "2024-03-03T09:00:00+08:00");
  w.Track("cat", "page_viewed", "2024-03-03T10:00:00+08:00");
  w.Track("cat", "order_paid", "2024-03-09T10:00:00+08:00");  // after the range
  const int64_t first = LocalDay(At("2024-03-01T12:00:00+08:00"), kChina);
  Trend trend;
  w.Read([&](const TenantState& s) { trend = ComputeTrend(s, first, first + 3, kChina); });
  EXPECT_EQ(trend.active_customers, 3);  // ann, bob, cat; cat's order after the range aside
  const std::vector<TrendDay>& t = trend.days;
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(FormatDate(t[0].day), "2024-03-01");
  EXPECT_EQ(t[0].new_friends, 1);
  EXPECT_EQ(t[0].active, 1);
  EXPECT_EQ(t[0].orders, 0);
  EXPECT_EQ(t[1].orders, 2);
  EXPECT_EQ(t[1].gmv_fen, 15'000);
  EXPECT_EQ(t[1].active, 2);
  EXPECT_EQ(t[2].active, 1);  // cat twice; bob's delivery is pond's
  EXPECT_EQ(t[3].active, 0);
  EXPECT_EQ(t[3].gmv_fen, 0);
}

}  // namespace
}  // namespace pond::analytics
