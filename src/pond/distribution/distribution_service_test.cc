// Distribution through the real engine (a SQLite file) on a fake clock: approval modes, binding
// policies, commission at two levels on orders of bound clients, refunds of one line, release
// after the after-sale window, withdrawals (also from many threads), catching up after a stop,
// and a restart that rebuilds the same ledger from the events.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "pond/base/time.h"
#include "pond/distribution/payout_service.h"
#include "pond/testing/temp_dir.h"
#include "pond/testing/timeline.h"

namespace pond {
namespace {

using nlohmann::json;
constexpr Micros kDay = kMicrosPerDay;

class DistributionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    engine_ = Engine::Open(o).value();
    Restart();
  }
  void Restart() {
    payouts_.reset();
    service_.reset();
    segments_.reset();
    rules_.reset();
    rules_ = LiveRules::Start(engine_.get()).value();
    segments_ = std::make_unique<SegmentService>(rules_.get());
    auto s = DistributionService::Start(engine_.get(), segments_.get());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(*s);
    payouts_ = std::make_unique<PayoutService>(service_.get());
  }
  void Reopen() {  // a whole restart: engine and services rebuilt from the store
    payouts_.reset();
    service_.reset();
    segments_.reset();
    rules_.reset();
    engine_.reset();
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    engine_ = Engine::Open(o).value();
    Restart();
  }
  void Track(const std::string& id, const std::string& user, const std::string& name,
             const json& props) {
    Event e;
    e.message_id = id;
    e.user_id = user;
    e.name = name;
    e.timestamp = clock_.NowMicros();
    e.properties = props.dump();
    if (name == "order_paid") {
      Order& o = e.order.emplace();
      o.order_id = props["order_id"];
      for (const json& item : props["items"]) {
        LineItem li;
        li.sku = item["sku"];
        li.category = item.value("category", "");
        li.quantity = item.value("quantity", 1);
        li.amount_fen = item["amount_fen"];
        o.total_fen += li.amount_fen;
        o.items.push_back(li);
      }
      e.amount_fen = o.total_fen;
    } else if (name == "order_refunded") {
      Refund& r = e.refund.emplace();
      r.order_id = props["order_id"];
      r.refund_id = props["refund_id"];
      r.amount_fen = props["amount_fen"];
      e.amount_fen = r.amount_fen;
    }
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {e}).ok());
  }
  std::string CustomerOf(const std::string& user) {
    Track("hello:" + user, user, "signed_up", json::object());
    return engine_->GetCustomer(kDefaultWorkspace, user, 0)->summary.id;
  }
  // An approved distributor for `user`, recruited by `recruiter` ("" = nobody).
  std::string Distributor(const std::string& user, const std::string& recruiter = "") {
    CustomerOf(user);
    auto applied = service_->ApplyFor(kDefaultWorkspace, user, recruiter, "apply");
    EXPECT_TRUE(applied.ok()) << applied.status().ToString();
    if (!applied.ok()) return "";
    auto approved = service_->Approve(kDefaultWorkspace, applied->distributor.id, "", "test");
    EXPECT_TRUE(approved.ok()) << approved.status().ToString();
    return applied->distributor.id;
  }
  DistributorBalances Balances(const std::string& id) {
    return service_->Get(kDefaultWorkspace, id).value().balances;
  }
  int64_t RunDue() {
    Result<int64_t> r = service_->RunDue();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : -1;
  }
  int64_t Count(const std::string& user, const std::string& name) {
    return testing::CountInTimeline(*engine_, user, name);
  }

  testing::TempDir dir_;
  FakeClock clock_{ParseIso8601("2026-03-02T10:00:00+08:00").value()};
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<LiveRules> rules_;
  std::unique_ptr<SegmentService> segments_;
  std::unique_ptr<DistributionService> service_;
  std::unique_ptr<PayoutService> payouts_;
};

TEST_F(DistributionServiceTest, TwoLevelsRefundOfOneLineReleaseAndWithdrawalSurviveARestart) {
  const std::string kol = Distributor("kol");
  const std::string sub = Distributor("sub", kol);
  ASSERT_EQ(service_->Get(kDefaultWorkspace, sub)->distributor.recruiter, kol);
  const std::string code = service_->CodeOf(kDefaultWorkspace, sub).value();
  ASSERT_EQ(code.size(), 8u);
  CustomerOf("amy");
  ASSERT_TRUE(service_->Bind(kDefaultWorkspace, "amy", code, "code").ok());
  EXPECT_EQ(Count("amy", kClientBound), 1);

  // Two lines; quantity 3 of the mask is in its amount and is not multiplied again.
  Track("o1", "amy", "order_paid",
        {{"order_id", "T1"},
         {"items",
          {{{"sku", "MASK"}, {"quantity", 3}, {"amount_fen", 30'000}},
           {{"sku", "SERUM"}, {"amount_fen", 16'999}}}}});
  EXPECT_EQ(RunDue(), 1);  // commission_accrued
  EXPECT_EQ(RunDue(), 0);  // decided once
  // Level 1 (sub) 10%: 3000 + 1699 (1699.9 rounded down); level 2 (kol) 3%: 900 + 509.
  EXPECT_EQ(Balances(sub).pending_fen, 4'699);
  EXPECT_EQ(Balances(kol).pending_fen, 1'409);

  // The serum comes back: exactly its line is reversed, at both levels.
  Track("r1", "amy", "order_refunded",
        {{"order_id", "T1"},
         {"refund_id", "R1"},
         {"amount_fen", 16'999},
         {"items", {{{"sku", "SERUM"}, {"amount_fen", 16'999}}}}});
  EXPECT_EQ(RunDue(), 1);
  EXPECT_EQ(Balances(sub).pending_fen, 3'000);
  EXPECT_EQ(Balances(kol).pending_fen, 900);

  // Not yet: 3 days of delivery allowance and 7 of after-sale window.
  clock_.Advance(9 * kDay);
  EXPECT_EQ(RunDue(), 0);
  clock_.Advance(kDay + 1);
  EXPECT_EQ(RunDue(), 1);  // commission_released
  EXPECT_EQ(Balances(sub).available_fen, 3'000);
  EXPECT_EQ(Balances(sub).pending_fen, 0);

  // More than available is refused and moves nothing; then the exact amount.
  auto too_much = payouts_->RequestWithdrawal(kDefaultWorkspace, sub, 3'001, "w0");
  EXPECT_EQ(too_much.status().code(), StatusCode::kFailedPrecondition);
  auto w = payouts_->RequestWithdrawal(kDefaultWorkspace, sub, 3'000, "w1");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(payouts_->RequestWithdrawal(kDefaultWorkspace, sub, 3'000, "w1")->id, w->id);  // retry
  EXPECT_EQ(payouts_->RequestWithdrawal(kDefaultWorkspace, sub, 2'000, "w1").status().code(),
            StatusCode::kAlreadyExists);
  ASSERT_TRUE(payouts_->ApproveWithdrawal(kDefaultWorkspace, w->id, 100, "ops").ok());
  ASSERT_TRUE(payouts_->MarkPaid(kDefaultWorkspace, w->id, "BANK-1", "webhook").ok());
  ASSERT_TRUE(payouts_->MarkPaid(kDefaultWorkspace, w->id, "BANK-1", "webhook").ok());  // retried
  EXPECT_EQ(Balances(sub).paid_fen, 2'900);
  EXPECT_EQ(Balances(sub).available_fen, 0);

  const Reconciliation before = payouts_->Reconcile(kDefaultWorkspace).value();
  EXPECT_EQ(before.verify, "ok");
  EXPECT_EQ(before.sum_fen, 0);
  const auto journal = payouts_->Journal(kDefaultWorkspace, sub).value();
  Reopen();
  EXPECT_EQ(RunDue(), 0);  // nothing decided twice
  const Reconciliation after = payouts_->Reconcile(kDefaultWorkspace).value();
  EXPECT_EQ(after.transactions, before.transactions);
  EXPECT_EQ(after.totals, before.totals);
  const auto replayed = payouts_->Journal(kDefaultWorkspace, sub).value();
  ASSERT_EQ(replayed.size(), journal.size());
  for (size_t i = 0; i < journal.size(); ++i) {
    EXPECT_EQ(replayed[i].key, journal[i].key);
    EXPECT_EQ(replayed[i].postings, journal[i].postings);
  }
  EXPECT_EQ(Balances(sub).paid_fen, 2'900);
}

TEST_F(DistributionServiceTest, RefundAfterReleaseClawsBackAndTheNextReleaseRepays) {
  const std::string d = Distributor("kol");
  CustomerOf("amy");
  ASSERT_TRUE(service_->Bind(kDefaultWorkspace, "amy", d, "code").ok());
  Track("o1", "amy", "order_paid",
        {{"order_id", "T1"}, {"items", {{{"sku", "A"}, {"amount_fen", 10'000}}}}});
  RunDue();
  Track("rcv", "amy", "order_received", {{"order_id", "T1"}});  // received: 7 days from now
  clock_.Advance(7 * kDay + 1);
  RunDue();
  ASSERT_EQ(Balances(d).available_fen, 1'000);
  ASSERT_TRUE(payouts_->RequestWithdrawal(kDefaultWorkspace, d, 800, "w1").ok());
  // The refund after release wants 1,000 back: 200 from available, 800 owed.
  Track("r1", "amy", "order_refunded",
        {{"order_id", "T1"}, {"refund_id", "R1"}, {"amount_fen", 10'000}});
  RunDue();
  EXPECT_EQ(Balances(d).available_fen, 0);
  EXPECT_EQ(Balances(d).clawback_fen, 800);
  Track("o2", "amy", "order_paid",
        {{"order_id", "T2"}, {"items", {{{"sku", "A"}, {"amount_fen", 20'000}}}}});
  RunDue();
  clock_.Advance(11 * kDay);
  RunDue();
  EXPECT_EQ(Balances(d).clawback_fen, 0);  // repaid first
  EXPECT_EQ(Balances(d).available_fen, 1'200);
  EXPECT_EQ(payouts_->Reconcile(kDefaultWorkspace)->verify, "ok");
}

TEST_F(DistributionServiceTest, BindingPoliciesSelfLoopsAndEveryBindingIsAnEvent) {
  const std::string a = Distributor("a");
  const std::string b = Distributor("b");
  CustomerOf("amy");
  EXPECT_EQ(service_->Bind(kDefaultWorkspace, "a", a, "code").status().code(),
            StatusCode::kFailedPrecondition);                           // self
  ASSERT_TRUE(service_->Bind(kDefaultWorkspace, "b", a, "code").ok());  // b is a's client
  auto loop = service_->Bind(kDefaultWorkspace, "a", b, "code");        // a as b's client: loop
  EXPECT_EQ(loop.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(loop.status().message().find("loop"), std::string::npos);

  ASSERT_TRUE(service_->Bind(kDefaultWorkspace, "amy", a, "code").ok());
  EXPECT_TRUE(service_->Bind(kDefaultWorkspace, "amy", a, "code").ok());  // same: no new event
  EXPECT_EQ(service_->Bind(kDefaultWorkspace, "amy", b, "code").status().code(),
            StatusCode::kFailedPrecondition);  // permanent

  DistributionSettings s;
  s.binding = BindingPolicy::kLocked;
  s.lock_days = 30;
  ASSERT_TRUE(service_->SetSettings(kDefaultWorkspace, s).ok());
  auto locked = service_->Bind(kDefaultWorkspace, "amy", b, "code");
  EXPECT_NE(locked.status().message().find("locked"), std::string::npos);
  clock_.Advance(31 * kDay);
  ASSERT_TRUE(service_->Bind(kDefaultWorkspace, "amy", b, "code").ok());

  s.binding = BindingPolicy::kLastTouch;
  ASSERT_TRUE(service_->SetSettings(kDefaultWorkspace, s).ok());
  ASSERT_TRUE(service_->Bind(kDefaultWorkspace, "amy", a, "link").ok());
  EXPECT_EQ(Count("amy", kClientBound), 3);
  EXPECT_EQ(service_->Clients(kDefaultWorkspace, a)->size(), 2u);  // b and amy

  s.new_customers_only = true;
  ASSERT_TRUE(service_->SetSettings(kDefaultWorkspace, s).ok());
  CustomerOf("bob");
  Track("o1", "bob", "order_paid",
        {{"order_id", "B1"}, {"items", {{{"sku", "A"}, {"amount_fen", 100}}}}});
  EXPECT_NE(service_->Bind(kDefaultWorkspace, "bob", a, "code").status().message().find("not new"),
            std::string::npos);
  RunDue();  // bob's order was paid unbound: no commission
  EXPECT_EQ(payouts_->Totals(kDefaultWorkspace)->orders, 0);
}

TEST_F(DistributionServiceTest, ALinkOpenedEventBindsThroughRunDue) {
  const std::string a = Distributor("a");
  const std::string code = service_->CodeOf(kDefaultWorkspace, a).value();
  Track("l1", "amy", kDistributorLinkOpened, {{"code", code}});
  Track("l2", "bob", kDistributorLinkOpened, {{"code", "NOSUCHCD"}});
  RunDue();
  EXPECT_EQ(Count("amy", kClientBound), 1);
  EXPECT_EQ(Count("bob", kClientBound), 0);
}

TEST_F(DistributionServiceTest, ApprovalByInvitationAndByRule) {
  DistributionSettings s;
  s.approval = ApprovalMode::kInvitation;
  ASSERT_TRUE(service_->SetSettings(kDefaultWorkspace, s).ok());
  CustomerOf("kol");
  ASSERT_TRUE(service_->ApplyFor(kDefaultWorkspace, "kol", "", "operator").status().code() ==
              StatusCode::kFailedPrecondition);
  s.approval = ApprovalMode::kManual;
  ASSERT_TRUE(service_->SetSettings(kDefaultWorkspace, s).ok());
  const std::string kol = Distributor("kol");
  s.approval = ApprovalMode::kInvitation;
  ASSERT_TRUE(service_->SetSettings(kDefaultWorkspace, s).ok());
  CustomerOf("fan");
  auto fan = service_->ApplyFor(kDefaultWorkspace, "fan",
                                service_->CodeOf(kDefaultWorkspace, kol).value(), "invitation");
  ASSERT_TRUE(fan.ok()) << fan.status().ToString();
  EXPECT_EQ(fan->distributor.state, DistributorState::kActive);

  s.approval = ApprovalMode::kAutomatic;
  s.auto_rule = "count(order_paid) >= 2 and sum(order_paid.amount) >= 500";
  ASSERT_TRUE(service_->SetSettings(kDefaultWorkspace, s).ok());
  CustomerOf("loyal");
  Track("p1", "loyal", "order_paid",
        {{"order_id", "L1"}, {"items", {{{"sku", "A"}, {"amount_fen", 30'000}}}}});
  auto early = service_->ApplyFor(kDefaultWorkspace, "loyal", "", "apply");
  EXPECT_EQ(early->distributor.state, DistributorState::kApplied);  // one order: waits
  Track("p2", "loyal", "order_paid",
        {{"order_id", "L2"}, {"items", {{{"sku", "A"}, {"amount_fen", 30'000}}}}});
  RunDue();
  EXPECT_EQ(service_->Get(kDefaultWorkspace, early->distributor.id)->distributor.state,
            DistributorState::kActive);

  s.auto_rule = "count(order_paid >= 2";
  EXPECT_EQ(service_->SetSettings(kDefaultWorkspace, s).field(), "auto_rule");
}

TEST_F(DistributionServiceTest, FrozenDistributorsEarnNothingNewAndCannotWithdraw) {
  const std::string kol = Distributor("kol");
  const std::string sub = Distributor("sub", kol);
  CustomerOf("amy");
  ASSERT_TRUE(service_->Bind(kDefaultWorkspace, "amy", sub, "code").ok());
  ASSERT_TRUE(service_->Freeze(kDefaultWorkspace, kol, "fake orders").ok());
  Track("o1", "amy", "order_paid",
        {{"order_id", "T1"}, {"items", {{{"sku", "A"}, {"amount_fen", 10'000}}}}});
  RunDue();
  EXPECT_EQ(Balances(sub).pending_fen, 1'000);
  EXPECT_EQ(Balances(kol).pending_fen, 0);  // level 2 frozen: skipped
  clock_.Advance(11 * kDay);
  RunDue();
  ASSERT_TRUE(service_->Freeze(kDefaultWorkspace, sub, "review").ok());
  EXPECT_EQ(payouts_->RequestWithdrawal(kDefaultWorkspace, sub, 500, "").status().code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(service_->Unfreeze(kDefaultWorkspace, sub).ok());
  EXPECT_TRUE(payouts_->RequestWithdrawal(kDefaultWorkspace, sub, 500, "").ok());
}

TEST_F(DistributionServiceTest, ConcurrentWithdrawalsNeverOverdraw) {
  const std::string d = Distributor("kol");
  CustomerOf("amy");
  ASSERT_TRUE(service_->Bind(kDefaultWorkspace, "amy", d, "code").ok());
  Track("o1", "amy", "order_paid",
        {{"order_id", "T1"}, {"items", {{{"sku", "A"}, {"amount_fen", 500'000}}}}});
  RunDue();
  clock_.Advance(11 * kDay);
  RunDue();
  ASSERT_EQ(Balances(d).available_fen, 50'000);
  std::atomic<int64_t> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 12; ++i) {
        auto r = payouts_->RequestWithdrawal(kDefaultWorkspace, d, 1'500,
                                             "t" + std::to_string(t) + "-" + std::to_string(i));
        if (r.ok()) granted += r->amount_fen;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 33 * 1'500);  // 50,000 / 1,500 = 33 requests, never a 34th
  EXPECT_EQ(Balances(d).withdrawing_fen, 33 * 1'500);
  EXPECT_EQ(Balances(d).available_fen, 50'000 - 33 * 1'500);
  EXPECT_EQ(payouts_->Reconcile(kDefaultWorkspace)->verify, "ok");
}

TEST_F(DistributionServiceTest, OrdersStoredWhileStoppedAreDecidedAtStart) {
  const std::string d = Distributor("kol");
  CustomerOf("amy");
  ASSERT_TRUE(service_->Bind(kDefaultWorkspace, "amy", d, "code").ok());
  service_.reset();  // pond stops before deciding
  Track("o1", "amy", "order_paid",
        {{"order_id", "T1"}, {"items", {{{"sku", "A"}, {"amount_fen", 10'000}}}}});
  Track("r1", "amy", "order_refunded",
        {{"order_id", "T1"}, {"refund_id", "R1"}, {"amount_fen", 4'000}});
  Restart();
  RunDue();
  EXPECT_EQ(Balances(d).pending_fen, 600);  // 1,000 accrued from the stored lines, 400 reversed
}

TEST_F(DistributionServiceTest, PortalTokensNameOneDistributor) {
  const std::string a = Distributor("a");
  const std::string token = service_->PortalToken(kDefaultWorkspace, a).value();
  auto who = service_->AuthenticatePortal(token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->second, a);
  std::string forged = token;
  forged[forged.size() - 1] = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(service_->AuthenticatePortal(forged).status().code(), StatusCode::kUnauthenticated);
  const std::string b = Distributor("b");
  std::string other = token;
  other.replace(other.find(a), a.size(), b);  // b's id with a's signature
  EXPECT_EQ(service_->AuthenticatePortal(other).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(service_->AuthenticatePortal("pdt.x").status().code(), StatusCode::kUnauthenticated);
  // A token naming a workspace that does not exist stores nothing for it.
  EXPECT_EQ(service_->AuthenticatePortal("pdt.nosuchws." + a + ".00").status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_TRUE(engine_->ListObjects("nosuchws", "distribution").value().empty());
}

}  // namespace
}  // namespace pond
