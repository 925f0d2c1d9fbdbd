// POST /v1/orders' parser with the money oracle of issue 25: whatever order it accepts, the
// commission any plan could pay on it (at the highest rates a plan allows, cap 100%) is never
// more than the order's paid amount times those rates — on the lines as they are and on the
// lines as distribution allocates them.
#include <string>

#include "fuzz_target.h"
#include "pond/channels/tracking_api.h"
#include "pond/distribution/commission.h"
#include "pond/distribution/distribution_workspace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using pond::fuzz::Require;
  std::string body(reinterpret_cast<const char*>(data), size);
  body.append(pond::JsonPadding(), ' ');
  auto orders =
      pond::ParseOrdersRequest(std::string_view(body.data(), size), 1'764'547'200'000'000);
  if (!orders.ok()) return 0;
  // The most a valid plan can take: 60% at level 1, 40% at level 2, cap 100%.
  const pond::CommissionPlan plan{.level_rates_bp = {6000, 4000}, .cap_bp = 10'000};
  Require(pond::ValidateCommissionPlan(plan).ok(), "the oracle's plan is valid");
  const pond::Earner level1{"dst_1", ""}, level2{"dst_2", ""};
  for (const pond::Event& e : *orders) {
    Require(e.order.has_value(), "an accepted order carries its order");
    std::vector<pond::LineItem> items = e.order->items;
    if (items.empty()) items.push_back(pond::LineItem{.amount_fen = e.order->total_fen});
    pond::AllocatePaid(e.order->total_fen, &items);
    int64_t commission = 0;
    for (const pond::LineCommission& c : pond::ComputeCommissions(plan, items, level1, &level2)) {
      Require(c.fen >= 0, "a commission is never negative");
      commission += c.fen;
    }
    Require(commission <= e.order->total_fen, "commission is at most what was paid x the rates");
  }
  return 0;
}
