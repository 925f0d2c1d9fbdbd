// Deciding what one piece of due work does: an entry, or an instance walking its steps until it
// has to wait. Internal to src/pond/journey. Nothing here changes an instance: the events it
// returns do, once applied (journey_events.h).
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "pond/journey/journey_workspace.h"

namespace pond {

class SegmentService;
class Engine;

// One round's view: the state (read-locked), and the sends already planned in this round, so
// that two instances of one customer (or one staff account) cannot both pass a cap or limit.
struct RoundContext {
  JourneyRuntime::Workspace& w;
  const TenantState& state;
  SegmentService* segments;
  Engine* engine;
  Micros now;
  std::unordered_map<uint64_t, int> planned_marketing;  // (customer << 8 | channel) → sends
  std::unordered_map<uint32_t, int> planned_staff;      // staff → sends
  int64_t steps = 0;                                    // steps performed
};

// The events one work item writes, submitted together (all or nothing); empty when it has
// nothing to do (a stale timer, a paused journey, an entry the policy refuses, a send put off).
std::vector<Event> PlanWork(RoundContext& ctx, const Work& item);

// At most this many steps in one advance: a guard, since validation refuses loops without a
// wait and a wait always ends an advance.
inline constexpr int kMaxStepsPerAdvance = 200;

}  // namespace pond
