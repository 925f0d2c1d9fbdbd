// Fission (docs/fission.md): the economics planner.
#include "pond/app/fission_views.h"
#include "pond/base/time.h"
#include "pond/fission/campaign.h"
#include "server/handler_util.h"

namespace pond::server {

Result<json> PlanFissionHandler(ApiContext&, const HttpRequest& req) {
  ASSIGN_OR_RETURN(const FissionPlanInput input, ParseFissionPlanInput(req.Body()));
  ASSIGN_OR_RETURN(const FissionPlan plan, PlanFission(input));
  return app::FissionPlanJson(input, plan);
}

Result<json> ListCampaigns(ApiContext& ctx, const HttpRequest& req) {
  auto list = ctx.fission.Campaigns(ctx.workspace);
  if (!list.ok()) return list.status();
  auto zone = ctx.engine.UtcOffsetOf(ctx.workspace);
  if (!zone.ok()) return zone.status();
  json data = json::array();
  for (const Campaign& c : *list) data.push_back(CampaignJson(c, *zone));
  return ListPage(req, std::move(data));
}

Result<json> SaveCampaignHandler(ApiContext& ctx, const HttpRequest& req) {
  auto zone = ctx.engine.UtcOffsetOf(ctx.workspace);
  if (!zone.ok()) return zone.status();
  auto c = ParseCampaign(req.Body(), *zone);
  if (!c.ok()) return c.status();
  auto saved = ctx.fission.SaveCampaign(ctx.workspace, *c);
  if (!saved.ok()) return saved.status();
  return CampaignJson(*saved, *zone);
}

Result<json> GetCampaignHandler(ApiContext& ctx, const HttpRequest& req) {
  auto c = ctx.fission.GetCampaign(ctx.workspace, req.params.at("id"));
  if (!c.ok()) return c.status();
  auto zone = ctx.engine.UtcOffsetOf(ctx.workspace);
  if (!zone.ok()) return zone.status();
  return CampaignJson(*c, *zone);
}

Result<json> CampaignPoster(ApiContext& ctx, const HttpRequest& req) {
  Result<std::string> customer = RequiredString(req, "customer");
  if (!customer.ok()) return customer.status();
  auto poster = ctx.fission.Join(ctx.workspace, req.params.at("id"), *customer);
  if (!poster.ok()) return poster.status();
  return json(
      {{"campaign", poster->campaign}, {"customer", poster->customer}, {"code", poster->code}});
}

Result<json> CampaignReportHandler(ApiContext& ctx, const HttpRequest& req) {
  auto r = ctx.fission.Report(ctx.workspace, req.params.at("id"));
  if (!r.ok()) return r.status();
  return app::CampaignReportJson(*r);
}

Result<json> CampaignInviters(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  auto rows = ctx.fission.Inviters(ctx.workspace, req.params.at("id"), *limit);
  if (!rows.ok()) return rows.status();
  json data = json::array();
  for (const auto& r : *rows) {
    data.push_back({{"inviter", r.inviter},
                    {"invites", r.invites},
                    {"qualified", r.qualified},
                    {"depth", r.depth}});
  }
  // The `limit` best inviters are the one page.
  return OnePage(std::move(data));
}

Result<json> CampaignReviewQueue(ApiContext& ctx, const HttpRequest& req) {
  auto held = ctx.fission.Held(ctx.workspace, req.params.at("id"));
  if (!held.ok()) return held.status();
  json data = json::array();
  for (const HeldReward& h : *held) {
    data.push_back(
        {{"key", h.key}, {"inviter", h.inviter}, {"score", h.score}, {"reasons", h.reasons}});
  }
  return ListPage(req, std::move(data));
}

static Result<json> ReviewReward(ApiContext& ctx, const HttpRequest& req, bool approve) {
  std::string by;
  if (req.body_size > 0) {
    auto body = ParseJsonObject(req);
    if (!body.ok()) return body.status();
    if (Status s = ReadStringField(*body, "by", &by); !s.ok()) return s;
  }
  Status s =
      ctx.fission.Review(ctx.workspace, req.params.at("id"), req.params.at("key"), approve, by);
  if (!s.ok()) return s;
  return json({{"key", req.params.at("key")}, {"decision", approve ? "approved" : "rejected"}});
}

Result<json> ApproveHeldReward(ApiContext& ctx, const HttpRequest& req) {
  return ReviewReward(ctx, req, true);
}

Result<json> RejectHeldReward(ApiContext& ctx, const HttpRequest& req) {
  return ReviewReward(ctx, req, false);
}

static json GroupBuyJson(const Group& g) {
  return {{"id", g.id},
          {"campaign", g.campaign},
          {"leader", g.leader},
          {"members", g.members},
          {"state", GroupStateName(g.state)},
          {"opened_at", FormatIso8601(g.opened_at)},
          {"expires_at", FormatIso8601(g.expires_at)}};
}

static Result<json> GroupAnswer(const Result<Group>& g) {
  if (!g.ok()) return g.status();
  return GroupBuyJson(*g);
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

Result<json> OpenGroupHandler(ApiContext& ctx, const HttpRequest& req) {
  std::string leader, order_id;
  int64_t amount = 0;
  RETURN_IF_ERROR(ReadOrder(req, "leader", &leader, &order_id, &amount));
  return GroupAnswer(
      ctx.fission.OpenGroup(ctx.workspace, req.params.at("id"), leader, order_id, amount));
}

Result<json> JoinGroupHandler(ApiContext& ctx, const HttpRequest& req) {
  std::string customer, order_id;
  int64_t amount = 0;
  RETURN_IF_ERROR(ReadOrder(req, "customer", &customer, &order_id, &amount));
  return GroupAnswer(
      ctx.fission.JoinGroup(ctx.workspace, req.params.at("group"), customer, order_id, amount));
}

Result<json> GetGroupHandler(ApiContext& ctx, const HttpRequest& req) {
  return GroupAnswer(ctx.fission.GetGroup(ctx.workspace, req.params.at("group")));
}

static json BargainJson(const Bargain& b) {
  return {{"id", b.id},           {"campaign", b.campaign},
          {"owner", b.owner},     {"helpers", b.helpers},
          {"cuts_fen", b.cuts},   {"price_fen", b.price_fen},
          {"reached", b.reached}, {"started_at", FormatIso8601(b.started_at)}};
}

static Result<json> BargainAnswer(const Result<Bargain>& b) {
  if (!b.ok()) return b.status();
  return BargainJson(*b);
}

// The body's one required string field `name`.
static Result<std::string> OneString(const HttpRequest& req, const char* name) {
  ASSIGN_OR_RETURN(json body, ParseJsonObject(req));
  std::string value;
  RETURN_IF_ERROR(ReadStringField(body, name, &value));
  if (value.empty()) return FieldError(name, "is required");
  return value;
}

Result<json> StartBargainHandler(ApiContext& ctx, const HttpRequest& req) {
  auto customer = OneString(req, "customer");
  if (!customer.ok()) return customer.status();
  return BargainAnswer(ctx.fission.StartBargain(ctx.workspace, req.params.at("id"), *customer));
}

Result<json> HelpBargainHandler(ApiContext& ctx, const HttpRequest& req) {
  auto helper = OneString(req, "helper");
  if (!helper.ok()) return helper.status();
  return BargainAnswer(ctx.fission.HelpBargain(ctx.workspace, req.params.at("bargain"), *helper));
}

Result<json> GetBargainHandler(ApiContext& ctx, const HttpRequest& req) {
  return BargainAnswer(ctx.fission.GetBargain(ctx.workspace, req.params.at("bargain")));
}

}  // namespace pond::server
