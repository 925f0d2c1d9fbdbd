// `pond plan fission`: the economics planner (docs/fission.md) from the command line. The
// options become the API's JSON and go through the same parser, so the errors are the API's.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "pond/app/fission_views.h"
#include "pond/base/money.h"

namespace pond::cli {

int RunPlanFission(const Common& common, const PlanFissionArgs& a) {
  nlohmann::json body = nlohmann::json::object();
  for (const auto& [name, value] : a.money) {
    if (!value.empty()) body[name] = value;
  }
  for (const auto& [name, value] : a.numbers) {
    if (value >= 0) body[name] = value;
  }
  auto input = ParseFissionPlanInput(body.dump());
  if (!input.ok()) return Fail(input.status());
  auto plan = PlanFission(*input);
  if (!plan.ok()) return Fail(plan.status());
  if (common.json) {
    std::printf("%s\n", app::FissionPlanJson(*input, *plan).dump(2).c_str());
    return 0;
  }
  auto yuan = [](int64_t fen) {
    return (fen < 0 ? "-¥" : "¥") + Money::FromFen(fen < 0 ? -fen : fen).ToYuanString();
  };
  Table t({"figure", "value"});
  t.Add({"participants", WithCommas(input->participants)});
  t.Add({"reach the reward", WithCommas(static_cast<int64_t>(plan->completers + 0.5))});
  t.Add({"friends who pay", WithCommas(static_cast<int64_t>(plan->friends + 0.5))});
  t.Add({"real new customers", WithCommas(static_cast<int64_t>(plan->customers + 0.5))});
  t.Add({"net cost (negative: a gain)", yuan(plan->net_cost_fen)});
  t.Add({"cost per new customer", yuan(plan->cost_per_customer_fen)});
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.1f%%", plan->break_even_repurchase * 100);
  t.Add({"break-even repurchase", pct});
  t.Print();
  std::printf("\n%s\n%s\n", plan->verdict_zh.c_str(), plan->verdict_en.c_str());
  return 0;
}

}  // namespace pond::cli
