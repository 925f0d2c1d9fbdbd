// StateObserver: how the parts above the engine (segments, later journeys) follow every change
// to a workspace's in-memory state without a second pass over the data.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "pond/model/event.h"

namespace pond {

class TenantState;

// One event as it was just applied.
struct AppliedEvent {
  const Event& event;                // with its properties, seq and customer_id
  uint32_t index;                    // its dense index in TenantState::events()
  uint32_t name;                     // its interned name (TenantState::EventName)
  uint32_t customer;                 // the live customer it now belongs to
  std::span<const uint32_t> merged;  // customers it folded into `customer`
};

class StateObserver {
 public:
  virtual ~StateObserver() = default;
  // Called by the engine's single writer after each event is applied, with the workspace's
  // state locked exclusively: observers must be quick and must not call back into the engine.
  virtual void OnApplied(const std::string& workspace_id, const TenantState& state,
                         const AppliedEvent& applied) = 0;
  // The workspace's state was (re)built from scratch: when the observer is added, when a
  // workspace is created, and after a refused commit is undone. Same locking as OnApplied.
  virtual void OnReset(const std::string& workspace_id, const TenantState& state) = 0;
  // A channel was registered (its kind is now in the state). Same locking as OnApplied.
  virtual void OnChannelRegistered(const std::string& /*workspace_id*/,
                                   const TenantState& /*state*/) {}
};

}  // namespace pond
