// The reports (docs/analytics.md) as the API and `pond report` both ask for them: the live state
// read in the workspace's zone. Inputs come parsed; what depends on the zone (local times and
// days) is parsed here, with errors that name the caller's `field`.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "pond/analytics/channel_funnel.h"
#include "pond/analytics/cohorts.h"
#include "pond/analytics/funnel.h"
#include "pond/analytics/ltv_report.h"
#include "pond/analytics/touchpoint_grid.h"
#include "pond/analytics/trend.h"
#include "pond/analytics/value_report.h"
#include "pond/app/app.h"
#include "pond/app/report_views.h"

namespace pond::app {

// An ISO 8601 time, in the workspace's zone when it names no offset; `absent` for "".
Result<Micros> ParseLocalTime(App& app, const std::string& ws, const std::string& text,
                              const std::string& field, Micros absent);

// The newest `cohorts` cohorts up to now (0: analytics::DefaultCohorts), periods cut at the
// workspace's local midnights. A count above analytics::MaxCohorts is a field error.
Result<analytics::CohortTriangle> Cohorts(App& app, const std::string& ws, analytics::Period period,
                                          int cohorts = 0);
// No period: all time.
Result<analytics::ChannelFunnel> ChannelFunnel(App& app, const std::string& ws,
                                               std::optional<analytics::Period> period);
Result<analytics::ValueReport> Value(App& app, const std::string& ws);
// Where-filtered steps use the segment service's kept filters when segments run.
Result<analytics::FunnelReport> Funnel(App& app, const std::string& ws,
                                       const analytics::FunnelRequest& request);
// `from` must be before `to`: the error names the fields as the caller calls them.
Result<analytics::TouchpointGrid> Grid(App& app, const std::string& ws, Micros from, Micros to,
                                       const std::string& from_field, const std::string& to_field);
Result<analytics::LtvReport> Ltv(App& app, const std::string& ws, int horizon_days);
// Local days "2026-11-01" (both included; "" = the last 30 days up to today), at most
// analytics::kMaxTrendDays.
Result<analytics::Trend> Trend(App& app, const std::string& ws, const std::string& from,
                               const std::string& to);

// Each fission campaign's figures as its own report gives them: the CSV table, and the same rows
// as JSON. REQUIRES: fission started.
struct GrowthCampaigns {
  ReportTable table;
  nlohmann::json rows;
};
Result<GrowthCampaigns> GrowthByCampaign(App& app, const std::string& ws);

// Fission and distribution side by side: the invitation forest across campaigns with each
// campaign's rows, and the distribution programme's totals. REQUIRES: fission and distribution
// started.
Result<nlohmann::json> Growth(App& app, const std::string& ws);

}  // namespace pond::app
