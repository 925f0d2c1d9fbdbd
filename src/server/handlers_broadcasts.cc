// Broadcasts (docs/journeys.md, "Broadcasts"): the body's fields to app::BroadcastRequest, and
// the broadcast's report back.
#include "pond/app/broadcasts.h"
#include "server/handler_util.h"

namespace pond::server {

Result<json> CreateBroadcast(ApiContext& ctx, const HttpRequest& req) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  app::BroadcastRequest r;
  for (auto [field, out] : {std::pair<const char*, std::string*>{"id", &r.id},
                            {"name", &r.name},
                            {"segment", &r.segment},
                            {"at", &r.at},
                            {"channel", &r.channel},
                            {"template", &r.template_id}}) {
    if (Status s = ReadStringField(*body, field, out); !s.ok()) return s;
  }
  if (body->contains("variables")) r.variables = (*body)["variables"];
  if (body->contains("marketing")) r.marketing = (*body)["marketing"];
  return app::CreateBroadcast(ctx.app, ctx.workspace, r);
}

Result<json> GetBroadcast(ApiContext& ctx, const HttpRequest& req) {
  return app::GetBroadcast(ctx.app, ctx.workspace, req.params.at("id"));
}

Result<json> ListBroadcasts(ApiContext& ctx, const HttpRequest&) {
  return app::ListBroadcasts(ctx.app, ctx.workspace);
}

}  // namespace pond::server
