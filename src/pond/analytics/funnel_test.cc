// Event funnels and the channel funnel on hand-built histories: windows, order, the latest step 1,
// filters, a step named twice, the entry range, errors; and each stage of the channel funnel.
#include "pond/analytics/funnel.h"

#include <gtest/gtest.h>

#include <thread>

#include "pond/analytics/analytics_test_world.h"
#include "pond/analytics/channel_funnel.h"
#include "pond/analytics/cohorts.h"
#include "pond/analytics/parallel_scan.h"
#include "pond/segment/rule.h"
#include "pond/segment/segment_service.h"

namespace pond::analytics {
namespace {

FunnelRequest Steps(std::vector<std::string> steps, const char* window = "1h") {
  FunnelRequest r;
  r.steps = std::move(steps);
  r.window = pond::ParseDuration(window).value() * kMicrosPerSecond;
  return r;
}

TEST(FunnelTest, StepsInOrderWithinTheWindowOfStepOne) {
  AnalyticsWorld w;
  // ann: pv, cart 30 min later, buy 2 h after the pv: out of the window, two steps.
  w.Track("ann", "pv", "2017-11-25T10:00:00Z");
  w.Track("ann", "cart", "2017-11-25T10:30:00Z");
  w.Track("ann", "buy", "2017-11-25T12:00:00Z");
  // bob: a pv, then another 50 min later from which cart and buy follow within the hour: the
  // later pv is step 1, and its gaps are the ones reported.
  w.Track("bob", "pv", "2017-11-25T10:00:00Z");
  w.Track("bob", "pv", "2017-11-25T10:50:00Z");
  w.Track("bob", "cart", "2017-11-25T11:10:00Z");
  w.Track("bob", "buy", "2017-11-25T11:20:00Z");
  // cat: the cart came before the pv: one step.
  w.Track("cat", "cart", "2017-11-25T09:00:00Z");
  w.Track("cat", "pv", "2017-11-25T10:00:00Z");
  w.Track("cat", "buy", "2017-11-25T10:10:00Z");
  // dan: never viewed: not in the funnel.
  w.Track("dan", "buy", "2017-11-25T10:10:00Z");

  Result<FunnelReport> r = RunFunnel(w.engine(), kDefaultWorkspace, Steps({"pv", "cart", "buy"}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->total.reached, (std::vector<int64_t>{3, 2, 1}));
  // cart after pv: ann 30 min, bob 20 min → upper median 30 min; buy after cart: bob's 10 min.
  EXPECT_EQ(r->total.median_seconds, (std::vector<int64_t>{0, 30 * 60, 10 * 60}));

  // A two-hour window lets ann's buy count.
  r = RunFunnel(w.engine(), kDefaultWorkspace, Steps({"pv", "cart", "buy"}, "2h"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total.reached, (std::vector<int64_t>{3, 2, 2}));

  // The entry range holds step 1 only: from 10:30, only bob's second pv enters.
  FunnelRequest late = Steps({"pv", "cart", "buy"});
  late.from = At("2017-11-25T10:30:00Z");
  r = RunFunnel(w.engine(), kDefaultWorkspace, late);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total.reached, (std::vector<int64_t>{1, 1, 1}));
}

TEST(FunnelTest, FiltersAndAStepNamedTwice) {
  AnalyticsWorld w;
  w.Track("ann", "order_paid", "2024-05-01T10:00:00Z", R"({"source":"taobao"})");
  w.Track("ann", "order_paid", "2024-05-03T10:00:00Z", R"({"source":"mini_program"})");
  w.Track("bob", "order_paid", "2024-05-01T10:00:00Z", R"({"source":"mini_program"})");
  w.Track("bob", "order_paid", "2024-05-02T10:00:00Z", R"({"source":"taobao"})");
  w.Track("cat", "order_paid", "2024-05-01T10:00:00Z", R"({"source":"taobao"})");

  // One order is not two steps: only ann and bob ordered twice.
  Result<FunnelReport> r =
      RunFunnel(w.engine(), kDefaultWorkspace, Steps({"order_paid", "order_paid"}, "30d"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->total.reached, (std::vector<int64_t>{3, 2}));

  // From Taobao to the mini program: ann only (bob went the other way round).
  r = RunFunnel(w.engine(), kDefaultWorkspace,
                Steps({R"(order_paid where property.source == "taobao")",
                       R"(order_paid where property.source == "mini_program")"},
                      "30d"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->total.reached, (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(r->total.median_seconds[1], 2 * 86'400);
}

// With the segment service a step's filter is read from the store once and then kept current:
// the same answers as reading it each time, before and after new events arrive.
TEST(FunnelTest, KeptFiltersFollowNewEvents) {
  AnalyticsWorld w;
  auto rules = LiveRules::Start(&w.engine()).value();
  auto segments = std::make_unique<SegmentService>(rules.get());
  w.Track("ann", "order_paid", "2024-05-01T10:00:00Z", R"({"source":"taobao"})");
  w.Track("ann", "order_paid", "2024-05-03T10:00:00Z", R"({"source":"mini_program"})");
  w.Track("bob", "order_paid", "2024-05-01T10:00:00Z", R"({"source":"taobao"})");
  const FunnelRequest request = Steps({R"(order_paid where property.source == "taobao")",
                                       R"(order_paid where property.source == "mini_program")"},
                                      "30d");
  auto both = [&] {
    Result<FunnelReport> kept = RunFunnel(w.engine(), kDefaultWorkspace, request, segments.get());
    Result<FunnelReport> read = RunFunnel(w.engine(), kDefaultWorkspace, request);
    EXPECT_TRUE(kept.ok() && read.ok());
    EXPECT_EQ(kept->total.reached, read->total.reached);
    return kept->total.reached;
  };
  EXPECT_EQ(both(), (std::vector<int64_t>{2, 1}));
  w.Track("bob", "order_paid", "2024-05-04T10:00:00Z", R"({"source":"mini_program"})");
  w.Track("cat", "order_paid", "2024-05-04T10:00:00Z", R"({"source":"taobao"})");
  EXPECT_EQ(both(), (std::vector<int64_t>{3, 2}));  // bob converts, cat arrives
  // Past the limit the least recently asked filters go; answers stay right.
  for (size_t i = 0; i <= SegmentService::kMaxReportFilters; ++i) {
    FunnelRequest other =
        Steps({"order_paid where property.n == " + std::to_string(i), "order_paid"});
    ASSERT_TRUE(RunFunnel(w.engine(), kDefaultWorkspace, other, segments.get()).ok());
  }
  w.Track("dan", "order_paid", "2024-05-05T10:00:00Z", R"({"source":"taobao"})");
  EXPECT_EQ(both(), (std::vector<int64_t>{4, 2}));
}

TEST(FunnelTest, BadRequestsNameTheField) {
  AnalyticsWorld w;
  auto error = [&](const FunnelRequest& r) {
    Result<FunnelReport> out = RunFunnel(w.engine(), kDefaultWorkspace, r);
    EXPECT_FALSE(out.ok());
    return out.ok() ? std::string() : out.status().ToString();
  };
  EXPECT_NE(error(Steps({"pv"})).find("steps"), std::string::npos);
  EXPECT_NE(error(Steps(std::vector<std::string>(11, "pv"))).find("steps"), std::string::npos);
  FunnelRequest no_window = Steps({"pv", "buy"});
  no_window.window = 0;
  EXPECT_NE(error(no_window).find("window"), std::string::npos);
  EXPECT_NE(error(Steps({"pv", "buy where"})).find("steps[1]"), std::string::npos);
  FunnelRequest backwards = Steps({"pv", "buy"});
  backwards.from = At("2024-01-02T00:00:00Z");
  backwards.to = At("2024-01-01T00:00:00Z");
  EXPECT_NE(error(backwards).find("from"), std::string::npos);
}

TEST(ChannelFunnelTest, EachStageAfterTheOneBefore) {
  AnalyticsWorld w;
  // ann: every stage, through a package card.
  w.Track("ann", "channel_scanned", "2024-03-01T10:00:00Z", R"({"channel":"card"})");
  w.Track("ann", "friend_added", "2024-03-01T10:05:00Z", R"({"staff_id":"lily"})");
  w.Track("ann", "message_received", "2024-03-02T10:05:00Z");
  w.Track("ann", "order_paid", "2024-03-03T10:05:00Z");
  w.Track("ann", "order_paid", "2024-03-10T10:05:00Z");
  w.Track("ann", "invite_sent", "2024-03-11T10:05:00Z");
  // bob: added through the card's live code, one order (it engages him too), no repeat; an
  // order before he came in does not count.
  w.Track("bob", "order_paid", "2024-02-20T10:00:00Z");
  w.Track("bob", "friend_added", "2024-04-01T10:00:00Z", R"({"channel":"card","staff_id":"lily"})");
  w.Track("bob", "order_paid", "2024-04-02T10:00:00Z");
  // cat: scanned a store code and never became a friend; her message is not after a friendship.
  w.Track("cat", "channel_scanned", "2024-03-05T10:00:00Z", R"({"channel":"store"})");
  w.Track("cat", "message_received", "2024-03-06T10:00:00Z");
  // dan: no channel: not in the funnel.
  w.Track("dan", "order_paid", "2024-03-05T10:00:00Z");

  ChannelFunnel all, monthly;
  w.Read([&](const TenantState& s) {
    all = ComputeChannelFunnel(s, std::nullopt, 0);
    monthly = ComputeChannelFunnel(s, Period::kMonth, 0);
  });
  EXPECT_EQ(all.total.reached, (std::vector<int64_t>{3, 2, 2, 2, 1, 1}));
  ASSERT_EQ(all.rows.size(), 2u);
  EXPECT_EQ(all.rows[0].counts.channel, "card");
  EXPECT_EQ(all.rows[0].counts.reached, (std::vector<int64_t>{2, 2, 2, 2, 1, 1}));
  // scanned → friend: ann 5 min, bob 0 (the same event) → upper median 5 min.
  EXPECT_EQ(all.rows[0].counts.median_seconds[1], 5 * 60);
  EXPECT_EQ(all.rows[1].counts.channel, "store");
  EXPECT_EQ(all.rows[1].counts.reached, (std::vector<int64_t>{1, 0, 0, 0, 0, 0}));

  ASSERT_EQ(monthly.rows.size(), 3u);  // card in March and April, store in March
  EXPECT_EQ(monthly.rows[0].period, "2024-03");
  EXPECT_EQ(monthly.rows[0].counts.reached, (std::vector<int64_t>{1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(monthly.rows[1].period, "2024-04");
  EXPECT_EQ(monthly.rows[1].counts.reached, (std::vector<int64_t>{1, 1, 1, 1, 0, 0}));
}

// Enough customers for the reports to scan in parts: what the parts count must add up exactly.
TEST(ParallelScanTest, ReportsScannedInPartsAddUp) {
  AnalyticsWorld w;
  constexpr int kCustomers = 45'000;
  std::vector<Event> batch;
  auto add = [&](int i, const char* name, Micros at, std::string props) {
    Event e;
    e.message_id = std::string(name) + std::to_string(i);
    e.name = name;
    e.user_id = "u" + std::to_string(i);
    e.identities = {{IdentityKind::kUserId, e.user_id}};
    e.timestamp = at;
    e.properties = std::move(props);
    if (e.name == "order_paid") {
      e.order.emplace();
      e.order->order_id = "o" + std::to_string(i);
      e.order->total_fen = e.amount_fen = 5'000;
    }
    batch.push_back(std::move(e));
    if (batch.size() == kMaxEventsPerSubmit) {
      ASSERT_TRUE(w.engine().Submit(kDefaultWorkspace, batch).ok());
      batch.clear();
    }
  };
  const Micros day = 86'400 * kMicrosPerSecond, start = At("2024-06-03T00:00:00Z");
  for (int i = 0; i < kCustomers; ++i) {
    add(i, "channel_scanned", start, R"({"channel":"c)" + std::to_string(i % 3) + R"("})");
    if (i % 2 == 0) add(i, "friend_added", start + day, "{}");
    if (i % 10 == 0) add(i, "order_paid", start + 2 * day, "{}");
  }
  ASSERT_TRUE(w.engine().Submit(kDefaultWorkspace, batch).ok());
  ChannelFunnel f;
  CohortTriangle t;
  w.Read([&](const TenantState& s) {
    ASSERT_GT(ScanParts(s.live().cardinality()), std::thread::hardware_concurrency() > 1 ? 1u : 0u);
    f = ComputeChannelFunnel(s, std::nullopt, 0);
    t = ComputeCohorts(s, Period::kMonth, At("2024-07-15T00:00:00Z"), 0);
  });
  EXPECT_EQ(f.total.reached, (std::vector<int64_t>{45'000, 22'500, 4'500, 4'500, 0, 0}));
  ASSERT_EQ(f.rows.size(), 3u);
  for (const ChannelFunnelRow& row : f.rows) EXPECT_EQ(row.counts.reached[0], 15'000);
  EXPECT_EQ(f.total.median_seconds[1], 86'400);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].customers, kCustomers);
  EXPECT_EQ(t.rows[0].active, (std::vector<int64_t>{kCustomers, 0}));
  EXPECT_EQ(t.rows[0].buyers, (std::vector<int64_t>{4'500, 0}));
  Result<FunnelReport> r =
      RunFunnel(w.engine(), kDefaultWorkspace,
                Steps({"channel_scanned", "friend_added", "order_paid"}, "7d"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total.reached, (std::vector<int64_t>{45'000, 22'500, 4'500}));
}

TEST(ParallelScanTest, EveryLiveCustomerOnceInOrderedRuns) {
  Roaring live;
  for (uint32_t c = 0; c < 100'000; c += 3) live.add(c);
  for (size_t parts : {1u, 2u, 3u, 7u}) {
    std::vector<std::vector<uint32_t>> seen(parts);
    ScanLiveInParts(live, parts, [&](size_t part, uint32_t c) { seen[part].push_back(c); });
    std::vector<uint32_t> all;
    for (const auto& run : seen) {
      EXPECT_FALSE(run.empty()) << parts;
      all.insert(all.end(), run.begin(), run.end());
    }
    EXPECT_EQ(all, std::vector<uint32_t>(live.begin(), live.end())) << parts;
  }
  EXPECT_EQ(ScanParts(10), 1u);
  EXPECT_LE(ScanParts(10'000'000), 8u);
}

}  // namespace
}  // namespace pond::analytics
