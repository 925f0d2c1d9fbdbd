#include "pond/app/broadcasts.h"

#include <atomic>
#include <cstdio>

#include "pond/base/json_text.h"
#include "pond/base/time.h"
#include "pond/journey/journey.h"
#include "pond/journey/journey_runtime.h"
#include "pond/journey/journey_store.h"
#include "pond/segment/segment_service.h"

namespace pond::app {
namespace {

using nlohmann::json;

constexpr Micros kBroadcastLateness = kMicrosPerHour;  // the runtime's schedule grace

// Scheduled before its time, sending while instances run (or within the grace before the
// first enters), then done; paused whenever the journey is.
const char* StatusOf(const SavedJourney& j, const JourneyStats& stats, Micros at, Micros now) {
  if (j.status != JourneyStatus::kActive) return "paused";
  if (now < at) return "scheduled";
  if (stats.live > 0 || (stats.entered == 0 && now - at <= kBroadcastLateness)) return "sending";
  return "done";
}

Result<json> Report(App& app, const std::string& ws, const SavedJourney& j, const JourneyDef& def) {
  ASSIGN_OR_RETURN(JourneyStats stats, app.journeys().Stats(ws, j.id));
  const Micros now = app.engine().clock().NowMicros();
  const Micros at = def.trigger.once_at;
  const JourneyStep& send = def.steps.front();
  return json{{"id", j.id},
              {"name", j.name},
              {"segment", def.trigger.segment},
              {"at", FormatIso8601(at)},
              {"channel", send.channel},
              {"template", send.template_id},
              {"status", StatusOf(j, stats, at, now)},
              {"audience", stats.entered},
              {"sent", stats.messages},
              {"pending", stats.live},
              {"suppressed", stats.suppressed},
              {"deferred", stats.deferred}};
}

bool IsBroadcast(const JourneyDef& def) {
  return def.trigger.kind == TriggerKind::kOnce && !def.steps.empty();
}

// The saved journey if it is a broadcast.
Result<std::pair<SavedJourney, JourneyDef>> LoadBroadcast(App& app, const std::string& ws,
                                                          const std::string& id) {
  ASSIGN_OR_RETURN(SavedJourney j, JourneyStore(&app.engine()).Get(ws, id));
  ASSIGN_OR_RETURN(const int zone, app.engine().UtcOffsetOf(ws));
  ASSIGN_OR_RETURN(JourneyDef def, ParseJourney(j.current().definition, zone));
  if (!IsBroadcast(def))
    return Status::NotFound("broadcast \"" + id + "\" not found (it is a journey)");
  return std::make_pair(std::move(j), std::move(def));
}

// bc_<milliseconds in hex><a counter>: unique within a process, ordered by creation.
std::string NewBroadcastId(Micros now) {
  static std::atomic<uint32_t> counter{0};
  char buf[48];
  std::snprintf(buf, sizeof buf, "bc_%llx%03x", static_cast<unsigned long long>(now / 1000),
                counter.fetch_add(1) & 0xfff);
  return buf;
}

}  // namespace

Result<json> CreateBroadcast(App& app, const std::string& ws, const BroadcastRequest& request) {
  if (request.segment.empty()) return FieldError("segment", "required: a segment id or name");
  if (request.template_id.empty()) return FieldError("template", "required");
  if (!app.segments().Get(ws, request.segment).ok()) {
    return FieldError("segment", "no segment \"" + request.segment + "\"");
  }
  const Micros now = app.engine().clock().NowMicros();
  Micros at = now;
  if (!request.at.empty()) {
    ASSIGN_OR_RETURN(const int zone, app.engine().UtcOffsetOf(ws));
    Result<Micros> parsed = ParseIso8601(request.at, zone);
    if (!parsed.ok()) return FieldError("at", "an ISO 8601 time");
    if (*parsed < now - kMicrosPerMinute) return FieldError("at", "in the past");
    at = std::max(*parsed, now);
  }
  const std::string id = request.id.empty() ? NewBroadcastId(now) : request.id;
  json send = {{"channel", request.channel}, {"template", request.template_id}};
  if (!request.variables.is_discarded()) send["variables"] = request.variables;
  if (!request.marketing.is_discarded()) send["marketing"] = request.marketing;
  json def = {{"id", id},
              {"name", request.name.empty() ? "broadcast " + FormatIso8601(at) : request.name},
              {"trigger", {{"once", {{"at", FormatIso8601(at)}, {"segment", request.segment}}}}},
              {"steps", json::array({{{"id", "send"}, {"send", send}}})}};
  JourneyStore store(&app.engine());
  // The definition is validated as any journey's: its errors name the broadcast's fields.
  Result<SavedJourney> made = store.Create(ws, DumpJson(def));
  if (!made.ok()) {
    const Status& s = made.status();
    std::string field = s.field();
    if (field.starts_with("steps[0].send.")) field = field.substr(14);
    return Status(s.code(), s.message(), field);
  }
  RETURN_IF_ERROR(store.SetStatus(ws, id, JourneyStatus::kActive).status());
  RETURN_IF_ERROR(app.journeys().Reload(ws));
  return GetBroadcast(app, ws, id);
}

Result<json> GetBroadcast(App& app, const std::string& ws, const std::string& id) {
  ASSIGN_OR_RETURN(auto broadcast, LoadBroadcast(app, ws, id));
  return Report(app, ws, broadcast.first, broadcast.second);
}

Result<json> ListBroadcasts(App& app, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<SavedJourney> all, JourneyStore(&app.engine()).List(ws));
  ASSIGN_OR_RETURN(const int zone, app.engine().UtcOffsetOf(ws));
  json data = json::array();
  for (const SavedJourney& j : all) {
    Result<JourneyDef> def = ParseJourney(j.current().definition, zone);
    if (!def.ok() || !IsBroadcast(*def)) continue;
    Result<json> report = Report(app, ws, j, *def);
    if (report.ok()) data.push_back(std::move(*report));
  }
  return json{{"data", data}, {"next_cursor", nullptr}, {"total", data.size()}};
}

}  // namespace pond::app
