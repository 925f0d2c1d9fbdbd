#include "pond/journey/journey_runtime.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "pond/base/json_text.h"
#include "pond/engine/event_replay.h"
#include "pond/journey/journey_advance.h"
#include "pond/journey/journey_workspace.h"
#include "pond/model/event_names.h"

namespace pond {
namespace {

constexpr char kSettingsKind[] = "journey_settings";
constexpr char kPolitenessId[] = "politeness";
// Work items planned per round: each round plans under the read lock, then submits.
constexpr size_t kRoundItems = 8'000;
// Events per Engine::SubmitNoWait: big enough to amortise a commit, small enough to pipeline.
constexpr size_t kEventsPerBatch = 5'000;
// Batches applied but perhaps not yet durable while the next round is planned.
constexpr size_t kBatchesInFlight = 4;
// A schedule slot missed while pond was stopped still fires if it is at most this old.
constexpr Micros kScheduleGrace = kMicrosPerHour;
// Where the trigger watermark is stored (journey_workspace.h, Workspace::watermark).
constexpr char kWatermarkId[] = "trigger_watermark";
// An event older than this when the runtime sees it (an import of history, a long outage)
// enters no journey: a welcome two days late is worse than none.
constexpr Micros kTriggerMaxAge = kMicrosPerDay;

// The event names the runtime writes, whose events rebuild the instances at start.
constexpr const char* kOwnEventNames[] = {
    kJourneyEntered,    kJourneyStep, kJourneyExited, kJourneyConverted, kMessageSent,
    kMessageSuppressed, kTaskCreated, kTagAdded,      kTagRemoved,       kGroupInvited};

// A saved journey compiled, ready to merge into a workspace.
struct Loaded {
  std::string id;
  bool active = false;
  int current = 0;
  std::map<int, std::unique_ptr<CompiledVersion>> versions;
  std::string trigger_segment_id;
  Micros active_since = 0;
};

Result<std::vector<Loaded>> LoadJourneys(JourneyStore& store, SegmentService* segments,
                                         const std::string& ws, int utc_offset_seconds) {
  ASSIGN_OR_RETURN(std::vector<SavedJourney> saved, store.List(ws));
  std::vector<Loaded> out;
  for (const SavedJourney& s : saved) {
    Loaded l;
    l.id = s.id;
    l.active = s.status == JourneyStatus::kActive;
    l.active_since = s.activated_at;
    l.current = s.current().version;
    for (const JourneyVersion& jv : s.versions) {
      auto v = std::make_unique<CompiledVersion>();
      v->version = jv.version;
      ASSIGN_OR_RETURN(v->def, ParseJourney(jv.definition, utc_offset_seconds));
      v->rules.resize(v->def.steps.size());
      for (size_t i = 0; i < v->def.steps.size(); ++i) {
        v->step_index[v->def.steps[i].id] = static_cast<uint16_t>(i);
        if (v->def.steps[i].rule) {
          // A branch naming a segment that is gone answers "else" rather than stopping all.
          Result<CompiledRule> rule = segments->CompileFor(ws, *v->def.steps[i].rule);
          if (rule.ok()) v->rules[i] = std::move(*rule);
        }
      }
      l.versions[jv.version] = std::move(v);
    }
    const JourneyTrigger& t = l.versions[l.current]->def.trigger;
    if (t.kind != TriggerKind::kEvent) {
      Result<SegmentInfo> seg = segments->Get(ws, t.segment);
      if (seg.ok()) l.trigger_segment_id = seg->id;
    }
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<JourneyRuntime>> JourneyRuntime::Start(Engine* engine,
                                                              SegmentService* segments) {
  std::unique_ptr<JourneyRuntime> runtime(new JourneyRuntime(engine, segments));
  // The saved journeys are definitions (each workspace's zone comes with WorkspaceFor);
  // OnReset rebuilds the instances from the log, then what arrived while pond was stopped is
  // caught up.
  std::vector<std::string> loaded;
  RETURN_IF_ERROR(engine->LoadThenObserve(runtime.get(), [&](const pond::Workspace& ws) {
    loaded.push_back(ws.id);
    return runtime->Reload(ws.id);
  }));
  for (const std::string& ws : loaded) RETURN_IF_ERROR(runtime->CatchUp(ws));
  return runtime;
}

JourneyRuntime::JourneyRuntime(Engine* engine, SegmentService* segments)
    : engine_(engine), segments_(segments), store_(engine) {}

JourneyRuntime::~JourneyRuntime() {
  background_.Stop();  // before what it calls goes away
  engine_->RemoveObserver(this);
}

JourneyRuntime::Workspace& JourneyRuntime::WorkspaceFor(const std::string& ws) {
  return workspaces_.For(ws, [&](Workspace& w) {
    if (Result<int> zone = engine_->UtcOffsetOf(ws); zone.ok()) w.utc_offset_seconds = *zone;
  });
}

Status JourneyRuntime::Reload(const std::string& ws) {
  ASSIGN_OR_RETURN(const int zone, engine_->UtcOffsetOf(ws));
  ASSIGN_OR_RETURN(std::vector<Loaded> loaded, LoadJourneys(store_, segments_, ws, zone));
  PolitenessSettings politeness;
  ASSIGN_OR_RETURN(std::vector<StoredObject> settings, engine_->ListObjects(ws, kSettingsKind));
  for (const StoredObject& o : settings) {
    if (o.id == kPolitenessId) {
      ASSIGN_OR_RETURN(politeness, ParsePolitenessSettings(o.body));
    }
  }
  const Micros now = engine_->clock().NowMicros();
  return engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    w.politeness = politeness;
    std::unordered_set<std::string> present;
    for (Loaded& l : loaded) {
      present.insert(l.id);
      auto [it, added] = w.journey_index.try_emplace(l.id, w.journeys.size());
      if (added) w.journeys.push_back(std::make_unique<LiveJourney>());
      LiveJourney& j = *w.journeys[it->second];
      const bool resumed = l.active && (!j.active || j.deleted);
      j.id = l.id;
      j.active = l.active;
      j.deleted = false;
      j.current = l.current;
      j.versions = std::move(l.versions);
      j.trigger_segment_id = l.trigger_segment_id;
      j.active_since = l.active_since;
      const JourneyTrigger& t = j.def().trigger;
      if (t.kind == TriggerKind::kSchedule && j.last_slot == 0) {
        j.last_slot = LatestLocalTime(now - kScheduleGrace, t.minute_of_day, t.weekdays,
                                      w.utc_offset_seconds);
      }
      if (resumed) {  // timers were dropped while it was paused
        for (uint32_t i = 0; i < w.instances.size(); ++i) {
          if (w.instances[i].key != 0 && w.instances[i].journey == it->second) w.PushTimer(i);
        }
      }
    }
    for (uint32_t ji = 0; ji < w.journeys.size(); ++ji) {
      LiveJourney& j = *w.journeys[ji];
      if (present.count(j.id) || j.deleted) continue;
      j.deleted = true;
      j.active = false;
      for (uint32_t i = 0; i < w.instances.size(); ++i) {
        if (w.instances[i].key != 0 && w.instances[i].journey == ji) w.FreeInstance(i);
      }
    }
    w.Reindex();
  });
}

void JourneyRuntime::OnReset(const std::string& ws, const TenantState& state) {
  BeginReplay(ws);
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  w.ClearRuntimeState();
  if (w.journeys.empty()) return;
  const std::vector<std::string> names(std::begin(kOwnEventNames), std::end(kOwnEventNames));
  // A chunk that cannot be read leaves its instances where the events before it left them.
  NoteReplay(ws, ForEachLoadedChunk(engine_, EventRefs(state, names, 0), [&](const auto& chunk) {
               for (const auto& [e, customer] : chunk) {
                 JourneyEventInfo info;
                 if (!ReadJourneyEvent(e, &info)) continue;
                 w.ApplyJourneyEvent(state, info, e.name, e.seq, state.Live(customer), e.timestamp);
               }
             }));
}

namespace {

// What event `e` (named `name`, of dense customer `c`) starts: entries into journeys it
// triggers, answers to wait_for steps and goals of the customer's instances.
void QueueWork(JourneyRuntime::Workspace& w, const Event& e, const std::string& name, uint32_t c,
               const JourneyEventInfo* own, Micros now) {
  auto enter = [&](uint32_t j) {
    if (e.received_at >= w.journeys[j]->active_since) {
      w.work.push_back({WorkKind::kEnter, j, c, 0, e.seq, -1});
    }
  };
  const bool fresh = now - e.timestamp <= kTriggerMaxAge;
  if (auto it = w.triggers_by_event.find(name); fresh && it != w.triggers_by_event.end()) {
    for (uint32_t j : it->second) {
      const LiveJourney& live = *w.journeys[j];
      if (live.active && MatchesFilters(e.properties, live.def().trigger.where)) enter(j);
    }
  }
  if (fresh && !w.segment_triggers.empty() && name == kSegmentEntered) {
    nlohmann::json p = nlohmann::json::parse(e.properties, nullptr, false);
    const std::string segment =
        p.is_object() && p.contains("segment_id") && p["segment_id"].is_string()
            ? p["segment_id"].get<std::string>()
            : "";
    for (uint32_t j : w.segment_triggers) {
      const LiveJourney& live = *w.journeys[j];
      if (live.active && !segment.empty() && live.trigger_segment_id == segment) enter(j);
    }
  }
  auto listeners = w.listeners_by_event.find(name);
  if (listeners == w.listeners_by_event.end()) return;
  for (uint32_t j : listeners->second) {
    const LiveJourney& live = *w.journeys[j];
    const uint32_t index = live.InstanceOf(c);
    if (index == kNoIndex) continue;
    const Instance& inst = w.instances[index];
    if (own && own->instance == inst.key) continue;  // an instance does not answer itself
    if (e.seq < inst.last_seq) continue;             // catching up: it moved on after this event
    const CompiledVersion* v = live.Version(inst.version);
    if (!v) continue;
    if (v->def.goal_event == name && MatchesFilters(e.properties, v->def.goal_where)) {
      w.work.push_back({WorkKind::kConvert, j, index, inst.generation, e.seq, -1});
      continue;
    }
    if (inst.step < v->def.steps.size()) {
      const JourneyStep& s = v->def.steps[inst.step];
      if (s.kind == StepKind::kWaitFor && s.event == name &&
          MatchesFilters(e.properties, s.where)) {
        w.work.push_back({WorkKind::kEvent, j, index, inst.generation, e.seq, -1});
      }
    }
  }
}

}  // namespace

void JourneyRuntime::OnApplied(const std::string& ws, const TenantState& state,
                               const AppliedEvent& applied) {
  std::lock_guard lock(mu_);
  Workspace* found = workspaces_.Find(ws);
  if (!found) return;
  Workspace& w = *found;
  w.observed = applied.event.seq;
  if (w.journeys.empty()) return;
  const uint32_t c = applied.customer;
  for (uint32_t from : applied.merged) w.MergeCustomers(from, c);
  const Event& e = applied.event;
  const std::string& name = state.EventName(applied.name);
  JourneyEventInfo info;
  const bool own = ReadJourneyEvent(e, &info);
  if (own) w.ApplyJourneyEvent(state, info, name, e.seq, c, e.timestamp);
  QueueWork(w, e, name, c, own ? &info : nullptr, engine_->clock().NowMicros());
}

Status JourneyRuntime::CatchUp(const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> settings, engine_->ListObjects(ws, kSettingsKind));
  int64_t stored = -1;
  for (const StoredObject& o : settings) {
    if (o.id != kWatermarkId) continue;
    nlohmann::json j = nlohmann::json::parse(o.body, nullptr, false);
    if (j.is_object() && j.contains("seq") && j["seq"].is_number_integer()) stored = j["seq"];
  }
  // The events after the watermark that could start something, found under the read lock
  // and loaded from the store outside it.
  std::vector<EventRef> refs;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    w.observed = std::max(w.observed, state.last_seq());
    // First start with journeys: history starts nothing.
    w.watermark = stored >= 0 ? stored : state.last_seq();
    if (w.journeys.empty() || w.watermark >= state.last_seq()) return;
    std::vector<std::string> names;
    for (const auto& [name, _] : w.triggers_by_event) names.push_back(name);
    for (const auto& [name, _] : w.listeners_by_event) names.push_back(name);
    if (!w.segment_triggers.empty()) names.push_back(kSegmentEntered);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    refs = EventRefs(state, names, w.watermark);
  }));
  if (stored < 0) return SaveWatermark(ws);
  Status status = Status::Ok();
  RETURN_IF_ERROR(ForEachLoadedChunk(engine_, refs, [&](const auto& chunk) {
    Status read = engine_->ReadState(ws, [&](const TenantState& state) {
      std::lock_guard lock(mu_);
      Workspace& w = WorkspaceFor(ws);
      const Micros now = engine_->clock().NowMicros();
      for (const auto& [e, customer] : chunk) {
        JourneyEventInfo info;
        const bool own = ReadJourneyEvent(e, &info);
        QueueWork(w, e, e.name, state.Live(customer), own ? &info : nullptr, now);
      }
    });
    if (status.ok()) status = read;
  }));
  return status;
}

Status JourneyRuntime::SaveWatermark(const std::string& ws) {
  int64_t seq;
  {
    std::lock_guard lock(mu_);
    seq = WorkspaceFor(ws).watermark;
  }
  return engine_->PutObject(ws, {kSettingsKind, kWatermarkId, nlohmann::json({{"seq", seq}}).dump(),
                                 engine_->clock().NowMicros()});
}

Result<int64_t> JourneyRuntime::RunDue() {
  std::lock_guard run(run_mu_);
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    ids = workspaces_.Ids();
  }
  int64_t steps = 0;
  for (const std::string& ws : ids) {
    // Schedules: members of the segment enter in the slot's name.
    struct Due {
      uint32_t journey;
      std::string segment;
      int64_t slot_minute;
    };
    std::vector<Due> due;
    {
      std::lock_guard lock(mu_);
      Workspace& w = WorkspaceFor(ws);
      const Micros now = engine_->clock().NowMicros();
      for (uint32_t j = 0; j < w.journeys.size(); ++j) {
        LiveJourney& live = *w.journeys[j];
        if (!live.active || live.deleted) continue;
        const JourneyTrigger& t = live.def().trigger;
        if (t.kind == TriggerKind::kOnce) {
          // A broadcast fires once: not before its time, not if anyone entered already (a
          // restart), and not more than the schedule grace late.
          if (now < t.once_at || live.last_slot != 0 || live.entered > 0 ||
              now - t.once_at > kScheduleGrace) {
            continue;
          }
          live.last_slot = t.once_at;
          if (!live.trigger_segment_id.empty()) {
            due.push_back({j, live.trigger_segment_id, t.once_at / kMicrosPerMinute});
          }
          continue;
        }
        if (t.kind != TriggerKind::kSchedule) continue;
        const Micros slot = LatestLocalTime(now, t.minute_of_day, t.weekdays, w.utc_offset_seconds);
        if (slot <= live.last_slot) continue;
        live.last_slot = slot;
        if (!live.trigger_segment_id.empty()) {
          due.push_back({j, live.trigger_segment_id, slot / kMicrosPerMinute});
        }
      }
    }
    for (const Due& d : due) {
      Result<Roaring> members = segments_->MemberBitmap(ws, d.segment);
      if (!members.ok()) continue;
      std::lock_guard lock(mu_);
      Workspace& w = WorkspaceFor(ws);
      const LiveJourney& live = *w.journeys[d.journey];
      const bool once = live.def().entry == EntryPolicy::kOnce;
      for (uint32_t c : *members) {
        // Those who entered a once-only journey are not queued (PlanEntry would refuse them):
        // a daily schedule over a large segment would otherwise plan every member every day.
        if (once && live.LastEntered(c) != 0) continue;
        w.work.push_back({WorkKind::kEnter, d.journey, c, 0, 0, d.slot_minute});
      }
    }
    // Rounds are planned while earlier ones commit; at most kBatchesInFlight batches wait.
    std::deque<InFlight> in_flight;
    bool more = true;
    Status failed;
    while (more && failed.ok()) {
      Result<int64_t> n = Round(ws, &more, &in_flight);
      if (!n.ok()) {
        failed = n.status();
        break;
      }
      steps += *n;
      failed = Settle(ws, &in_flight, kBatchesInFlight);
    }
    Status settled = Settle(ws, &in_flight, 0);
    RETURN_IF_ERROR(failed);
    RETURN_IF_ERROR(settled);
    // Nothing queued: every event seen so far has had its work submitted.
    bool advanced = false;
    {
      std::lock_guard lock(mu_);
      Workspace& w = WorkspaceFor(ws);
      if (w.work.empty() && w.observed > w.watermark) {
        w.watermark = w.observed;
        advanced = true;
      }
    }
    if (advanced) RETURN_IF_ERROR(SaveWatermark(ws));
  }
  return steps;
}

struct JourneyRuntime::InFlight {
  PendingSubmit pending;
  std::vector<Work> items;
};

Result<int64_t> JourneyRuntime::Round(const std::string& ws, bool* more,
                                      std::deque<InFlight>* in_flight) {
  std::vector<Event> events;
  std::vector<size_t> group_ends;  // events of one item are submitted together
  std::vector<Work> planned;
  int64_t steps = 0;
  uint64_t epoch = 0;
  *more = false;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    epoch = state.epoch();
    RoundContext ctx{w, state, segments_, engine_, engine_->clock().NowMicros(), {}, {}, 0};
    // Timers due first: what was due earlier happens first.
    std::vector<Work> fired;
    while (!w.timers.empty() && w.timers.top().due <= ctx.now && fired.size() < kRoundItems) {
      const Timer t = w.timers.top();
      w.timers.pop();
      if (t.instance < w.instances.size() && w.instances[t.instance].generation == t.generation) {
        fired.push_back(
            {WorkKind::kTimer, w.instances[t.instance].journey, t.instance, t.generation, 0, -1});
      }
    }
    w.work.insert(w.work.begin(), fired.begin(), fired.end());
    // One item per instance, and per journey and customer, in a round: the next waits until
    // this one's events are applied (an entry waits for the instance before it to end).
    auto pair_key = [](uint32_t journey, uint32_t customer) {
      return (uint64_t{1} << 63) | (uint64_t{journey} << 32) | customer;
    };
    std::unordered_set<uint64_t> busy;  // instance indexes and pair keys planned this round
    busy.reserve(2 * kRoundItems);
    std::deque<Work> later;
    while (!w.work.empty() && planned.size() < kRoundItems) {
      Work item = w.work.front();
      w.work.pop_front();
      uint64_t key = item.target, pair = 0;
      if (item.kind == WorkKind::kEnter) {
        key = pair_key(item.journey, item.target);
      } else if (item.target < w.instances.size() && w.instances[item.target].key != 0) {
        pair = pair_key(w.instances[item.target].journey, w.instances[item.target].customer);
      }
      if (!busy.insert(key).second) {
        later.push_back(item);
        continue;
      }
      if (pair != 0) busy.insert(pair);
      std::vector<Event> group = PlanWork(ctx, item);
      if (group.empty()) continue;
      for (Event& e : group) events.push_back(std::move(e));
      group_ends.push_back(events.size());
      planned.push_back(item);
    }
    w.work.insert(w.work.begin(), later.begin(), later.end());
    steps = ctx.steps;
    *more =
        !w.work.empty() || !planned.empty() || (!w.timers.empty() && w.timers.top().due <= ctx.now);
  }));
  // Batches of whole items. Each is applied before SubmitNoWait returns, so the next round
  // plans from a state that has it, while the committer writes it to disk.
  for (size_t begin = 0, item = 0; begin < events.size();) {
    const size_t first_item = item;
    size_t end = group_ends[item++];
    while (item < group_ends.size() && group_ends[item] - begin <= kEventsPerBatch) {
      end = group_ends[item++];
    }
    std::vector<Event> batch(std::make_move_iterator(events.begin() + begin),
                             std::make_move_iterator(events.begin() + end));
    std::vector<Work> items(planned.begin() + first_item, planned.begin() + item);
    Result<PendingSubmit> pending = engine_->SubmitNoWait(ws, std::move(batch), epoch);
    if (!pending.ok()) {
      // Refused before anything was applied (the state was rebuilt, or the disk failed):
      // this batch and the rest of the round are planned again.
      Replan(ws, std::vector<Work>(planned.begin() + first_item, planned.end()));
      return pending.status();
    }
    in_flight->push_back({std::move(*pending), std::move(items)});
    begin = end;
  }
  return steps;
}

Status JourneyRuntime::Settle(const std::string& ws, std::deque<InFlight>* in_flight, size_t keep) {
  Status first;
  while (in_flight->size() > keep) {
    InFlight oldest = std::move(in_flight->front());
    in_flight->pop_front();
    Result<SubmitResult> r = oldest.pending.Wait();
    if (r.ok()) continue;
    Replan(ws, oldest.items);
    if (first.ok()) first = r.status();
    keep = 0;  // every later batch was applied on top of the refused one: wait for them all
  }
  return first;
}

void JourneyRuntime::Replan(const std::string& ws, const std::vector<Work>& items) {
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  for (const Work& item : items) {
    if (item.kind == WorkKind::kEnter) {
      w.work.push_back(item);
    } else if (item.target < w.instances.size()) {
      w.PushTimer(item.target);
    }
  }
}

void JourneyRuntime::RunInBackground(std::chrono::milliseconds every) {
  background_.Start(every, [this] {
    (void)RunDue();  // what fails is planned again on the next round
  });
}

Result<JourneyStats> JourneyRuntime::Stats(const std::string& ws, const std::string& journey) {
  Result<JourneyStats> result = Status::NotFound("journey \"" + journey + "\" not found");
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState&) {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    auto it = w.journey_index.find(journey);
    if (it == w.journey_index.end() || w.journeys[it->second]->deleted) return;
    const LiveJourney& j = *w.journeys[it->second];
    JourneyStats s;
    s.journey = j.id;
    s.entered = j.entered;
    s.converted = j.converted;
    s.exited = j.exited;
    s.messages = j.messages;
    s.tasks = j.tasks;
    s.suppressed = j.suppressed;
    s.deferred = j.deferred;
    std::map<std::string, int64_t> at_step;
    for (const JourneyStep& step : j.def().steps) at_step[step.id] = 0;
    for (const Instance& inst : w.instances) {
      if (inst.key == 0 || inst.journey != it->second) continue;
      ++s.live;
      ++at_step[j.Version(inst.version)->IdOf(inst.step)];
    }
    for (const JourneyStep& step : j.def().steps) s.at_step.emplace_back(step.id, at_step[step.id]);
    // Steps only older versions have. (A plain pair, not a structured binding: clang 14, which
    // builds the fuzz targets, cannot capture a binding in a lambda.)
    for (const auto& entry : at_step) {
      const std::string& step = entry.first;
      if (!j.def().steps.empty() && std::none_of(s.at_step.begin(), s.at_step.end(),
                                                 [&](const auto& p) { return p.first == step; })) {
        s.at_step.emplace_back(step, entry.second);
      }
    }
    result = std::move(s);
  }));
  return result;
}

Result<std::vector<InstanceView>> JourneyRuntime::Instances(const std::string& ws,
                                                            const std::string& journey,
                                                            size_t limit,
                                                            const std::string& customer) {
  std::vector<InstanceView> out;
  bool known = journey.empty();
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
    uint32_t only = kNoIndex;
    if (!customer.empty()) {
      only = state.ParseCustomerId(customer);
      if (only == kNoIndex) return;
      only = state.Live(only);
    }
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    auto it = w.journey_index.find(journey);
    if (it != w.journey_index.end() && !w.journeys[it->second]->deleted) known = true;
    if (!known) return;
    // The oldest `limit` by instance (the seq of their journey_entered); slots are reused, so
    // the slot order says nothing about age.
    std::vector<const Instance*> matching;
    for (const Instance& inst : w.instances) {
      if (inst.key == 0) continue;
      if (!journey.empty() && inst.journey != it->second) continue;
      if (only != kNoIndex && inst.customer != only) continue;
      matching.push_back(&inst);
    }
    size_t n = std::min(limit, matching.size());
    std::partial_sort(matching.begin(), matching.begin() + static_cast<ptrdiff_t>(n),
                      matching.end(),
                      [](const Instance* a, const Instance* b) { return a->key < b->key; });
    for (size_t i = 0; i < n; ++i) {
      const Instance& inst = *matching[i];
      const LiveJourney& j = *w.journeys[inst.journey];
      out.push_back({j.id, inst.version, TenantState::CustomerId(inst.customer),
                     j.Version(inst.version)->IdOf(inst.step), inst.since, inst.key});
    }
  }));
  if (!known) return Status::NotFound("journey \"" + journey + "\" not found");
  return out;
}

Status JourneyRuntime::SetPoliteness(const std::string& ws, const PolitenessSettings& settings) {
  RETURN_IF_ERROR(engine_->PutObject(
      ws, {kSettingsKind, kPolitenessId, DumpJson(PolitenessSettingsJson(settings)),
           engine_->clock().NowMicros()}));
  std::lock_guard lock(mu_);
  WorkspaceFor(ws).politeness = settings;
  return Status::Ok();
}

Result<PolitenessSettings> JourneyRuntime::Politeness(const std::string& ws) {
  RETURN_IF_ERROR(engine_->ReadState(ws, [](const TenantState&) {}));  // the workspace exists
  std::lock_guard lock(mu_);
  return WorkspaceFor(ws).politeness;
}

}  // namespace pond
