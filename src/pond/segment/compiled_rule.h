// A parsed rule checked and prepared for evaluation: thresholds converted (money to fen
// exactly), conditions the engine cannot evaluate yet refused with a clear error, and what the
// rule depends on collected, so an applied event re-evaluates only the rules it can change.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "pond/base/status.h"
#include "pond/engine/tenant_state.h"
#include "pond/segment/intent.h"
#include "pond/segment/lifecycle.h"
#include "pond/segment/rule.h"

namespace pond {

struct CompiledNode {
  RuleKind kind = RuleKind::kAnd;
  RuleOp op = RuleOp::kEq;
  // and/or: 2+; not: 1; stage (kAttribute "stage"): 1, the stage rules it expands to;
  // in_group: 2, its joins and its leaves (each named by its event, with its filter)
  std::vector<CompiledNode> children;
  std::string name;  // tag, trait key, event name, segment id, group id, "stage"
  std::vector<RuleValue> values;
  int64_t threshold = 0;   // count: events; sum: fen
  int64_t window = 0;      // count/sum: microseconds, 0 = all time
  int64_t duration = 0;    // within / older_than: microseconds
  std::string filter_key;  // count/sum/last/first with a where-filter: its EventFilter key
  // order_paid / order_refunded: only the event that counted the order (or refund) once; a
  // repeated order id is kept in the log but is not another order.
  bool counted_only = false;
  // intent: holds when range_lo <= score < range_hi (1/1024ths of a point), or outside it.
  int64_t range_lo = 0;
  int64_t range_hi = 0;
  bool negate = false;
  // The interned id of `name` (event or tag) in the state it was last evaluated against: ids
  // never change once given, so a hit saves a hash lookup per evaluation. Only ids found are
  // kept (a name not seen yet may appear later).
  mutable const void* id_state = nullptr;
  mutable uint32_t id = 0;
};

// The events a where-filter selects: `event` named, whose properties pass every filter.
struct EventFilter {
  std::string key;  // canonical: event name and filters as rule text
  std::string event;
  std::vector<PropertyFilter> filters;
};

struct CompiledRule {
  CompiledNode root;
  std::string text;                 // canonical text form
  std::set<std::string> events;     // event names whose arrival can change the result
  bool uses_traits = false;         // identify calls (traits) can change it
  bool uses_time = false;           // the passing of time can change it (windows, within…)
  bool uses_stage = false;          // a lifecycle stage change can change it
  bool uses_rfm = false;            // recomputing RFM can change it
  bool uses_intent = false;         // the intent table can change it
  bool uses_channel_kinds = false;  // registering channels (their kinds) can change it
  std::set<std::string> segments;   // in_segment references, as given
  std::vector<EventFilter> filters;
};

// Events that segments themselves produce; a rule may not count them (a segment that reacts to
// its own entries would never settle).
bool IsDerivedEvent(std::string_view name);

// What a workspace may configure that rules read: its lifecycle stages (what `stage == "x"`
// expands to) and its intent table.
struct RuleSettings {
  std::vector<StageRule> stages;
  IntentSettings intent;
};
const RuleSettings& DefaultRuleSettings();

// Checks and prepares `rule`. Errors are InvalidArgument with field "rule" and say which
// condition cannot be used and why.
Result<CompiledRule> CompileRule(const RuleNode& rule,
                                 const RuleSettings& settings = DefaultRuleSettings());

// An event as count() takes it ("message_received where property.keyword == \"price\""): its
// name and filters. InvalidArgument with the parser's message when it is not one event.
Status ParseEventSelector(std::string_view text, std::string* event,
                          std::vector<PropertyFilter>* where);

// The key of the events `event` where `filters` selects: the rule text of that selection
// ("message_received where property.keyword == \"price\"").
std::string EventFilterKey(std::string_view event, const std::vector<PropertyFilter>& filters);

// True when the event's properties (a JSON object's text) pass every filter.
bool MatchesFilters(std::string_view properties_json, const std::vector<PropertyFilter>& filters);

}  // namespace pond
