// JourneyRuntime's per-workspace state (journey_runtime.h). Internal to src/pond/journey.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "pond/engine/tenant_state.h"
#include "pond/journey/journey.h"
#include "pond/journey/journey_events.h"
#include "pond/journey/journey_runtime.h"
#include "pond/model/workspace.h"
#include "pond/segment/compiled_rule.h"

namespace pond {

inline constexpr uint16_t kEndStep = UINT16_MAX;

// One saved version of a journey, ready to run.
struct CompiledVersion {
  int version = 0;
  JourneyDef def;
  std::unordered_map<std::string, uint16_t> step_index;
  std::vector<std::optional<CompiledRule>> rules;  // by step: branch rules

  uint16_t IndexOf(const std::string& step_id) const;  // kEndStep for "" or unknown
  // Where step i goes when it does not choose: its `next`, else the step after it.
  uint16_t Fallthrough(size_t i) const;
  const std::string& IdOf(uint16_t step) const;  // "" for kEndStep
};

struct LiveJourney {
  std::string id;
  bool active = false;
  bool deleted = false;
  int current = 0;  // the version new instances start on
  std::map<int, std::unique_ptr<CompiledVersion>> versions;
  std::string trigger_segment_id;  // segment_entered / schedule triggers, resolved
  Micros last_slot = 0;            // the schedule slot fired last
  Micros active_since = 0;         // events received before it enter nothing
  // By dense customer: the live instance (kNoIndex: none), and when they last entered (0: never).
  std::vector<uint32_t> instance_of;
  std::vector<Micros> last_entered;
  // Counters, rebuilt from the log on every start (deferred: since this start).
  int64_t entered = 0, converted = 0, exited = 0, messages = 0, tasks = 0;
  std::map<std::string, int64_t> suppressed, deferred;

  const CompiledVersion* Version(int v) const;
  const JourneyDef& def() const { return Version(current)->def; }
  uint32_t InstanceOf(uint32_t c) const {
    return c < instance_of.size() ? instance_of[c] : kNoIndex;
  }
  Micros LastEntered(uint32_t c) const { return c < last_entered.size() ? last_entered[c] : 0; }
};

struct Instance {
  int64_t key = 0;  // seq of its journey_entered; 0: a free slot
  uint32_t journey = 0;
  uint32_t customer = 0;
  int version = 0;
  uint16_t step = 0;
  uint32_t generation = 0;  // bumped on every change, so stale timers and work are skipped
  int64_t n = 0;            // events it has written
  Micros since = 0;         // when it reached `step`
  Micros defer_until = 0;   // a send step put off (quiet hours, staff limits); in memory only
  int64_t last_seq = 0;     // seq of its latest event: older events cannot answer or convert it
};

struct Timer {
  Micros due;
  uint32_t instance;
  uint32_t generation;
  bool operator>(const Timer& o) const { return due > o.due; }
};

enum class WorkKind : uint8_t { kEnter, kTimer, kEvent, kConvert };

struct Work {
  WorkKind kind;
  uint32_t journey;     // kEnter
  uint32_t target;      // kEnter: the customer; else the instance
  uint32_t generation;  // not kEnter: the instance's generation when queued
  int64_t seq;          // kEnter: the triggering event's seq; kConvert: the goal event's seq
  int64_t slot;         // kEnter from a schedule: the slot's minute; else -1
};

struct JourneyRuntime::Workspace {
  std::string id;
  int utc_offset_seconds = kDefaultUtcOffsetSeconds;  // the workspace's, set when it is made
  PolitenessSettings politeness;
  std::vector<std::unique_ptr<LiveJourney>> journeys;  // append-only; deleted ones stay marked
  std::unordered_map<std::string, uint32_t> journey_index;
  // What each event name can do: enter journeys (event triggers), answer wait_for steps or
  // reach goals (any version's), and whether segment_entered triggers anything.
  std::unordered_map<std::string, std::vector<uint32_t>> triggers_by_event;
  std::unordered_map<std::string, std::vector<uint32_t>> listeners_by_event;
  std::vector<uint32_t> segment_triggers;
  std::vector<Instance> instances;
  std::vector<uint32_t> free_slots;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
  std::deque<Work> work;
  SendLedger ledger;
  // Every event up to `watermark` has had its triggers, answers and goals planned and
  // submitted (stored, so a restart catches up from there); `observed` is the latest seen.
  int64_t watermark = 0;
  int64_t observed = 0;

  void Reindex();
  Micros DueOf(const Instance& inst) const;
  void PushTimer(uint32_t instance);
  // Applies one of the runtime's own events to the instances and counters.
  void ApplyJourneyEvent(const TenantState& state, const JourneyEventInfo& info,
                         const std::string& name, int64_t seq, uint32_t customer, Micros at);
  // A merge folded `from` into `into`: `into` keeps its own instance of a journey if it has
  // one, else takes over `from`'s.
  void MergeCustomers(uint32_t from, uint32_t into);
  void FreeInstance(uint32_t index);
  // Clears instances, timers, work and counters (before a rebuild from the log).
  void ClearRuntimeState();
};

// The next local time `minute_of_day` strictly after `after` on one of `weekdays` (empty: any).
Micros NextLocalTime(Micros after, int minute_of_day, const std::vector<int>& weekdays,
                     int utc_offset_seconds);
// The latest such time at or before `now`.
Micros LatestLocalTime(Micros now, int minute_of_day, const std::vector<int>& weekdays,
                       int utc_offset_seconds);

}  // namespace pond
