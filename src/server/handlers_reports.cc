// Reports (docs/analytics.md): cohort triangles and the value report, computed on the live
// state; JSON, or CSV with ?format=csv.
#include "pond/analytics/cohorts.h"
#include "pond/analytics/value_report.h"
#include "server/handler_util.h"

namespace pond::server {
namespace {

// The workspace's time zone; a store that cannot be read is the error, not a default zone.
Result<int> OffsetOf(ApiContext& ctx) {
  ASSIGN_OR_RETURN(std::vector<Workspace> workspaces, ctx.engine.ListWorkspaces());
  for (const Workspace& w : workspaces) {
    if (w.id == ctx.workspace) return w.utc_offset_seconds;
  }
  return Status::NotFound("workspace \"" + ctx.workspace + "\" not found");
}

Result<bool> WantsCsv(const HttpRequest& req) {
  const std::string format = QueryParam(req, "format");
  if (format.empty() || format == "json") return false;
  if (format == "csv") return true;
  return FieldError("format", "json (the default) or csv");
}

HttpResponse Csv(std::string body) {
  HttpResponse r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = std::move(body);
  return r;
}

}  // namespace

HttpResponse CohortsReport(ApiContext& ctx, const HttpRequest& req) {
  const std::string name = QueryParam(req, "period");
  const std::optional<analytics::Period> period =
      name.empty() ? analytics::Period::kMonth : analytics::PeriodFromName(name);
  if (!period) return ErrorResponse(FieldError("period", "month (the default) or week"));
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  Result<int> offset = OffsetOf(ctx);
  if (!offset.ok()) return ErrorResponse(offset.status());
  analytics::CohortTriangle t;
  Status read = ctx.engine.ReadState(ctx.workspace, [&](const TenantState& s) {
    t = analytics::ComputeCohorts(s, *period, ctx.engine.clock().NowMicros(), *offset);
  });
  if (!read.ok()) return ErrorResponse(read);
  if (*csv) {
    std::string out = "cohort,customers,offset,active,buyers\n";
    for (const analytics::CohortRow& row : t.rows) {
      for (size_t k = 0; k < row.active.size(); ++k) {
        out += row.cohort + "," + std::to_string(row.customers) + "," + std::to_string(k) + "," +
               std::to_string(row.active[k]) + "," + std::to_string(row.buyers[k]) + "\n";
      }
    }
    return Csv(std::move(out));
  }
  json rows = json::array();
  for (const analytics::CohortRow& row : t.rows) {
    rows.push_back({{"cohort", row.cohort},
                    {"customers", row.customers},
                    {"active", row.active},
                    {"buyers", row.buyers}});
  }
  return JsonResponse(DumpJson({{"period", analytics::PeriodName(t.period)}, {"rows", rows}}));
}

HttpResponse ValueReportHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  analytics::ValueReport v;
  Status read = ctx.engine.ReadState(ctx.workspace,
                                     [&](const TenantState& s) { v = analytics::ComputeValue(s); });
  if (!read.ok()) return ErrorResponse(read);
  if (*csv) {
    std::string out = "channel,customers,buyers,orders,gmv_fen,refunded_fen,ltv_fen\n";
    for (const analytics::ChannelValue& c : v.channels) {
      out += c.channel + "," + std::to_string(c.customers) + "," + std::to_string(c.buyers) + "," +
             std::to_string(c.orders) + "," + std::to_string(c.gmv_fen) + "," +
             std::to_string(c.refunded_fen) + "," + std::to_string(c.ltv_fen) + "\n";
    }
    return Csv(std::move(out));
  }
  json intervals = json::array();
  for (size_t b = 0; b < v.intervals.size(); ++b) {
    const bool open = b == std::size(analytics::kIntervalBuckets);
    intervals.push_back(
        {{"up_to_days", open ? json(nullptr) : json(analytics::kIntervalBuckets[b])},
         {"count", v.intervals[b]}});
  }
  json channels = json::array();
  for (const analytics::ChannelValue& c : v.channels) {
    channels.push_back({{"channel", c.channel},
                        {"customers", c.customers},
                        {"buyers", c.buyers},
                        {"orders", c.orders},
                        {"gmv_fen", c.gmv_fen},
                        {"refunded_fen", c.refunded_fen},
                        {"ltv_fen", c.ltv_fen}});
  }
  return JsonResponse(DumpJson({{"customers", v.customers},
                                {"buyers", v.buyers},
                                {"repeat_buyers", v.repeat_buyers},
                                {"repurchase_rate", v.repurchase_rate},
                                {"orders", v.orders},
                                {"gmv_fen", v.gmv_fen},
                                {"refunded_fen", v.refunded_fen},
                                {"aov_fen", v.aov_fen},
                                {"median_interval_days", v.median_interval_days},
                                {"intervals", intervals},
                                {"channels", channels}}));
}

}  // namespace pond::server
