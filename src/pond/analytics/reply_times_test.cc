#include "pond/analytics/reply_times.h"

#include <gtest/gtest.h>

namespace pond::analytics {
namespace {

constexpr Micros kMin = kMicrosPerMinute;

ChatMessage Ask(uint32_t c, const std::string& s, Micros at) { return {c, s, at, true}; }
ChatMessage Say(uint32_t c, const std::string& s, Micros at) { return {c, s, at, false}; }

TEST(ReplyTimesTest, TurnsRepliesMissesAndWaits) {
  const Micros day = kMicrosPerDay;
  std::vector<ChatMessage> m = {
      // lily: answered in 5 min (two questions, one turn); a greeting starts nothing; answered
      // in 30 min; a question answered two days later is missed.
      Ask(1, "lily", 0), Ask(1, "lily", 2 * kMin), Say(1, "lily", 5 * kMin),
      Say(2, "lily", 10 * kMin), Ask(2, "lily", 60 * kMin), Say(2, "lily", 90 * kMin),
      Ask(3, "lily", 0), Say(3, "lily", 2 * day),
      // amy: one answered at the same instant (0 s), one still waiting at `now`.
      Ask(4, "amy", 5 * kMin), Say(4, "amy", 5 * kMin), Ask(5, "amy", 3 * day - kMin),
      // before the range: not counted.
      Ask(6, "amy", -kMin), Say(6, "amy", 0)};
  const ReplyReport r = ComputeReplyTimes(m, 0, 4 * day, 3 * day);
  ASSERT_EQ(r.staff.size(), 2u);
  const StaffReplies& amy = r.staff[0];
  const StaffReplies& lily = r.staff[1];
  EXPECT_EQ(lily.staff, "lily");
  EXPECT_EQ(lily.turns, 3);
  EXPECT_EQ(lily.replied, 2);
  EXPECT_EQ(lily.missed, 1);
  EXPECT_EQ(lily.waiting, 0);
  EXPECT_DOUBLE_EQ(lily.reply_rate, 2.0 / 3);
  EXPECT_EQ(lily.median_seconds, (300 + 1800) / 2);
  EXPECT_EQ(lily.p90_seconds, 1800);
  EXPECT_EQ(lily.mean_seconds, (300 + 1800) / 2);
  EXPECT_EQ(amy.turns, 2);
  EXPECT_EQ(amy.replied, 1);
  EXPECT_EQ(amy.waiting, 1);
  EXPECT_DOUBLE_EQ(amy.reply_rate, 1.0);
  EXPECT_EQ(amy.median_seconds, 0);
  EXPECT_EQ(r.all.turns, 5);
  EXPECT_EQ(r.all.replied, 3);
  EXPECT_DOUBLE_EQ(r.all.reply_rate, 3.0 / 4);
  EXPECT_EQ(r.all.median_seconds, 300);
}

TEST(ReplyTimesTest, NothingAskedIsAnEmptyReport) {
  const ReplyReport r = ComputeReplyTimes({Say(1, "lily", 0)}, 0, kMicrosPerDay, kMicrosPerDay);
  EXPECT_TRUE(r.staff.empty());
  EXPECT_EQ(r.all.turns, 0);
  EXPECT_EQ(r.all.reply_rate, 0);
}

}  // namespace
}  // namespace pond::analytics
