// Outbound delivery: the queue and dead letters (docs/journeys.md, "Delivery"), and the
// channel settings with their secrets masked.
#include <nlohmann/json.hpp>

#include "pond/base/time.h"
#include "server/handler_util.h"

namespace pond::server {

HttpResponse ListDeliveries(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return ErrorResponse(limit.status());
  std::string status = QueryParam(req, "status");
  if (status.empty()) status = "failed";
  auto list = ctx.deliveries.List(ctx.workspace, status, *limit);
  if (!list.ok()) return ErrorResponse(list.status());
  json data = json::array();
  for (const outbound::DeliveryView& d : *list) {
    json row = {{"id", d.id},
                {"channel", d.channel},
                {"customer_id", d.customer_id},
                {"template", d.template_id},
                {"status", d.status},
                {"attempts", d.attempts},
                {"detail", d.detail}};
    if (d.status == "pending") row["next_attempt"] = FormatIso8601(d.next_attempt);
    data.push_back(std::move(row));
  }
  // The queue answers the oldest `limit`: they are the one page.
  return OnePageResponse(std::move(data));
}

HttpResponse RetryDelivery(ApiContext& ctx, const HttpRequest& req) {
  Status s = ctx.deliveries.Retry(ctx.workspace, req.params.at("id"));
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(DumpJson({{"id", req.params.at("id")}, {"status", "pending"}}), 202);
}

HttpResponse GetChannelSettings(ApiContext& ctx, const HttpRequest&) {
  auto s = ctx.deliveries.Settings(ctx.workspace);
  if (!s.ok()) return ErrorResponse(s.status());
  return JsonResponse(outbound::ChannelSettingsJson(*s, false));
}

HttpResponse PutChannelSettings(ApiContext& ctx, const HttpRequest& req) {
  auto s = outbound::ParseChannelSettings(req.Body());
  if (!s.ok()) return ErrorResponse(s.status());
  auto old = ctx.deliveries.Settings(ctx.workspace);
  if (!old.ok()) return ErrorResponse(old.status());
  // A secret sent back as GET showed it (masked) keeps its stored value.
  auto keep = [](std::string& secret, const std::string& stored) {
    if (secret.starts_with("••••")) secret = stored;
  };
  keep(s->webhook_secret, old->webhook_secret);
  keep(s->wecom_secret, old->wecom_secret);
  Status saved = ctx.deliveries.SetSettings(ctx.workspace, *s);
  if (!saved.ok()) return ErrorResponse(saved);
  return JsonResponse(outbound::ChannelSettingsJson(*s, false));
}

}  // namespace pond::server
