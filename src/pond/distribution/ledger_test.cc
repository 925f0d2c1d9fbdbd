// The ledger's invariants: balanced transactions, idempotent keys, no account below zero under
// concurrency, and a property test over 100,000 random operations that replays identically.
#include "pond/distribution/ledger.h"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "pond/distribution/commission_book.h"

namespace pond {
namespace {

AccountId Holder(const std::string& h, AccountKind k) { return {h, k}; }

LedgerTransaction Accrual(std::string key, const std::string& holder, int64_t fen) {
  return {std::move(key),
          "accrue",
          0,
          {{Platform(AccountKind::kExpense), fen}, {Holder(holder, AccountKind::kPending), -fen}}};
}

TEST(LedgerTest, RefusesWhatDoesNotBalanceOrNamesTheWrongAccountAndChangesNothing) {
  Ledger ledger;
  LedgerTransaction off = Accrual("t1", "dst_a", 100);
  off.postings[1].fen = -99;
  EXPECT_EQ(ledger.Post(off).status().field(), "postings");
  LedgerTransaction zero = Accrual("t1", "dst_a", 0);
  EXPECT_EQ(ledger.Post(zero).status().field(), "postings[0].fen");
  LedgerTransaction platform_holder = Accrual("t1", "", 100);
  EXPECT_EQ(ledger.Post(platform_holder).status().field(), "postings[1].account");
  LedgerTransaction huge = Accrual("t1", "dst_a", int64_t{1} << 62);
  EXPECT_EQ(ledger.Post(huge).status().field(), "postings[0].fen");
  EXPECT_EQ(ledger.Post(Accrual("", "dst_a", 1)).status().field(), "key");
  // Taking pending below zero: the reverse of an accrual that never happened.
  LedgerTransaction reverse{
      "t2",
      "reverse",
      0,
      {{Holder("dst_a", AccountKind::kPending), 100}, {Platform(AccountKind::kExpense), -100}}};
  EXPECT_EQ(ledger.Post(reverse).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger.transactions(), 0u);
  EXPECT_TRUE(ledger.Balances().empty());
}

TEST(LedgerTest, AKeyPostsOnceAndRefusesOtherAmounts) {
  Ledger ledger;
  EXPECT_TRUE(ledger.Post(Accrual("accrue:o1:0:1", "dst_a", 100)).value());
  EXPECT_FALSE(ledger.Post(Accrual("accrue:o1:0:1", "dst_a", 100)).value());
  EXPECT_EQ(ledger.Post(Accrual("accrue:o1:0:1", "dst_a", 101)).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(ledger.Balance(Holder("dst_a", AccountKind::kPending)), 100);
  EXPECT_EQ(ledger.Balance(Platform(AccountKind::kExpense)), 100);
  EXPECT_EQ(ledger.Journal("dst_a").size(), 1u);
  EXPECT_TRUE(ledger.Verify().ok());
}

TEST(LedgerTest, ConcurrentWithdrawalsNeverOverdraw) {
  Ledger ledger;
  CommissionBook book(&ledger);
  CommissionPlan plan;
  plan.level_rates_bp = {1000};
  LineItem item;
  item.amount_fen = 100'000;  // 10% = 10,000 fen available
  ASSERT_TRUE(
      book.Accrue("o1", ComputeCommissions(plan, {item}, {"dst_a", ""}, nullptr), 0, 0).ok());
  ASSERT_EQ(book.ReleaseDue(0).value(), 1);
  constexpr int kThreads = 8, kEach = 50;
  std::atomic<int> granted{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Status s = book.RequestWithdrawal("w" + std::to_string(t) + "." + std::to_string(i),
                                          "dst_a", 300, 0);
        (s.ok() ? granted : refused).fetch_add(1);
        if (!s.ok()) {
          EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 10'000 / 300);  // 33 of 400 fit; not one more
  EXPECT_EQ(refused.load(), kThreads * kEach - 33);
  EXPECT_EQ(ledger.Balance(Holder("dst_a", AccountKind::kAvailable)), 10'000 - 33 * 300);
  EXPECT_EQ(ledger.Balance(Holder("dst_a", AccountKind::kWithdrawing)), 33 * 300);
  EXPECT_TRUE(ledger.Verify().ok());
}

// One random operation of the property test, kept so the run can be replayed.
struct Op {
  enum Kind { kOrder, kRefund, kRelease, kRequest, kApprove, kReject, kPay } kind;
  std::string id, order, holder, holder2;
  std::vector<LineItem> items;
  size_t line = 0;
  int64_t fen = 0;
  Micros at = 0;
};

std::vector<Op> RandomOps(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  std::vector<Op> ops;
  int orders = 0, withdrawals = 0;
  Micros now = 0;
  for (int i = 0; i < n; ++i) {
    now += pick(0, kMicrosPerHour);
    Op op{};
    op.at = now;
    const int64_t roll = pick(0, 99);
    if (roll < 40 || orders == 0) {
      op.kind = Op::kOrder;
      op.order = "o" + std::to_string(orders++);
      op.holder = "dst_" + std::to_string(pick(0, 199));
      if (pick(0, 2) > 0) op.holder2 = "dst_" + std::to_string(pick(0, 199));
      for (int64_t l = pick(1, 4); l > 0; --l) {
        LineItem item;
        item.category = pick(0, 4) == 0 ? "课程" : "面膜";
        item.quantity = pick(1, 5);
        item.amount_fen = pick(1, 200'000);
        op.items.push_back(item);
      }
    } else if (roll < 60) {
      op.kind = Op::kRefund;
      op.id = "r" + std::to_string(i);
      op.order = "o" + std::to_string(pick(0, orders - 1));
      op.line = static_cast<size_t>(pick(0, 3));
      op.fen = pick(1, 120'000);
    } else if (roll < 70) {
      op.kind = Op::kRelease;
    } else if (roll < 82) {
      op.kind = Op::kRequest;
      op.id = "w" + std::to_string(withdrawals++);
      op.holder = "dst_" + std::to_string(pick(0, 199));
      op.fen = pick(100, 20'000);
    } else {
      op.kind = roll < 90 ? Op::kApprove : roll < 94 ? Op::kReject : Op::kPay;
      if (withdrawals == 0) continue;
      op.id = "w" + std::to_string(pick(0, withdrawals - 1));
      op.fen = pick(0, 50);  // the fee
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

// Applies one op; errors that the rules expect (not enough available, a step out of order, a
// refund of a line that has none) are part of the test's input, not failures.
void Apply(CommissionBook& book, const CommissionPlan& plan, const Op& op) {
  switch (op.kind) {
    case Op::kOrder: {
      Earner l2{op.holder2, ""};
      auto lines =
          ComputeCommissions(plan, op.items, {op.holder, ""}, op.holder2.empty() ? nullptr : &l2);
      ASSERT_TRUE(book.Accrue(op.order, lines, op.at + 7 * kMicrosPerDay, op.at).ok());
      break;
    }
    case Op::kRefund:
      ASSERT_TRUE(book.Refund(op.id, op.order, op.line, op.fen, op.at).ok());
      break;
    case Op::kRelease:
      ASSERT_TRUE(book.ReleaseDue(op.at).ok());
      break;
    case Op::kRequest: {
      Status s = book.RequestWithdrawal(op.id, op.holder, op.fen, op.at);
      if (!s.ok()) {
        ASSERT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
      }
      break;
    }
    case Op::kApprove:
    case Op::kReject:
    case Op::kPay: {
      Status s = op.kind == Op::kApprove  ? book.ApproveWithdrawal(op.id, op.fen, op.at)
                 : op.kind == Op::kReject ? book.RejectWithdrawal(op.id, op.at)
                                          : book.MarkPaid(op.id, op.at);
      if (!s.ok()) {
        ASSERT_TRUE(s.code() == StatusCode::kFailedPrecondition ||
                    s.code() == StatusCode::kNotFound || s.code() == StatusCode::kAlreadyExists ||
                    s.code() == StatusCode::kInvalidArgument)
            << s.ToString();
      }
      break;
    }
  }
}

CommissionPlan PropertyPlan() {
  CommissionPlan plan;
  plan.level_rates_bp = {1000, 300};
  plan.categories["课程"] = {2000, 500};
  plan.cap_bp = 3000;
  return plan;
}

TEST(LedgerPropertyTest, OneHundredThousandRandomOperationsKeepEveryInvariant) {
  const CommissionPlan plan = PropertyPlan();
  ASSERT_TRUE(ValidateCommissionPlan(plan).ok());
  const std::vector<Op> ops = RandomOps(100'000, 20261123);
  Ledger ledger;
  CommissionBook book(&ledger);
  size_t seen = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    Apply(book, plan, ops[i]);
    if (::testing::Test::HasFatalFailure()) return;
    // After each operation: its transactions balance and no account is below zero. The
    // from-scratch recomputation is O(journal), so it runs every 1,000 operations and at the end.
    for (const auto& [account, balance] : ledger.Balances()) {
      ASSERT_GE(balance, 0) << AccountKindName(account.kind) << " of " << account.holder;
    }
    seen = ledger.transactions();
    if (i % 1'000 == 999) {
      ASSERT_TRUE(ledger.Verify().ok()) << "after op " << i;
    }
  }
  ASSERT_TRUE(ledger.Verify().ok());
  EXPECT_GT(seen, 50'000u);  // the run exercised the book, not just refusals

  // Replaying the same operations into a fresh book — with every operation delivered twice, as
  // a retry or a restart would — leaves an identical ledger.
  Ledger again;
  CommissionBook replay(&again);
  for (const Op& op : ops) {
    Apply(replay, plan, op);
    Apply(replay, plan, op);
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_EQ(again.transactions(), ledger.transactions());
  EXPECT_EQ(again.Balances(), ledger.Balances());
  EXPECT_TRUE(again.Verify().ok());
}

}  // namespace
}  // namespace pond
