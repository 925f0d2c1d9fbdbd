#include "pond/segment/live_rules.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "pond/model/event_names.h"
#include "pond/segment/segment_workspace.h"

namespace pond {
namespace {

constexpr Micros kRfmEvery = 3600LL * 1'000'000;      // RFM is recomputed hourly at least,
constexpr Micros kRfmAfterOrders = 60LL * 1'000'000;  // and a minute after new orders

}  // namespace

Result<std::unique_ptr<LiveRules>> LiveRules::Start(Engine* engine) {
  std::unique_ptr<LiveRules> service(new LiveRules(engine));
  // Saved segments, settings and tag tables are definitions; OnReset evaluates them all.
  RETURN_IF_ERROR(engine->LoadThenObserve(service.get(), [&](const pond::Workspace& ws) -> Status {
    Workspace& w = service->WorkspaceFor(ws.id);
    RETURN_IF_ERROR(LoadRuleSettings(engine, w));
    RETURN_IF_ERROR(LoadSavedSegments(engine, w));
    return LoadTagTables(engine, w);
  }));
  return service;
}

LiveRules::LiveRules(Engine* engine) : engine_(engine) {}

LiveRules::~LiveRules() {
  background_.Stop();  // before what it calls goes away
  engine_->RemoveObserver(this);
}

void LiveRules::RunInBackground(std::chrono::milliseconds every) {
  background_.Start(every, [this] {
    Tick();
    (void)Flush();  // what fails stays queued for the next round
  });
}

std::shared_ptr<const RuleSettings> LiveRules::SettingsFor(const std::string& ws) {
  std::lock_guard lock(mu_);
  return WorkspaceFor(ws).settings;
}

LiveRules::Workspace& LiveRules::WorkspaceFor(const std::string& ws) {
  return workspaces_.For(ws, [&](Workspace& w) {
    if (Result<int> zone = engine_->UtcOffsetOf(ws); zone.ok()) w.utc_offset_seconds = *zone;
    (void)w.BuildStageSegments();  // the default stages compile, or every test fails
    w.Reindex();
  });
}

void LiveRules::OnReset(const std::string& ws, const TenantState& state) {
  BeginReplay(ws);
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  const Micros now = engine_->clock().NowMicros();
  w.due.assign(state.customers().size(), kNever);
  w.customers_seen = state.customers().size();
  w.timers = {};
  w.filters.clear();
  w.report_filters.clear();  // event indexes belong to the state just rebuilt
  w.trait_numbers.clear();
  for (auto& s : w.segments) {
    // A filter that cannot be loaded leaves its conditions matching nothing until the next
    // reset, and is the replay error the service reports.
    NoteReplay(ws, w.EnsureFilters(engine_, state, s->rule));
  }
  w.Reindex();
  w.rfm = ComputeRfm(state, now);
  w.orders_since_rfm = 0;
  for (auto& s : w.segments) w.Rebuild(state, *s, now);
  // Automatic tags catch up with what changed while pond was stopped.
  for (auto& s : w.segments) {
    if (!s->auto_tag.empty()) w.SyncAutoTag(state, *s);
  }
}

void LiveRules::OnChannelRegistered(const std::string& ws, const TenantState& state) {
  std::lock_guard lock(mu_);
  WorkspaceFor(ws).RebuildAndAnnounce(state, engine_->clock().NowMicros(),
                                      [](const CompiledRule& r) { return r.uses_channel_kinds; });
}

LiveRules::UpkeepStats LiveRules::Upkeep() {
  std::lock_guard lock(mu_);
  return upkeep_;
}

void LiveRules::OnApplied(const std::string& ws, const TenantState& state,
                          const AppliedEvent& applied) {
  const auto started = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  ++upkeep_.events;
  struct AddTime {
    std::chrono::steady_clock::time_point started;
    int64_t* nanos;
    ~AddTime() {
      *nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
    }
  } add_time{started, &upkeep_.nanos};
  Workspace& w = WorkspaceFor(ws);
  if (!w.trait_numbers.empty() && (applied.event.traits.size() > 2 || !applied.merged.empty() ||
                                   applied.customer >= w.customers_seen)) {
    w.UpdateTraitNumbers(state, applied.customer);
  }
  if (w.segments.empty()) {
    w.customers_seen = state.customers().size();
    return;
  }
  const std::string& name = state.EventName(applied.name);
  if (state.events().money[applied.index] != 0) ++w.orders_since_rfm;
  if (name == kQuestionnaireSubmitted && !w.answer_tags.empty()) {
    w.TagAnswers(state, applied.event, applied.customer);
  }
  if (name == kTagAdded && !w.tag_groups.empty()) {
    w.KeepGroupExclusive(state, applied.event, applied.customer);
  }
  if (auto it = w.filters_by_event.find(name); it != w.filters_by_event.end()) {
    for (FilterIndex* f : it->second) {
      if (MatchesFilters(applied.event.properties, f->spec.filters)) f->matches.add(applied.index);
    }
  }
  for (auto& [key, kept] : w.report_filters) {
    const FilterIndex& f = kept.index;
    if (f.spec.event == name && MatchesFilters(applied.event.properties, f.spec.filters)) {
      kept.index.matches.add(applied.index);
    }
  }
  thread_local std::vector<uint8_t> affected;
  affected.assign(w.segments.size(), 0);
  bool any = false;
  auto mark = [&](size_t i) {
    affected[i] = 1;
    any = true;
  };
  if (auto it = w.by_event.find(name); it != w.by_event.end()) {
    for (size_t i : it->second) mark(i);
  }
  if (applied.event.traits.size() > 2) {
    for (size_t i : w.by_traits) mark(i);
  }
  if (applied.customer >= w.customers_seen) {
    // A new customer: a rule can hold with nothing at all ("not has_tag(…)").
    w.customers_seen = applied.customer + 1;
    for (size_t i = 0; i < w.segments.size(); ++i) mark(i);
  }
  if (!applied.merged.empty()) {
    // The folded profiles are gone; the survivor has new events, tags and traits.
    for (uint32_t m : applied.merged) {
      for (auto& s : w.segments) s->Set(m, false);
      if (m < w.due.size()) w.due[m] = kNever;
    }
    for (size_t i = 0; i < w.segments.size(); ++i) mark(i);
  }
  if (!any) return;
  w.Reevaluate(state, applied.customer, affected, engine_->clock().NowMicros());
}

void LiveRules::Tick() {
  const Micros now = engine_->clock().NowMicros();
  std::vector<std::string> ids;
  std::vector<std::string> rfm_due;
  {
    std::lock_guard lock(mu_);
    workspaces_.ForEach([&](const std::string& id, const Workspace& w) {
      if (!w.timers.empty() && w.timers.top().due <= now) ids.push_back(id);
      const Micros age = now - w.rfm.computed_at;
      if (age >= kRfmEvery || (w.orders_since_rfm > 0 && age >= kRfmAfterOrders)) {
        rfm_due.push_back(id);
      }
    });
  }
  for (const std::string& ws : rfm_due) {
    (void)engine_->ReadState(ws, [&](const TenantState& state) {
      std::lock_guard lock(mu_);
      WorkspaceFor(ws).RecomputeRfm(state, now);
    });
  }
  for (const std::string& ws : ids) {
    (void)engine_->ReadState(ws, [&](const TenantState& state) {
      std::lock_guard lock(mu_);
      Workspace& w = WorkspaceFor(ws);
      thread_local std::vector<uint8_t> affected;
      while (!w.timers.empty() && w.timers.top().due <= now) {
        Timer t = w.timers.top();
        w.timers.pop();
        if (t.customer >= w.due.size() || w.due[t.customer] != t.due) continue;  // superseded
        w.due[t.customer] = kNever;
        if (state.customers().merged_into[t.customer] != kNoIndex) continue;
        affected.assign(w.segments.size(), 0);
        for (size_t i : w.timed) affected[i] = 1;
        w.Reevaluate(state, t.customer, affected, now);
      }
    });
  }
}

Status LiveRules::Flush() {
  std::vector<std::pair<std::string, std::vector<Event>>> batches;
  {
    std::lock_guard lock(mu_);
    workspaces_.ForEach([&](const std::string& id, Workspace& w) {
      if (!w.pending.empty()) batches.emplace_back(id, std::move(w.pending));
      w.pending.clear();
    });
  }
  Status result;
  for (auto& [ws, events] : batches) {
    size_t at = 0;
    for (; at < events.size() && result.ok(); at += kMaxEventsPerSubmit) {
      size_t end = std::min(events.size(), at + kMaxEventsPerSubmit);
      std::vector<Event> part(events.begin() + static_cast<long>(at),
                              events.begin() + static_cast<long>(end));
      result = engine_->Submit(ws, std::move(part)).status();
      if (!result.ok()) break;
    }
    if (at < events.size()) {
      // Not submitted: back to the front of the queue for the next Flush (messageIds make a
      // part that was stored after all a duplicate, not a second event).
      std::lock_guard lock(mu_);
      std::vector<Event>& pending = WorkspaceFor(ws).pending;
      pending.insert(pending.begin(),
                     std::make_move_iterator(events.begin() + static_cast<long>(at)),
                     std::make_move_iterator(events.end()));
    }
  }
  return result;
}

}  // namespace pond
