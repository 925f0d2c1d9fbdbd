// Outbound delivery: the queue and dead letters (docs/journeys.md, "Delivery"), and the
// channel settings with their secrets masked.
#include <nlohmann/json.hpp>

#include "pond/app/channels.h"
#include "pond/base/time.h"
#include "server/handler_util.h"

namespace pond::server {

Result<json> ListDeliveries(ApiContext& ctx, const HttpRequest& req) {
  ASSIGN_OR_RETURN(const size_t limit, LimitParam(req));
  std::string status = QueryParam(req, "status");
  if (status.empty()) status = "failed";
  auto list = ctx.deliveries.List(ctx.workspace, status, limit);
  if (!list.ok()) return list.status();
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
  return OnePage(std::move(data));
}

Result<json> RetryDelivery(ApiContext& ctx, const HttpRequest& req) {
  Status s = ctx.deliveries.Retry(ctx.workspace, req.params.at("id"));
  if (!s.ok()) return s;
  return json({{"id", req.params.at("id")}, {"status", "pending"}});
}

Result<json> GetChannelSettings(ApiContext& ctx, const HttpRequest&) {
  ASSIGN_OR_RETURN(const outbound::ChannelSettings s, ctx.deliveries.Settings(ctx.workspace));
  return outbound::ChannelSettingsJson(s, false);
}

Result<json> PutChannelSettings(ApiContext& ctx, const HttpRequest& req) {
  ASSIGN_OR_RETURN(outbound::ChannelSettings s, outbound::ParseChannelSettings(req.Body()));
  ASSIGN_OR_RETURN(s, app::ReplaceChannelSettings(ctx.app, ctx.workspace, std::move(s)));
  return outbound::ChannelSettingsJson(s, false);
}

}  // namespace pond::server
