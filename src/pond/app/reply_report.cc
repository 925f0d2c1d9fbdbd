#include "pond/app/reply_report.h"

#include <cstdio>

#include "pond/base/json_fields.h"
#include "pond/engine/event_replay.h"
#include "pond/engine/tenant_state.h"
#include "pond/model/event_names.h"

namespace pond::app {

using nlohmann::json;

Result<analytics::ReplyReport> Replies(App& app, const std::string& ws, Micros from, Micros to,
                                       const std::string& from_field, const std::string& to_field) {
  if (from >= to) return FieldError(to_field, "a time after " + from_field);
  Engine& engine = app.engine();
  std::vector<EventRef> refs;
  RETURN_IF_ERROR(engine.ReadState(ws, [&](const TenantState& state) {
    refs = EventRefs(state, {kMessageReceived, kMessageSent}, 0);
  }));
  // A reply may come up to a window after the range; a turn may not start before it.
  std::vector<analytics::ChatMessage> messages;
  RETURN_IF_ERROR(ForEachLoadedChunk(&engine, refs, [&](const auto& chunk) {
    for (const auto& [e, customer] : chunk) {
      if (e.timestamp < from || e.timestamp >= to + analytics::kReplyWindow) continue;
      const json p = json::parse(e.properties, nullptr, false);
      const std::string staff = p.is_object() ? JsonString(p, "staff_id") : "";
      if (staff.empty() || (p.contains("group_id"))) continue;
      messages.push_back({customer, staff, e.timestamp, e.name == kMessageReceived});
    }
  }));
  // The customer each event was posted to may have been merged since: count them as one.
  RETURN_IF_ERROR(engine.ReadState(ws, [&](const TenantState& state) {
    for (analytics::ChatMessage& m : messages) m.customer = state.Live(m.customer);
  }));
  return analytics::ComputeReplyTimes(std::move(messages), from, to, engine.clock().NowMicros());
}

static json StaffJson(const analytics::StaffReplies& s) {
  return {{"staff", s.staff},
          {"turns", s.turns},
          {"replied", s.replied},
          {"missed", s.missed},
          {"waiting", s.waiting},
          {"reply_rate", s.reply_rate},
          {"first_reply_median_seconds", s.median_seconds},
          {"first_reply_p90_seconds", s.p90_seconds},
          {"first_reply_mean_seconds", s.mean_seconds}};
}

json RepliesJson(const analytics::ReplyReport& r) {
  json staff = json::array();
  for (const analytics::StaffReplies& s : r.staff) staff.push_back(StaffJson(s));
  json all = StaffJson(r.all);
  all.erase("staff");
  return {
      {"staff", staff}, {"all", all}, {"window_hours", analytics::kReplyWindow / kMicrosPerHour}};
}

ReportTable RepliesTable(const analytics::ReplyReport& r) {
  ReportTable t;
  t.header = {"staff", "turns", "replied", "missed", "waiting", "reply_rate", "median_s", "p90_s"};
  auto row = [&](const analytics::StaffReplies& s, const std::string& name) {
    char rate[16];
    std::snprintf(rate, sizeof rate, "%.3f", s.reply_rate);
    t.rows.push_back({name, std::to_string(s.turns), std::to_string(s.replied),
                      std::to_string(s.missed), std::to_string(s.waiting), rate,
                      std::to_string(s.median_seconds), std::to_string(s.p90_seconds)});
  };
  for (const analytics::StaffReplies& s : r.staff) row(s, s.staff);
  row(r.all, "(all)");
  return t;
}

}  // namespace pond::app
