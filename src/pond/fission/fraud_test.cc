// Fraud signals on crafted cases: each fires on the pattern it names and not on an honest
// neighbour, explains itself, and sends the inviter to review when its invitees are mostly fake.
#include "pond/fission/fraud.h"

#include <gtest/gtest.h>

namespace pond {
namespace {

constexpr Micros kMin = kMicrosPerMinute;
constexpr Micros kDay = kMicrosPerDay;
constexpr Micros kNow = 100 * kDay;

// An honest invitee: own device, own network, an old account, active after qualifying.
InviteeFacts Honest(const std::string& id, const std::string& inviter, int n) {
  InviteeFacts f;
  f.id = id;
  f.inviter = inviter;
  f.device_id = "dev-" + id;
  f.ip = "10." + std::to_string(n) + ".0.1";
  f.phone = "13" + std::to_string(100000000 + n * 7919);
  f.created_at = kDay;
  f.invited_at = 50 * kDay + n * kDay;
  f.qualified_at = f.invited_at + kDay;
  f.last_active_at = f.qualified_at + 3 * kDay;
  return f;
}

std::vector<std::string> Codes(const FraudScore& s) {
  std::vector<std::string> out;
  for (const FraudSignal& sig : s.signals) out.push_back(sig.code);
  return out;
}

TEST(FraudTest, HonestInviteesScoreZero) {
  std::vector<InviteeFacts> in;
  for (int i = 0; i < 6; ++i) in.push_back(Honest("h" + std::to_string(i), "ann", i));
  for (const FraudScore& s : ScoreInvitees(in, {{"ann", "dev-ann", "13900000000"}}, {}, kNow)) {
    EXPECT_EQ(s.score, 0) << s.id;
    EXPECT_FALSE(s.review);
  }
  for (const FraudScore& s : ScoreInviters(in, ScoreInvitees(in, {}, {}, kNow), {})) {
    EXPECT_EQ(s.score, 0);
  }
}

TEST(FraudTest, EachSignalFiresOnItsPatternWithAnExplanation) {
  std::vector<InviteeFacts> in;
  for (int i = 0; i < 3; ++i) {  // a phone farm: one device, one /24, one number block
    InviteeFacts f = Honest("farm" + std::to_string(i), "wool", i);
    f.device_id = "dev-farm";
    f.ip = "172.16.5." + std::to_string(10 + i);
    f.phone = "1700000000" + std::to_string(i);
    in.push_back(f);
  }
  for (int i = 0; i < 2; ++i) {  // two more on the same /24 and number block, own devices
    InviteeFacts f = Honest("near" + std::to_string(i), "wool", 10 + i);
    f.ip = "172.16.5." + std::to_string(50 + i);
    f.phone = "1700000001" + std::to_string(i);
    in.push_back(f);
  }
  InviteeFacts self = Honest("self", "bob", 20);
  self.phone = "13912345678";  // bob's own phone
  in.push_back(self);
  InviteeFacts fresh = Honest("fresh", "bob", 21);
  fresh.created_at = fresh.qualified_at - 3 * kMin;
  in.push_back(fresh);
  InviteeFacts zombie = Honest("zombie", "bob", 22);
  zombie.last_active_at = 0;
  in.push_back(zombie);
  InviteeFacts back = Honest("back", "bob", 23);
  back.reregistered = "cus_00000007";
  in.push_back(back);
  InviteeFacts alias = Honest("alias", "bob", 24);  // the index says bob used this device first
  alias.same_as_inviter = "device";
  in.push_back(alias);

  const auto scores = ScoreInvitees(
      in, {{"wool", "dev-wool", "13800000000"}, {"bob", "dev-bob", "13912345678"}}, {}, kNow);
  ASSERT_EQ(scores.size(), in.size());
  EXPECT_EQ(Codes(scores[0]),
            (std::vector<std::string>{"shared_device", "shared_ip", "phone_block"}));
  EXPECT_EQ(scores[0].score, 80);
  EXPECT_TRUE(scores[0].review);
  EXPECT_EQ(scores[0].signals[0].reason, "3 invitees share device dev-farm");
  EXPECT_EQ(scores[0].signals[1].reason, "5 invitees come from 172.16.5.x");
  EXPECT_EQ(Codes(scores[3]), (std::vector<std::string>{"shared_ip", "phone_block"}));
  EXPECT_FALSE(scores[3].review);  // 40: below review
  EXPECT_EQ(Codes(scores[5]), std::vector<std::string>{"self_referral"});
  EXPECT_EQ(Codes(scores[6]), std::vector<std::string>{"fresh_account"});
  EXPECT_EQ(scores[6].signals[0].reason, "created 3 min before qualifying");
  EXPECT_EQ(Codes(scores[7]), std::vector<std::string>{"zombie"});
  EXPECT_EQ(Codes(scores[8]), std::vector<std::string>{"reregistered"});
  EXPECT_EQ(scores[8].signals[0].reason,
            "the phone or unionid is cus_00000007's, who deleted the staff account");
  EXPECT_EQ(Codes(scores[9]), std::vector<std::string>{"self_referral"});
  EXPECT_TRUE(scores[9].review);

  // Not yet a zombie while the window is still open.
  EXPECT_TRUE(ScoreInvitees({zombie}, {}, {}, zombie.qualified_at + kDay)[0].signals.empty());

  const auto inviters = ScoreInviters(in, scores, {});
  ASSERT_EQ(inviters.size(), 2u);  // bob, wool (by id)
  EXPECT_EQ(inviters[1].id, "wool");
  EXPECT_EQ(Codes(inviters[1]), std::vector<std::string>{"mostly_suspicious"});
  EXPECT_EQ(inviters[1].signals[0].reason, "3 of 5 invitees are suspicious");
  EXPECT_EQ(inviters[0].id, "bob");
  EXPECT_TRUE(inviters[0].signals.empty());  // 2 of 5 at review (self_referral): not most
}

TEST(FraudTest, AnInvitationBurstSendsTheInviterToReview) {
  std::vector<InviteeFacts> in;
  for (int i = 0; i < 12; ++i) {
    InviteeFacts f = Honest("b" + std::to_string(i), "rush", i);
    f.invited_at = 60 * kDay + i * 30 * 1'000'000;  // every 30 s
    in.push_back(f);
  }
  FraudRules rules;
  const auto inviters = ScoreInviters(in, ScoreInvitees(in, {}, rules, kNow), rules);
  ASSERT_EQ(inviters.size(), 1u);
  EXPECT_EQ(Codes(inviters[0]), std::vector<std::string>{"burst"});
  EXPECT_EQ(inviters[0].signals[0].reason, "12 invitations within 10 min");
  rules.review_at = 30;
  EXPECT_TRUE(ScoreInviters(in, ScoreInvitees(in, {}, rules, kNow), rules)[0].review);
}

TEST(FraudTest, IpBlocks) {
  EXPECT_EQ(IpBlock("10.1.2.3"), "10.1.2");
  EXPECT_EQ(IpBlock("2001:db8:1::7"), "2001:db8:1");
  EXPECT_EQ(IpBlock("not-an-ip"), "");
  EXPECT_EQ(IpBlock("10.1.2"), "");
  EXPECT_EQ(IpBlock(""), "");
}

}  // namespace
}  // namespace pond
