// Reading back a slice of the log by event name: how the services that keep their state as
// events (journeys, deliveries) rebuild it at start, without holding the state locked while
// the store is read.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "pond/engine/engine.h"

namespace pond {

struct EventRef {
  int64_t seq;
  uint32_t customer;  // dense, as posted (may have been merged since: use state.Live)
};

// The events named `names` with seq after `after`, in seq order. REQUIRES: the state locked.
std::vector<EventRef> EventRefs(const TenantState& state, const std::vector<std::string>& names,
                                int64_t after);

// Loads the events of `refs` from the store, 10,000 at a time, and hands each chunk to `each`
// in seq order with the customer each was posted to. Stops at the first read that fails.
Status ForEachLoadedChunk(
    Engine* engine, const std::vector<EventRef>& refs,
    const std::function<void(const std::vector<std::pair<Event, uint32_t>>&)>& each);

}  // namespace pond
