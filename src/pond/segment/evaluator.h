// Evaluating a compiled rule over a workspace's in-memory state, two ways that must agree:
//  - EvaluateCustomer: one customer, walking that customer's events; also says when, with no
//    new event, the answer could next change (a window sliding past an event, a birthday
//    coming). Incremental upkeep uses it on every applied event and when a timer is due.
//  - EvaluateAll: every live customer at once, as a plan over bitmaps and column scans: cheap
//    conditions (tags, segments) narrow the candidates first, traits are checked per
//    candidate, and event conditions scan that event's postings once, accumulating per
//    customer (or, when the candidates' events are fewer than the postings, walk each
//    candidate's events). Previews and full rebuilds use it.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <roaring/roaring.hh>
#include <string>

#include "pond/base/clock.h"
#include "pond/engine/tenant_state.h"
#include "pond/model/workspace.h"
#include "pond/segment/compiled_rule.h"

namespace pond {

inline constexpr Micros kNever = std::numeric_limits<Micros>::max();

struct EvalContext {
  const TenantState* state = nullptr;
  Micros now = 0;
  int utc_offset_seconds = kDefaultUtcOffsetSeconds;  // the workspace's: days and birthdays
                                                      // are the brand's local days
  // The events a where-filter selects (by CompiledNode::filter_key); null when none do.
  std::function<const Roaring*(const std::string& filter_key)> filter_matches;
  // Members of a segment named by in_segment; null for an unknown segment.
  std::function<const Roaring*(const std::string& segment)> segment_members;
  // Members of a lifecycle stage, kept current elsewhere; when null (or unknown), `stage`
  // conditions are answered from the stage rules they expand to.
  std::function<const Roaring*(const std::string& stage)> stage_members;
  // Members of an RFM cell as last computed; when null, `rfm` conditions match nobody.
  std::function<const Roaring*(const std::string& cell)> rfm_members;
  // A trait as a number per customer (NumberOf its raw value; NaN when missing or not a
  // number), kept by the caller; null: read each customer's traits. Lets numeric comparisons
  // over many candidates read one array.
  std::function<const std::vector<double>*(const std::string& key)> trait_numbers;
  // The workspace's intent table; null: DefaultIntentSettings().
  const IntentSettings* intent = nullptr;
};

// Whether live customer `c` satisfies `rule` now. `*next_change` is lowered to the earliest
// time after now at which the answer could change without a new event (kNever if none).
bool EvaluateCustomer(const CompiledNode& rule, const EvalContext& ctx, uint32_t c,
                      Micros* next_change);

// Every live customer that satisfies `rule` now.
Roaring EvaluateAll(const CompiledNode& rule, const EvalContext& ctx);

// Lowers (*next)[c] to a time at or before the earliest moment any time condition of `rule`
// could flip for customer c. Conservative: it may be early, never late. For timers of a rule
// evaluated with EvaluateAll.
void LowerNextChanges(const CompiledNode& rule, const EvalContext& ctx, std::vector<Micros>* next);

// All live customers.
Roaring LiveCustomers(const TenantState& state);

}  // namespace pond
