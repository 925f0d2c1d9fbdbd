// JourneyRuntime: runs the active journeys (docs/journeys.md, "How journeys run").
//
// An instance is one customer walking one journey: at most one per (journey, customer) at a
// time. Its state is where its last event says it is (journey_events.h), so the runtime
// observes every applied event: its own events move instances, other events trigger entries,
// answer wait_for steps and reach goals. Observers may not call the engine, so that work is
// queued and done by RunDue(), which also fires the timers that are due (waits, wait_for
// timeouts, deferred sends) and the schedules, and submits what it decided as events through
// Engine::Submit. Only RunDue proposes events, one advance per instance per round, so two
// decisions about one instance never race; the messageIds make a decision retried after a crash
// a duplicate.
//
// The timer queue is in memory and rebuilt from the instances on every start; the instances
// are rebuilt from the event log. A timer due while pond was stopped fires once at start.
// Events stored while no runtime ran (an import, a crash before their work was submitted) are
// caught up at start from a stored watermark, the seq up to which all work was submitted.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "pond/base/periodic.h"
#include "pond/engine/engine.h"
#include "pond/engine/workspace_map.h"
#include "pond/journey/journey_store.h"
#include "pond/journey/politeness.h"
#include "pond/segment/segment_service.h"

namespace pond {

struct JourneyStats {
  std::string journey;
  int64_t entered = 0;
  int64_t live = 0;  // instances running now
  int64_t converted = 0;
  int64_t exited = 0;    // by an exit step, or by running past the last step
  int64_t messages = 0;  // message_sent
  int64_t tasks = 0;     // task_created
  std::vector<std::pair<std::string, int64_t>> at_step;  // live instances per step id
  std::map<std::string, int64_t> suppressed;             // messages not sent, by reason
  std::map<std::string, int64_t> deferred;  // sends put off, by reason (since this start)
};

// One running instance, for tests and the API.
struct InstanceView {
  std::string journey;
  int version = 0;
  std::string customer;  // "cus_…"
  std::string step;      // the step it is at
  Micros since = 0;      // when it got there
  int64_t instance = 0;  // seq of its journey_entered
};

struct Work;  // journey_workspace.h

class JourneyRuntime final : public ReplayingObserver {
 public:
  // Loads every workspace's journeys and starts observing `engine`. Neither is owned.
  static Result<std::unique_ptr<JourneyRuntime>> Start(Engine* engine, SegmentService* segments);
  ~JourneyRuntime() override;

  // Journeys saved, activated, paused or deleted: reload the workspace's definitions.
  Status Reload(const std::string& ws);

  // Does everything due at the engine clock's now, round after round until nothing is:
  // schedules, entries, goals, wait_for answers, timers. Returns the steps performed.
  Result<int64_t> RunDue();
  // Runs RunDue every `every` on a thread of its own until destruction (`pond serve`).
  void RunInBackground(std::chrono::milliseconds every);

  Result<JourneyStats> Stats(const std::string& ws, const std::string& journey);
  // The oldest `limit` running instances of `journey` ("": of every journey), of one customer
  // when `customer` names one ("cus_…"; an unknown id has none).
  Result<std::vector<InstanceView>> Instances(const std::string& ws, const std::string& journey,
                                              size_t limit, const std::string& customer = "");

  // Quiet hours, caps and staff limits (politeness.h), stored per workspace.
  Status SetPoliteness(const std::string& ws, const PolitenessSettings& settings);
  Result<PolitenessSettings> Politeness(const std::string& ws);

  void OnApplied(const std::string& ws, const TenantState& state,
                 const AppliedEvent& applied) override;
  void OnReset(const std::string& ws, const TenantState& state) override;

  struct Workspace;  // journey_workspace.h

 private:
  JourneyRuntime(Engine* engine, SegmentService* segments);
  Workspace& WorkspaceFor(const std::string& ws);  // REQUIRES: mu_
  struct InFlight;  // a submitted batch and the work it carries (journey_runtime.cc)
  // One round for one workspace: plans under the state's read lock, then submits without
  // waiting for the disk, so the next round is planned while this one commits.
  Result<int64_t> Round(const std::string& ws, bool* more, std::deque<InFlight>* in_flight);
  // Waits for the oldest batches until at most `keep` are in flight; the work of a refused
  // batch is planned again. The first refusal is returned once all are waited for.
  Status Settle(const std::string& ws, std::deque<InFlight>* in_flight, size_t keep);
  // Queues `items` again: after a refused batch, what was applied has moved on and is skipped
  // (generations), an entry that happened is refused, the rest is proposed again with the
  // same ids.
  void Replan(const std::string& ws, const std::vector<Work>& items);
  // At start: queues what the events after the stored watermark start (they were stored
  // while no runtime ran, or just before a crash). The first start stores a watermark at the
  // log's end instead: history enters no journey.
  Status CatchUp(const std::string& ws);
  Status SaveWatermark(const std::string& ws);

  Engine* engine_;
  SegmentService* segments_;
  JourneyStore store_;
  PeriodicThread background_;
  std::mutex run_mu_;                   // one RunDue at a time
  std::mutex mu_;                       // after the engine's tenant lock when both are held
  WorkspaceMap<Workspace> workspaces_;  // REQUIRES: mu_
};

}  // namespace pond
