// The economics planner on the field's worked example, checked against the arithmetic written
// out here by hand, and its input errors.
#include "pond/fission/planner.h"

#include <gtest/gtest.h>

namespace pond {
namespace {

TEST(FissionPlannerTest, TheWorkedMaskExampleComesOutAsCalculatedByHand) {
  // A ¥169 mask costing ¥6 + ¥2 shipping; friends pay ¥9.90; 10 friends per reward.
  auto in = ParseFissionPlanInput(
      R"({"retail_price": "169.00", "unit_cost": 6, "shipping": "2.00", "invitee_price": 9.9,
          "invites_per_reward": 10, "participants": 1, "completion_rate": 1, "fraud_rate": 0})");
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  auto plan = PlanFission(*in);
  ASSERT_TRUE(plan.ok());
  // By hand, for one completed reward: 10 friends pay 10 × 990 = 9,900 fen; their 10 masks cost
  // 10 × (600 + 200) = 8,000; the reward mask costs 800. Net: 800 + 8,000 − 9,900 = −1,100 fen:
  // the brand is ¥11 ahead, −110 fen per customer, and needs no repurchase to break even.
  EXPECT_EQ(plan->friends, 10);
  EXPECT_EQ(plan->net_cost_fen, -1'100);
  EXPECT_EQ(plan->cost_per_customer_fen, -110);
  EXPECT_EQ(plan->break_even_repurchase, 0);
  EXPECT_NE(plan->verdict_en.find("Pays for itself"), std::string::npos);
  EXPECT_NE(plan->verdict_en.find("¥1.10"), std::string::npos);

  // 1,000 participants, 30% complete, the rest bring 2 friends each, 20% of friends are fake:
  // completers 300; friends 300 × 10 + 700 × 2 = 4,400; real customers 3,520.
  // Net: 300 × 800 + 4,400 × (800 − 990) = 240,000 − 836,000 = −596,000 fen.
  in->participants = 1'000;
  in->completion_rate = 0.3;
  in->partial_invites = 2;
  in->fraud_rate = 0.2;
  plan = PlanFission(*in);
  EXPECT_DOUBLE_EQ(plan->friends, 4'400);
  EXPECT_DOUBLE_EQ(plan->customers, 3'520);
  EXPECT_EQ(plan->net_cost_fen, -596'000);
  EXPECT_EQ(plan->cost_per_customer_fen, -169);  // −169.3 rounded up

  // Give the mask away to friends for ¥0.99 instead: 300 × 800 + 4,400 × (800 − 99) =
  // 3,324,400 fen; per real customer 944.43 → 945; break-even 945 / (16,900 − 800) = 5.87%.
  in->invitee_price_fen = 99;
  plan = PlanFission(*in);
  EXPECT_EQ(plan->net_cost_fen, 3'324'400);
  EXPECT_EQ(plan->cost_per_customer_fen, 945);
  EXPECT_NEAR(plan->break_even_repurchase, 945.0 / 16'100, 1e-12);
  EXPECT_NE(plan->verdict_en.find("5.9%"), std::string::npos);
  EXPECT_NE(plan->verdict_zh.find("回本"), std::string::npos);
}

TEST(FissionPlannerTest, BadInputNamesTheField) {
  EXPECT_EQ(ParseFissionPlanInput("[]").status().field(), "plan");
  EXPECT_EQ(ParseFissionPlanInput(R"({"unit_cost":6,"invitee_price":9.9,"invites_per_reward":10})")
                .status()
                .field(),
            "retail_price");
  EXPECT_EQ(
      ParseFissionPlanInput(
          R"({"retail_price":"169","unit_cost":"6.001","invitee_price":9.9,"invites_per_reward":10})")
          .status()
          .field(),
      "unit_cost");
  EXPECT_EQ(
      ParseFissionPlanInput(
          R"({"retail_price":169,"unit_cost":6,"invitee_price":9.9,"invites_per_reward":10,"fraud_rate":1})")
          .status()
          .field(),
      "fraud_rate");
  EXPECT_EQ(
      ParseFissionPlanInput(
          R"({"retail_price":169,"unit_cost":6,"invitee_price":9.9,"invites_per_reward":2.5})")
          .status()
          .field(),
      "invites_per_reward");
  EXPECT_EQ(
      ParseFissionPlanInput(
          R"({"retail_price":169,"unit_cost":6,"invitee_price":9.9,"invites_per_reward":10,"bonus":1})")
          .status()
          .field(),
      "bonus");
  auto costly = ParseFissionPlanInput(
      R"({"retail_price":5,"unit_cost":6,"invitee_price":9.9,"invites_per_reward":10})");
  ASSERT_TRUE(costly.ok());
  EXPECT_EQ(PlanFission(*costly).status().field(), "retail_price");
}

}  // namespace
}  // namespace pond
