// StateObserver: how the parts above the engine (segments, later journeys) follow every change
// to a workspace's in-memory state without a second pass over the data.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>

#include "pond/base/status.h"
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
  // Why the last reset of some workspace could not replay every event it needed (the store
  // could not read them), or Ok. A service whose state misses events must not run on it:
  // App::Start refuses such a service with this error. Thread-safe.
  virtual Status ReplayError() const { return Status::Ok(); }
};

// The replay bookkeeping an observer that rebuilds itself from stored events shares: each
// reset records what its replay returned, per workspace.
class ReplayingObserver : public StateObserver {
 public:
  Status ReplayError() const override {
    std::lock_guard lock(replay_mu_);
    for (const auto& [ws, s] : replay_errors_) {
      if (!s.ok()) return Status(s.code(), "workspace " + ws + ": replay: " + s.message());
    }
    return Status::Ok();
  }

 protected:
  // OnReset calls BeginReplay first, then NoteReplay with what each replay of the workspace's
  // events returned; the first error is kept until the next reset.
  void BeginReplay(const std::string& workspace_id) {
    std::lock_guard lock(replay_mu_);
    replay_errors_.erase(workspace_id);
  }
  void NoteReplay(const std::string& workspace_id, const Status& replayed) {
    if (replayed.ok()) return;
    std::lock_guard lock(replay_mu_);
    replay_errors_.try_emplace(workspace_id, replayed);
  }

 private:
  mutable std::mutex replay_mu_;
  std::map<std::string, Status> replay_errors_;
};

}  // namespace pond
