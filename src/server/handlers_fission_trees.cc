// Fission (docs/fission.md): fraud scores, and the invitation forest across campaigns.
#include <cstdlib>

#include "pond/base/time.h"
#include "server/handler_util.h"

namespace pond::server {
namespace {

json ScoreJson(const FraudScore& s) {
  json signals = json::array();
  for (const FraudSignal& sig : s.signals) {
    signals.push_back({{"code", sig.code}, {"points", sig.points}, {"reason", sig.reason}});
  }
  return {{"id", s.id}, {"score", s.score}, {"review", s.review}, {"signals", signals}};
}

json NodeJson(const FissionService::TreeNode& n) {
  return {{"customer", n.customer},
          {"inviter", n.inviter},
          {"campaign", n.campaign},
          {"level", n.level},
          {"qualified", n.qualified},
          {"invited_at", n.invited_at ? json(FormatIso8601(n.invited_at)) : json(nullptr)}};
}

// ?depth=1..10, 3 when absent.
Result<int> DepthParam(const HttpRequest& req) {
  const std::string text = QueryParam(req, "depth");
  if (text.empty()) return 3;
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || v < 1 || v > 10)
    return FieldError("depth", "must be an integer from 1 to 10");
  return static_cast<int>(v);
}

}  // namespace

Result<json> CampaignFraud(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  auto rows = ctx.fission.Fraud(ctx.workspace, req.params.at("id"), *limit);
  if (!rows.ok()) return rows.status();
  json data = json::array();
  for (const auto& row : *rows) {
    json invitees = json::array();
    for (const FraudScore& s : row.invitees) invitees.push_back(ScoreJson(s));
    json inviter = ScoreJson(row.inviter);
    inviter["invitees"] = std::move(invitees);
    data.push_back(std::move(inviter));
  }
  // The `limit` most suspect inviters are the one page.
  return OnePage(std::move(data));
}

Result<json> FissionForest(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  auto forest = ctx.fission.Forest(ctx.workspace, *limit);
  if (!forest.ok()) return forest.status();
  const auto& r = *forest;
  json depths = json::object();
  for (const auto& [depth, n] : r.depths) depths[std::to_string(depth)] = n;
  json top = json::array();
  for (const auto& row : r.top) {
    top.push_back({{"inviter", row.inviter},
                   {"invites", row.invites},
                   {"qualified", row.qualified},
                   {"depth", row.depth}});
  }
  return json({{"participants", r.participants},
               {"invites", r.invites},
               {"qualified", r.qualified},
               {"k_factor", r.k_factor},
               {"depths", depths},
               {"top_inviters", top}});
}

Result<json> FissionTree(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  Result<int> depth = DepthParam(req);
  if (!depth.ok()) return depth.status();
  auto tree = ctx.fission.TreeOf(ctx.workspace, req.params.at("customer"), *depth, *limit);
  if (!tree.ok()) return tree.status();
  const auto& t = *tree;
  json up = json::array(), down = json::array();
  for (const auto& n : t.upline) up.push_back(NodeJson(n));
  for (const auto& n : t.downline) down.push_back(NodeJson(n));
  return json({{"customer", t.customer},
               {"self", NodeJson(t.self)},
               {"upline", up},
               {"downline", down},
               {"truncated", t.truncated}});
}

}  // namespace pond::server
