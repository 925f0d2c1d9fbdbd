// Which stored events pass a where-filter ("order_paid where property.source == \"taobao\""):
// the filter reads event properties, which the in-memory state does not keep, so the events of
// that name are read back from the store in chunks. Used by segments (filters no saved segment
// keeps yet) and by report funnels.
#pragma once

#include <roaring/roaring.hh>
#include <string_view>
#include <vector>

#include "pond/engine/engine.h"
#include "pond/segment/rule.h"

namespace pond {

// The in-memory indexes of the events named `event` whose properties pass every filter.
// REQUIRES: the caller holds `state` (Engine::ReadState).
Result<Roaring> ScanMatchingEvents(Engine& engine, const TenantState& state, std::string_view event,
                                   const std::vector<PropertyFilter>& filters);

}  // namespace pond
