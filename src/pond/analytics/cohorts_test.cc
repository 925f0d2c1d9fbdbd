// Periods and cohorts on a hand-built store: month and ISO-week indexes and labels, and a small
// triangle counted by hand.
#include "pond/analytics/cohorts.h"

#include <gtest/gtest.h>

#include "pond/analytics/analytics_test_world.h"
#include "pond/analytics/value_report.h"

namespace pond::analytics {
namespace {

TEST(PeriodsTest, MonthsAndMondayWeeksInTheLocalZone) {
  EXPECT_EQ(PeriodLabel(Period::kMonth, PeriodIndex(Period::kMonth, At("2011-03-31T20:00:00Z"), 0)),
            "2011-03");
  // 20:00 UTC on the 31st is April 1st in Shanghai.
  EXPECT_EQ(PeriodLabel(Period::kMonth,
                        PeriodIndex(Period::kMonth, At("2011-03-31T20:00:00Z"), 8 * 3600)),
            "2011-04");
  // Wednesday 2011-03-02 is in the week of Monday 2011-02-28; Sunday 03-06 too; Monday 03-07 not.
  const int64_t w = PeriodIndex(Period::kWeek, At("2011-03-02T12:00:00Z"), 0);
  EXPECT_EQ(PeriodLabel(Period::kWeek, w), "2011-02-28");
  EXPECT_EQ(PeriodIndex(Period::kWeek, At("2011-03-06T23:59:59Z"), 0), w);
  EXPECT_EQ(PeriodIndex(Period::kWeek, At("2011-03-07T00:00:00Z"), 0), w + 1);
  EXPECT_EQ(PeriodLabel(Period::kWeek, PeriodIndex(Period::kWeek, At("1970-01-01T00:00:00Z"), 0)),
            "1969-12-29");
  EXPECT_EQ(PeriodFromName("week"), Period::kWeek);
  EXPECT_FALSE(PeriodFromName("year").has_value());
}

TEST(CohortsTest, ATriangleCountedByHand) {
  AnalyticsWorld world;
  auto track = [&](const char* user, const char* name, const char* at) {
    world.Track(user, name, at);
  };
  // January: ann buys in Jan and Mar; bob only visits in Feb; cat (February) buys twice in Feb.
  track("ann", "order_paid", "2024-01-05T10:00:00Z");
  track("ann", "order_paid", "2024-03-05T10:00:00Z");
  track("bob", "page_viewed", "2024-01-20T10:00:00Z");
  track("bob", "page_viewed", "2024-02-02T10:00:00Z");
  track("bob", "tag_added", "2024-03-02T10:00:00Z");         // pond's doing: not activity
  track("ann", "message_sent", "2024-02-02T10:00:00Z");      // pond's too
  track("bob", "message_received", "2024-03-03T10:00:00Z");  // bob wrote: activity
  track("cat", "order_paid", "2024-02-10T10:00:00Z");
  track("cat", "order_paid", "2024-02-11T10:00:00Z");
  CohortTriangle t;
  ValueReport v;
  world.Read([&](const TenantState& s) {
    t = ComputeCohorts(s, Period::kMonth, At("2024-03-20T00:00:00Z"), 0);
    v = ComputeValue(s);
  });
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].cohort, "2024-01");
  EXPECT_EQ(t.rows[0].customers, 2);
  EXPECT_EQ(t.rows[0].active, (std::vector<int64_t>{2, 1, 2}));
  EXPECT_EQ(t.rows[0].buyers, (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(t.rows[1].cohort, "2024-02");
  EXPECT_EQ(t.rows[1].active, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(t.rows[1].buyers, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(v.customers, 3);
  EXPECT_EQ(v.buyers, 2);
  EXPECT_EQ(v.repeat_buyers, 2);
  EXPECT_EQ(v.orders, 4);
  EXPECT_EQ(v.aov_fen, 10'000);
  EXPECT_EQ(v.intervals[0], 1);  // cat: 1 day
  EXPECT_EQ(v.intervals[3], 1);  // ann: 60 days (31–60)
  EXPECT_EQ(v.median_interval_days, 60);
  EXPECT_EQ(v.channels.size(), 1u);
  EXPECT_EQ(v.channels[0].ltv_fen, 13'333);  // 40,000 fen over 3 customers
}

// The triangle's size follows the request, not the oldest event: a customer first seen in 2000
// made a weekly triangle of some 1,400 rows of up to 1,400 cells each.
TEST(CohortsTest, TheTriangleHoldsTheCohortsAskedForAndCountsTheEarlierOnes) {
  AnalyticsWorld world;
  world.Track("old", "page_viewed", "2000-01-03T10:00:00Z");
  world.Track("old", "page_viewed", "2024-03-05T10:00:00Z");
  world.Track("new", "page_viewed", "2024-03-04T10:00:00Z");
  world.Track("newer", "page_viewed", "2024-03-12T10:00:00Z");
  const Micros now = At("2024-03-20T00:00:00Z");
  CohortTriangle two, all;
  world.Read([&](const TenantState& s) {
    two = ComputeCohorts(s, Period::kWeek, now, 0, 3);  // the weeks of 03-04, 03-11, 03-18
    all = ComputeCohorts(s, Period::kWeek, now, 0);     // at most MaxCohorts
  });
  ASSERT_EQ(two.rows.size(), 2u);
  EXPECT_EQ(two.rows[0].cohort, "2024-03-04");
  EXPECT_EQ(two.rows[0].active, (std::vector<int64_t>{1, 0, 0}));
  EXPECT_EQ(two.rows[1].cohort, "2024-03-11");
  EXPECT_EQ(two.earlier_customers, 1);  // "old"
  // 2000-01-03 is more than 1,040 weeks before 2024-03: outside the largest triangle too.
  size_t cells = 0;
  for (const CohortRow& row : all.rows) cells += row.active.size();
  EXPECT_EQ(all.rows.size(), 2u);
  EXPECT_EQ(cells, 5u);  // 3 + 2, not a row of 1,263 weeks from 2000
  EXPECT_EQ(all.earlier_customers, 1);
}

}  // namespace
}  // namespace pond::analytics
