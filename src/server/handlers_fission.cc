// Fission (docs/fission.md): the economics planner.
#include "pond/app/fission_views.h"
#include "pond/base/time.h"
#include "pond/fission/campaign.h"
#include "server/handler_util.h"

namespace pond::server {

HttpResponse PlanFissionHandler(ApiContext&, const HttpRequest& req) {
  auto input = ParseFissionPlanInput(req.Body());
  if (!input.ok()) return ErrorResponse(input.status());
  auto plan = PlanFission(*input);
  if (!plan.ok()) return ErrorResponse(plan.status());
  return JsonResponse(DumpJson(app::FissionPlanJson(*input, *plan)));
}

HttpResponse ListCampaigns(ApiContext& ctx, const HttpRequest& req) {
  auto list = ctx.fission.Campaigns(ctx.workspace);
  if (!list.ok()) return ErrorResponse(list.status());
  auto zone = ctx.engine.UtcOffsetOf(ctx.workspace);
  if (!zone.ok()) return ErrorResponse(zone.status());
  json data = json::array();
  for (const Campaign& c : *list) data.push_back(json::parse(CampaignJson(c, *zone)));
  return ListResponse(req, std::move(data));
}

HttpResponse SaveCampaignHandler(ApiContext& ctx, const HttpRequest& req) {
  auto zone = ctx.engine.UtcOffsetOf(ctx.workspace);
  if (!zone.ok()) return ErrorResponse(zone.status());
  auto c = ParseCampaign(req.Body(), *zone);
  if (!c.ok()) return ErrorResponse(c.status());
  auto saved = ctx.fission.SaveCampaign(ctx.workspace, *c);
  if (!saved.ok()) return ErrorResponse(saved.status());
  return JsonResponse(CampaignJson(*saved, *zone));
}

HttpResponse GetCampaignHandler(ApiContext& ctx, const HttpRequest& req) {
  auto c = ctx.fission.GetCampaign(ctx.workspace, req.params.at("id"));
  if (!c.ok()) return ErrorResponse(c.status());
  auto zone = ctx.engine.UtcOffsetOf(ctx.workspace);
  if (!zone.ok()) return ErrorResponse(zone.status());
  return JsonResponse(CampaignJson(*c, *zone));
}

HttpResponse CampaignPoster(ApiContext& ctx, const HttpRequest& req) {
  Result<std::string> customer = RequiredString(req, "customer");
  if (!customer.ok()) return ErrorResponse(customer.status());
  auto poster = ctx.fission.Join(ctx.workspace, req.params.at("id"), *customer);
  if (!poster.ok()) return ErrorResponse(poster.status());
  return JsonResponse(DumpJson(
      {{"campaign", poster->campaign}, {"customer", poster->customer}, {"code", poster->code}}));
}

HttpResponse CampaignReportHandler(ApiContext& ctx, const HttpRequest& req) {
  auto r = ctx.fission.Report(ctx.workspace, req.params.at("id"));
  if (!r.ok()) return ErrorResponse(r.status());
  return JsonResponse(DumpJson(app::CampaignReportJson(*r)));
}

HttpResponse CampaignInviters(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return ErrorResponse(limit.status());
  auto rows = ctx.fission.Inviters(ctx.workspace, req.params.at("id"), *limit);
  if (!rows.ok()) return ErrorResponse(rows.status());
  json data = json::array();
  for (const auto& r : *rows) {
    data.push_back({{"inviter", r.inviter},
                    {"invites", r.invites},
                    {"qualified", r.qualified},
                    {"depth", r.depth}});
  }
  // The `limit` best inviters are the one page.
  return OnePageResponse(std::move(data));
}

HttpResponse CampaignReviewQueue(ApiContext& ctx, const HttpRequest& req) {
  auto held = ctx.fission.Held(ctx.workspace, req.params.at("id"));
  if (!held.ok()) return ErrorResponse(held.status());
  json data = json::array();
  for (const HeldReward& h : *held) {
    data.push_back(
        {{"key", h.key}, {"inviter", h.inviter}, {"score", h.score}, {"reasons", h.reasons}});
  }
  return ListResponse(req, std::move(data));
}

static HttpResponse ReviewReward(ApiContext& ctx, const HttpRequest& req, bool approve) {
  std::string by;
  if (req.body_size > 0) {
    auto body = ParseJsonObject(req);
    if (!body.ok()) return ErrorResponse(body.status());
    if (Status s = ReadStringField(*body, "by", &by); !s.ok()) return ErrorResponse(s);
  }
  Status s =
      ctx.fission.Review(ctx.workspace, req.params.at("id"), req.params.at("key"), approve, by);
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(
      DumpJson({{"key", req.params.at("key")}, {"decision", approve ? "approved" : "rejected"}}));
}

HttpResponse ApproveHeldReward(ApiContext& ctx, const HttpRequest& req) {
  return ReviewReward(ctx, req, true);
}

HttpResponse RejectHeldReward(ApiContext& ctx, const HttpRequest& req) {
  return ReviewReward(ctx, req, false);
}

static json GroupJson(const Group& g) {
  return {{"id", g.id},
          {"campaign", g.campaign},
          {"leader", g.leader},
          {"members", g.members},
          {"state", GroupStateName(g.state)},
          {"opened_at", FormatIso8601(g.opened_at)},
          {"expires_at", FormatIso8601(g.expires_at)}};
}

// {customer (or leader), order_id, amount_fen}
static Status ReadOrder(const HttpRequest& req, const char* who, std::string* customer,
                        std::string* order_id, int64_t* amount_fen) {
  ASSIGN_OR_RETURN(json body, ParseJsonObject(req));
  RETURN_IF_ERROR(ReadStringField(body, who, customer));
  if (customer->empty()) return FieldError(who, "is required");
  RETURN_IF_ERROR(ReadStringField(body, "order_id", order_id));
  if (auto it = body.find("amount_fen"); it != body.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0) {
      return FieldError("amount_fen", "a whole number of fen, not negative");
    }
    *amount_fen = it->get<int64_t>();
  }
  return Status::Ok();
}

HttpResponse OpenGroupHandler(ApiContext& ctx, const HttpRequest& req) {
  std::string leader, order_id;
  int64_t amount = 0;
  if (Status s = ReadOrder(req, "leader", &leader, &order_id, &amount); !s.ok()) {
    return ErrorResponse(s);
  }
  auto g = ctx.fission.OpenGroup(ctx.workspace, req.params.at("id"), leader, order_id, amount);
  if (!g.ok()) return ErrorResponse(g.status());
  HttpResponse r = JsonResponse(DumpJson(GroupJson(*g)));
  r.status = 201;
  return r;
}

HttpResponse JoinGroupHandler(ApiContext& ctx, const HttpRequest& req) {
  std::string customer, order_id;
  int64_t amount = 0;
  if (Status s = ReadOrder(req, "customer", &customer, &order_id, &amount); !s.ok()) {
    return ErrorResponse(s);
  }
  auto g = ctx.fission.JoinGroup(ctx.workspace, req.params.at("group"), customer, order_id, amount);
  if (!g.ok()) return ErrorResponse(g.status());
  return JsonResponse(DumpJson(GroupJson(*g)));
}

HttpResponse GetGroupHandler(ApiContext& ctx, const HttpRequest& req) {
  auto g = ctx.fission.GetGroup(ctx.workspace, req.params.at("group"));
  if (!g.ok()) return ErrorResponse(g.status());
  return JsonResponse(DumpJson(GroupJson(*g)));
}

static json BargainJson(const Bargain& b) {
  return {{"id", b.id},           {"campaign", b.campaign},
          {"owner", b.owner},     {"helpers", b.helpers},
          {"cuts_fen", b.cuts},   {"price_fen", b.price_fen},
          {"reached", b.reached}, {"started_at", FormatIso8601(b.started_at)}};
}

static HttpResponse BargainAnswer(const Result<Bargain>& b, int status = 200) {
  if (!b.ok()) return ErrorResponse(b.status());
  HttpResponse r = JsonResponse(DumpJson(BargainJson(*b)));
  r.status = status;
  return r;
}

// The body's one required string field `name`.
static Result<std::string> OneString(const HttpRequest& req, const char* name) {
  ASSIGN_OR_RETURN(json body, ParseJsonObject(req));
  std::string value;
  RETURN_IF_ERROR(ReadStringField(body, name, &value));
  if (value.empty()) return FieldError(name, "is required");
  return value;
}

HttpResponse StartBargainHandler(ApiContext& ctx, const HttpRequest& req) {
  auto customer = OneString(req, "customer");
  if (!customer.ok()) return ErrorResponse(customer.status());
  return BargainAnswer(ctx.fission.StartBargain(ctx.workspace, req.params.at("id"), *customer),
                       201);
}

HttpResponse HelpBargainHandler(ApiContext& ctx, const HttpRequest& req) {
  auto helper = OneString(req, "helper");
  if (!helper.ok()) return ErrorResponse(helper.status());
  return BargainAnswer(ctx.fission.HelpBargain(ctx.workspace, req.params.at("bargain"), *helper));
}

HttpResponse GetBargainHandler(ApiContext& ctx, const HttpRequest& req) {
  return BargainAnswer(ctx.fission.GetBargain(ctx.workspace, req.params.at("bargain")));
}

}  // namespace pond::server
