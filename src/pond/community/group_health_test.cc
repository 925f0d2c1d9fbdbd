// Group health on a hand-built group: every figure computed by hand in the comments.
#include "pond/community/group_health.h"

#include <gtest/gtest.h>

#include "pond/base/time.h"

namespace pond {
namespace {

using Type = GroupActivity::Type;
constexpr int kTz = 8 * 3600;

TEST(GroupHealthTest, FiguresOfAHandBuiltGroup) {
  const Micros now = ParseIso8601("2026-11-30T20:00:00+08:00").value();
  auto day = [&](int days_ago, int hour = 10) {
    return now - days_ago * kMicrosPerDay - (20 - hour) * kMicrosPerHour;
  };
  std::vector<GroupActivity> log;
  // Ten members join 20 days ago; two leave 3 days ago; one joins today.
  for (int i = 0; i < 10; ++i) log.push_back({Type::kJoined, "m" + std::to_string(i), day(20)});
  // The week before last: six members spoke.
  for (int i = 0; i < 6; ++i) log.push_back({Type::kMessage, "m" + std::to_string(i), day(10)});
  // A campaign 9 days ago; m1 and m2 buy within the week, m3 buys 8 days after it (too late).
  log.push_back({Type::kCampaign, "", day(9)});
  log.push_back({Type::kOrder, "m1", day(8)});
  log.push_back({Type::kOrder, "m2", day(6)});
  log.push_back({Type::kOrder, "m3", day(1)});
  log.push_back({Type::kLeft, "m8", day(3)});
  log.push_back({Type::kLeft, "m9", day(3)});
  // This week: m0 and m8 (gone) speak; 12 messages of which 5 are ads.
  for (int i = 0; i < 11; ++i) log.push_back({Type::kMessage, "m0", day(2), i < 5});
  log.push_back({Type::kMessage, "m8", day(2)});
  log.push_back({Type::kJoined, "m10", day(0)});

  const GroupHealth h = ComputeGroupHealth(log, 10, now, kTz);
  EXPECT_EQ(h.members, 9);  // 10 − 2 + 1
  ASSERT_EQ(h.days.size(), 14u);
  EXPECT_EQ(h.days.back().date, "2026-11-30");
  EXPECT_EQ(h.days.back().joins, 1);
  EXPECT_EQ(h.days[10].date, "2026-11-27");
  EXPECT_EQ(h.days[10].leaves, 2);
  EXPECT_EQ(h.active_members, 1);  // m0; m8 spoke but left
  EXPECT_DOUBLE_EQ(h.active_rate, 1.0 / 9);
  EXPECT_DOUBLE_EQ(h.active_rate_before, 6.0 / 10);
  EXPECT_EQ(h.messages, 12);
  EXPECT_EQ(h.ad_messages, 5);
  EXPECT_DOUBLE_EQ(h.ad_ratio, 5.0 / 12);
  EXPECT_EQ(h.campaigns, 1);
  EXPECT_EQ(h.campaign_members, 10);
  EXPECT_EQ(h.campaign_buyers, 2);
  EXPECT_DOUBLE_EQ(h.conversion, 0.2);
  ASSERT_EQ(h.alerts.size(), 2u);  // 9 of 10 members is 90%: not nearly full yet
  EXPECT_EQ(h.alerts[0], "ad_ratio_high: 42% of the last 7 days' messages are ads (above 30%)");
  EXPECT_EQ(h.alerts[1],
            "activity_collapsing: 11% of members spoke in the last 7 days, against 60% the 7 "
            "days before");
  const GroupHealth full = ComputeGroupHealth(log, 9, now, kTz);
  ASSERT_EQ(full.alerts.size(), 3u);
  EXPECT_EQ(full.alerts[2], "nearly_full: 9 of 9 members");

  // A quiet, healthy group raises nothing.
  const GroupHealth quiet = ComputeGroupHealth({{Type::kJoined, "a", day(3)}}, 500, now, kTz);
  EXPECT_TRUE(quiet.alerts.empty());
  EXPECT_EQ(quiet.members, 1);
}

}  // namespace
}  // namespace pond
