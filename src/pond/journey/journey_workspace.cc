#include "pond/journey/journey_workspace.h"

#include "pond/base/time.h"

namespace pond {
namespace {

// 1970-01-01 was a Thursday; 0 = Sunday as in journey.h.
int WeekdayOfDay(int64_t day) { return static_cast<int>(((day % 7) + 7 + 4) % 7); }

bool Allowed(const std::vector<int>& weekdays, int64_t day) {
  if (weekdays.empty()) return true;
  for (int d : weekdays) {
    if (d == WeekdayOfDay(day)) return true;
  }
  return false;
}

}  // namespace

Micros NextLocalTime(Micros after, int minute_of_day, const std::vector<int>& weekdays,
                     int offset) {
  const Micros shift = offset * kMicrosPerSecond;
  int64_t day = LocalDay(after, offset);
  for (int i = 0; i < 9; ++i, ++day) {
    Micros t = day * kMicrosPerDay - shift + minute_of_day * kMicrosPerMinute;
    if (t > after && Allowed(weekdays, day)) return t;
  }
  return after + 7 * kMicrosPerDay;  // unreachable: some weekday is allowed within 8 days
}

Micros LatestLocalTime(Micros now, int minute_of_day, const std::vector<int>& weekdays,
                       int offset) {
  const Micros shift = offset * kMicrosPerSecond;
  int64_t day = LocalDay(now, offset);
  for (int i = 0; i < 9; ++i, --day) {
    Micros t = day * kMicrosPerDay - shift + minute_of_day * kMicrosPerMinute;
    if (t <= now && Allowed(weekdays, day)) return t;
  }
  return now - 7 * kMicrosPerDay;
}

uint16_t CompiledVersion::IndexOf(const std::string& step_id) const {
  auto it = step_index.find(step_id);
  return it == step_index.end() ? kEndStep : it->second;
}

uint16_t CompiledVersion::Fallthrough(size_t i) const {
  const JourneyStep& s = def.steps[i];
  if (!s.next.empty()) return IndexOf(s.next);
  return i + 1 < def.steps.size() ? static_cast<uint16_t>(i + 1) : kEndStep;
}

const std::string& CompiledVersion::IdOf(uint16_t step) const {
  static const std::string kNone;
  return step < def.steps.size() ? def.steps[step].id : kNone;
}

const CompiledVersion* LiveJourney::Version(int v) const {
  auto it = versions.find(v);
  return it == versions.end() ? nullptr : it->second.get();
}

void JourneyRuntime::Workspace::Reindex() {
  triggers_by_event.clear();
  listeners_by_event.clear();
  segment_triggers.clear();
  for (uint32_t j = 0; j < journeys.size(); ++j) {
    const LiveJourney& live = *journeys[j];
    if (live.deleted) continue;
    const JourneyTrigger& t = live.def().trigger;
    if (t.kind == TriggerKind::kEvent) triggers_by_event[t.event].push_back(j);
    if (t.kind == TriggerKind::kSegmentEntered) segment_triggers.push_back(j);
    std::vector<std::string> names;
    for (const auto& [number, v] : live.versions) {
      if (!v->def.goal_event.empty()) names.push_back(v->def.goal_event);
      for (const JourneyStep& s : v->def.steps) {
        if (s.kind == StepKind::kWaitFor) names.push_back(s.event);
      }
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (const std::string& n : names) listeners_by_event[n].push_back(j);
  }
}

Micros JourneyRuntime::Workspace::DueOf(const Instance& inst) const {
  const CompiledVersion* v = journeys[inst.journey]->Version(inst.version);
  if (!v || inst.step >= v->def.steps.size()) return inst.since;
  const JourneyStep& s = v->def.steps[inst.step];
  switch (s.kind) {
    case StepKind::kWait:
      return s.until_minute_of_day >= 0 ? NextLocalTime(inst.since, s.until_minute_of_day,
                                                        s.until_weekdays, utc_offset_seconds)
                                        : inst.since + s.duration;
    case StepKind::kWaitFor:
      return inst.since + s.duration;
    case StepKind::kSend:
      return std::max(inst.since, inst.defer_until);
    default:
      return inst.since;
  }
}

void JourneyRuntime::Workspace::PushTimer(uint32_t index) {
  const Instance& inst = instances[index];
  if (!journeys[inst.journey]->active) return;  // pushed again when it is activated
  timers.push({DueOf(inst), index, inst.generation});
}

void JourneyRuntime::Workspace::FreeInstance(uint32_t index) {
  Instance& inst = instances[index];
  LiveJourney& j = *journeys[inst.journey];
  if (j.InstanceOf(inst.customer) == index) j.instance_of[inst.customer] = kNoIndex;
  inst.key = 0;
  ++inst.generation;
  free_slots.push_back(index);
}

void JourneyRuntime::Workspace::ApplyJourneyEvent(const TenantState& state,
                                                  const JourneyEventInfo& info,
                                                  const std::string& name, int64_t seq,
                                                  uint32_t customer, Micros at) {
  auto found = journey_index.find(info.journey);
  if (found == journey_index.end()) return;
  const uint32_t ji = found->second;
  LiveJourney& j = *journeys[ji];
  if (j.deleted) return;
  const CompiledVersion* v = j.Version(info.version);
  if (!v) return;
  if (j.instance_of.size() <= customer) {
    j.instance_of.resize(state.customers().size(), kNoIndex);
    j.last_entered.resize(state.customers().size(), 0);
  }
  if (name == kJourneyEntered) {
    if (info.n >= 0 || j.instance_of[customer] != kNoIndex) return;
    uint32_t index;
    if (!free_slots.empty()) {
      index = free_slots.back();
      free_slots.pop_back();
    } else {
      index = static_cast<uint32_t>(instances.size());
      instances.emplace_back();
    }
    Instance& inst = instances[index];
    const uint32_t generation = inst.generation + 1;
    inst =
        Instance{seq, ji, customer, info.version, v->IndexOf(info.at), generation, 0, at, 0, seq};
    j.instance_of[customer] = index;
    j.last_entered[customer] = at;
    ++j.entered;
    if (inst.step == kEndStep) {
      FreeInstance(index);
    } else {
      PushTimer(index);
    }
    return;
  }
  const uint32_t index = j.instance_of[customer];
  if (index == kNoIndex || instances[index].key != info.instance) return;
  Instance& inst = instances[index];
  inst.n = info.n + 1;
  inst.last_seq = seq;
  if (name == kMessageSent) {
    ++j.messages;
    ledger.Record(customer, SendChannelIndex(info.channel), info.marketing,
                  info.staff.empty() ? kNoIndex : state.FindStaff(info.staff), at,
                  utc_offset_seconds);
  } else if (name == kMessageSuppressed) {
    ++j.suppressed[info.reason];
  } else if (name == kTaskCreated) {
    ++j.tasks;
  } else if (name == kJourneyConverted) {
    ++j.converted;
  } else if (name == kJourneyExited) {
    ++j.exited;
  }
  const uint16_t step = v->IndexOf(info.at);
  if (step == kEndStep) {
    FreeInstance(index);
    return;
  }
  inst.step = step;
  inst.since = at;
  inst.defer_until = 0;
  ++inst.generation;
  PushTimer(index);
}

void JourneyRuntime::Workspace::MergeCustomers(uint32_t from, uint32_t into) {
  for (auto& jp : journeys) {
    LiveJourney& j = *jp;
    const uint32_t moving = j.InstanceOf(from);
    if (moving == kNoIndex) continue;
    j.instance_of[from] = kNoIndex;
    if (j.InstanceOf(into) != kNoIndex) {
      FreeInstance(moving);  // the survivor's own instance goes on; this one stops quietly
      continue;
    }
    if (j.instance_of.size() <= into) {
      j.instance_of.resize(into + 1, kNoIndex);
      j.last_entered.resize(into + 1, 0);
    }
    j.instance_of[into] = moving;
    instances[moving].customer = into;
    j.last_entered[into] = std::max(j.last_entered[into], j.LastEntered(from));
  }
}

void JourneyRuntime::Workspace::ClearRuntimeState() {
  instances.clear();
  free_slots.clear();
  timers = {};
  work.clear();
  ledger.Clear();
  for (auto& j : journeys) {
    j->instance_of.clear();
    j->last_entered.clear();
    j->entered = j->converted = j->exited = j->messages = j->tasks = 0;
    j->suppressed.clear();
  }
}

}  // namespace pond
