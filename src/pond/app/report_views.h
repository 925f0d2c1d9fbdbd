// The shapes of the reports API (docs/analytics.md), shared by the handlers and `pond report`:
// each report as JSON, and as a table (a header and rows of text) that is the CSV form
// (?format=csv) and the CLI's aligned table.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pond/analytics/channel_funnel.h"
#include "pond/analytics/channel_roi.h"
#include "pond/analytics/cohorts.h"
#include "pond/analytics/diagnose.h"
#include "pond/analytics/funnel.h"
#include "pond/analytics/ltv_report.h"
#include "pond/analytics/trend.h"
#include "pond/analytics/value_report.h"

namespace pond::app {

struct ReportTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
std::string ToCsv(const ReportTable& table);

nlohmann::json CohortsJson(const analytics::CohortTriangle& t);
ReportTable CohortsTable(const analytics::CohortTriangle& t);

nlohmann::json ValueJson(const analytics::ValueReport& v);
ReportTable ValueChannelsTable(const analytics::ValueReport& v);

// `steps` as asked; `window` as given ("1h").
nlohmann::json FunnelJson(const analytics::FunnelReport& f, const std::vector<std::string>& steps,
                          const std::string& window);
ReportTable FunnelTable(const analytics::FunnelReport& f, const std::vector<std::string>& steps);

nlohmann::json ChannelFunnelJson(const analytics::ChannelFunnel& f);
ReportTable ChannelFunnelTable(const analytics::ChannelFunnel& f);

nlohmann::json ChannelRoiJson(const analytics::ChannelRoiReport& r);
ReportTable ChannelRoiTable(const analytics::ChannelRoiReport& r);

// `store_buyers`: how many buyers the store has (its figures are used from kMinBuyersToTrust).
nlohmann::json DiagnosisJson(const analytics::Diagnosis& d, int64_t store_buyers);

nlohmann::json LtvJson(const analytics::LtvReport& r);
ReportTable LtvTable(const analytics::LtvReport& r);

// {from, to, active_customers, days: [{day, gmv_fen, orders, new_friends, active}]}; CSV one
// line per day.
nlohmann::json TrendJson(const analytics::Trend& trend);
ReportTable TrendTable(const std::vector<analytics::TrendDay>& days);

}  // namespace pond::app
