// Reports (docs/analytics.md): funnels, cohorts, value, LTV, channel ROI, growth and diagnosis,
// computed on the live state; JSON, or CSV with ?format=csv.
#include "pond/analytics/report_inputs.h"
#include "pond/analytics/trend.h"
#include "pond/app/distribution_views.h"
#include "pond/app/grid_views.h"
#include "pond/app/reply_report.h"
#include "pond/app/report_views.h"
#include "pond/app/reports.h"
#include "pond/base/time.h"
#include "pond/segment/rule.h"
#include "server/handler_util.h"

namespace pond::server {
namespace {

Result<bool> WantsCsv(const HttpRequest& req) {
  const std::string format = QueryParam(req, "format");
  if (format.empty() || format == "json") return false;
  if (format == "csv") return true;
  return FieldError("format", "json (the default) or csv");
}

HttpResponse Csv(const app::ReportTable& table) {
  HttpResponse r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = app::ToCsv(table);
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
Result<Micros> TimeParam(ApiContext& ctx, const HttpRequest& req, const char* name, Micros absent) {
  return app::ParseLocalTime(ctx.app, ctx.workspace, QueryParam(req, name), name, absent);
}

HttpResponse ChannelFunnelReport(ApiContext& ctx, const HttpRequest& req, bool csv) {
  const std::string name = QueryParam(req, "period");
  std::optional<analytics::Period> period;
  if (!name.empty() && name != "all") {
    period = analytics::PeriodFromName(name);
    if (!period) return ErrorResponse(FieldError("period", "all (the default), month or week"));
  }
  Result<analytics::ChannelFunnel> f = app::ChannelFunnel(ctx.app, ctx.workspace, period);
  if (!f.ok()) return ErrorResponse(f.status());
  if (csv) return Csv(app::ChannelFunnelTable(*f));
  return JsonResponse(DumpJson(app::ChannelFunnelJson(*f)));
}

}  // namespace

HttpResponse CohortsReport(ApiContext& ctx, const HttpRequest& req) {
  const std::string name = QueryParam(req, "period");
  const std::optional<analytics::Period> period =
      name.empty() ? analytics::Period::kMonth : analytics::PeriodFromName(name);
  if (!period) return ErrorResponse(FieldError("period", "month (the default) or week"));
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  Result<int64_t> cohorts = IntParam(req, "cohorts", 1, analytics::MaxCohorts(*period), 0);
  if (!cohorts.ok()) return ErrorResponse(cohorts.status());
  Result<analytics::CohortTriangle> t =
      app::Cohorts(ctx.app, ctx.workspace, *period, static_cast<int>(*cohorts));
  if (!t.ok()) return ErrorResponse(t.status());
  if (*csv) return Csv(app::CohortsTable(*t));
  return JsonResponse(DumpJson(app::CohortsJson(*t)));
}

HttpResponse ValueReportHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  Result<analytics::ValueReport> v = app::Value(ctx.app, ctx.workspace);
  if (!v.ok()) return ErrorResponse(v.status());
  if (*csv) return Csv(app::ValueChannelsTable(*v));
  return JsonResponse(DumpJson(app::ValueJson(*v)));
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
  Result<Micros> from = TimeParam(ctx, req, "from", INT64_MIN);
  if (!from.ok()) return ErrorResponse(from.status());
  Result<Micros> to = TimeParam(ctx, req, "to", INT64_MAX);
  if (!to.ok()) return ErrorResponse(to.status());
  f.from = *from;
  f.to = *to;
  Result<analytics::FunnelReport> r = app::Funnel(ctx.app, ctx.workspace, f);
  if (!r.ok()) return ErrorResponse(r.status());
  if (*csv) return Csv(app::FunnelTable(*r, f.steps));
  return JsonResponse(DumpJson(app::FunnelJson(*r, f.steps, window)));
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
  if (*csv) return Csv(app::ChannelRoiTable(*r));
  return JsonResponse(DumpJson(app::ChannelRoiJson(*r)));
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
  return JsonResponse(DumpJson(app::DiagnosisJson(*d, buyers)));
}

// Fission and distribution side by side (item 5 of docs/analytics.md): each campaign's figures
// as its own report gives them, the invitation forest across campaigns, and the distribution
// programme's totals.
HttpResponse GrowthReportHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  if (*csv) {
    Result<app::GrowthCampaigns> campaigns = app::GrowthByCampaign(ctx.app, ctx.workspace);
    if (!campaigns.ok()) return ErrorResponse(campaigns.status());
    return Csv(campaigns->table);
  }
  Result<json> growth = app::Growth(ctx.app, ctx.workspace);
  if (!growth.ok()) return ErrorResponse(growth.status());
  return JsonResponse(DumpJson(*growth));
}

// GET /v1/reports/trend: ?from / ?to are local days (2026-11-01), both included.
HttpResponse TrendReportHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  Result<analytics::Trend> trend =
      app::Trend(ctx.app, ctx.workspace, QueryParam(req, "from"), QueryParam(req, "to"));
  if (!trend.ok()) return ErrorResponse(trend.status());
  if (*csv) return Csv(app::TrendTable(trend->days));
  return JsonResponse(DumpJson(app::TrendJson(*trend)));
}

HttpResponse GridReportHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  Result<Micros> from = TimeParam(ctx, req, "from", INT64_MIN);
  if (!from.ok()) return ErrorResponse(from.status());
  Result<Micros> to = TimeParam(ctx, req, "to", INT64_MAX);
  if (!to.ok()) return ErrorResponse(to.status());
  Result<analytics::TouchpointGrid> g = app::Grid(ctx.app, ctx.workspace, *from, *to, "from", "to");
  if (!g.ok()) return ErrorResponse(g.status());
  Result<int> zone = ctx.engine.UtcOffsetOf(ctx.workspace);
  if (!zone.ok()) return ErrorResponse(zone.status());
  if (*csv) return Csv(app::GridCellsTable(*g));
  return JsonResponse(DumpJson(app::GridJson(*g, *zone)));
}

// First-reply time and reply rate per staff account; from / to default to the last 30 days.
HttpResponse RepliesReportHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<bool> csv = WantsCsv(req);
  if (!csv.ok()) return ErrorResponse(csv.status());
  const Micros now = ctx.engine.clock().NowMicros();
  Result<Micros> to = TimeParam(ctx, req, "to", now);
  if (!to.ok()) return ErrorResponse(to.status());
  Result<Micros> from = TimeParam(ctx, req, "from", *to - 30 * kMicrosPerDay);
  if (!from.ok()) return ErrorResponse(from.status());
  Result<analytics::ReplyReport> r = app::Replies(ctx.app, ctx.workspace, *from, *to, "from", "to");
  if (!r.ok()) return ErrorResponse(r.status());
  if (*csv) return Csv(app::RepliesTable(*r));
  return JsonResponse(DumpJson(app::RepliesJson(*r)));
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
  Result<analytics::LtvReport> r = app::Ltv(ctx.app, ctx.workspace, horizon);
  if (!r.ok()) return ErrorResponse(r.status());
  if (*csv) return Csv(app::LtvTable(*r));
  return JsonResponse(DumpJson(app::LtvJson(*r)));
}

}  // namespace pond::server
