// Reports (docs/analytics.md): funnels, cohorts, value, LTV, channel ROI, growth and diagnosis,
// computed on the live state; JSON, or CSV with ?format=csv.
#include "pond/analytics/report_inputs.h"
#include "pond/analytics/trend.h"
#include "pond/base/time.h"
#include "pond/segment/rule.h"
#include "server/distribution_views.h"
#include "server/grid_views.h"
#include "server/handler_util.h"
#include "server/report_views.h"

namespace pond::server {
namespace {

Result<bool> WantsCsv(const HttpRequest& req) {
  const std::string format = QueryParam(req, "format");
  if (format.empty() || format == "json") return false;
  if (format == "csv") return true;
  return FieldError("format", "json (the default) or csv");
}

HttpResponse Csv(const ReportTable& table) {
  HttpResponse r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = ToCsv(table);
  return r;
}

// pv,cart,order_paid where property.note == "a,b": a comma inside quotes stays in its step.
std::vector<std::string> SplitSteps(std::string_view text) {
  std::vector<std::string> steps(1);
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == ',' && !quoted) {
      steps.emplace_back();
      continue;
    }
    if (ch == '"') quoted = !quoted;
    if (ch == '\\' && quoted && i + 1 < text.size()) steps.back() += text[i++];
    steps.back() += text[i];
  }
  for (std::string& step : steps) {
    const size_t b = step.find_first_not_of(' '), e = step.find_last_not_of(' ');
    step = b == std::string::npos ? "" : step.substr(b, e - b + 1);
  }
  return steps;
}

// ?from= / ?to=: ISO 8601, in the workspace's zone when no offset is given.
Result<Micros> TimeParam(const HttpRequest& req, const char* name, int offset, Micros absent) {
  const std::string text = QueryParam(req, name);
  if (text.empty()) return absent;
  Result<Micros> t = ParseIso8601(text, offset);
  if (!t.ok()) return FieldError(name, "an ISO 8601 time such as 2024-05-01T00:00:00+08:00");
  return t;
}

HttpResponse ChannelFunnelReport(ApiContext& ctx, const HttpRequest& req, bool csv) {
  const std::string name = QueryParam(req, "period");
  std::optional<analytics::Period> period;
  if (!name.empty() && name != "all") {
    period = analytics::PeriodFromName(name);
    if (!period) return ErrorResponse(FieldError("period", "all (the default), month or week"));
  }
  Result<int> offset = analytics::WorkspaceUtcOffset(ctx.engine, ctx.workspace);
  if (!offset.ok()) return ErrorResponse(offset.status());
  analytics::ChannelFunnel f;
  Status read = ctx.engine.ReadState(ctx.workspace, [&](const TenantState& s) {
    f = analytics::ComputeChannelFunnel(s, period, *offset);
  });
  if (!read.ok()) return ErrorResponse(read);
  if (csv) return Csv(ChannelFunnelTable(f));
  return JsonResponse(DumpJson(ChannelFunnelJson(f)));
}

}  // namespace

HttpResponse CohortsReport(ApiContext& ctx, const HttpRequest& req) {
  const std::string name = QueryParam(req, "period");
  const std::optional<analytics::Period> period =
      name.empty() ? analytics::Period::kMonth : analytics::PeriodFromName(name);
  if (!period) return ErrorResponse(FieldError("period", "month (the default) or week"));
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  Result<int> offset = analytics::WorkspaceUtcOffset(ctx.engine, ctx.workspace);
  if (!offset.ok()) return ErrorResponse(offset.status());
  analytics::CohortTriangle t;
  Status read = ctx.engine.ReadState(ctx.workspace, [&](const TenantState& s) {
    t = analytics::ComputeCohorts(s, *period, ctx.engine.clock().NowMicros(), *offset);
  });
  if (!read.ok()) return ErrorResponse(read);
  if (*csv) return Csv(CohortsTable(t));
  return JsonResponse(DumpJson(CohortsJson(t)));
}

HttpResponse ValueReportHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  analytics::ValueReport v;
  Status read = ctx.engine.ReadState(ctx.workspace,
                                     [&](const TenantState& s) { v = analytics::ComputeValue(s); });
  if (!read.ok()) return ErrorResponse(read);
  if (*csv) return Csv(ValueChannelsTable(v));
  return JsonResponse(DumpJson(ValueJson(v)));
}

HttpResponse FunnelReportHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  const std::string steps = QueryParam(req, "steps");
  if (steps.empty()) return ChannelFunnelReport(ctx, req, *csv);
  if (steps.size() > 4096) return ErrorResponse(FieldError("steps", "at most 4096 characters"));
  analytics::FunnelRequest f;
  f.steps = SplitSteps(steps);
  std::string window = QueryParam(req, "window");
  if (window.empty()) window = analytics::kDefaultFunnelWindow;
  Result<int64_t> seconds = ParseDuration(window);
  if (!seconds.ok()) return ErrorResponse(FieldError("window", "a duration such as 1h, 7d or 2w"));
  f.window = *seconds * kMicrosPerSecond;
  const std::string by = QueryParam(req, "by");
  if (!by.empty() && by != "channel") return ErrorResponse(FieldError("by", "channel or nothing"));
  f.by_channel = by == "channel";
  Result<int> offset = analytics::WorkspaceUtcOffset(ctx.engine, ctx.workspace);
  if (!offset.ok()) return ErrorResponse(offset.status());
  Result<Micros> from = TimeParam(req, "from", *offset, INT64_MIN);
  if (!from.ok()) return ErrorResponse(from.status());
  Result<Micros> to = TimeParam(req, "to", *offset, INT64_MAX);
  if (!to.ok()) return ErrorResponse(to.status());
  f.from = *from;
  f.to = *to;
  Result<analytics::FunnelReport> r = analytics::RunFunnel(ctx.engine, ctx.workspace, f, &ctx.segments);
  if (!r.ok()) return ErrorResponse(r.status());
  if (*csv) return Csv(FunnelTable(*r, f.steps));
  return JsonResponse(DumpJson(FunnelJson(*r, f.steps, window)));
}

HttpResponse ChannelRoiReportHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  Result<std::optional<int64_t>> margin =
      analytics::ParseGrossMargin(QueryParam(req, "gross_margin"));
  if (!margin.ok()) return ErrorResponse(margin.status());
  Result<analytics::ChannelRoiReport> r =
      analytics::RunChannelRoi(ctx.engine, ctx.workspace, *margin);
  if (!r.ok()) return ErrorResponse(r.status());
  if (*csv) return Csv(ChannelRoiTable(*r));
  return JsonResponse(DumpJson(ChannelRoiJson(*r)));
}

HttpResponse DiagnoseHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<analytics::DiagnoseInputs> in =
      analytics::DiagnoseInputsFrom([&](const char* name) { return QueryParam(req, name); });
  if (!in.ok()) return ErrorResponse(in.status());
  const std::string use_store = QueryParam(req, "use_store");
  if (!use_store.empty() && use_store != "true" && use_store != "false") {
    return ErrorResponse(FieldError("use_store", "true (the default) or false"));
  }
  int64_t buyers = 0;
  Result<analytics::Diagnosis> d =
      analytics::RunDiagnose(ctx.engine, ctx.workspace, *in, use_store != "false", &buyers);
  if (!d.ok()) return ErrorResponse(d.status());
  return JsonResponse(DumpJson(DiagnosisJson(*d, buyers)));
}

// Fission and distribution side by side (item 5 of docs/analytics.md): each campaign's figures
// as its own report gives them, the invitation forest across campaigns, and the distribution
// programme's totals.
HttpResponse GrowthReportHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  Result<std::vector<Campaign>> campaigns = ctx.fission.Campaigns(ctx.workspace);
  if (!campaigns.ok()) return ErrorResponse(campaigns.status());
  ReportTable table{
      {"campaign", "name", "kind", "participants", "invites", "invites_per_participant",
       "qualified", "k_factor", "spent_fen", "cost_per_customer_fen"},
      {}};
  json rows = json::array();
  for (const Campaign& c : *campaigns) {
    Result<CampaignReport> r = ctx.fission.Report(ctx.workspace, c.id);
    if (!r.ok()) return ErrorResponse(r.status());
    char per[32], k[32];
    std::snprintf(per, sizeof per, "%.2f", r->invites_per_participant);
    std::snprintf(k, sizeof k, "%.3f", r->k_factor);
    table.rows.push_back({c.id, c.name, CampaignKindName(c.kind), std::to_string(r->participants),
                          std::to_string(r->invites), per, std::to_string(r->qualified), k,
                          std::to_string(r->spent_fen), std::to_string(r->cost_per_customer_fen)});
    rows.push_back({{"campaign", c.id},
                    {"name", c.name},
                    {"kind", CampaignKindName(c.kind)},
                    {"participants", r->participants},
                    {"invites", r->invites},
                    {"invites_per_participant", r->invites_per_participant},
                    {"qualified", r->qualified},
                    {"k_factor", r->k_factor},
                    {"spent_fen", r->spent_fen},
                    {"cost_per_customer_fen", r->cost_per_customer_fen}});
  }
  if (*csv) return Csv(table);
  Result<FissionService::ForestReport> forest = ctx.fission.Forest(ctx.workspace, 0);
  if (!forest.ok()) return ErrorResponse(forest.status());
  Result<DistributionTotals> totals = ctx.distribution.Totals(ctx.workspace);
  if (!totals.ok()) return ErrorResponse(totals.status());
  return JsonResponse(
      DumpJson({{"fission",
                 {{"participants", forest->participants},
                  {"invites", forest->invites},
                  {"qualified", forest->qualified},
                  {"invites_per_participant", forest->participants
                                                  ? static_cast<double>(forest->invites) /
                                                        static_cast<double>(forest->participants)
                                                  : 0.0},
                  {"k_factor", forest->k_factor},
                  {"campaigns", rows}}},
                {"distribution", TotalsJson(*totals)}}));
}

// GET /v1/reports/trend: ?from / ?to are local days (2026-11-01), both included.
HttpResponse TrendReportHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  Result<int> offset = analytics::WorkspaceUtcOffset(ctx.engine, ctx.workspace);
  if (!offset.ok()) return ErrorResponse(offset.status());
  const int64_t today = LocalDay(ctx.engine.clock().NowMicros(), *offset);
  int64_t days[2] = {today - 29, today};
  const char* names[2] = {"from", "to"};
  for (int i = 0; i < 2; ++i) {
    const std::string text = QueryParam(req, names[i]);
    if (text.empty()) continue;
    Result<Micros> t = text.size() == 10 ? ParseIso8601(text, *offset) : Status::InvalidArgument("");
    if (!t.ok()) return ErrorResponse(FieldError(names[i], "a day such as 2026-11-01"));
    days[i] = LocalDay(*t, *offset);
  }
  if (days[0] > days[1]) return ErrorResponse(FieldError("to", "a day on or after from"));
  if (days[1] - days[0] + 1 > analytics::kMaxTrendDays) {
    return ErrorResponse(FieldError(
        "to", "at most " + std::to_string(analytics::kMaxTrendDays) + " days after from"));
  }
  analytics::Trend trend;
  Status read = ctx.engine.ReadState(ctx.workspace, [&](const TenantState& s) {
    trend = analytics::ComputeTrend(s, days[0], days[1], *offset);
  });
  if (!read.ok()) return ErrorResponse(read);
  if (*csv) return Csv(TrendTable(trend.days));
  return JsonResponse(DumpJson(TrendJson(trend)));
}

HttpResponse GridReportHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  Result<int> offset = analytics::WorkspaceUtcOffset(ctx.engine, ctx.workspace);
  if (!offset.ok()) return ErrorResponse(offset.status());
  Result<Micros> from = TimeParam(req, "from", *offset, INT64_MIN);
  if (!from.ok()) return ErrorResponse(from.status());
  Result<Micros> to = TimeParam(req, "to", *offset, INT64_MAX);
  if (!to.ok()) return ErrorResponse(to.status());
  if (*from >= *to) return ErrorResponse(FieldError("to", "a time after from"));
  analytics::TouchpointGrid g;
  Status read = ctx.engine.ReadState(ctx.workspace, [&](const TenantState& s) {
    g = analytics::ComputeTouchpointGrid(s, *from, *to);
  });
  if (!read.ok()) return ErrorResponse(read);
  if (*csv) return Csv(GridCellsTable(g));
  return JsonResponse(DumpJson(GridJson(g, *offset)));
}

HttpResponse LtvReportHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  int horizon = analytics::kDefaultLtvHorizonDays;
  if (const std::string text = QueryParam(req, "horizon_days"); !text.empty()) {
    const bool digits =
        text.size() <= 4 && text.find_first_not_of("0123456789") == std::string::npos;
    horizon = digits ? std::stoi(text) : 0;
    if (horizon < 1 || horizon > analytics::kMaxLtvHorizonDays) {
      return ErrorResponse(FieldError(
          "horizon_days", "whole days, 1 to " + std::to_string(analytics::kMaxLtvHorizonDays)));
    }
  }
  Result<int> offset = analytics::WorkspaceUtcOffset(ctx.engine, ctx.workspace);
  if (!offset.ok()) return ErrorResponse(offset.status());
  analytics::LtvReport r;
  Status read = ctx.engine.ReadState(ctx.workspace, [&](const TenantState& s) {
    r = analytics::ComputeLtv(s, ctx.engine.clock().NowMicros(), *offset, horizon);
  });
  if (!read.ok()) return ErrorResponse(read);
  if (*csv) return Csv(LtvTable(r));
  return JsonResponse(DumpJson(LtvJson(r)));
}

}  // namespace pond::server
