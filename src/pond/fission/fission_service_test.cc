// A task campaign through the real engine on a fake clock: posters, first-touch attribution,
// qualification by a ¥9.9 order, tier rewards granted once (also when RunDue races itself and
// after a restart), a refund inside the window taking a friend back and disputing the tier, and
// a campaign out of stock refusing further rewards.
#include "pond/fission/fission_service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "pond/base/time.h"
#include "pond/distribution/payout_service.h"
#include "pond/model/workspace.h"
#include "pond/testing/temp_dir.h"
#include "pond/testing/timeline.h"

namespace pond {
namespace {

using nlohmann::json;

constexpr char kCampaign[] = R"({
  "id": "cmp_mask", "name": "邀请好友得面膜", "kind": "task",
  "start": "2026-03-01T00:00:00+08:00", "end": "2026-04-01T00:00:00+08:00",
  "budget_fen": 100000, "stock": 100,
  "qualify": {"event": "order_paid", "min_amount_fen": 990}, "window_days": 7,
  "tiers": [{"invites": 3, "reward": {"coupon": "C20", "value_fen": 2000}},
            {"invites": 5, "reward": {"product": "MASK-10", "cost_fen": 800}}]})";

class FissionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    o_.data_dir = dir_.path().string();
    o_.clock = &clock_;
    engine_ = Engine::Open(o_).value();
    Start();
    ASSERT_TRUE(service_
                    ->SaveCampaign(kDefaultWorkspace,
                                   ParseCampaign(kCampaign, kDefaultUtcOffsetSeconds).value())
                    .ok());
  }
  void Start() {
    service_.reset();
    service_ = FissionService::Start(engine_.get()).value();
  }
  void Reopen() {
    service_.reset();
    engine_.reset();
    engine_ = Engine::Open(o_).value();
    Start();
  }
  void Track(const std::string& id, const std::string& user, const std::string& name,
             const json& props, int64_t order_fen = 0) {
    Event e;
    e.message_id = id;
    e.user_id = user;
    e.name = name;
    e.timestamp = clock_.NowMicros();
    e.properties = props.dump();
    if (name == "order_paid") {
      e.order.emplace();
      e.order->order_id = props["order_id"];
      e.order->total_fen = order_fen;
      e.amount_fen = order_fen;
    } else if (name == "order_refunded") {
      e.refund.emplace();
      e.refund->order_id = props["order_id"];
      e.refund->refund_id = props["order_id"];
      e.refund->amount_fen = order_fen;
      e.amount_fen = order_fen;
    }
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {e}).ok());
  }
  // `n` friends arrive with `code`; friend i pays `fen` (0: does not pay).
  void Friends(const std::string& code, int from, int n, int64_t fen) {
    for (int i = from; i < from + n; ++i) {
      const std::string f = "f" + std::to_string(i);
      Track("arrive-" + f, f, "invite_accepted", {{"campaign_id", "cmp_mask"}, {"code", code}});
      ASSERT_GE(service_->RunDue().value(), 0);
      if (fen > 0) Track("pay-" + f, f, "order_paid", {{"order_id", "O-" + f}}, fen);
    }
    ASSERT_GE(service_->RunDue().value(), 0);
  }
  int64_t Count(const std::string& user, const std::string& name) {
    return testing::CountInTimeline(*engine_, user, name);
  }

  testing::TempDir dir_;
  FakeClock clock_{ParseIso8601("2026-03-02T10:00:00+08:00").value()};
  EngineOptions o_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<FissionService> service_;
};

TEST_F(FissionServiceTest, TiersAreGrantedOnceAndARefundDisputesTheTier) {
  Track("hello", "ann", "signed_up", json::object());
  const Poster poster = service_->Join(kDefaultWorkspace, "cmp_mask", "ann").value();
  ASSERT_EQ(poster.code.size(), 8u);
  Friends(poster.code, 0, 2, 990);
  Friends(poster.code, 2, 1, 500);  // pays too little: attributed, not qualified
  Friends(poster.code, 3, 1, 990);  // the third qualified friend: the coupon tier
  EXPECT_EQ(Count("ann", "coupon_issued"), 1);
  Friends(poster.code, 4, 2, 990);  // five: the product tier
  CampaignReport r = service_->Report(kDefaultWorkspace, "cmp_mask").value();
  EXPECT_EQ(r.invites, 6);
  EXPECT_EQ(r.qualified, 5);
  EXPECT_EQ(r.participants, 1);
  EXPECT_DOUBLE_EQ(r.k_factor, 5.0);
  EXPECT_EQ(r.rewards_granted, 2);
  EXPECT_EQ(r.spent_fen, 2'800);
  EXPECT_EQ(r.cost_per_customer_fen, 560);
  EXPECT_EQ(r.depths, (std::map<int, int64_t>{{0, 1}, {1, 6}}));

  // A friend arriving again with another code, or ann's own code used by ann: nothing.
  Track("self", "ann", "invite_accepted", {{"campaign_id", "cmp_mask"}, {"code", poster.code}});
  EXPECT_EQ(service_->RunDue().value(), 0);

  // Many RunDue at once after more qualifying friends: still one grant per tier.
  std::vector<std::thread> racers;
  for (int t = 0; t < 4; ++t) racers.emplace_back([&] { (void)service_->RunDue(); });
  for (auto& t : racers) t.join();
  EXPECT_EQ(Count("ann", "fission_reward_granted"), 2);

  // f0 refunds within the window: 4 qualified now, below the product tier: disputed, not kept.
  clock_.Advance(2 * kMicrosPerDay);
  Track("refund-f0", "f0", "order_refunded", {{"order_id", "O-f0"}}, 990);
  service_->RunDue().value();
  r = service_->Report(kDefaultWorkspace, "cmp_mask").value();
  EXPECT_EQ(r.qualified, 4);
  EXPECT_EQ(r.rewards_disputed, 1);
  EXPECT_EQ(Count("ann", "fission_reward_disputed"), 1);
  EXPECT_EQ(Count("ann", "fission_reward_granted"), 2);  // granted rewards are not taken back

  // After a restart the campaign is rebuilt from its events, and nothing is granted again.
  Reopen();
  EXPECT_EQ(service_->RunDue().value(), 0);
  const CampaignReport again = service_->Report(kDefaultWorkspace, "cmp_mask").value();
  EXPECT_EQ(again.qualified, 4);
  EXPECT_EQ(again.rewards_granted, 2);
  EXPECT_EQ(again.rewards_disputed, 1);
  EXPECT_EQ(again.depths, r.depths);
}

TEST_F(FissionServiceTest, FirstTouchAndStockLimits) {
  Campaign c = ParseCampaign(kCampaign, kDefaultUtcOffsetSeconds).value();
  c.stock = 1;  // one reward in all
  ASSERT_TRUE(service_->SaveCampaign(kDefaultWorkspace, c).ok());
  Track("h1", "ann", "signed_up", json::object());
  Track("h2", "bob", "signed_up", json::object());
  const std::string ann = service_->Join(kDefaultWorkspace, "cmp_mask", "ann")->code;
  const std::string bob = service_->Join(kDefaultWorkspace, "cmp_mask", "bob")->code;
  Friends(ann, 0, 3, 990);
  Track("steal", "f0", "invite_accepted", {{"campaign_id", "cmp_mask"}, {"code", bob}});
  service_->RunDue().value();
  Friends(bob, 10, 3, 990);
  const CampaignReport r = service_->Report(kDefaultWorkspace, "cmp_mask").value();
  EXPECT_EQ(r.invites, 6);  // f0 stays ann's
  EXPECT_EQ(r.rewards_granted, 1);
  EXPECT_EQ(r.rewards_refused, 1);  // bob reached the tier after the stock ran out
  EXPECT_EQ(Count("ann", "coupon_issued"), 1);
  EXPECT_EQ(Count("bob", "coupon_issued"), 0);

  // A friend who arrives and pays before the arrival is decided still counts, once.
  Track("fast-in", "fast", "invite_accepted", {{"campaign_id", "cmp_mask"}, {"code", ann}});
  Track("fast-pay", "fast", "order_paid", {{"order_id", "O-fast"}}, 990);
  service_->RunDue().value();
  EXPECT_EQ(service_->Report(kDefaultWorkspace, "cmp_mask")->qualified, 7);

  c.tiers.pop_back();
  EXPECT_EQ(service_->SaveCampaign(kDefaultWorkspace, c).status().field(), "tiers");
}

TEST_F(FissionServiceTest, WhatArrivedWhileStoppedIsDecidedAtStart) {
  Track("hello", "ann", "signed_up", json::object());
  const std::string code = service_->Join(kDefaultWorkspace, "cmp_mask", "ann")->code;
  Friends(code, 0, 2, 990);  // decided while running
  service_.reset();          // pond stops
  for (int i = 2; i < 4; ++i) {
    const std::string f = "f" + std::to_string(i);
    Track("arrive-" + f, f, "invite_accepted", {{"campaign_id", "cmp_mask"}, {"code", code}});
    Track("pay-" + f, f, "order_paid", {{"order_id", "O-" + f}}, 990);
  }
  Start();
  for (int round = 0; round < 3; ++round) (void)service_->RunDue();
  const CampaignReport r = service_->Report(kDefaultWorkspace, "cmp_mask").value();
  EXPECT_EQ(r.invites, 4);
  EXPECT_EQ(r.qualified, 4);
  EXPECT_EQ(r.rewards_granted, 1);  // the 3-friend tier, once
  EXPECT_EQ(Count("ann", "coupon_issued"), 1);
  // Starting again decides nothing new.
  Start();
  EXPECT_EQ(service_->RunDue().value(), 0);
  EXPECT_EQ(service_->RunDue().value(), 0);
}

TEST_F(FissionServiceTest, AFarmsRewardsWaitForReviewAndAreGrantedOrRejectedOnce) {
  Track("h1", "ann", "signed_up", json::object());
  Track("h2", "bob", "signed_up", json::object());
  const std::string ann = service_->Join(kDefaultWorkspace, "cmp_mask", "ann")->code;
  const std::string bob = service_->Join(kDefaultWorkspace, "cmp_mask", "bob")->code;
  // ann's friends arrive from their own phones, days after their accounts were made.
  for (int i = 0; i < 3; ++i) {
    const std::string f = "ok" + std::to_string(i);
    Track("old-" + f, f, "signed_up", json::object());
  }
  clock_.Advance(3 * kMicrosPerDay);
  auto arrive = [&](const std::string& f, const std::string& code, const std::string& device,
                    const std::string& ip) {
    Event e;
    e.message_id = "arrive-" + f;
    e.user_id = f;
    e.name = "invite_accepted";
    e.timestamp = clock_.NowMicros();
    e.properties = json({{"campaign_id", "cmp_mask"}, {"code", code}}).dump();
    e.context = json({{"ip", ip}, {"device", {{"id", device}}}}).dump();
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {e}).ok());
  };
  for (int i = 0; i < 3; ++i) {
    const std::string f = "ok" + std::to_string(i);
    arrive(f, ann, "dev-" + f, "10." + std::to_string(i) + ".0.1");
  }
  // bob's come from one phone farm: one device, accounts made the minute they qualify.
  for (int i = 0; i < 3; ++i) arrive("farm" + std::to_string(i), bob, "dev-farm", "172.16.5.9");
  service_->RunDue().value();
  for (const std::string f : {"ok0", "ok1", "ok2", "farm0", "farm1", "farm2"}) {
    Track("pay-" + f, f, "order_paid", {{"order_id", "O-" + f}}, 990);
  }
  for (int round = 0; round < 2; ++round) service_->RunDue().value();

  EXPECT_EQ(Count("ann", "coupon_issued"), 1);  // honest: granted
  EXPECT_EQ(Count("bob", "coupon_issued"), 0);  // held
  const std::vector<HeldReward> held = service_->Held(kDefaultWorkspace, "cmp_mask").value();
  ASSERT_EQ(held.size(), 1u);
  EXPECT_GE(held[0].score, 50);
  ASSERT_FALSE(held[0].reasons.empty());
  EXPECT_EQ(held[0].reasons[0], "3 of 3 invitees are suspicious");
  EXPECT_EQ(Count("bob", "fission_reward_held"), 1);

  // Approve it (twice: once counts), then it is granted once.
  ASSERT_TRUE(service_->Review(kDefaultWorkspace, "cmp_mask", held[0].key, true, "ops").ok());
  ASSERT_TRUE(service_->Review(kDefaultWorkspace, "cmp_mask", held[0].key, true, "ops").ok());
  service_->RunDue().value();
  EXPECT_EQ(Count("bob", "coupon_issued"), 1);
  EXPECT_EQ(
      service_->Review(kDefaultWorkspace, "cmp_mask", "cmp_mask:nobody:0", false, "ops").code(),
      StatusCode::kNotFound);
  const CampaignReport r = service_->Report(kDefaultWorkspace, "cmp_mask").value();
  EXPECT_EQ(r.rewards_granted, 2);
  EXPECT_EQ(r.rewards_held, 0);
  EXPECT_DOUBLE_EQ(r.fraud_rate, 0.5);  // 1 of the 2 rewards reached went to review

  // The same after a restart: the hold, the review and the grant replay to the same place.
  Reopen();
  EXPECT_EQ(service_->RunDue().value(), 0);
  EXPECT_EQ(service_->Report(kDefaultWorkspace, "cmp_mask")->rewards_granted, 2);
  EXPECT_TRUE(service_->Held(kDefaultWorkspace, "cmp_mask")->empty());
}

TEST_F(FissionServiceTest, GroupBuysNeverOverfillAndAFailedGroupRefundsEveryMember) {
  Campaign c = ParseCampaign(R"({"id": "cmp_pin", "name": "三人团", "kind": "group_buy",
      "start": "2026-03-01T00:00:00+08:00", "end": "2026-04-01T00:00:00+08:00",
      "budget_fen": 0, "stock": 0, "group": {"size": 3, "hours": 24}})",
                             kDefaultUtcOffsetSeconds)
                   .value();
  ASSERT_TRUE(service_->SaveCampaign(kDefaultWorkspace, c).ok());
  for (int i = 0; i < 12; ++i) Track("h" + std::to_string(i), "u" + std::to_string(i), "x", {});
  const Group g = service_->OpenGroup(kDefaultWorkspace, "cmp_pin", "u0", "O0", 4'990).value();
  EXPECT_EQ(g.members.size(), 1u);
  EXPECT_EQ(service_->OpenGroup(kDefaultWorkspace, "cmp_pin", "u0", "O0b", 4'990).status().code(),
            StatusCode::kFailedPrecondition);  // one open group per user per campaign
  // Ten people race for the two places left.
  std::atomic<int> joined{0};
  std::vector<std::thread> threads;
  for (int i = 1; i <= 10; ++i) {
    threads.emplace_back([&, i] {
      const std::string u = "u" + std::to_string(i);
      if (service_->JoinGroup(kDefaultWorkspace, g.id, u, "O" + u, 4'990).ok()) ++joined;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(joined.load(), 2);
  const Group full = service_->GetGroup(kDefaultWorkspace, g.id).value();
  EXPECT_EQ(full.members.size(), 3u);
  EXPECT_EQ(full.state, GroupState::kSucceeded);

  // Another group gets one member and runs out of time: both are refunded, once — their
  // payments were seen. A third group's leader paid where pond never saw it: the shop refunds
  // that one, pond counts no refund of money it never received.
  Track("paid-OL", "u11", "order_paid", {{"order_id", "OL"}}, 4'990);
  Track("paid-OJ", "u10", "order_paid", {{"order_id", "OJ"}}, 4'990);
  const Group unseen =
      service_->OpenGroup(kDefaultWorkspace, "cmp_pin", "u9", "O-UNSEEN", 4'990).value();
  const Group lonely =
      service_->OpenGroup(kDefaultWorkspace, "cmp_pin", "u11", "OL", 4'990).value();
  // u10 is free whether or not it got into the full group: a group that filled frees its members.
  ASSERT_TRUE(service_->JoinGroup(kDefaultWorkspace, lonely.id, "u10", "OJ", 4'990).ok());
  clock_.Advance(25 * kMicrosPerHour);
  EXPECT_EQ(service_->JoinGroup(kDefaultWorkspace, lonely.id, "u8", "OX", 4'990).status().code(),
            StatusCode::kFailedPrecondition);  // expired
  service_->RunDue().value();
  EXPECT_EQ(service_->GetGroup(kDefaultWorkspace, lonely.id)->state, GroupState::kFailed);
  EXPECT_EQ(Count("u11", "order_refunded"), 1);
  service_->RunDue().value();
  EXPECT_EQ(Count("u11", "order_refunded"), 1);
  EXPECT_EQ(engine_->GetCustomer(kDefaultWorkspace, "u11", 0)->summary.refunded_fen, 4'990);
  EXPECT_EQ(Count("u10", "order_refunded"), 1);
  EXPECT_EQ(service_->GetGroup(kDefaultWorkspace, unseen.id)->state, GroupState::kFailed);
  EXPECT_EQ(Count("u9", "order_refunded"), 0);
  EXPECT_EQ(engine_->GetCustomer(kDefaultWorkspace, "u9", 0)->summary.refunded_fen, 0);
  const CampaignReport r = service_->Report(kDefaultWorkspace, "cmp_pin").value();
  EXPECT_EQ(r.groups_succeeded, 1);
  EXPECT_EQ(r.groups_failed, 2);
  EXPECT_EQ(r.group_members, 6);

  // A restart replays the groups to the same place and refunds nothing again.
  Reopen();
  EXPECT_EQ(service_->RunDue().value(), 0);
  EXPECT_EQ(service_->GetGroup(kDefaultWorkspace, g.id)->members.size(), 3u);
  EXPECT_EQ(service_->Report(kDefaultWorkspace, "cmp_pin")->groups_failed, 2);
}

TEST_F(FissionServiceTest, BargainsReachTheFloorExactlyAtTheLastHelperOnceEach) {
  Campaign c = ParseCampaign(R"({"id": "cmp_cut", "name": "砍价", "kind": "bargain",
      "start": "2026-03-01T00:00:00+08:00", "end": "2026-04-01T00:00:00+08:00",
      "budget_fen": 0, "stock": 0,
      "bargain": {"start_fen": 16900, "floor_fen": 990, "helpers": 5}})",
                             kDefaultUtcOffsetSeconds)
                   .value();
  ASSERT_TRUE(service_->SaveCampaign(kDefaultWorkspace, c).ok());
  for (int i = 0; i < 12; ++i) Track("h" + std::to_string(i), "u" + std::to_string(i), "x", {});
  const Bargain b = service_->StartBargain(kDefaultWorkspace, "cmp_cut", "u0").value();
  EXPECT_EQ(b.price_fen, 16'900);
  EXPECT_EQ(service_->StartBargain(kDefaultWorkspace, "cmp_cut", "u0")->id, b.id);  // a retry
  EXPECT_EQ(service_->HelpBargain(kDefaultWorkspace, b.id, "u0").status().code(),
            StatusCode::kFailedPrecondition);  // no self-help
  // Ten friends race to help; five cuts are made, and the price lands on the floor exactly.
  std::vector<std::thread> threads;
  for (int i = 1; i <= 10; ++i) {
    threads.emplace_back(
        [&, i] { (void)service_->HelpBargain(kDefaultWorkspace, b.id, "u" + std::to_string(i)); });
  }
  for (auto& t : threads) t.join();
  const Bargain done = service_->GetBargain(kDefaultWorkspace, b.id).value();
  EXPECT_EQ(done.helpers.size(), 5u);
  EXPECT_TRUE(done.reached);
  EXPECT_EQ(done.price_fen, 990);
  int64_t sum = 0;
  for (int64_t cut : done.cuts) {
    EXPECT_GE(cut, 1);
    sum += cut;
  }
  EXPECT_EQ(sum, 16'900 - 990);
  // A helper helping again changes nothing; an eleventh is refused.
  EXPECT_EQ(service_->HelpBargain(kDefaultWorkspace, b.id, done.helpers[0])->cuts, done.cuts);
  EXPECT_EQ(service_->HelpBargain(kDefaultWorkspace, b.id, "u11").status().code(),
            StatusCode::kFailedPrecondition);
  Reopen();
  const Bargain again = service_->GetBargain(kDefaultWorkspace, b.id).value();
  EXPECT_EQ(again.cuts, done.cuts);
  EXPECT_EQ(again.price_fen, 990);
}

TEST_F(FissionServiceTest, CashRewardsArePostedToTheSharedLedgerOnce) {
  auto distribution = DistributionService::Start(engine_.get(), nullptr).value();
  // The money side over whichever programme is running now (a new one after each restart).
  auto payouts = [&] { return PayoutService(distribution.get()); };
  Campaign c = ParseCampaign(kCampaign, kDefaultUtcOffsetSeconds).value();
  c.id = "cmp_cash";
  CampaignReward cash;
  cash.cash = true;
  cash.value_fen = 1'000;
  c.tiers = {{3, cash}};
  ASSERT_TRUE(service_->SaveCampaign(kDefaultWorkspace, c).ok());
  Track("hello", "ann", "signed_up", json::object());
  const std::string code = service_->Join(kDefaultWorkspace, "cmp_cash", "ann")->code;
  for (int i = 0; i < 3; ++i) {
    const std::string f = "c" + std::to_string(i);
    Track("arrive-" + f, f, "invite_accepted", {{"campaign_id", "cmp_cash"}, {"code", code}});
    Track("pay-" + f, f, "order_paid", {{"order_id", "O-" + f}}, 990);
  }
  for (int round = 0; round < 3; ++round) (void)service_->RunDue();
  auto totals = [&] {
    std::map<std::string, int64_t> out;
    const Reconciliation r = payouts().Reconcile(kDefaultWorkspace).value();
    for (const auto& [kind, fen] : r.totals) out[kind] = fen;
    return out;
  };
  EXPECT_EQ(totals()["available"], 1'000);
  EXPECT_EQ(totals()["commission_expense"], 1'000);
  EXPECT_EQ(payouts().Reconcile(kDefaultWorkspace)->verify, "ok");
  // A restart replays the grant and posts it once.
  distribution.reset();
  Reopen();
  distribution = DistributionService::Start(engine_.get(), nullptr).value();
  EXPECT_EQ(service_->RunDue().value(), 0);
  EXPECT_EQ(totals()["available"], 1'000);
  EXPECT_EQ(payouts().Reconcile(kDefaultWorkspace)->transactions, 1);

  // ann is no distributor, yet withdraws her reward from her own account: once per request id,
  // never more than is available.
  const std::string ann = engine_->GetCustomer(kDefaultWorkspace, "ann", 0)->summary.id;
  EXPECT_EQ(payouts().RequestWithdrawal(kDefaultWorkspace, ann, 1'001, "r0").status().code(),
            StatusCode::kFailedPrecondition);
  const WithdrawalView w = payouts().RequestWithdrawal(kDefaultWorkspace, ann, 600, "r1").value();
  EXPECT_EQ(w.id, "wdr_c" + ann.substr(4) + "_r1");
  EXPECT_EQ(payouts().RequestWithdrawal(kDefaultWorkspace, ann, 600, "r1")->id, w.id);
  EXPECT_EQ(payouts().RequestWithdrawal(kDefaultWorkspace, ann, 600, "r2").status().code(),
            StatusCode::kFailedPrecondition);  // 400 left
  ASSERT_TRUE(payouts().ApproveWithdrawal(kDefaultWorkspace, w.id, 0, "ops").ok());
  ASSERT_TRUE(payouts().MarkPaid(kDefaultWorkspace, w.id, "BANK-1", "").ok());
  EXPECT_EQ(totals()["available"], 400);
  EXPECT_EQ(totals()["paid"], 600);
  EXPECT_EQ(Count("ann", "withdrawal_paid"), 1);
  EXPECT_EQ(payouts().Journal(kDefaultWorkspace, ann)->size(), 4u);  // reward, request…
  EXPECT_EQ(payouts().RequestWithdrawal(kDefaultWorkspace, "dst_nobody", 100, "x").status().code(),
            StatusCode::kNotFound);  // a distributor id still has to be one
  distribution.reset();
  Reopen();
  distribution = DistributionService::Start(engine_.get(), nullptr).value();
  EXPECT_EQ(totals()["available"], 400);
  EXPECT_EQ(payouts().Reconcile(kDefaultWorkspace)->verify, "ok");
}

TEST_F(FissionServiceTest, AFriendWhoDeletesTheStaffAccountStopsCounting) {
  Campaign c = ParseCampaign(kCampaign, kDefaultUtcOffsetSeconds).value();
  c.id = "cmp_add";
  c.qualify = {"friend_added", 0, "stf_lily"};
  ASSERT_TRUE(service_->SaveCampaign(kDefaultWorkspace, c).ok());
  Track("hello", "ann", "signed_up", json::object());
  const std::string code = service_->Join(kDefaultWorkspace, "cmp_add", "ann")->code;
  for (int i = 0; i < 3; ++i) {
    const std::string f = "a" + std::to_string(i);
    Track("arrive-" + f, f, "invite_accepted", {{"campaign_id", "cmp_add"}, {"code", code}});
    // Another staff account does not count; Lily does.
    Track("other-" + f, f, "friend_added", {{"staff_id", "stf_amy"}});
    Track("lily-" + f, f, "friend_added", {{"staff_id", "stf_lily"}});
  }
  for (int round = 0; round < 2; ++round) (void)service_->RunDue();
  EXPECT_EQ(service_->Report(kDefaultWorkspace, "cmp_add")->qualified, 3);
  EXPECT_EQ(service_->Report(kDefaultWorkspace, "cmp_add")->rewards_granted, 1);
  clock_.Advance(kMicrosPerDay);
  Track("bye-amy", "a0", "friend_deleted", {{"staff_id", "stf_amy"}});  // not the one that counts
  Track("bye", "a0", "friend_deleted", {{"staff_id", "stf_lily"}});
  (void)service_->RunDue();
  const CampaignReport r = service_->Report(kDefaultWorkspace, "cmp_add").value();
  EXPECT_EQ(r.qualified, 2);
  EXPECT_EQ(r.rewards_disputed, 1);
  EXPECT_EQ(Count("ann", "fission_reward_granted"), 1);  // kept, and disputed
}

TEST_F(FissionServiceTest, IdentitiesTellSelfReferralReregistrationAndZombies) {
  auto with = [&](const std::string& id, const std::string& user, const std::string& name,
                  const json& props, std::vector<Identity> ids, const std::string& anon = "") {
    Event e;
    e.message_id = id;
    e.user_id = user;
    e.anonymous_id = anon;
    e.name = name;
    e.timestamp = clock_.NowMicros();
    e.properties = props.dump();
    e.identities = std::move(ids);
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {e}).ok());
  };
  with("cat", "cat", "signed_up", json::object(), {{IdentityKind::kPhone, "13800000001"}},
       "dev-cat");
  // A customer who left: deleted the staff account.
  with("gone", "gone", "friend_added", {{"staff_id", "stf_lily"}},
       {{IdentityKind::kPhone, "13900000009"}, {IdentityKind::kUnionId, "u-gone"}});
  Track("gone-bye", "gone", "friend_deleted", {{"staff_id", "stf_lily"}});
  const std::string gone = engine_->GetCustomer(kDefaultWorkspace, "gone", 0)->summary.id;
  const std::string code = service_->Join(kDefaultWorkspace, "cmp_mask", "cat")->code;
  for (const std::string f : {"sock", "back", "back2", "quiet", "lively"}) {
    Track("made-" + f, f, "signed_up", json::object());  // not fresh accounts
  }
  clock_.Advance(kMicrosPerDay);
  const json arrive = {{"campaign_id", "cmp_mask"}, {"code", code}};
  with("a-sock", "sock", "invite_accepted", arrive, {{IdentityKind::kPhone, "13800000001"}});
  with("a-back", "back", "invite_accepted", arrive, {{IdentityKind::kPhone, "13900000009"}});
  with("a-back2", "back2", "invite_accepted", arrive, {{IdentityKind::kUnionId, "u-gone"}});
  with("a-quiet", "quiet", "invite_accepted", arrive, {});
  with("a-lively", "lively", "invite_accepted", arrive, {});
  ASSERT_GE(service_->RunDue().value(), 5);
  for (const std::string f : {"sock", "back", "back2", "quiet", "lively"}) {
    Track("pay-" + f, f, "order_paid", {{"order_id", "O-" + f}}, 990);
  }
  (void)service_->RunDue();
  clock_.Advance(kMicrosPerDay);
  Track("later", "lively", "page_viewed", json::object());

  auto scores = [&] {
    std::map<std::string, std::vector<std::string>> out;  // user -> signal codes
    const auto rows = service_->Fraud(kDefaultWorkspace, "cmp_mask", 10).value();
    for (const auto& row : rows) {
      EXPECT_EQ(row.inviter.id, engine_->GetCustomer(kDefaultWorkspace, "cat", 0)->summary.id);
      for (const FraudScore& s : row.invitees) {
        for (const std::string f : {"sock", "back", "back2", "quiet", "lively"}) {
          if (engine_->GetCustomer(kDefaultWorkspace, f, 0)->summary.id != s.id) continue;
          out[f];  // listed, with or without signals
          for (const FraudSignal& sig : s.signals) out[f].push_back(sig.code);
        }
      }
    }
    return out;
  };
  auto now = scores();
  EXPECT_EQ(now["sock"], std::vector<std::string>{"self_referral"});
  EXPECT_EQ(now["back"], std::vector<std::string>{"reregistered"});
  EXPECT_EQ(now["back2"], std::vector<std::string>{"reregistered"});
  EXPECT_TRUE(now["quiet"].empty());  // not yet a week since qualifying
  const auto rows = service_->Fraud(kDefaultWorkspace, "cmp_mask", 10).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].invitees[0].signals[0].reason,
            "shares a device or phone with its inviter " + rows[0].inviter.id);
  EXPECT_EQ(rows[0].invitees[1].signals[0].reason,
            "the phone or unionid is " + gone + "'s, who deleted the staff account");

  clock_.Advance(8 * kMicrosPerDay);
  now = scores();
  EXPECT_EQ(now["quiet"], std::vector<std::string>{"zombie"});
  EXPECT_TRUE(now["lively"].empty());  // came back after qualifying
  EXPECT_EQ(now["back"], (std::vector<std::string>{"reregistered", "zombie"}));
  // The same after a restart: the signals live in the service's own events.
  Reopen();
  EXPECT_EQ(scores(), now);
  EXPECT_EQ(service_->Fraud(kDefaultWorkspace, "nope", 10).status().code(), StatusCode::kNotFound);
}

TEST_F(FissionServiceTest, TheForestAcrossCampaignsKeepsTheFirstInvitation) {
  Campaign b = ParseCampaign(kCampaign, kDefaultUtcOffsetSeconds).value();
  b.id = "cmp_b";
  ASSERT_TRUE(service_->SaveCampaign(kDefaultWorkspace, b).ok());
  for (const std::string u : {"ann", "bob", "carl", "dan", "zed"}) {
    Track("hi-" + u, u, "signed_up", json::object());
  }
  auto invite = [&](const std::string& campaign, const std::string& by, const std::string& who) {
    const std::string code = service_->Join(kDefaultWorkspace, campaign, by)->code;
    Track("arrive-" + campaign + who, who, "invite_accepted",
          {{"campaign_id", campaign}, {"code", code}});
    ASSERT_GE(service_->RunDue().value(), 0);
    clock_.Advance(kMicrosPerMinute);
  };
  invite("cmp_mask", "ann", "bob");
  invite("cmp_b", "bob", "carl");
  invite("cmp_mask", "carl", "dan");
  invite("cmp_b", "zed", "bob");  // bob was ann's first: stays ann's overall
  invite("cmp_b", "dan", "ann");  // a loop across campaigns: left out overall
  Track("pay", "carl", "order_paid", {{"order_id", "O-carl"}}, 990);
  (void)service_->RunDue();

  auto id = [&](const std::string& u) {
    return engine_->GetCustomer(kDefaultWorkspace, u, 0)->summary.id;
  };
  const auto forest = service_->Forest(kDefaultWorkspace, 10).value();
  EXPECT_EQ(forest.invites, 3);  // bob, carl, dan
  EXPECT_EQ(forest.qualified, 1);
  EXPECT_EQ(forest.participants, 5);  // all five shared a poster
  EXPECT_EQ(forest.depths, (std::map<int, int64_t>{{0, 2}, {1, 1}, {2, 1}, {3, 1}}));
  ASSERT_FALSE(forest.top.empty());
  EXPECT_EQ(forest.top[0].inviter, id("bob"));  // carl qualified

  const auto tree = service_->TreeOf(kDefaultWorkspace, "bob", 3, 100).value();
  EXPECT_EQ(tree.self.customer, id("bob"));
  EXPECT_EQ(tree.self.inviter, id("ann"));
  EXPECT_EQ(tree.self.campaign, "cmp_mask");
  ASSERT_EQ(tree.upline.size(), 1u);
  EXPECT_EQ(tree.upline[0].customer, id("ann"));
  EXPECT_EQ(tree.upline[0].level, -1);
  ASSERT_EQ(tree.downline.size(), 2u);
  EXPECT_EQ(tree.downline[0].customer, id("carl"));
  EXPECT_EQ(tree.downline[0].campaign, "cmp_b");
  EXPECT_TRUE(tree.downline[0].qualified);
  EXPECT_EQ(tree.downline[1].customer, id("dan"));
  EXPECT_EQ(tree.downline[1].level, 2);
  EXPECT_EQ(tree.downline[1].inviter, id("carl"));
  const auto shallow = service_->TreeOf(kDefaultWorkspace, "bob", 1, 100).value();
  EXPECT_EQ(shallow.downline.size(), 1u);
  const auto cut = service_->TreeOf(kDefaultWorkspace, "ann", 3, 2).value();
  EXPECT_EQ(cut.downline.size(), 2u);
  EXPECT_TRUE(cut.truncated);
  EXPECT_EQ(service_->TreeOf(kDefaultWorkspace, "nobody", 3, 10).status().code(),
            StatusCode::kNotFound);
}

TEST_F(FissionServiceTest, CampaignDefinitionsAreValidated) {
  EXPECT_EQ(ParseCampaign("[]", kDefaultUtcOffsetSeconds).status().field(), "campaign");
  json j = json::parse(kCampaign);
  j["id"] = "mask";
  EXPECT_EQ(ParseCampaign(j.dump(), kDefaultUtcOffsetSeconds).status().field(), "id");
  j = json::parse(kCampaign);
  j["end"] = "2026-02-01T00:00:00+08:00";
  EXPECT_EQ(ParseCampaign(j.dump(), kDefaultUtcOffsetSeconds).status().field(), "end");
  j = json::parse(kCampaign);
  j["tiers"][1]["invites"] = 2;
  EXPECT_EQ(ParseCampaign(j.dump(), kDefaultUtcOffsetSeconds).status().field(), "tiers[1].invites");
  j = json::parse(kCampaign);
  j["tiers"][0]["reward"] = {{"coupon", "C"}, {"product", "P"}, {"value_fen", 1}};
  EXPECT_EQ(ParseCampaign(j.dump(), kDefaultUtcOffsetSeconds).status().field(), "tiers[0].reward");
  j = json::parse(kCampaign);
  j["qualify"]["event"] = "page_viewed";
  EXPECT_EQ(ParseCampaign(j.dump(), kDefaultUtcOffsetSeconds).status().field(), "qualify.event");
  j = json::parse(kCampaign);
  j["kind"] = "bargain";
  j["bargain"] = {{"start_fen", 100}, {"floor_fen", 50}, {"helpers", 60}};
  EXPECT_EQ(ParseCampaign(j.dump(), kDefaultUtcOffsetSeconds).status().field(), "bargain.helpers");
  const Campaign c = ParseCampaign(kCampaign, kDefaultUtcOffsetSeconds).value();
  EXPECT_EQ(
      ParseCampaign(CampaignJson(c, kDefaultUtcOffsetSeconds).dump(), kDefaultUtcOffsetSeconds)
          .value()
          .tiers.size(),
      2u);  // round trip
  clock_.Set(ParseIso8601("2026-05-01T00:00:00+08:00").value());
  Track("late", "zoe", "signed_up", json::object());
  EXPECT_EQ(service_->Join(kDefaultWorkspace, "cmp_mask", "zoe").status().code(),
            StatusCode::kFailedPrecondition);  // the campaign ended
}

}  // namespace
}  // namespace pond
