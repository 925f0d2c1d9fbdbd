// Channel ROI on hand-built customers: CAC, net and margin within 30/90/180 days of acquisition,
// ROI, payback, and a channel without spend.
#include "pond/analytics/channel_roi.h"

#include <gtest/gtest.h>

#include "pond/analytics/analytics_test_world.h"

namespace pond::analytics {
namespace {

TEST(ChannelRoiTest, WhatEachChannelCostAndBroughtIn) {
  AnalyticsWorld w;
  w.Track("ann", "channel_scanned", "2024-01-01T00:00:00Z", R"({"channel":"card"})");
  w.Track("ann", "order_paid", "2024-01-04T00:00:00Z", "{}", 6'000);      // day 3
  w.Track("ann", "order_paid", "2024-02-10T00:00:00Z", "{}", 8'000);      // day 40
  w.Track("ann", "order_refunded", "2024-02-20T00:00:00Z", "{}", 2'000);  // day 50
  w.Track("bob", "channel_scanned", "2024-01-02T00:00:00Z", R"({"channel":"card"})");
  w.Track("cat", "order_paid", "2023-12-01T00:00:00Z", "{}", 9'000);  // before she came in
  w.Track("cat", "channel_scanned", "2024-01-01T00:00:00Z", R"({"channel":"store"})");
  w.Track("cat", "order_paid", "2024-01-02T00:00:00Z", "{}", 5'000);
  const std::vector<Channel> channels = {
      {"chn_store", "store", "门店", ChannelKind::kOfflineStore, 0},
      {"chn_card", "card", "包裹卡", ChannelKind::kPackageCard, 0},
      {"chn_new", "new", "nobody yet", ChannelKind::kOther, 0}};
  const std::map<std::string, int64_t> spend = {{"chn_card", 10'000}};
  ChannelRoiReport plain, half;
  w.Read([&](const TenantState& s) {
    plain = ComputeChannelRoi(s, channels, spend, std::nullopt);
    half = ComputeChannelRoi(s, channels, spend, 5'000);
  });
  ASSERT_EQ(plain.channels.size(), 3u);
  const ChannelRoi& card = plain.channels[0];
  EXPECT_EQ(card.code, "card");
  EXPECT_EQ(card.customers, 2);
  EXPECT_EQ(card.buyers, 1);
  EXPECT_EQ(card.cac_fen, 5'000);
  EXPECT_EQ(card.net_fen, (std::array<int64_t, 3>{6'000, 12'000, 12'000}));
  EXPECT_DOUBLE_EQ(*card.roi[0], -0.4);
  EXPECT_DOUBLE_EQ(*card.roi[1], 0.2);
  EXPECT_EQ(card.payback_days, 41);  // the day-40 order passed the spend

  const ChannelRoi& store = plain.channels[1];
  EXPECT_EQ(store.code, "store");
  EXPECT_EQ(store.net_fen[0], 5'000);  // her order before the scan is not the channel's
  EXPECT_FALSE(store.roi[0].has_value());
  EXPECT_FALSE(store.payback_days.has_value());
  EXPECT_EQ(plain.channels[2].customers, 0);

  // At a 50% gross margin the card has not paid back: 7,000 at best against 10,000.
  EXPECT_EQ(half.channels[0].margin_fen[1], 6'000);
  EXPECT_DOUBLE_EQ(*half.channels[0].roi[1], -0.4);
  EXPECT_FALSE(half.channels[0].payback_days.has_value());
}

TEST(ChannelRoiTest, GrossMarginIsAPercentage) {
  EXPECT_EQ(ParseGrossMargin("60").value(), 6'000);
  EXPECT_EQ(ParseGrossMargin("62.5").value(), 6'250);
  EXPECT_EQ(ParseGrossMargin("0.05").value(), 5);
  EXPECT_EQ(ParseGrossMargin("100").value(), 10'000);
  EXPECT_FALSE(ParseGrossMargin("").value().has_value());
  for (const char* bad : {"100.01", "abc", "-5", "+5", "1e3", "60.123", "1000", " 60", "６０"}) {
    Result<std::optional<int64_t>> r = ParseGrossMargin(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().ToString().find("gross_margin"), std::string::npos);
  }
}

}  // namespace
}  // namespace pond::analytics
