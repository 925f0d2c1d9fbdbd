// LiveRules: every rule pond keeps current, evaluated once per applied event.
//
// A workspace's live rules are its saved segments, one rule per lifecycle stage and the rules
// of its automatic tags. Their members are bitmaps of the workspace's customers, computed in
// full when a rule is saved (or the engine starts) and then kept current incrementally: the
// object observes every applied event and re-evaluates only that customer, only for the rules
// that event can change (its event names, traits, tags, the segments a rule names; every rule
// after a merge). Conditions on time (windows, within / older_than) are kept current by one
// timer per customer, due when the earliest of its time conditions could flip; Tick() fires
// the timers that are due. The RFM table, the intent table and the where-filter indexes that
// rules read are kept here too, so one event costs one pass whatever asked for the rule.
//
// Membership changes are events: segment_entered / segment_left for saved segments,
// stage_changed for stages, tag_added / tag_removed for automatic tags and for what tag groups
// and questionnaire answers imply. They are queued while the engine's writer holds the state
// and submitted by Flush(). The initial members of a new rule, and changes while pond was
// stopped, emit none (automatic tags excepted: they catch up at start).
//
// Three services are the ways in (each over one LiveRules, not owned): SegmentService (saved
// segments, previews, rules for journeys), TagService (bulk tags, answer tags, automatic tags,
// tag groups) and ScoreService (stages, intent, RFM).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "pond/base/periodic.h"
#include "pond/engine/engine.h"
#include "pond/engine/workspace_map.h"

namespace pond {

struct RuleSettings;

class LiveRules final : public ReplayingObserver {
 public:
  // Loads every workspace's rules and settings and starts observing `engine` (not owned).
  static Result<std::unique_ptr<LiveRules>> Start(Engine* engine);
  ~LiveRules() override;

  // Fires the timers that are due at the engine clock's now (and recomputes RFM when due).
  void Tick();
  // Submits the queued membership events.
  Status Flush();
  // Ticks and flushes every `every` on a thread of its own until destruction (`pond serve`).
  void RunInBackground(std::chrono::milliseconds every);

  // Time spent keeping rules current as events are applied (bench/segments).
  struct UpkeepStats {
    int64_t events = 0;
    int64_t nanos = 0;
  };
  UpkeepStats Upkeep();

  void OnApplied(const std::string& ws, const TenantState& state,
                 const AppliedEvent& applied) override;
  void OnReset(const std::string& ws, const TenantState& state) override;
  // Rules using channel_kind are evaluated again; their changes are events.
  void OnChannelRegistered(const std::string& ws, const TenantState& state) override;

  // For the services over this object (segment_workspace.h is their view of a workspace).
  struct Workspace;
  Engine* engine() const { return engine_; }
  // After the engine's tenant lock when both are held.
  std::mutex& mu() { return mu_; }
  Workspace& WorkspaceFor(const std::string& ws);  // REQUIRES: mu()
  std::shared_ptr<const RuleSettings> SettingsFor(const std::string& ws);

 private:
  explicit LiveRules(Engine* engine);

  Engine* engine_;
  PeriodicThread background_;
  std::mutex mu_;
  WorkspaceMap<Workspace> workspaces_;  // REQUIRES: mu_
  UpkeepStats upkeep_;                  // GUARDED_BY(mu_)
};

}  // namespace pond
