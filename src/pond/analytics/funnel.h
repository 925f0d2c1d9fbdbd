// Event funnels (docs/analytics.md, "Funnels"): how many customers did step 1, then step 2, …,
// each step within a conversion window of their step 1.
//
// Per customer, their events are taken in time order (ties in the order pond applied them). A
// step is an event name, optionally with a where-filter on its properties
// ("order_paid where property.source == \"taobao\""). Step 1 must fall in [from, to); step k must
// come after step k−1 (a later event, or the same second later in the log) and at most `window`
// after step 1. One event does not stand for two consecutive steps of one path. A customer counts
// at the deepest step of any path; among paths of that depth, the first completed gives the times.
// The path kept for each depth is the one with the latest step 1, which can only reach further
// within the window, so one pass over the events finds the deepest (the windowFunnel method).
#pragma once

#include <cstdint>
#include <roaring/roaring.hh>
#include <string>
#include <vector>

#include "pond/engine/engine.h"
#include "pond/engine/tenant_state.h"

namespace pond {
class SegmentService;
}

namespace pond::analytics {

inline constexpr size_t kMaxFunnelSteps = 10;
inline constexpr char kDefaultFunnelWindow[] = "7d";  // when the API or CLI is given none

// One step as the computation sees it.
struct FunnelStep {
  uint32_t name = kNoIndex;          // interned event name; kNoIndex: nobody reaches it
  const Roaring* matches = nullptr;  // events passing the step's filter; null: all of the name
};

struct FunnelQuery {
  std::vector<FunnelStep> steps;  // 2 … kMaxFunnelSteps
  Micros window = 0;              // > 0
  Micros from = INT64_MIN;        // step 1 in [from, to)
  Micros to = INT64_MAX;
  bool by_channel = false;  // also count per acquisition channel
};

// Counts for one group of customers.
struct FunnelCounts {
  std::string channel;                  // by channel: the acquisition channel ("" for none)
  std::vector<int64_t> reached;         // customers reaching each step
  std::vector<int64_t> median_seconds;  // per step: from the step before (0 for step 1)
};

// Collects paths (each step's time) and turns them into counts and upper-median gaps.
class FunnelTally {
 public:
  explicit FunnelTally(size_t steps) : reached_(steps), gaps_(steps) {}
  // A customer whose path reached `depth` steps at `times[0..depth)`.
  void Add(const Micros* times, size_t depth);
  // Adds another tally of the same steps (a part of a parallel scan).
  void Merge(const FunnelTally& other);
  FunnelCounts Finish(std::string channel);

 private:
  std::vector<int64_t> reached_;
  std::vector<std::vector<int64_t>> gaps_;  // seconds, per step
};

struct FunnelReport {
  FunnelCounts total;
  std::vector<FunnelCounts> channels;  // by_channel: most customers at step 1 first
};

FunnelReport ComputeFunnel(const TenantState& state, const FunnelQuery& query);

// The funnel as asked over the API and CLI: each step an event as count() takes it ("cart",
// "order_paid where property.source == \"taobao\"").
struct FunnelRequest {
  std::vector<std::string> steps;
  Micros window = 0;
  Micros from = INT64_MIN;
  Micros to = INT64_MAX;
  bool by_channel = false;
};

// Checks the request (InvalidArgument naming `steps`, `window`, `from`…), finds each filtered
// step's events, and computes the funnel on the workspace's live state. With `segments` (a
// running server) a filter's events are kept between requests and only the first ask reads them
// from the store (SegmentService::MatchingEvents); without (the CLI), each ask reads them.
Result<FunnelReport> RunFunnel(Engine& engine, const std::string& workspace,
                               const FunnelRequest& request, SegmentService* segments = nullptr);

}  // namespace pond::analytics
