// Journeys: saved definitions with versions and a status (the runtime is to come).
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

static HttpResponse JourneyResponse(const Result<SavedJourney>& j, int status = 200) {
  if (!j.ok()) return ErrorResponse(j.status());
  return JsonResponse(Dump(JourneyJson(*j, true)), status);
}

HttpResponse ListJourneys(ApiContext& ctx, const HttpRequest&) {
  auto all = JourneyStore(&ctx.engine).List(ctx.workspace);
  if (!all.ok()) return ErrorResponse(all.status());
  json data = json::array();
  for (const SavedJourney& j : *all) data.push_back(JourneyJson(j, false));
  return JsonResponse(Dump(
      {{"data", data}, {"next_cursor", nullptr}, {"total", static_cast<int64_t>(all->size())}}));
}

HttpResponse CreateJourney(ApiContext& ctx, const HttpRequest& req) {
  return JourneyResponse(JourneyStore(&ctx.engine).Create(ctx.workspace, std::string(req.Body())),
                         201);
}

HttpResponse GetJourney(ApiContext& ctx, const HttpRequest& req) {
  return JourneyResponse(JourneyStore(&ctx.engine).Get(ctx.workspace, req.params.at("id")));
}

HttpResponse UpdateJourney(ApiContext& ctx, const HttpRequest& req) {
  return JourneyResponse(JourneyStore(&ctx.engine)
                             .Update(ctx.workspace, req.params.at("id"), std::string(req.Body())));
}

HttpResponse DeleteJourney(ApiContext& ctx, const HttpRequest& req) {
  Status s = JourneyStore(&ctx.engine).Delete(ctx.workspace, req.params.at("id"));
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(Dump({{"deleted", req.params.at("id")}}));
}

HttpResponse ActivateJourney(ApiContext& ctx, const HttpRequest& req) {
  return JourneyResponse(
      JourneyStore(&ctx.engine)
          .SetStatus(ctx.workspace, req.params.at("id"), JourneyStatus::kActive));
}

HttpResponse PauseJourney(ApiContext& ctx, const HttpRequest& req) {
  return JourneyResponse(
      JourneyStore(&ctx.engine)
          .SetStatus(ctx.workspace, req.params.at("id"), JourneyStatus::kPaused));
}

}  // namespace pond::server
