#include "pond/app/fission_views.h"

#include <cmath>

namespace pond::app {

nlohmann::json FissionPlanJson(const FissionPlanInput& in, const FissionPlan& p) {
  auto round2 = [](double x) { return std::round(x * 100) / 100; };
  return {{"input",
           {{"retail_price_fen", in.retail_price_fen},
            {"unit_cost_fen", in.unit_cost_fen},
            {"shipping_fen", in.shipping_fen},
            {"invitee_price_fen", in.invitee_price_fen},
            {"invites_per_reward", in.invites_per_reward},
            {"participants", in.participants},
            {"completion_rate", in.completion_rate},
            {"fraud_rate", in.fraud_rate}}},
          {"completers", round2(p.completers)},
          {"friends", round2(p.friends)},
          {"customers", round2(p.customers)},
          {"net_cost_fen", p.net_cost_fen},
          {"cost_per_customer_fen", p.cost_per_customer_fen},
          {"break_even_repurchase", p.break_even_repurchase},
          {"verdict", {{"zh", p.verdict_zh}, {"en", p.verdict_en}}}};
}

nlohmann::json CampaignReportJson(const CampaignReport& r) {
  nlohmann::json depths = nlohmann::json::object();
  for (const auto& [depth, n] : r.depths) depths[std::to_string(depth)] = n;
  return {{"campaign", r.campaign},
          {"participants", r.participants},
          {"invites", r.invites},
          {"qualified", r.qualified},
          {"invites_per_participant", r.invites_per_participant},
          {"conversion", r.conversion},
          {"k_factor", r.k_factor},
          {"fraud_rate", r.fraud_rate},
          {"depths", depths},
          {"rewards",
           {{"granted", r.rewards_granted},
            {"disputed", r.rewards_disputed},
            {"refused", r.rewards_refused},
            {"held", r.rewards_held},
            {"rejected", r.rewards_rejected}}},
          {"groups",
           {{"open", r.groups_open},
            {"succeeded", r.groups_succeeded},
            {"failed", r.groups_failed},
            {"members", r.group_members}}},
          {"spent_fen", r.spent_fen},
          {"cost_per_customer_fen", r.cost_per_customer_fen}};
}

}  // namespace pond::app
