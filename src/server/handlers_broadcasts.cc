// Broadcasts (docs/journeys.md, "Broadcasts"): the body's fields to app::BroadcastRequest, and
// the broadcast's report back.
#include "pond/app/broadcasts.h"
#include "server/handler_util.h"

namespace pond::server {

HttpResponse CreateBroadcast(ApiContext& ctx, const HttpRequest& req) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  app::BroadcastRequest r;
  for (auto [field, out] : {std::pair<const char*, std::string*>{"id", &r.id},
                            {"name", &r.name},
                            {"segment", &r.segment},
                            {"at", &r.at},
                            {"channel", &r.channel},
                            {"template", &r.template_id}}) {
    if (Status s = ReadStringField(*body, field, out); !s.ok()) return ErrorResponse(s);
  }
  if (body->contains("variables")) r.variables = (*body)["variables"];
  if (body->contains("marketing")) r.marketing = (*body)["marketing"];
  auto report = app::CreateBroadcast(ctx.app, ctx.workspace, r);
  if (!report.ok()) return ErrorResponse(report.status());
  return JsonResponse(DumpJson(*report), 201);
}

HttpResponse GetBroadcast(ApiContext& ctx, const HttpRequest& req) {
  auto report = app::GetBroadcast(ctx.app, ctx.workspace, req.params.at("id"));
  if (!report.ok()) return ErrorResponse(report.status());
  return JsonResponse(DumpJson(*report));
}

HttpResponse ListBroadcasts(ApiContext& ctx, const HttpRequest&) {
  auto list = app::ListBroadcasts(ctx.app, ctx.workspace);
  if (!list.ok()) return ErrorResponse(list.status());
  return JsonResponse(DumpJson(*list));
}

}  // namespace pond::server
