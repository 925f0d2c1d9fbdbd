// SegmentService: saved segments kept current on every event, plus ad-hoc previews and the
// rules journeys branch on. The segments live in LiveRules (live_rules.h), which keeps every
// rule current; this is their use-cases: save, list, read members, preview.
//
// Entering and leaving a segment after it was saved emits segment_entered / segment_left
// events (properties: segment_id, segment) through Engine::Submit (LiveRules::Flush), so
// journeys and the timeline see them. The initial members of a new segment, and changes while
// pond was stopped, emit none.
#pragma once

#include <memory>
#include <roaring/roaring.hh>
#include <string>
#include <vector>

#include "pond/engine/engine.h"
#include "pond/segment/compiled_rule.h"
#include "pond/segment/live_rules.h"
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

class SegmentService {
 public:
  explicit SegmentService(LiveRules* rules) : rules_(rules), engine_(rules->engine()) {}

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

  // The in-memory indexes of the `event` events whose properties pass `filters` (report funnels'
  // where-steps). The first ask reads them from the store; the answer is then kept current as
  // events arrive, like the filters of saved segments (which it reuses), for the
  // kMaxReportFilters most recently asked. REQUIRES: the caller holds `state` (ReadState).
  static constexpr size_t kMaxReportFilters = 16;
  Result<Roaring> MatchingEvents(const std::string& ws, const TenantState& state,
                                 const std::string& event,
                                 const std::vector<PropertyFilter>& filters);

  // Tests: the members as dense customer indexes.
  Result<Roaring> MemberBitmap(const std::string& ws, const std::string& id_or_name);

 private:
  LiveRules* rules_;
  Engine* engine_;
};

}  // namespace pond
