// Task tiers: each reward is granted exactly once however many completions race; a count that
// drops below a granted tier disputes it, and climbing back clears the dispute.
#include "pond/fission/task_tiers.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace pond {
namespace {

const std::vector<TaskTier> kTiers = {{3, "coupon:c20"}, {10, "product:MASK-10"}};

TEST(TaskTiersTest, ManyThreadsCompletingTheSameTierGrantItOnce) {
  for (int round = 0; round < 20; ++round) {
    TaskTiers tiers(kTiers);
    std::atomic<int> grants{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t) {
      threads.emplace_back([&] { grants += tiers.Update("cmp_1", "ann", 3).granted.size(); });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(grants.load(), 1);
    EXPECT_TRUE(tiers.Granted(TaskTiers::Key("cmp_1", "ann", 0)));
    EXPECT_FALSE(tiers.Granted(TaskTiers::Key("cmp_1", "ann", 1)));
  }
}

TEST(TaskTiersTest, DroppingBelowAGrantedTierDisputesItAndClimbingBackClearsIt) {
  TaskTiers tiers(kTiers);
  EXPECT_EQ(tiers.Update("c", "ann", 2).granted.size(), 0u);
  EXPECT_EQ(tiers.Update("c", "ann", 10).granted.size(), 2u);  // both at once
  TierChange down = tiers.Update("c", "ann", 9);               // a friend refunded
  EXPECT_EQ(down.disputed, std::vector<std::string>{"c:ann:1"});
  EXPECT_TRUE(down.granted.empty());
  EXPECT_TRUE(tiers.Disputed("c:ann:1"));
  EXPECT_TRUE(tiers.Update("c", "ann", 8).disputed.empty());  // disputed once
  EXPECT_EQ(tiers.Update("c", "ann", 10).undisputed, std::vector<std::string>{"c:ann:1"});
  EXPECT_TRUE(tiers.Update("c", "ann", 10).granted.empty());     // never granted again
  EXPECT_TRUE(tiers.Update("c", "bob", 3).granted.size() == 1);  // per inviter
}

TEST(TaskTiersTest, TiersMustIncreaseAndHaveRewards) {
  EXPECT_TRUE(ValidateTiers(kTiers).ok());
  EXPECT_EQ(ValidateTiers({}).field(), "tiers");
  EXPECT_EQ(ValidateTiers({{3, "a"}, {3, "b"}}).field(), "tiers[1].invites");
  EXPECT_EQ(ValidateTiers({{0, "a"}}).field(), "tiers[0].invites");
  EXPECT_EQ(ValidateTiers({{3, ""}}).field(), "tiers[0].reward");
}

}  // namespace
}  // namespace pond
