// Communities (docs/communities.md): groups, live group codes, routing and health.
#include "pond/community/community_service.h"
#include "server/handler_util.h"

namespace pond::server {
namespace {

json GroupViewJson(const GroupView& v) {
  json j = json::parse(GroupJson(v.group));
  j["members"] = v.members;
  j["held"] = v.held;
  return j;
}

}  // namespace

HttpResponse ListGroups(ApiContext& ctx, const HttpRequest& req) {
  auto groups = ctx.community.Groups(ctx.workspace);
  if (!groups.ok()) return ErrorResponse(groups.status());
  json data = json::array();
  for (const GroupView& g : *groups) data.push_back(GroupViewJson(g));
  return ListResponse(req, std::move(data));
}

HttpResponse SaveGroupHandler(ApiContext& ctx, const HttpRequest& req) {
  auto group = ParseGroup(req.Body());
  if (!group.ok()) return ErrorResponse(group.status());
  auto saved = ctx.community.SaveGroup(ctx.workspace, *group);
  if (!saved.ok()) return ErrorResponse(saved.status());
  return JsonResponse(GroupJson(*saved));
}

HttpResponse GetCommunityGroup(ApiContext& ctx, const HttpRequest& req) {
  auto g = ctx.community.GetGroup(ctx.workspace, req.params.at("id"));
  if (!g.ok()) return ErrorResponse(g.status());
  return JsonResponse(DumpJson(GroupViewJson(*g)));
}

HttpResponse GroupMembers(ApiContext& ctx, const HttpRequest& req) {
  auto members = ctx.community.Members(ctx.workspace, req.params.at("id"));
  if (!members.ok()) return ErrorResponse(members.status());
  return ListResponse(req, json(std::move(*members)));
}

HttpResponse GroupHealthHandler(ApiContext& ctx, const HttpRequest& req) {
  auto h = ctx.community.Health(ctx.workspace, req.params.at("id"));
  if (!h.ok()) return ErrorResponse(h.status());
  json days = json::array();
  for (const GroupDay& d : h->days) {
    days.push_back({{"date", d.date}, {"joins", d.joins}, {"leaves", d.leaves}});
  }
  return JsonResponse(DumpJson({{"members", h->members},
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
                                {"alerts", h->alerts}}));
}

HttpResponse ListGroupCodes(ApiContext& ctx, const HttpRequest& req) {
  auto codes = ctx.community.Codes(ctx.workspace);
  if (!codes.ok()) return ErrorResponse(codes.status());
  json data = json::array();
  for (const GroupCode& c : *codes) data.push_back(json::parse(GroupCodeJson(c)));
  return ListResponse(req, std::move(data));
}

HttpResponse SaveGroupCodeHandler(ApiContext& ctx, const HttpRequest& req) {
  auto code = ParseGroupCode(req.Body());
  if (!code.ok()) return ErrorResponse(code.status());
  auto saved = ctx.community.SaveCode(ctx.workspace, *code);
  if (!saved.ok()) return ErrorResponse(saved.status());
  return JsonResponse(GroupCodeJson(*saved));
}

HttpResponse GetGroupCodeHandler(ApiContext& ctx, const HttpRequest& req) {
  auto code = ctx.community.GetCode(ctx.workspace, req.params.at("id"));
  if (!code.ok()) return ErrorResponse(code.status());
  auto alerts = ctx.community.Alerts(ctx.workspace, req.params.at("id"));
  if (!alerts.ok()) return ErrorResponse(alerts.status());
  json j = json::parse(GroupCodeJson(*code));
  j["alerts"] = *alerts;
  return JsonResponse(DumpJson(j));
}

// {customer}
HttpResponse RouteByGroupCode(ApiContext& ctx, const HttpRequest& req) {
  Result<std::string> customer = RequiredString(req, "customer");
  if (!customer.ok()) return ErrorResponse(customer.status());
  auto r = ctx.community.Route(ctx.workspace, req.params.at("id"), *customer);
  if (!r.ok()) return ErrorResponse(r.status());
  return JsonResponse(DumpJson({{"group", r->group},
                                {"group_name", r->group_name},
                                {"welcome", r->welcome},
                                {"opened", r->opened},
                                {"again", r->again}}));
}

}  // namespace pond::server
