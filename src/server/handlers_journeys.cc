// Journeys: saved definitions with versions and a status, what the runtime is doing with
// them, and the messaging settings (quiet hours, caps, staff limits) every send obeys.
#include "pond/app/views.h"
#include "pond/base/time.h"
#include "pond/journey/journey_store.h"
#include "server/handler_util.h"

namespace pond::server {

static json JourneyJson(const SavedJourney& j, bool with_versions) {
  json out = {{"id", j.id},
              {"name", j.name},
              {"status", JourneyStatusName(j.status)},
              {"version", j.current().version},
              {"created_at", FormatIso8601(j.created_at)},
              {"updated_at", FormatIso8601(j.updated_at)},
              {"definition", json::parse(j.current().definition, nullptr, false)}};
  if (with_versions) {
    json versions = json::array();
    for (const JourneyVersion& v : j.versions) {
      versions.push_back({{"version", v.version}, {"saved_at", FormatIso8601(v.saved_at)}});
    }
    out["versions"] = versions;
  }
  return out;
}

// A write changed what runs: the runtime reloads the workspace's journeys before answering,
// so a journey activated by this call runs from the next tick.
static Result<json> JourneyResponse(ApiContext& ctx, const Result<SavedJourney>& j) {
  if (!j.ok()) return j.status();
  RETURN_IF_ERROR(ctx.journeys.Reload(ctx.workspace));
  return JourneyJson(*j, true);
}

Result<json> ListJourneys(ApiContext& ctx, const HttpRequest&) {
  auto all = JourneyStore(&ctx.engine).List(ctx.workspace);
  if (!all.ok()) return all.status();
  json data = json::array();
  for (const SavedJourney& j : *all) data.push_back(JourneyJson(j, false));
  return OnePage(std::move(data));
}

Result<json> CreateJourney(ApiContext& ctx, const HttpRequest& req) {
  return JourneyResponse(ctx,
                         JourneyStore(&ctx.engine).Create(ctx.workspace, std::string(req.Body())));
}

Result<json> GetJourney(ApiContext& ctx, const HttpRequest& req) {
  auto j = JourneyStore(&ctx.engine).Get(ctx.workspace, req.params.at("id"));
  if (!j.ok()) return j.status();
  return JourneyJson(*j, true);
}

Result<json> UpdateJourney(ApiContext& ctx, const HttpRequest& req) {
  return JourneyResponse(ctx,
                         JourneyStore(&ctx.engine)
                             .Update(ctx.workspace, req.params.at("id"), std::string(req.Body())));
}

Result<json> DeleteJourney(ApiContext& ctx, const HttpRequest& req) {
  Status s = JourneyStore(&ctx.engine).Delete(ctx.workspace, req.params.at("id"));
  if (s.ok()) s = ctx.journeys.Reload(ctx.workspace);
  if (!s.ok()) return s;
  return json({{"deleted", req.params.at("id")}});
}

Result<json> ActivateJourney(ApiContext& ctx, const HttpRequest& req) {
  return JourneyResponse(
      ctx, JourneyStore(&ctx.engine)
               .SetStatus(ctx.workspace, req.params.at("id"), JourneyStatus::kActive));
}

Result<json> PauseJourney(ApiContext& ctx, const HttpRequest& req) {
  return JourneyResponse(
      ctx, JourneyStore(&ctx.engine)
               .SetStatus(ctx.workspace, req.params.at("id"), JourneyStatus::kPaused));
}

HttpResponse JourneyStatsHandler(ApiContext& ctx, const HttpRequest& req) {
  auto stats = ctx.journeys.Stats(ctx.workspace, req.params.at("id"));
  if (!stats.ok()) return ErrorResponse(stats.status());
  return JsonResponse(app::JourneyStatsJsonText(*stats));
}

Result<json> JourneyInstances(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  auto list = ctx.journeys.Instances(ctx.workspace, req.params.at("id"), *limit);
  if (!list.ok()) return list.status();
  json data = json::array();
  for (const InstanceView& i : *list) {
    data.push_back({{"instance", i.instance},
                    {"customer_id", i.customer},
                    {"version", i.version},
                    {"step", i.step},
                    {"since", FormatIso8601(i.since)}});
  }
  // The oldest `limit` running instances are the one page.
  return OnePage(std::move(data));
}

Result<json> GetMessagingSettings(ApiContext& ctx, const HttpRequest&) {
  auto settings = ctx.journeys.Politeness(ctx.workspace);
  if (!settings.ok()) return settings.status();
  return PolitenessSettingsJson(*settings);
}

Result<json> PutMessagingSettings(ApiContext& ctx, const HttpRequest& req) {
  auto settings = ParsePolitenessSettings(req.Body());
  if (!settings.ok()) return settings.status();
  Status saved = ctx.journeys.SetPoliteness(ctx.workspace, *settings);
  if (!saved.ok()) return saved;
  return PolitenessSettingsJson(*settings);
}

}  // namespace pond::server
