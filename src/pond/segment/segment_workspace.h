// Internal to LiveRules and the services over it (segment/*.cc): one workspace's live rules,
// where-filter indexes, timers and the events they queue. Not part of pond's interface.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <roaring/roaring.hh>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "pond/engine/tenant_state.h"
#include "pond/segment/compiled_rule.h"
#include "pond/segment/evaluator.h"
#include "pond/segment/live_rules.h"
#include "pond/segment/rfm.h"
#include "pond/segment/segment_service.h"
#include "pond/segment/tag_service.h"

namespace pond {

struct LiveSegment {
  SegmentInfo info;
  std::string stage;     // set for pond's own stage segments, which are not listed or named
  std::string auto_tag;  // set for an automatic tag's rule: its members carry the tag
  CompiledRule rule;
  Roaring members;
  // The same members as a plain bitset: the per-event check "was this customer in?" is one bit
  // test instead of a search through the bitmap's containers.
  std::vector<uint64_t> bits;

  bool Has(uint32_t c) const { return c / 64 < bits.size() && (bits[c / 64] >> (c % 64) & 1); }
  void Set(uint32_t c, bool in) {
    if (c / 64 >= bits.size()) bits.resize(c / 64 + 1, 0);
    if (in) {
      members.add(c);
      bits[c / 64] |= uint64_t{1} << (c % 64);
    } else {
      members.remove(c);
      bits[c / 64] &= ~(uint64_t{1} << (c % 64));
    }
  }
  void Assign(Roaring m) {
    members = std::move(m);
    std::fill(bits.begin(), bits.end(), 0);
    for (uint32_t c : members) {
      if (c / 64 >= bits.size()) bits.resize(c / 64 + 1, 0);
      bits[c / 64] |= uint64_t{1} << (c % 64);
    }
  }
  std::vector<size_t> dependents;  // indexes of later segments whose rule names this one

  // A segment the brand saved (listed, named by in_segment), not a stage or an automatic tag.
  bool saved() const { return stage.empty() && auto_tag.empty(); }
};

// The events one where-filter selects, kept current as events arrive.
struct FilterIndex {
  EventFilter spec;
  Roaring matches;
};

struct Timer {
  Micros due;
  uint32_t customer;
  bool operator>(const Timer& o) const { return due > o.due; }
};

struct LiveRules::Workspace {
  std::string id;
  int utc_offset_seconds = kDefaultUtcOffsetSeconds;  // the workspace's, set when it is made
  // In dependency order: a segment comes after every segment its rule names.
  std::vector<std::unique_ptr<LiveSegment>> segments;
  std::unordered_map<std::string, std::vector<size_t>> by_event;
  std::vector<size_t> by_traits;
  std::vector<size_t> timed;
  std::map<std::string, FilterIndex> filters;  // by EventFilter::key
  std::unordered_map<std::string, std::vector<FilterIndex*>> filters_by_event;
  // Where-filters reports asked for (SegmentService::MatchingEvents), kept current the same way;
  // the least recently asked goes first past kMaxReportFilters.
  struct ReportFilter {
    FilterIndex index;
    uint64_t last_used = 0;
  };
  std::map<std::string, ReportFilter> report_filters;  // by EventFilter::key
  uint64_t report_filter_clock = 0;
  std::vector<Micros> due;    // per customer: when its timer fires, kNever for none
  size_t customers_seen = 0;  // customers at or past this index are new to every segment
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
  std::vector<Event> pending;  // segment_entered / segment_left, submitted by Flush
  std::shared_ptr<const RuleSettings> settings =
      std::make_shared<RuleSettings>(DefaultRuleSettings());
  std::vector<CompiledRule> stage_rules;           // settings->stages compiled, in order
  RfmTable rfm;                                    // recomputed hourly (Tick) and on RecomputeRfm
  int64_t orders_since_rfm = 0;                    // order and refund events applied since
  std::vector<TagService::AnswerTag> answer_tags;  // questionnaire answers → tags
  std::vector<TagService::TagGroup> tag_groups;
  // Traits as numbers per customer (EvalContext::trait_numbers), built on first use by a
  // numeric comparison and kept current as traits change; dropped on reset.
  std::map<std::string, std::vector<double>, std::less<>> trait_numbers;
  std::string id_prefix;  // messageIds of the events segments emit
  int64_t id_counter = 0;

  // A saved segment (never a stage's).
  LiveSegment* Find(const std::string& id_or_name);
  size_t SavedCount() const;

  // One segment per lifecycle stage of `settings`, "none" included, so every live customer is in
  // exactly one; replaces the stage segments there were.
  Status BuildStageSegments();
  // Recompiles every rule against new settings (stages, intent) and rebuilds the stage
  // segments; refuses, changing nothing, when a rule would no longer compile. The caller
  // rebuilds members.
  Status InstallSettings(std::shared_ptr<const RuleSettings> next);

  // What evaluation reads besides the state: filters, segments, stages, RFM cells, channels.
  EvalContext Context(const TenantState& state, Micros now);
  // Rebuilds the lookup tables after the set of segments changed.
  void Reindex();

  // The number column of a trait, built now if it is not kept yet.
  const std::vector<double>& TraitNumbers(const TenantState& state, const std::string& key);
  // Customer c's traits changed (identify, merge) or c is new: its kept numbers follow.
  void UpdateTraitNumbers(const TenantState& state, uint32_t c);
  // Moves customer c's timer earlier to t (kNever: no change).
  void LowerDue(uint32_t c, Micros t);

  // questionnaire_submitted: the tags its answers map to, and the older tags they replace.
  // The events are stamped when they are submitted (Flush).
  void TagAnswers(const TenantState& state, const Event& e, uint32_t c);
  // Queues tag_removed (by `by`) for customer c's other tags of `tag`'s group, if it has one.
  void RemoveOthersOfGroup(const TenantState& state, uint32_t c, const std::string& tag,
                           const std::string& by);
  // tag_added of an exclusive group: the customer's other tags of the group go.
  void KeepGroupExclusive(const TenantState& state, const Event& e, uint32_t c);

  // Queues a segment event (segment_entered, segment_left, stage_changed) with two properties.
  void Queue(const char* name, uint32_t c, const char* k1, const std::string& v1, const char* k2,
             const std::string& v2, Micros now);

  // Re-evaluates live customer `c` for the segments flagged in `affected` (indexes into
  // `segments`), and for the segments that name one whose membership changed.
  void Reevaluate(const TenantState& state, uint32_t c, std::vector<uint8_t>& affected, Micros now);

  // Every customer's timer, lowered to the earliest time any time condition could flip.
  // Conservative (a timer may fire early and find nothing changed), never late.
  void ScheduleAll(const TenantState& state, const LiveSegment& s, Micros now);

  // Reads the stored events of the filter's name and keeps those it selects.
  Status LoadFilter(Engine* engine, const TenantState& state, FilterIndex* f);
  // Makes sure every filter `rule` uses is loaded.
  Status EnsureFilters(Engine* engine, const TenantState& state, const CompiledRule& rule);

  // Queues what a membership change means: segment_entered / segment_left, or for an
  // automatic tag's rule, tag_added / tag_removed.
  void Announce(const LiveSegment& s, uint32_t c, bool in, Micros now);
  // Makes an automatic tag agree with its rule's members (after it is built from scratch).
  void SyncAutoTag(const TenantState& state, const LiveSegment& s);

  // Recomputes RFM; the segments that use it (and those naming them) are evaluated again, and
  // their changes are events like any other.
  void RecomputeRfm(const TenantState& state, Micros now);
  // Rebuilds the segments whose rule is stale by `stale_rule` (and, in order, those naming a
  // rebuilt one), queueing segment_entered / segment_left for every change.
  void RebuildAndAnnounce(const TenantState& state, Micros now,
                          const std::function<bool(const CompiledRule&)>& stale_rule);

  // Full evaluation of one segment, and its timers. A stage segment answers from its rules
  // (the other stage segments may not be built yet).
  void Rebuild(const TenantState& state, LiveSegment& s, Micros now);
};

// Reads the workspace's saved segments (segment_service.cc).
Status LoadSavedSegments(Engine* engine, LiveRules::Workspace& w);
// Reads the workspace's answers-to-tags table, automatic tags' rules and tag groups
// (tag_service.cc, tag_groups.cc).
Status LoadTagTables(Engine* engine, LiveRules::Workspace& w);
// Reads the workspace's stages and intent table (score_service.cc) and installs them.
Status LoadRuleSettings(Engine* engine, LiveRules::Workspace& w);
Status LoadTagGroups(Engine* engine, LiveRules::Workspace& w);
// The values check of CheckManualTags.
Status CheckTagGroupValues(Engine& engine, const std::string& ws,
                           const std::vector<std::string>& tags, const std::string& field);

// Puts segments in dependency order; refuses a cycle or a reference to a missing segment.
Status OrderSegments(std::vector<std::unique_ptr<LiveSegment>>& segments);
// Rewrites in_segment names to ids. REQUIRES: the referenced segments exist in `w`.
Status ResolveReferences(LiveRules::Workspace& w, CompiledNode& n, std::set<std::string>* ids);

}  // namespace pond
