#include "pond/app/reports.h"

#include <cstdio>

#include "pond/app/distribution_views.h"
#include "pond/base/time.h"
#include "pond/distribution/payout_service.h"
#include "pond/fission/fission_service.h"
#include "pond/segment/segment_service.h"

namespace pond::app {
namespace {

using nlohmann::json;

// `compute` over the workspace's state, under its read lock.
template <typename Report, typename Compute>
Result<Report> Read(App& app, const std::string& ws, Compute compute) {
  Report out;
  RETURN_IF_ERROR(app.engine().ReadState(ws, [&](const TenantState& s) { out = compute(s); }));
  return out;
}

}  // namespace

Result<Micros> ParseLocalTime(App& app, const std::string& ws, const std::string& text,
                              const std::string& field, Micros absent) {
  if (text.empty()) return absent;
  ASSIGN_OR_RETURN(const int zone, app.engine().UtcOffsetOf(ws));
  Result<Micros> t = ParseIso8601(text, zone);
  if (!t.ok()) return FieldError(field, "an ISO 8601 time such as 2024-05-01T00:00:00+08:00");
  return t;
}

Result<analytics::CohortTriangle> Cohorts(App& app, const std::string& ws, analytics::Period period,
                                          int cohorts) {
  const int most = analytics::MaxCohorts(period);
  if (cohorts < 0 || cohorts > most) {
    return FieldError("cohorts", "1 to " + std::to_string(most) + " for " +
                                     std::string(analytics::PeriodName(period)) + "s");
  }
  if (cohorts == 0) cohorts = analytics::DefaultCohorts(period);
  ASSIGN_OR_RETURN(const int zone, app.engine().UtcOffsetOf(ws));
  const Micros now = app.engine().clock().NowMicros();
  return Read<analytics::CohortTriangle>(app, ws, [&](const TenantState& s) {
    return analytics::ComputeCohorts(s, period, now, zone, cohorts);
  });
}

Result<analytics::ChannelFunnel> ChannelFunnel(App& app, const std::string& ws,
                                               std::optional<analytics::Period> period) {
  ASSIGN_OR_RETURN(const int zone, app.engine().UtcOffsetOf(ws));
  return Read<analytics::ChannelFunnel>(app, ws, [&](const TenantState& s) {
    return analytics::ComputeChannelFunnel(s, period, zone);
  });
}

Result<analytics::ValueReport> Value(App& app, const std::string& ws) {
  return Read<analytics::ValueReport>(
      app, ws, [](const TenantState& s) { return analytics::ComputeValue(s); });
}

Result<analytics::FunnelReport> Funnel(App& app, const std::string& ws,
                                       const analytics::FunnelRequest& request) {
  return analytics::RunFunnel(app.engine(), ws, request,
                              app.Has(kSegments) ? &app.segments() : nullptr);
}

Result<analytics::TouchpointGrid> Grid(App& app, const std::string& ws, Micros from, Micros to,
                                       const std::string& from_field, const std::string& to_field) {
  if (from >= to) return FieldError(to_field, "a time after " + from_field);
  return Read<analytics::TouchpointGrid>(
      app, ws, [&](const TenantState& s) { return analytics::ComputeTouchpointGrid(s, from, to); });
}

Result<analytics::LtvReport> Ltv(App& app, const std::string& ws, int horizon_days) {
  ASSIGN_OR_RETURN(const int zone, app.engine().UtcOffsetOf(ws));
  const Micros now = app.engine().clock().NowMicros();
  return Read<analytics::LtvReport>(app, ws, [&](const TenantState& s) {
    return analytics::ComputeLtv(s, now, zone, horizon_days);
  });
}

Result<analytics::Trend> Trend(App& app, const std::string& ws, const std::string& from,
                               const std::string& to) {
  ASSIGN_OR_RETURN(const int zone, app.engine().UtcOffsetOf(ws));
  const int64_t today = LocalDay(app.engine().clock().NowMicros(), zone);
  int64_t days[2] = {today - 29, today};
  const std::pair<const char*, const std::string*> given[2] = {{"from", &from}, {"to", &to}};
  for (int i = 0; i < 2; ++i) {
    const std::string& text = *given[i].second;
    if (text.empty()) continue;
    Result<Micros> t = text.size() == 10 ? ParseIso8601(text, zone) : Status::InvalidArgument("");
    if (!t.ok()) return FieldError(given[i].first, "a day such as 2026-11-01");
    days[i] = LocalDay(*t, zone);
  }
  if (days[0] > days[1]) return FieldError("to", "a day on or after from");
  if (days[1] - days[0] + 1 > analytics::kMaxTrendDays) {
    return FieldError("to",
                      "at most " + std::to_string(analytics::kMaxTrendDays) + " days after from");
  }
  return Read<analytics::Trend>(app, ws, [&](const TenantState& s) {
    return analytics::ComputeTrend(s, days[0], days[1], zone);
  });
}

Result<GrowthCampaigns> GrowthByCampaign(App& app, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<Campaign> campaigns, app.fission().Campaigns(ws));
  GrowthCampaigns out;
  out.table.header = {"campaign",  "name",
                      "kind",      "participants",
                      "invites",   "invites_per_participant",
                      "qualified", "k_factor",
                      "spent_fen", "cost_per_customer_fen"};
  out.rows = json::array();
  for (const Campaign& c : campaigns) {
    ASSIGN_OR_RETURN(CampaignReport r, app.fission().Report(ws, c.id));
    char per[32], k[32];
    std::snprintf(per, sizeof per, "%.2f", r.invites_per_participant);
    std::snprintf(k, sizeof k, "%.3f", r.k_factor);
    out.table.rows.push_back({c.id, c.name, std::string(CampaignKindName(c.kind)),
                              std::to_string(r.participants), std::to_string(r.invites), per,
                              std::to_string(r.qualified), k, std::to_string(r.spent_fen),
                              std::to_string(r.cost_per_customer_fen)});
    out.rows.push_back({{"campaign", c.id},
                        {"name", c.name},
                        {"kind", CampaignKindName(c.kind)},
                        {"participants", r.participants},
                        {"invites", r.invites},
                        {"invites_per_participant", r.invites_per_participant},
                        {"qualified", r.qualified},
                        {"k_factor", r.k_factor},
                        {"spent_fen", r.spent_fen},
                        {"cost_per_customer_fen", r.cost_per_customer_fen}});
  }
  return out;
}

Result<json> Growth(App& app, const std::string& ws) {
  ASSIGN_OR_RETURN(GrowthCampaigns campaigns, GrowthByCampaign(app, ws));
  ASSIGN_OR_RETURN(FissionService::ForestReport forest, app.fission().Forest(ws, 0));
  ASSIGN_OR_RETURN(DistributionTotals totals, app.payouts().Totals(ws));
  const double per_participant = forest.participants ? static_cast<double>(forest.invites) /
                                                           static_cast<double>(forest.participants)
                                                     : 0.0;
  return json{{"fission",
               {{"participants", forest.participants},
                {"invites", forest.invites},
                {"qualified", forest.qualified},
                {"invites_per_participant", per_participant},
                {"k_factor", forest.k_factor},
                {"campaigns", std::move(campaigns.rows)}}},
              {"distribution", TotalsJson(totals)}};
}

}  // namespace pond::app
