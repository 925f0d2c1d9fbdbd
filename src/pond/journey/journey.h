// SOP journeys: definitions (docs/journeys.md). A journey is a trigger, an entry policy, an
// optional goal and a list of steps with ids; a customer walks the steps in order unless a step
// names where to go next. This header is the parsed, validated form; the runtime comes later.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/status.h"
#include "pond/segment/rule.h"

namespace pond {

// kOnce: a broadcast, the segment's members at one moment.
enum class TriggerKind { kEvent, kSegmentEntered, kSchedule, kOnce };

struct JourneyTrigger {
  TriggerKind kind = TriggerKind::kEvent;
  std::string event;                  // kEvent: the event name
  std::vector<PropertyFilter> where;  // kEvent: optional property filters
  std::string segment;                // kSegmentEntered, kSchedule, kOnce: segment id or name
  int minute_of_day = 0;              // kSchedule: local time, 0–1439
  std::vector<int> weekdays;          // kSchedule: 0 = Sunday; empty = every day
  Micros once_at = 0;                 // kOnce: when
};

enum class EntryPolicy { kOnce, kOncePerDays, kEveryTime };

enum class StepKind {
  kSend,
  kWait,
  kWaitFor,
  kBranch,
  kSplit,
  kTag,
  kUntag,
  kTask,
  kWebhook,
  kInviteToGroup,
  kExit,
};
std::string_view StepKindName(StepKind kind);

// The outbound channels a send step may use (src/pond/channels/ will hold their adapters).
inline constexpr const char* kSendChannels[] = {"outbox", "wecom", "sms", "smtp", "webhook"};

struct SplitArm {
  int weight = 0;
  std::string next;  // step id
};

struct JourneyStep {
  std::string id;
  StepKind kind = StepKind::kExit;
  std::string next;  // where to go after this step; empty: the step after it (or the end)
  // send
  std::string channel;
  std::string template_id;
  std::vector<std::pair<std::string, std::string>> variables;  // name → "trait.x" / "property.y"
  // Marketing messages obey the frequency caps and quiet hours; service messages (a reply to
  // a new friend, a questionnaire they asked for) only consent and staff limits.
  bool marketing = true;
  // wait: a duration, or until a local time of day (optionally on given weekdays)
  Micros duration = 0;
  int until_minute_of_day = -1;
  std::vector<int> until_weekdays;
  // wait_for: an event (with filters) within `duration`, else go to `on_timeout`
  std::string event;
  std::vector<PropertyFilter> where;
  std::string on_timeout;
  // branch
  std::unique_ptr<RuleNode> rule;
  std::string then_step, else_step;
  // split
  std::vector<SplitArm> arms;
  // tag / untag / invite_to_group (group id) / webhook (url)
  std::string target;
  // task
  std::string title;
};

struct JourneyDef {
  std::string id;  // slug
  std::string name;
  JourneyTrigger trigger;
  EntryPolicy entry = EntryPolicy::kOnce;
  int entry_days = 0;  // kOncePerDays
  std::string goal_event;
  std::vector<PropertyFilter> goal_where;
  std::vector<JourneyStep> steps;
};

inline constexpr size_t kMaxJourneySteps = 100;

// Parses and validates a journey's JSON. Errors are InvalidArgument naming the JSON path
// ("steps[2].wait", "trigger.schedule.at") and saying what was expected. Beyond the shape it
// checks that step ids are unique, every step named exists, branch rules compile, and no loop
// of steps can run without a wait (which would message a customer forever). A `once` time
// written without an offset is the workspace's local time (`utc_offset_seconds`).
Result<JourneyDef> ParseJourney(std::string_view json, int utc_offset_seconds);

}  // namespace pond
