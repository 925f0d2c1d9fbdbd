#include "pond/journey/task_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/base/time.h"
#include "pond/engine/event_replay.h"
#include "pond/engine/tenant_state.h"
#include "pond/journey/journey_events.h"
#include "pond/model/event_names.h"

namespace pond {
namespace {

using nlohmann::json;

// A churn alert is due within a day: ask why while the customer still remembers.
constexpr Micros kChurnAlertDue = kMicrosPerDay;
// friend_deleted older than this when seen (an import of history) alerts nobody.
constexpr Micros kAlertMaxAge = kMicrosPerDay;

Event TaskEvent(const char* name, std::string message_id, const std::string& customer_id,
                Micros now, const json& properties) {
  return ServiceEvent(name, std::move(message_id), customer_id, now, DumpJson(properties));
}

}  // namespace

Result<std::unique_ptr<TaskService>> TaskService::Start(Engine* engine) {
  std::unique_ptr<TaskService> service(new TaskService(engine));
  // Nothing to load: OnReset rebuilds the tasks from the log.
  RETURN_IF_ERROR(engine->LoadThenObserve(service.get(), nullptr));
  return service;
}

TaskService::~TaskService() {
  background_.Stop();  // before what it calls goes away
  engine_->RemoveObserver(this);
}

void TaskService::Apply(Workspace& w, const Event& e, const std::string& name,
                        const std::string& customer_id, bool live) {
  if (name != kTaskCreated && name != kTaskCompleted && name != kTaskSnoozed &&
      name != kFriendDeleted) {
    return;
  }
  json p = json::parse(e.properties, nullptr, false);
  if (!p.is_object()) p = json::object();
  if (name == kFriendDeleted) {
    const Micros now = engine_->clock().NowMicros();
    if (!live || JsonString(p, "by") == "staff" || now - e.timestamp > kAlertMaxAge) return;
    const std::string staff = JsonString(p, "staff_id");
    w.alerts.push_back(
        TaskEvent(kTaskCreated, "tsk:churn:" + std::to_string(e.seq), customer_id, now,
                  {{"kind", "churn_alert"},
                   {"title", "客户删除了好友，了解原因 / The customer removed you: find out why"},
                   {"assignee", staff},
                   {"due", FormatIso8601(now + kChurnAlertDue)},
                   {"friend_deleted_seq", e.seq}}));
    return;
  }
  if (name == kTaskCreated) {
    StaffTask t;
    t.id = "tsk_" + std::to_string(e.seq);
    t.seq = e.seq;
    t.customer_id = customer_id;
    t.assignee = JsonString(p, "assignee");
    t.title = JsonString(p, "title");
    t.kind = JsonString(p, "kind").empty() ? "journey" : JsonString(p, "kind");
    t.journey = JsonString(p, "journey");
    t.step = JsonString(p, "step");
    t.created_at = e.timestamp;
    Result<Micros> due = ParseIso8601(JsonString(p, "due"));
    t.due = due.ok() ? *due : e.timestamp;
    w.tasks[t.id] = std::move(t);
    return;
  }
  auto it = w.tasks.find(JsonString(p, "task"));
  if (it == w.tasks.end()) return;
  if (name == kTaskCompleted) {
    if (it->second.completed_at == 0) {
      it->second.completed_at = e.timestamp;
      it->second.completed_by = JsonString(p, "by");
    }
  } else if (Result<Micros> until = ParseIso8601(JsonString(p, "until")); until.ok()) {
    it->second.due = *until;
  }
}

void TaskService::OnApplied(const std::string& ws, const TenantState& state,
                            const AppliedEvent& applied) {
  const std::string& name = state.EventName(applied.name);
  if (name != kTaskCreated && name != kTaskCompleted && name != kTaskSnoozed &&
      name != kFriendDeleted) {
    return;
  }
  std::lock_guard lock(mu_);
  Apply(workspaces_[ws], applied.event, name, TenantState::CustomerId(applied.customer), true);
}

void TaskService::OnReset(const std::string& ws, const TenantState& state) {
  BeginReplay(ws);
  std::lock_guard lock(mu_);
  Workspace& w = workspaces_[ws];
  w.tasks.clear();
  const std::vector<std::string> names = {kTaskCreated, kTaskCompleted, kTaskSnoozed};
  NoteReplay(ws, ForEachLoadedChunk(engine_, EventRefs(state, names, 0), [&](const auto& chunk) {
               for (const auto& [e, customer] : chunk) {
                 Apply(w, e, e.name, TenantState::CustomerId(state.Live(customer)), false);
               }
             }));
}

Result<std::vector<StaffTask>> TaskService::List(const std::string& ws, const TaskQuery& q) {
  if (q.status != "open" && q.status != "done" && q.status != "all") {
    return FieldError("status", "\"open\", \"done\" or \"all\"");
  }
  const Micros now = engine_->clock().NowMicros();
  std::vector<StaffTask> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, t] : workspaces_[ws].tasks) {
      const bool open = t.completed_at == 0;
      if (!q.assignee.empty() && t.assignee != q.assignee) continue;
      if ((q.status == "open" && !open) || (q.status == "done" && open)) continue;
      if (q.overdue_only && !(open && t.due < now)) continue;
      out.push_back(t);
    }
  }
  std::sort(out.begin(), out.end(), [](const StaffTask& a, const StaffTask& b) {
    const bool ao = a.completed_at == 0, bo = b.completed_at == 0;
    if (ao != bo) return ao;
    if (ao) return a.due != b.due ? a.due < b.due : a.seq < b.seq;
    return a.completed_at > b.completed_at;
  });
  if (out.size() > q.limit) out.resize(q.limit);
  return out;
}

Result<StaffTask> TaskService::Get(const std::string& ws, const std::string& id) {
  std::lock_guard lock(mu_);
  auto& tasks = workspaces_[ws].tasks;
  auto it = tasks.find(id);
  if (it == tasks.end()) return Status::NotFound("task \"" + id + "\" not found");
  return it->second;
}

Status TaskService::Complete(const std::string& ws, const std::string& id, const std::string& by) {
  ASSIGN_OR_RETURN(StaffTask t, Get(ws, id));
  if (t.completed_at != 0) return Status::Ok();  // done is done: completing again is a no-op
  // One completion per task: the messageId makes a retried call a duplicate.
  return engine_
      ->Submit(ws, {TaskEvent(kTaskCompleted, "tsk:done:" + id, t.customer_id,
                              engine_->clock().NowMicros(), {{"task", id}, {"by", by}})})
      .status();
}

Status TaskService::Snooze(const std::string& ws, const std::string& id, Micros until) {
  ASSIGN_OR_RETURN(StaffTask t, Get(ws, id));
  if (t.completed_at != 0) {
    return Status(StatusCode::kFailedPrecondition, "task \"" + id + "\" is done");
  }
  const Micros now = engine_->clock().NowMicros();
  if (until <= now) return FieldError("until", "a time in the future");
  if (until > now + 365 * kMicrosPerDay) return FieldError("until", "at most a year ahead");
  return engine_
      ->Submit(ws, {TaskEvent(kTaskSnoozed, "tsk:snooze:" + id + ":" + std::to_string(until),
                              t.customer_id, now, {{"task", id}, {"until", FormatIso8601(until)}})})
      .status();
}

Status TaskService::Flush() {
  std::vector<std::pair<std::string, std::vector<Event>>> queued;
  {
    std::lock_guard lock(mu_);
    for (auto& [ws, w] : workspaces_) {
      if (!w.alerts.empty()) queued.emplace_back(ws, std::move(w.alerts));
      w.alerts.clear();
    }
  }
  for (auto& [ws, events] : queued) {
    auto r = engine_->Submit(ws, events);
    if (!r.ok()) {
      std::lock_guard lock(mu_);
      auto& alerts = workspaces_[ws].alerts;
      alerts.insert(alerts.end(), events.begin(), events.end());  // try again next time
      return r.status();
    }
  }
  return Status::Ok();
}

void TaskService::RunInBackground(std::chrono::milliseconds every) {
  background_.Start(every, [this] { (void)Flush(); });
}

}  // namespace pond
