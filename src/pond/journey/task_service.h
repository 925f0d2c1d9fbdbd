// Staff tasks: the 1:1 follow-ups journeys create (a `task` step), and churn alerts when a
// customer deletes a staff account. A queue per staff account, kept as events like everything
// else (docs/journeys.md, "Staff tasks"):
//
//   task_created    {title, assignee, due, kind: "journey" | "churn_alert", journey, step}
//   task_completed  {task, by}
//   task_snoozed    {task, until}
//
// A task's id is "tsk_<seq of its task_created>". A `friend_deleted` by the customer queues a
// churn alert for the staff account that lost them (messageId "tsk:churn:<seq>", so it is
// stored once); alerts are submitted by Flush(), since observers may not submit.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "pond/base/periodic.h"
#include "pond/engine/engine.h"
#include "pond/model/event_names.h"  // task_completed, task_snoozed

namespace pond {

struct StaffTask {
  std::string id;  // "tsk_<seq>"
  std::string customer_id;
  std::string assignee;  // staff account; "" when the customer has no owner
  std::string title;
  std::string kind;  // "journey" | "churn_alert"
  std::string journey, step;
  Micros created_at = 0;
  Micros due = 0;           // snoozing moves it
  Micros completed_at = 0;  // 0: open
  std::string completed_by;
  int64_t seq = 0;
};

struct TaskQuery {
  std::string assignee;         // "" = everyone
  std::string status = "open";  // open | done | all
  bool overdue_only = false;
  size_t limit = 50;
};

class TaskService final : public ReplayingObserver {
 public:
  static Result<std::unique_ptr<TaskService>> Start(Engine* engine);
  ~TaskService() override;

  // Open tasks first by due time, then done ones, newest first.
  Result<std::vector<StaffTask>> List(const std::string& ws, const TaskQuery& query);
  Result<StaffTask> Get(const std::string& ws, const std::string& id);
  Status Complete(const std::string& ws, const std::string& id, const std::string& by);
  Status Snooze(const std::string& ws, const std::string& id, Micros until);
  // Submits the queued churn alerts.
  Status Flush();
  void RunInBackground(std::chrono::milliseconds every);

  void OnApplied(const std::string& ws, const TenantState& state,
                 const AppliedEvent& applied) override;
  void OnReset(const std::string& ws, const TenantState& state) override;

 private:
  struct Workspace {
    std::unordered_map<std::string, StaffTask> tasks;
    std::vector<Event> alerts;  // churn alerts to submit
  };
  explicit TaskService(Engine* engine) : engine_(engine) {}
  // `live`: seen as it was applied (churn alerts come only from those).
  void Apply(Workspace& w, const Event& e, const std::string& name, const std::string& customer_id,
             bool live);  // REQUIRES: mu_

  Engine* engine_;
  PeriodicThread background_;
  std::mutex mu_;
  std::unordered_map<std::string, Workspace> workspaces_;
};

}  // namespace pond
