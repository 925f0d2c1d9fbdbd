// Broadcasts: a one-off send to a segment's members at a time. A broadcast is a journey with a
// `once` trigger and one send step, so it obeys consent, quiet hours, caps and staff limits like
// every journey, and its progress and result are that journey's stats (docs/journeys.md,
// "Broadcasts").
#include <atomic>

#include "pond/base/time.h"
#include "pond/journey/journey.h"
#include "pond/journey/journey_store.h"
#include "server/handler_util.h"

namespace pond::server {
namespace {

constexpr Micros kBroadcastLateness = kMicrosPerHour;  // the runtime's schedule grace

Result<json> Report(ApiContext& ctx, const SavedJourney& j, const JourneyDef& def) {
  ASSIGN_OR_RETURN(JourneyStats stats, ctx.journeys.Stats(ctx.workspace, j.id));
  const Micros now = ctx.engine.clock().NowMicros();
  const Micros at = def.trigger.once_at;
  std::string status;
  if (j.status != JourneyStatus::kActive) {
    status = "paused";
  } else if (now < at) {
    status = "scheduled";
  } else if (stats.live > 0 || (stats.entered == 0 && now - at <= kBroadcastLateness)) {
    status = "sending";
  } else {
    status = "done";
  }
  const JourneyStep& send = def.steps.front();
  return json{{"id", j.id},
              {"name", j.name},
              {"segment", def.trigger.segment},
              {"at", FormatIso8601(at)},
              {"channel", send.channel},
              {"template", send.template_id},
              {"status", status},
              {"audience", stats.entered},
              {"sent", stats.messages},
              {"pending", stats.live},
              {"suppressed", stats.suppressed},
              {"deferred", stats.deferred}};
}

// The saved journey if it is a broadcast.
Result<std::pair<SavedJourney, JourneyDef>> LoadBroadcast(ApiContext& ctx, const std::string& id) {
  ASSIGN_OR_RETURN(SavedJourney j, JourneyStore(&ctx.engine).Get(ctx.workspace, id));
  ASSIGN_OR_RETURN(JourneyDef def, ParseJourney(j.current().definition));
  if (def.trigger.kind != TriggerKind::kOnce || def.steps.empty()) {
    return Status::NotFound("broadcast \"" + id + "\" not found (it is a journey)");
  }
  return std::make_pair(std::move(j), std::move(def));
}

std::string NewBroadcastId(Micros now) {
  static std::atomic<uint32_t> counter{0};
  char buf[48];
  std::snprintf(buf, sizeof buf, "bc_%llx%03x", static_cast<unsigned long long>(now / 1000),
                counter.fetch_add(1) & 0xfff);
  return buf;
}

}  // namespace

HttpResponse CreateBroadcast(ApiContext& ctx, const HttpRequest& req) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  const Micros now = ctx.engine.clock().NowMicros();
  std::string id, name, segment, at_text, channel = "outbox", template_id;
  for (auto [field, out] : {std::pair<const char*, std::string*>{"id", &id},
                            {"name", &name},
                            {"segment", &segment},
                            {"at", &at_text},
                            {"channel", &channel},
                            {"template", &template_id}}) {
    if (Status s = ReadStringField(*body, field, out); !s.ok()) return ErrorResponse(s);
  }
  if (segment.empty())
    return ErrorResponse(FieldError("segment", "required: a segment id or name"));
  if (template_id.empty()) return ErrorResponse(FieldError("template", "required"));
  if (!ctx.segments.Get(ctx.workspace, segment).ok()) {
    return ErrorResponse(FieldError("segment", "no segment \"" + segment + "\""));
  }
  Micros at = now;
  if (!at_text.empty()) {
    Result<Micros> parsed = ParseIso8601(at_text, 8 * 3600);
    if (!parsed.ok()) return ErrorResponse(FieldError("at", "an ISO 8601 time"));
    if (*parsed < now - kMicrosPerMinute) return ErrorResponse(FieldError("at", "in the past"));
    at = std::max(*parsed, now);
  }
  if (id.empty()) id = NewBroadcastId(now);
  json send = {{"channel", channel}, {"template", template_id}};
  if (body->contains("variables")) send["variables"] = (*body)["variables"];
  if (body->contains("marketing")) send["marketing"] = (*body)["marketing"];
  json def = {{"id", id},
              {"name", name.empty() ? "broadcast " + FormatIso8601(at) : name},
              {"trigger", {{"once", {{"at", FormatIso8601(at)}, {"segment", segment}}}}},
              {"steps", json::array({{{"id", "send"}, {"send", send}}})}};
  JourneyStore store(&ctx.engine);
  // The definition is validated as any journey's: its errors name the broadcast's fields.
  auto made = store.Create(ctx.workspace, DumpJson(def));
  if (!made.ok()) {
    Status s = made.status();
    std::string field = s.field();
    if (field.starts_with("steps[0].send.")) field = field.substr(14);
    return ErrorResponse(Status(s.code(), s.message(), field));
  }
  auto active = store.SetStatus(ctx.workspace, id, JourneyStatus::kActive);
  Status reloaded = active.ok() ? ctx.journeys.Reload(ctx.workspace) : active.status();
  if (!reloaded.ok()) return ErrorResponse(reloaded);
  auto b = LoadBroadcast(ctx, id);
  if (!b.ok()) return ErrorResponse(b.status());
  auto report = Report(ctx, b->first, b->second);
  if (!report.ok()) return ErrorResponse(report.status());
  return JsonResponse(DumpJson(*report), 201);
}

HttpResponse GetBroadcast(ApiContext& ctx, const HttpRequest& req) {
  auto b = LoadBroadcast(ctx, req.params.at("id"));
  if (!b.ok()) return ErrorResponse(b.status());
  auto report = Report(ctx, b->first, b->second);
  if (!report.ok()) return ErrorResponse(report.status());
  return JsonResponse(DumpJson(*report));
}

HttpResponse ListBroadcasts(ApiContext& ctx, const HttpRequest&) {
  auto all = JourneyStore(&ctx.engine).List(ctx.workspace);
  if (!all.ok()) return ErrorResponse(all.status());
  json data = json::array();
  for (const SavedJourney& j : *all) {
    auto def = ParseJourney(j.current().definition);
    if (!def.ok() || def->trigger.kind != TriggerKind::kOnce || def->steps.empty()) continue;
    auto report = Report(ctx, j, *def);
    if (report.ok()) data.push_back(*report);
  }
  return JsonResponse(DumpJson({{"data", data}}));
}

}  // namespace pond::server
