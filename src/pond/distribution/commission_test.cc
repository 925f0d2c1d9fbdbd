// Commission rules and their lifecycle on the ledger: base and rounding, rate precedence, the
// two-level limit, refunds per line at both levels, before and after release.
#include "pond/distribution/commission.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pond/distribution/commission_book.h"
#include "pond/distribution/distribution_settings.h"

namespace pond {
namespace {

LineItem Line(std::string category, int64_t quantity, int64_t amount_fen) {
  LineItem l;
  l.sku = "sku-" + category;
  l.category = std::move(category);
  l.quantity = quantity;
  l.unit_price_fen = amount_fen / quantity;
  l.amount_fen = amount_fen;
  return l;
}

CommissionPlan Plan(const char* json) {
  auto p = ParseCommissionPlan(json);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : CommissionPlan{};
}

TEST(CommissionPlanTest, AThirdLevelIsRefusedWithTheReason) {
  auto p = ParseCommissionPlan(R"({"level_rates_bp": [1000, 300, 100]})");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().field(), "level_rates_bp");
  EXPECT_NE(p.status().message().find("at most 2"), std::string::npos) << p.status().message();
  auto by_grade =
      ParseCommissionPlan(R"({"level_rates_bp": [1000], "grades": {"gold": [1, 2, 3]}})");
  ASSERT_FALSE(by_grade.ok());
  EXPECT_EQ(by_grade.status().field(), "grades.gold");
}

TEST(CommissionPlanTest, RatesAreCheckedAgainstTheCapAndTheRange) {
  // Level 1 can reach 2000 (gold), level 2 can reach 800 (a category): 2800 > 2500.
  auto over = ParseCommissionPlan(R"({"level_rates_bp": [1000, 300], "cap_bp": 2500,
      "grades": {"gold": [2000, 300]}, "categories": {"课程": [500, 800]}})");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().field(), "cap_bp");
  EXPECT_FALSE(ParseCommissionPlan(R"({"level_rates_bp": [10001]})").ok());
  EXPECT_FALSE(ParseCommissionPlan(R"({"level_rates_bp": [-1]})").ok());
  EXPECT_FALSE(ParseCommissionPlan(R"({"level_rates_bp": [10.5]})").ok());
  EXPECT_FALSE(ParseCommissionPlan(R"({"level_rates_bp": []})").ok());
  EXPECT_FALSE(ParseCommissionPlan(R"({"level_rates_bp": [100], "cap_bp": 20000})").ok());
  EXPECT_FALSE(ParseCommissionPlan(R"({"level_rates_bp": [100], "bonus": 1})").ok());
  EXPECT_FALSE(ParseCommissionPlan("[1000]").ok());
  EXPECT_FALSE(ParseCommissionPlan("{\"level_rates_bp\": [1000").ok());
  EXPECT_TRUE(ParseCommissionPlan(R"({"level_rates_bp": [2000, 500], "cap_bp": 2500})").ok());
}

TEST(CommissionPlanTest, TheBaseIsThePaidAmountWithQuantityCountedOnceRoundedDown) {
  CommissionPlan plan = Plan(R"({"level_rates_bp": [1000, 333]})");
  // Three masks at ¥99 with ¥17 off: ¥280 paid. 10% is ¥28, not 3 × ¥28.
  std::vector<LineItem> items = {Line("面膜", 3, 28'000), Line("精华", 1, 999)};
  Earner l1{"dst_a", ""}, l2{"dst_b", ""};
  auto c = ComputeCommissions(plan, items, l1, &l2);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].fen, 2'800);  // line 0, level 1
  EXPECT_EQ(c[1].fen, 932);    // line 0, level 2: 28000 × 3.33% = 932.4 → 932
  EXPECT_EQ(c[2].fen, 99);     // line 1, level 1: 99.9 → 99
  EXPECT_EQ(c[3].fen, 33);     // line 1, level 2: 33.2667 → 33
  EXPECT_EQ(c[3].earner, "dst_b");
  EXPECT_EQ(c[3].level, 2);
  // Without a level-2 distributor only level 1 earns.
  EXPECT_EQ(ComputeCommissions(plan, items, l1, nullptr).size(), 2u);
}

TEST(CommissionPlanTest, CategoryBeatsGradeBeatsTheDefault) {
  CommissionPlan plan = Plan(R"({"level_rates_bp": [1000, 200], "cap_bp": 3000,
      "grades": {"gold": [1500, 300]}, "categories": {"课程": [2000, 0]}})");
  std::vector<LineItem> items = {Line("课程", 1, 10'000), Line("面膜", 1, 10'000)};
  Earner gold{"dst_g", "gold"}, plain{"dst_p", ""};
  auto c = ComputeCommissions(plan, items, gold, &plain);
  ASSERT_EQ(c.size(), 3u);  // the course pays nothing at level 2
  EXPECT_EQ(c[0].rate_bp, 2000);
  EXPECT_EQ(c[1].rate_bp, 1500);  // gold at level 1
  EXPECT_EQ(c[2].rate_bp, 200);   // plain at level 2
}

constexpr Micros kDay = kMicrosPerDay;

class CommissionBookTest : public ::testing::Test {
 protected:
  int64_t Bal(const std::string& holder, AccountKind kind) {
    return ledger_.Balance({holder, kind});
  }
  std::vector<LineCommission> TwoLinesTwoLevels() {
    CommissionPlan plan = Plan(R"({"level_rates_bp": [1000, 500]})");
    std::vector<LineItem> items = {Line("面膜", 2, 20'000), Line("精华", 1, 9'900)};
    Earner l1{"dst_a", ""}, l2{"dst_b", ""};
    return ComputeCommissions(plan, items, l1, &l2);  // a: 2000 + 990, b: 1000 + 495
  }
  Ledger ledger_;
  CommissionBook book_{&ledger_};
};

TEST_F(CommissionBookTest, ARefundOfOneLineReversesExactlyThatLineAtBothLevels) {
  ASSERT_TRUE(book_.Accrue("o1", TwoLinesTwoLevels(), 7 * kDay, 0).ok());
  EXPECT_EQ(Bal("dst_a", AccountKind::kPending), 2'990);
  EXPECT_EQ(Bal("dst_b", AccountKind::kPending), 1'495);
  ASSERT_TRUE(book_.Refund("r1", "o1", 1, 9'900, kDay).ok());
  EXPECT_EQ(Bal("dst_a", AccountKind::kPending), 2'000);
  EXPECT_EQ(Bal("dst_b", AccountKind::kPending), 1'000);
  EXPECT_EQ(ledger_.Balance(Platform(AccountKind::kExpense)), 3'000);
  // The same refund again, the same order again: nothing moves.
  ASSERT_TRUE(book_.Refund("r1", "o1", 1, 9'900, kDay).ok());
  ASSERT_TRUE(book_.Accrue("o1", TwoLinesTwoLevels(), 7 * kDay, 0).ok());
  EXPECT_EQ(Bal("dst_a", AccountKind::kPending), 2'000);
  EXPECT_EQ(book_.ReleaseDue(7 * kDay).value(), 4);
  EXPECT_EQ(Bal("dst_a", AccountKind::kAvailable), 2'000);
  EXPECT_EQ(Bal("dst_a", AccountKind::kPending), 0);
  EXPECT_TRUE(ledger_.Verify().ok());
}

TEST_F(CommissionBookTest, PartialRefundsTakeBackTheSamePartAndAFullOneNetsToZero) {
  ASSERT_TRUE(book_.Accrue("o1", TwoLinesTwoLevels(), 7 * kDay, 0).ok());
  // Line 1 (¥99, commission 990 / 495) refunded in three parts: 33 + 33 + 33.
  ASSERT_TRUE(book_.Refund("r1", "o1", 1, 3'300, kDay).ok());
  EXPECT_EQ(Bal("dst_a", AccountKind::kPending), 2'990 - 330);
  EXPECT_EQ(Bal("dst_b", AccountKind::kPending), 1'495 - 165);
  ASSERT_TRUE(book_.Refund("r2", "o1", 1, 3'300, kDay).ok());
  ASSERT_TRUE(book_.Refund("r3", "o1", 1, 3'300, kDay).ok());
  EXPECT_EQ(Bal("dst_a", AccountKind::kPending), 2'000);
  EXPECT_EQ(Bal("dst_b", AccountKind::kPending), 1'000);
  EXPECT_TRUE(ledger_.Verify().ok());
}

TEST_F(CommissionBookTest, ARefundAfterReleaseClawsBackIntoAReceivableThatReleasesRepay) {
  ASSERT_TRUE(book_.Accrue("o1", TwoLinesTwoLevels(), 7 * kDay, 0).ok());
  ASSERT_EQ(book_.ReleaseDue(7 * kDay).value(), 4);
  // dst_a withdraws most of its 2990 before the refund of line 0 (its 2000) arrives.
  ASSERT_TRUE(book_.RequestWithdrawal("w1", "dst_a", 2'500, 8 * kDay).ok());
  ASSERT_TRUE(book_.Refund("r1", "o1", 0, 20'000, 9 * kDay).ok());
  EXPECT_EQ(Bal("dst_a", AccountKind::kAvailable), 0);  // never negative
  EXPECT_EQ(Bal("dst_a", AccountKind::kClawback), 2'000 - 490);
  EXPECT_EQ(Bal("dst_b", AccountKind::kAvailable), 495);
  // The next commission repays the receivable before anything becomes available.
  CommissionPlan plan = Plan(R"({"level_rates_bp": [1000]})");
  ASSERT_TRUE(
      book_
          .Accrue("o2", ComputeCommissions(plan, {Line("面膜", 1, 20'000)}, {"dst_a", ""}, nullptr),
                  16 * kDay, 9 * kDay)
          .ok());
  ASSERT_EQ(book_.ReleaseDue(16 * kDay).value(), 1);
  EXPECT_EQ(Bal("dst_a", AccountKind::kClawback), 0);
  EXPECT_EQ(Bal("dst_a", AccountKind::kAvailable), 2'000 - 1'510);
  EXPECT_TRUE(ledger_.Verify().ok());
}

TEST_F(CommissionBookTest, WithdrawalsMoveThroughReviewAndPayout) {
  ASSERT_TRUE(book_.Accrue("o1", TwoLinesTwoLevels(), 0, 0).ok());
  ASSERT_EQ(book_.ReleaseDue(0).value(), 4);
  EXPECT_EQ(book_.RequestWithdrawal("w0", "dst_a", 50, 0).field(), "amount_fen");  // below min
  EXPECT_EQ(book_.RequestWithdrawal("w1", "dst_a", 5'000, 0).code(),
            StatusCode::kFailedPrecondition);  // more than available
  ASSERT_TRUE(book_.RequestWithdrawal("w1", "dst_a", 2'000, 0).ok());
  ASSERT_TRUE(book_.RequestWithdrawal("w1", "dst_a", 2'000, 0).ok());  // a retry
  EXPECT_EQ(book_.RequestWithdrawal("w1", "dst_a", 900, 0).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(book_.MarkPaid("w1", 0).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(book_.ApproveWithdrawal("w1", 20, 0).ok());
  ASSERT_TRUE(book_.MarkPaid("w1", 0).ok());
  ASSERT_TRUE(book_.MarkPaid("w1", 0).ok());
  EXPECT_EQ(Bal("dst_a", AccountKind::kPaid), 1'980);
  EXPECT_EQ(ledger_.Balance(Platform(AccountKind::kFeeIncome)), 20);
  EXPECT_EQ(ledger_.Balance(Platform(AccountKind::kPayable)), 0);
  ASSERT_TRUE(book_.RequestWithdrawal("w2", "dst_a", 990, 0).ok());
  ASSERT_TRUE(book_.RejectWithdrawal("w2", 0).ok());
  EXPECT_EQ(book_.ApproveWithdrawal("w2", 0, 0).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Bal("dst_a", AccountKind::kAvailable), 990);
  EXPECT_EQ(Bal("dst_a", AccountKind::kWithdrawing), 0);
  EXPECT_TRUE(ledger_.Verify().ok());
}

}  // namespace
}  // namespace pond

namespace pond {
namespace {

TEST(DistributionSettingsTest, DefaultsRoundTripAndErrorsNameTheField) {
  auto defaults = ParseDistributionSettings("{}");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->plan.level_rates_bp, (std::vector<int>{1000, 300}));
  auto again = ParseDistributionSettings(DistributionSettingsJson(*defaults).dump());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(DistributionSettingsJson(*again), DistributionSettingsJson(*defaults));
  EXPECT_EQ(ParseDistributionSettings("[]").status().field(), "settings");
  EXPECT_EQ(ParseDistributionSettings(R"({"approval":"vote"})").status().field(), "approval");
  EXPECT_EQ(ParseDistributionSettings(R"({"lock_days":0})").status().field(), "lock_days");
  EXPECT_EQ(ParseDistributionSettings(R"({"lock_days":"30"})").status().field(), "lock_days");
  EXPECT_EQ(ParseDistributionSettings(R"({"min_withdrawal_fen":900,"max_withdrawal_fen":800})")
                .status()
                .field(),
            "min_withdrawal_fen");
  EXPECT_EQ(
      ParseDistributionSettings(R"({"commission":{"level_rates_bp":[1,2,3]}})").status().field(),
      "commission.level_rates_bp");
  EXPECT_EQ(ParseDistributionSettings(std::string(300 * 1024, ' ')).status().field(), "settings");
}

}  // namespace
}  // namespace pond
