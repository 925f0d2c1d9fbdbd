// SegmentService: saved segments kept current on every event, plus ad-hoc previews.
//
// A segment is a named rule. Its members are a bitmap of the workspace's customers, computed
// in full when the segment is saved (or the engine starts) and then kept current
// incrementally: the service observes every applied event and re-evaluates only that customer,
// only for the segments whose rule can be changed by that event (its event names, traits, tags,
// the segments it refers to; every segment after a merge). Conditions on time (windows,
// within / older_than) are kept current by one timer per customer, due when the earliest of its
// time conditions could flip; Tick() fires the timers that are due.
//
// Entering and leaving a segment after it was saved emits segment_entered / segment_left
// events (properties: segment_id, segment) through Engine::Submit, so journeys and the
// timeline see them. They are queued while the engine's writer holds the state and submitted by
// Flush(). The initial members of a new segment, and changes while pond was stopped, emit none.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <roaring/roaring.hh>
#include <string>
#include <unordered_map>
#include <vector>

#include "pond/base/periodic.h"
#include "pond/engine/engine.h"
#include "pond/engine/workspace_map.h"
#include "pond/segment/compiled_rule.h"
#include "pond/segment/intent.h"
#include "pond/segment/lifecycle.h"
#include "pond/segment/rule.h"

namespace pond {

struct SegmentInfo {
  std::string id;  // "seg_…"
  std::string name;
  std::string description;
  std::string rule;  // canonical text form
  Micros created_at = 0;
  Micros updated_at = 0;
  int64_t customers = 0;  // members now
};

// What a caller sends to create or replace a segment: the rule as text or as parsed JSON.
struct SegmentSpec {
  std::string name;
  std::string description;
  std::unique_ptr<RuleNode> rule;
};

struct SegmentPreview {
  int64_t count = 0;
  std::vector<CustomerSummary> customers;  // the first `limit`, by id
  std::string rule;                        // canonical text
  int64_t took_micros = 0;
};

struct RuleSettings;

class SegmentService final : public ReplayingObserver {
 public:
  // Loads every workspace's segments and starts observing `engine` (not owned).
  static Result<std::unique_ptr<SegmentService>> Start(Engine* engine);
  ~SegmentService() override;

  Result<SegmentInfo> Create(const std::string& ws, SegmentSpec spec);
  Result<SegmentInfo> Update(const std::string& ws, const std::string& id, SegmentSpec spec);
  Status Delete(const std::string& ws, const std::string& id);
  Result<std::vector<SegmentInfo>> List(const std::string& ws);
  // By id, or by name when no id matches.
  Result<SegmentInfo> Get(const std::string& ws, const std::string& id_or_name);
  // Members by customer id; the cursor is the last id of the previous page.
  Result<CustomerPage> Members(const std::string& ws, const std::string& id_or_name, size_t limit,
                               const std::string& cursor);
  // Evaluates a rule over every customer now, without saving it.
  Result<SegmentPreview> Preview(const std::string& ws, const RuleNode& rule, size_t limit);
  // The same, as dense customer indexes (tests, benchmarks). `from_stage_rules`: answer
  // `stage` conditions from the stage rules rather than the stages kept per event.
  Result<Roaring> Evaluate(const std::string& ws, const RuleNode& rule,
                           bool from_stage_rules = false);

  // For journeys' branch steps: a rule compiled against the workspace's settings, with its
  // in_segment references resolved; and whether live customer `c` satisfies it now.
  // Holds REQUIRES the workspace's state read-locked by the caller (Engine::ReadState). Event
  // filters no saved segment keeps are matched over the customer's own events only.
  Result<CompiledRule> CompileFor(const std::string& ws, const RuleNode& rule);
  bool Holds(const std::string& ws, const TenantState& state, const CompiledRule& rule, uint32_t c);

  // Fires the timers that are due at the engine clock's now.
  void Tick();
  // Submits the queued segment_entered / segment_left events.
  Status Flush();
  // Ticks and flushes every `every` on a thread of its own until destruction (`pond serve`).
  void RunInBackground(std::chrono::milliseconds every);

  // Customers per lifecycle stage (lifecycle.h), in the stages' order, "none" last.
  struct StageCount {
    std::string stage;
    int64_t customers = 0;
    std::string rule;  // "" for "none"
  };
  // Replaces the workspace's lifecycle stages (ordered; at most 20; names of a-z, 0-9, _).
  // Every rule is evaluated again; members move without stage_changed events (the definitions
  // changed, not the customers), saved segments that use `stage` emit their changes. Refused,
  // changing nothing, when a saved rule names a stage that would be gone. An empty list
  // restores the default.
  static constexpr size_t kMaxStages = 20;
  Status SetStages(const std::string& ws, std::vector<StageRule> stages);
  // Replaces the intent table and thresholds (intent.h); rules using intent are evaluated
  // again and emit their changes. `settings.rows` empty: the default table.
  Status SetIntent(const std::string& ws, IntentSettings settings);
  Result<IntentSettings> Intent(const std::string& ws);
  Result<std::vector<StageCount>> Stages(const std::string& ws);
  // Time spent keeping segments current as events are applied (bench/segments).
  struct UpkeepStats {
    int64_t events = 0;
    int64_t nanos = 0;
  };
  UpkeepStats Upkeep();

  // Tags many customers at once: those named in `customers` (ids, kind:value identities or
  // userIds; at most kMaxBulkCustomers), or every customer a rule selects now. Customers that
  // already have (or lack) a tag get no event for it, so a repeated call changes nothing.
  // Bad input (an unknown customer, a bad tag) changes nothing. Events go in batches of
  // kMaxEventsPerSubmit; if the store fails midway, calling again finishes the job.
  struct BulkTagRequest {
    std::vector<std::string> add, remove;
    std::vector<std::string> customers;
    std::unique_ptr<RuleNode> rule;  // instead of `customers`
    std::string by;                  // recorded on each event ("api:bulk", "cli")
  };
  struct BulkTagResult {
    int64_t customers = 0;  // customers the request named or selected
    int64_t events = 0;     // tag events submitted
  };
  static constexpr size_t kMaxBulkCustomers = 10'000;
  Result<BulkTagResult> BulkTag(const std::string& ws, const BulkTagRequest& request);

  // Questionnaire answers to tags: when a `questionnaire_submitted` event's
  // properties.answers (question → answer, or a list of answers) match a row, the customer gets
  // the row's tag (by "questionnaire:<name>"); a newer answer replaces the older tag of the same
  // group ("skin:oily" → "skin:dry"). The whole table is replaced at once.
  struct AnswerTag {
    std::string questionnaire;  // empty: any questionnaire
    std::string question;
    std::string answer;
    std::string tag;
  };
  static constexpr size_t kMaxAnswerTags = 1000;
  Status SetAnswerTags(const std::string& ws, std::vector<AnswerTag> rows);
  Result<std::vector<AnswerTag>> AnswerTags(const std::string& ws);

  // Automatic tags: while a row's rule holds for a customer, the customer carries its tag;
  // entering the rule adds the tag and leaving removes it (events with by "rule:<rule>"), kept
  // current like segments. The tag belongs to its rule: setting it by hand or in bulk is
  // refused. A rule may not use has_tag of an automatic tag, nor in_segment (tags change
  // through events that follow, so rules reading each other's tags could flip each other
  // forever). The whole table is replaced at once; a tag no longer in it stays where it is.
  struct TagRule {
    std::string tag;
    std::string rule;       // canonical text
    int64_t customers = 0;  // members now (answers)
  };
  struct TagRuleSpec {
    std::string tag;
    std::unique_ptr<RuleNode> rule;
  };
  static constexpr size_t kMaxTagRules = 100;
  Status SetTagRules(const std::string& ws, std::vector<TagRuleSpec> rows);
  Result<std::vector<TagRule>> TagRules(const std::string& ws);

  // Tag groups: the part of "skin:oily" before the colon, declared with a label for the console,
  // optionally a closed list of values ("skin": oily, dry, combination, sensitive) and whether it
  // is exclusive (a customer carries at most one tag of it: a tag_added of the group removes
  // the customer's other tags of the group, with tag_removed events by "group:<name>"). The
  // whole list is replaced at once. Groups only seen in tags are listed too, undeclared.
  struct TagGroup {
    std::string name;
    std::string label;
    bool exclusive = false;
    std::vector<std::string> values;  // empty: any value
  };
  struct TagCount {
    std::string tag;
    int64_t customers = 0;
  };
  struct TagGroupView {
    TagGroup group;
    bool declared = false;
    std::vector<TagCount> tags;  // tags of the group that customers carry, by tag
  };
  static constexpr size_t kMaxTagGroups = 200;
  static constexpr size_t kMaxTagGroupValues = 100;
  Status SetTagGroups(const std::string& ws, std::vector<TagGroup> groups);
  Result<std::vector<TagGroupView>> TagGroups(const std::string& ws);

  // RFM cells (rfm.h) as last computed: hourly by Tick, at start, and by RecomputeRfm, which
  // also re-evaluates the segments that use `rfm` (their changes are events).
  struct RfmCellCount {
    std::string cell;
    int64_t customers = 0;
  };
  struct RfmSummary {
    Micros computed_at = 0;
    int64_t scored = 0;               // customers with a paid order
    std::vector<RfmCellCount> cells;  // every named cell, in rfm.h's order
  };
  Result<RfmSummary> Rfm(const std::string& ws);
  Status RecomputeRfm(const std::string& ws);

  // The in-memory indexes of the `event` events whose properties pass `filters` (report funnels'
  // where-steps). The first ask reads them from the store; the answer is then kept current as
  // events arrive, like the filters of saved segments (which it reuses), for the
  // kMaxReportFilters most recently asked. REQUIRES: the caller holds `state` (ReadState).
  static constexpr size_t kMaxReportFilters = 16;
  Result<Roaring> MatchingEvents(const std::string& ws, const TenantState& state,
                                 const std::string& event,
                                 const std::vector<PropertyFilter>& filters);

  // Each customer's lifecycle stage (the first, in order of precedence, that holds them; "none"
  // when none does) and RFM cell as last computed ("" when unscored), by "cus_…" id; an id that
  // names no customer gets {"", ""}.
  struct CustomerLabels {
    std::string stage;
    std::string rfm;
  };
  Result<std::vector<CustomerLabels>> Labels(const std::string& ws,
                                             const std::vector<std::string>& customer_ids);

  // Tests: a stage's members as dense customer indexes.
  Result<Roaring> StageBitmap(const std::string& ws, const std::string& stage);

  // Tests: the members as dense customer indexes.
  Result<Roaring> MemberBitmap(const std::string& ws, const std::string& id_or_name);

  void OnApplied(const std::string& ws, const TenantState& state,
                 const AppliedEvent& applied) override;
  void OnReset(const std::string& ws, const TenantState& state) override;
  // Segments using channel_kind are evaluated again; their changes are events.
  void OnChannelRegistered(const std::string& ws, const TenantState& state) override;

  struct Workspace;  // per-workspace segments, filters and timers (segment_service.cc)

 private:
  explicit SegmentService(Engine* engine);
  Workspace& WorkspaceFor(const std::string& ws);  // REQUIRES: mu_
  std::shared_ptr<const RuleSettings> SettingsFor(const std::string& ws);
  // Installs new settings and rebuilds what they change. REQUIRES: the state read-locked.
  Status Reconfigure(const std::string& ws, const TenantState& state,
                     std::shared_ptr<const RuleSettings> settings, bool stages_changed);

  Engine* engine_;
  PeriodicThread background_;
  std::mutex mu_;                       // after the engine's tenant lock when both are held
  WorkspaceMap<Workspace> workspaces_;  // REQUIRES: mu_
  UpkeepStats upkeep_;                  // GUARDED_BY(mu_)
};

// Refuses tags that belong to an automatic tag's rule, and (when adding) values a declared tag
// group does not list, for the paths that set tags by hand (it reads the stored tables, so the
// CLI needs no running service). Errors name `field`[i].
Status CheckManualTags(Engine& engine, const std::string& ws, const std::vector<std::string>& tags,
                       const std::string& field = "tags", bool adding = true);

}  // namespace pond
