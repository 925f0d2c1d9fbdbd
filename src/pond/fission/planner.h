// The fission economics planner (`POST /v1/fission/plan`, `pond plan fission`): before a task
// campaign launches, what it will cost per customer it brings, and what repurchase would pay it
// back. Estimates, from the operator's assumptions; money in fen, rates as fractions.
//
// THE MODEL. Participants share a poster; a share `completion_rate` of them bring
// `invites_per_reward` qualified friends and get the reward (one unit of the product, shipped);
// the others bring `partial_invites` friends on average and get nothing. Every qualified friend
// pays `invitee_price_fen` for one unit, shipped. A share `fraud_rate` of the friends are not
// real customers (the wool party, zombie accounts): they pay, but will never buy again.
//   completers  = participants × completion_rate
//   friends     = completers × invites_per_reward + (participants − completers) × partial_invites
//   unit        = unit_cost_fen + shipping_fen                      (one unit, shipped)
//   net cost    = completers × unit + friends × (unit − invitee_price_fen)
//   customers   = friends × (1 − fraud_rate)                        (real ones)
//   cost per customer       = net cost / customers                  (negative: it pays)
//   break-even repurchase   = cost per customer / (retail_price_fen − unit), at least 0: the
//                             share of those customers who must buy once at full price
// The field's worked example (DOMAIN.md): a ¥169 mask costing ¥6 + ¥2 shipping, friends paying
// ¥9.9, 10 per reward — each completed reward leaves the brand ¥11 ahead, ¥1.10 per customer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pond/base/status.h"

namespace pond {

struct FissionPlanInput {
  int64_t retail_price_fen = 0;
  int64_t unit_cost_fen = 0;
  int64_t shipping_fen = 0;
  int64_t invitee_price_fen = 0;
  int64_t invites_per_reward = 0;
  int64_t participants = 1'000;
  double completion_rate = 0.3;
  double partial_invites = -1;  // < 0: a third of invites_per_reward
  double fraud_rate = 0.1;
};

struct FissionPlan {
  double completers = 0;
  double friends = 0;
  double customers = 0;               // real ones, after fraud
  int64_t net_cost_fen = 0;           // negative: the campaign makes money
  int64_t cost_per_customer_fen = 0;  // rounded up: never rosier than the arithmetic
  double break_even_repurchase = 0;   // a fraction of the customers
  std::string verdict_zh;
  std::string verdict_en;
};

// {"retail_price": "169.00" | retail_price_fen, "unit_cost", "shipping", "invitee_price",
//  "invites_per_reward", "participants", "completion_rate", "partial_invites", "fraud_rate"}.
// Errors name the field and its range.
Result<FissionPlanInput> ParseFissionPlanInput(std::string_view json);
Result<FissionPlan> PlanFission(const FissionPlanInput& input);

}  // namespace pond
