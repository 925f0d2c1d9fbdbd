// Group buying: joins are atomic (many threads on the last slot: exactly one gets it, and no
// group ever holds more than K), one open group per user per campaign, expiry fails and names
// the members to refund, or fills with the operator's consent.
#include "pond/fission/group_buy.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace pond {
namespace {

constexpr Micros kHour = kMicrosPerHour;

TEST(GroupBuyTest, ManyJoinersOnTheLastSlotOneGetsItAndNoGroupOverfills) {
  for (int round = 0; round < 20; ++round) {
    GroupBuyBook book;
    const GroupBuyRules rules{5, 24 * kHour, false};
    ASSERT_TRUE(book.Open("c", "g", "leader", rules, 0).ok());
    std::atomic<int> joined{0}, filled{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t) {
      threads.emplace_back([&, t] {
        bool did_fill = false;
        if (book.Join("g", "m" + std::to_string(t), kHour, &did_fill).ok()) ++joined;
        if (did_fill) ++filled;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(joined.load(), 4);  // K − 1 slots after the leader
    EXPECT_EQ(filled.load(), 1);  // exactly one join filled it
    const Group g = book.Get("g").value();
    EXPECT_EQ(g.members.size(), 5u);
    EXPECT_EQ(g.state, GroupState::kSucceeded);
  }
}

TEST(GroupBuyTest, OneOpenGroupPerUserPerCampaignAndRetriesChangeNothing) {
  GroupBuyBook book;
  const GroupBuyRules rules{3, 24 * kHour, false};
  ASSERT_TRUE(book.Open("c", "g1", "ann", rules, 0).ok());
  EXPECT_TRUE(book.Open("c", "g1", "ann", rules, 0).ok());  // a retry
  EXPECT_EQ(book.Open("c", "g2", "ann", rules, 0).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(book.Open("other", "g3", "ann", rules, 0).ok());  // another campaign
  EXPECT_EQ(book.Open("c", "g1", "bob", rules, 0).code(), StatusCode::kAlreadyExists);
  bool filled = false;
  ASSERT_TRUE(book.Join("g1", "bob", kHour, &filled).ok());
  EXPECT_TRUE(book.Join("g1", "bob", kHour, &filled).ok());  // a retry: still 2 members
  EXPECT_EQ(book.Get("g1")->members.size(), 2u);
  ASSERT_TRUE(book.Open("c", "g4", "cat", rules, 0).ok());
  EXPECT_EQ(book.Join("g4", "bob", kHour, &filled).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(book.Join("g1", "dan", kHour, &filled).ok());
  EXPECT_TRUE(filled);
  // Once g1 succeeded, its members are free to open or join another group.
  EXPECT_TRUE(book.Join("g4", "bob", kHour, &filled).ok());
  EXPECT_EQ(book.Join("g1", "eve", kHour, &filled).code(), StatusCode::kFailedPrecondition);
}

TEST(GroupBuyTest, ExpiryFailsAndNamesTheMembersOrFillsWithConsent) {
  GroupBuyBook book;
  ASSERT_TRUE(book.Open("c", "g1", "ann", {3, 24 * kHour, false}, 0).ok());
  ASSERT_TRUE(book.Open("c", "g2", "cat", {3, 24 * kHour, true}, 0).ok());
  bool filled = false;
  ASSERT_TRUE(book.Join("g1", "bob", kHour, &filled).ok());
  EXPECT_TRUE(book.Expire(23 * kHour).empty());
  EXPECT_EQ(book.Join("g1", "dan", 24 * kHour, &filled).code(), StatusCode::kFailedPrecondition);
  const std::vector<Group> closed = book.Expire(24 * kHour);
  ASSERT_EQ(closed.size(), 2u);
  EXPECT_EQ(closed[0].state, GroupState::kFailed);
  EXPECT_EQ(closed[0].members, (std::vector<std::string>{"ann", "bob"}));  // to refund
  EXPECT_EQ(closed[1].state, GroupState::kSucceeded);                      // filled by consent
  EXPECT_TRUE(book.Expire(48 * kHour).empty());                            // closed once
  EXPECT_TRUE(book.Open("c", "g5", "ann", {3, 24 * kHour, false}, 25 * kHour).ok());
}

TEST(GroupBuyTest, RulesOutOfRangeNameTheField) {
  EXPECT_EQ(ValidateGroupBuy({1, 24 * kHour, false}).field(), "size");
  EXPECT_EQ(ValidateGroupBuy({3, 0, false}).field(), "hours");
  GroupBuyBook book;
  EXPECT_EQ(book.Open("c", "", "ann", {3, 24 * kHour, false}, 0).field(), "group_id");
}

}  // namespace
}  // namespace pond
