// Communities (docs/communities.md): groups, live group codes, routing and health.
#include "pond/community/community_service.h"
#include "server/handler_util.h"

namespace pond::server {
namespace {

json GroupViewJson(const GroupView& v) {
  json j = GroupJson(v.group);
  j["members"] = v.members;
  j["held"] = v.held;
  return j;
}

}  // namespace

Result<json> ListGroups(ApiContext& ctx, const HttpRequest& req) {
  auto groups = ctx.community.Groups(ctx.workspace);
  if (!groups.ok()) return groups.status();
  json data = json::array();
  for (const GroupView& g : *groups) data.push_back(GroupViewJson(g));
  return ListPage(req, std::move(data));
}

Result<json> SaveGroupHandler(ApiContext& ctx, const HttpRequest& req) {
  auto group = ParseGroup(req.Body());
  if (!group.ok()) return group.status();
  auto saved = ctx.community.SaveGroup(ctx.workspace, *group);
  if (!saved.ok()) return saved.status();
  return GroupJson(*saved);
}

Result<json> GetCommunityGroup(ApiContext& ctx, const HttpRequest& req) {
  auto g = ctx.community.GetGroup(ctx.workspace, req.params.at("id"));
  if (!g.ok()) return g.status();
  return GroupViewJson(*g);
}

Result<json> GroupMembers(ApiContext& ctx, const HttpRequest& req) {
  auto members = ctx.community.Members(ctx.workspace, req.params.at("id"));
  if (!members.ok()) return members.status();
  return ListPage(req, json(std::move(*members)));
}

Result<json> GroupHealthHandler(ApiContext& ctx, const HttpRequest& req) {
  auto h = ctx.community.Health(ctx.workspace, req.params.at("id"));
  if (!h.ok()) return h.status();
  json days = json::array();
  for (const GroupDay& d : h->days) {
    days.push_back({{"date", d.date}, {"joins", d.joins}, {"leaves", d.leaves}});
  }
  return json({{"members", h->members},
               {"capacity", h->capacity},
               {"days", days},
               {"active_members", h->active_members},
               {"active_rate", h->active_rate},
               {"active_rate_before", h->active_rate_before},
               {"messages", h->messages},
               {"ad_messages", h->ad_messages},
               {"ad_ratio", h->ad_ratio},
               {"campaigns", h->campaigns},
               {"campaign_members", h->campaign_members},
               {"campaign_buyers", h->campaign_buyers},
               {"conversion", h->conversion},
               {"alerts", h->alerts}});
}

Result<json> ListGroupCodes(ApiContext& ctx, const HttpRequest& req) {
  auto codes = ctx.community.Codes(ctx.workspace);
  if (!codes.ok()) return codes.status();
  json data = json::array();
  for (const GroupCode& c : *codes) data.push_back(GroupCodeJson(c));
  return ListPage(req, std::move(data));
}

Result<json> SaveGroupCodeHandler(ApiContext& ctx, const HttpRequest& req) {
  auto code = ParseGroupCode(req.Body());
  if (!code.ok()) return code.status();
  auto saved = ctx.community.SaveCode(ctx.workspace, *code);
  if (!saved.ok()) return saved.status();
  return GroupCodeJson(*saved);
}

Result<json> GetGroupCodeHandler(ApiContext& ctx, const HttpRequest& req) {
  auto code = ctx.community.GetCode(ctx.workspace, req.params.at("id"));
  if (!code.ok()) return code.status();
  auto alerts = ctx.community.Alerts(ctx.workspace, req.params.at("id"));
  if (!alerts.ok()) return alerts.status();
  json j = GroupCodeJson(*code);
  j["alerts"] = *alerts;
  return j;
}

// {customer}
Result<json> RouteByGroupCode(ApiContext& ctx, const HttpRequest& req) {
  Result<std::string> customer = RequiredString(req, "customer");
  if (!customer.ok()) return customer.status();
  auto r = ctx.community.Route(ctx.workspace, req.params.at("id"), *customer);
  if (!r.ok()) return r.status();
  return json({{"group", r->group},
               {"group_name", r->group_name},
               {"welcome", r->welcome},
               {"opened", r->opened},
               {"again", r->again}});
}

}  // namespace pond::server
