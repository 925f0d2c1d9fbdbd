// Staff tasks: a queue per staff account, complete and snooze (docs/journeys.md, "Staff tasks").
#include "pond/base/time.h"
#include "server/handler_util.h"

namespace pond::server {

static json TaskJson(const StaffTask& t, Micros now) {
  json j = {{"id", t.id},
            {"customer_id", t.customer_id},
            {"assignee", t.assignee},
            {"title", t.title},
            {"kind", t.kind},
            {"created_at", FormatIso8601(t.created_at)},
            {"due", FormatIso8601(t.due)},
            {"status", t.completed_at == 0 ? "open" : "done"},
            {"overdue", t.completed_at == 0 && t.due < now}};
  if (!t.journey.empty()) j["journey"] = {{"id", t.journey}, {"step", t.step}};
  if (t.completed_at != 0) {
    j["completed_at"] = FormatIso8601(t.completed_at);
    j["completed_by"] = t.completed_by;
  }
  return j;
}

Result<json> ListTasks(ApiContext& ctx, const HttpRequest& req) {
  ASSIGN_OR_RETURN(const size_t limit, LimitParam(req));
  TaskQuery q;
  q.assignee = QueryParam(req, "assignee");
  // A staff member's queue is their own, whatever they ask for.
  if (ctx.who && ctx.who->role == auth::Role::kStaff) q.assignee = ctx.who->staff_id;
  q.status = QueryParam(req, "status").empty() ? "open" : QueryParam(req, "status");
  const std::string overdue = QueryParam(req, "overdue");
  if (!overdue.empty() && overdue != "true" && overdue != "false") {
    return FieldError("overdue", "true or false");
  }
  q.overdue_only = overdue == "true";
  q.limit = limit;
  auto list = ctx.tasks.List(ctx.workspace, q);
  if (!list.ok()) return list.status();
  const Micros now = ctx.engine.clock().NowMicros();
  json data = json::array();
  for (const StaffTask& t : *list) data.push_back(TaskJson(t, now));
  // The first `limit` in the task list's order are the one page.
  return OnePage(std::move(data));
}

// Staff act on their own tasks only: another's is a 404, as if absent.
static Status CheckTaskScope(ApiContext& ctx, const std::string& id) {
  if (!ctx.who || ctx.who->role != auth::Role::kStaff) return Status::Ok();
  auto t = ctx.tasks.Get(ctx.workspace, id);
  if (!t.ok()) return t.status();
  if (t->assignee != ctx.who->staff_id) return Status::NotFound("task \"" + id + "\" not found");
  return Status::Ok();
}

static Result<json> TaskAnswer(ApiContext& ctx, const std::string& id) {
  auto t = ctx.tasks.Get(ctx.workspace, id);
  if (!t.ok()) return t.status();
  return TaskJson(*t, ctx.engine.clock().NowMicros());
}

Result<json> CompleteTask(ApiContext& ctx, const HttpRequest& req) {
  RETURN_IF_ERROR(CheckTaskScope(ctx, req.params.at("id")));
  std::string by;
  if (req.body_size > 0) {
    auto body = ParseJsonObject(req);
    if (!body.ok()) return body.status();
    Status s = ReadStringField(*body, "by", &by);
    if (!s.ok()) return s;
  }
  Status s = ctx.tasks.Complete(ctx.workspace, req.params.at("id"), by);
  if (!s.ok()) return s;
  return TaskAnswer(ctx, req.params.at("id"));
}

Result<json> SnoozeTask(ApiContext& ctx, const HttpRequest& req) {
  RETURN_IF_ERROR(CheckTaskScope(ctx, req.params.at("id")));
  auto body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  std::string until;
  Status s = ReadStringField(*body, "until", &until);
  if (!s.ok()) return s;
  if (until.empty()) return FieldError("until", "required: an ISO 8601 time");
  Result<int> zone = ctx.engine.UtcOffsetOf(ctx.workspace);
  if (!zone.ok()) return zone.status();
  Result<Micros> at = ParseIso8601(until, *zone);  // without an offset: the workspace's time
  if (!at.ok()) return FieldError("until", "an ISO 8601 time");
  s = ctx.tasks.Snooze(ctx.workspace, req.params.at("id"), *at);
  if (!s.ok()) return s;
  return TaskAnswer(ctx, req.params.at("id"));
}

}  // namespace pond::server
