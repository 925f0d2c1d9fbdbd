// Handing a staff member's customers and groups over against the WeCom test corp: within the
// staff member's daily limit, never twice while pending, at most twice in 90 days, and the
// groups they own.
#include "pond/channels/wecom/handover.h"

#include <gtest/gtest.h>

#include "pond/channels/wecom/wecom_sync.h"
#include "pond/testing/temp_dir.h"
#include "pond/testing/wecom_test_corp.h"

namespace pond::wecom {
namespace {

class HandoverTest : public ::testing::Test {
 protected:
  HandoverTest() : corp_(Shape()), api_(Settings(corp_), &clock_) {
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    engine_ = Engine::Open(o).value();
    EXPECT_TRUE(SyncCorp(*engine_, api_, kDefaultWorkspace, corp_.shape().corp_id).ok());
  }
  static testing::CorpShape Shape() {
    testing::CorpShape shape;
    shape.staff = 3;
    shape.customers = 120;
    shape.groups = 40;
    return shape;
  }
  static outbound::WecomApiSettings Settings(const testing::WecomTestCorp& corp) {
    return {corp.url(), corp.shape().corp_id, corp.shape().secret, std::chrono::seconds(2)};
  }
  int64_t FriendsOf(const std::string& staff) {
    int64_t n = 0;
    for (const auto& c : corp_.customers()) {
      for (const auto& f : c.follows) n += f.userid == staff;
    }
    return n;
  }
  Result<HandoverReport> Run(bool resigned = false, int per_day = 20) {
    HandoverRequest r;
    r.from = "staff01";
    r.to = "staff02";
    r.resigned = resigned;
    r.message = "您好，后续由我的同事继续为您服务。";
    r.per_day = per_day;
    return Handover(*engine_, api_, kDefaultWorkspace, r);
  }

  testing::WecomTestCorp corp_;
  testing::TempDir dir_;
  FakeClock clock_{1'790'000'000LL * kMicrosPerSecond};
  outbound::WecomApi api_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(HandoverTest, CustomersGoWithinTheDailyLimitAndGroupsWithThem) {
  const int64_t friends = FriendsOf("staff01");
  ASSERT_GT(friends, 40);
  int64_t owned = 0;
  for (const auto& g : corp_.groups()) owned += g.owner == "staff01";
  ASSERT_GT(owned, 0);

  auto first = Run();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->customers, friends);
  EXPECT_EQ(first->requested, 20);
  EXPECT_EQ(first->over_daily_limit, friends - 20);
  EXPECT_EQ(first->groups, owned);  // on the job: every group they own
  EXPECT_EQ(corp_.transfers()["staff02"], 20);

  auto again = Run();  // the same day: the limit is used up, the first 20 are pending
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->requested, 0);
  EXPECT_EQ(again->pending, 20);
  EXPECT_EQ(again->over_daily_limit, friends - 20);
  EXPECT_EQ(corp_.transfers()["staff02"], 20);  // nothing asked twice

  clock_.Advance(kMicrosPerDay);
  auto next_day = Run();
  ASSERT_TRUE(next_day.ok());
  EXPECT_EQ(next_day->requested, 20);
  EXPECT_EQ(next_day->pending, 20);  // yesterday's, still within two days
  EXPECT_EQ(corp_.transfers()["staff02"], 40);
}

TEST_F(HandoverTest, ACustomerTransferredTwiceIn90DaysIsSkipped) {
  const std::string customer =
      engine_
          ->ResolveCustomer(kDefaultWorkspace,
                            "external_userid:" + corp_.customers()[0].external_userid)
          .value();
  ASSERT_EQ(corp_.customers()[0].follows[0].userid, "staff01");
  for (int i = 0; i < 2; ++i) {  // two earlier handovers, weeks ago
    Event e = ServiceEvent(kTransferRequested, "earlier-" + std::to_string(i), customer,
                           clock_.NowMicros() - (10 + i) * kMicrosPerDay * 3,
                           R"({"from":"staff00","to":"staff01"})");
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {e}).ok());
  }
  // A staff member who left is not bound by it, and only their groups waiting for a new owner
  // move (no customers today: a limit of 0).
  int64_t waiting = 0;
  for (const auto& g : corp_.groups()) waiting += g.owner == "staff01" && g.status == 1;
  ASSERT_GT(waiting, 0);
  auto resigned = Run(true, 0);
  ASSERT_TRUE(resigned.ok()) << resigned.status().ToString();
  EXPECT_EQ(resigned->twice_in_90_days, 0);
  EXPECT_EQ(resigned->requested, 0);
  EXPECT_EQ(resigned->groups, waiting);
  auto report = Run();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->twice_in_90_days, 1);
}

TEST_F(HandoverTest, BadRequestsNameTheField) {
  HandoverRequest r;
  r.from = "staff01";
  EXPECT_EQ(Handover(*engine_, api_, kDefaultWorkspace, r).status().field(), "to");
  r.to = "staff01";
  EXPECT_EQ(Handover(*engine_, api_, kDefaultWorkspace, r).status().field(), "to");
  r.to = "staff02";
  r.message = std::string(201, 'x');
  EXPECT_EQ(Handover(*engine_, api_, kDefaultWorkspace, r).status().field(), "message");
  r.from.clear();
  EXPECT_EQ(Handover(*engine_, api_, kDefaultWorkspace, r).status().field(), "from");
}

}  // namespace
}  // namespace pond::wecom
