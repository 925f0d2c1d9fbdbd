#include "pond/app/report_views.h"

#include <cmath>

#include "pond/base/time.h"

namespace pond::app {
namespace {

using nlohmann::json;

// A share rounded to 4 places, 0 when nothing to divide.
double Rate(int64_t part, int64_t whole) {
  return whole == 0
             ? 0
             : std::round(static_cast<double>(part) / static_cast<double>(whole) * 1e4) / 1e4;
}

std::string RateText(int64_t part, int64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", Rate(part, whole));
  return buf;
}

// Counts with their conversions: from the step before and from the first.
json CountsJson(const analytics::FunnelCounts& c) {
  json step = json::array(), overall = json::array();
  for (size_t k = 0; k < c.reached.size(); ++k) {
    step.push_back(Rate(c.reached[k], k == 0 ? c.reached[0] : c.reached[k - 1]));
    overall.push_back(Rate(c.reached[k], c.reached[0]));
  }
  return {{"reached", c.reached},
          {"step_conversion", step},
          {"overall_conversion", overall},
          {"median_seconds", c.median_seconds}};
}

// One table row per step: the leading columns, then the step's figures.
void AddCountRows(ReportTable* t, std::vector<std::string> lead,
                  const std::vector<std::string>& steps, const analytics::FunnelCounts& c) {
  for (size_t k = 0; k < c.reached.size(); ++k) {
    std::vector<std::string> row = lead;
    row.push_back(steps[k]);
    row.push_back(std::to_string(c.reached[k]));
    row.push_back(RateText(c.reached[k], k == 0 ? c.reached[0] : c.reached[k - 1]));
    row.push_back(RateText(c.reached[k], c.reached[0]));
    row.push_back(std::to_string(c.median_seconds[k]));
    t->rows.push_back(std::move(row));
  }
}

const std::vector<std::string> kCountColumns = {"customers", "step_conversion",
                                                "overall_conversion", "median_seconds"};

std::vector<std::string> Header(std::vector<std::string> lead) {
  lead.insert(lead.end(), kCountColumns.begin(), kCountColumns.end());
  return lead;
}

}  // namespace

std::string ToCsv(const ReportTable& table) {
  std::string out;
  auto line = [&](const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) out += ',';
      const std::string& f = fields[i];
      if (f.find_first_of(",\"\r\n") == std::string::npos) {
        out += f;
        continue;
      }
      out += '"';
      for (char ch : f) {
        if (ch == '"') out += '"';
        out += ch;
      }
      out += '"';
    }
    out += '\n';
  };
  line(table.header);
  for (const auto& row : table.rows) line(row);
  return out;
}

json CohortsJson(const analytics::CohortTriangle& t) {
  json rows = json::array();
  for (const analytics::CohortRow& row : t.rows) {
    rows.push_back({{"cohort", row.cohort},
                    {"customers", row.customers},
                    {"active", row.active},
                    {"buyers", row.buyers}});
  }
  return {{"period", analytics::PeriodName(t.period)},
          {"rows", rows},
          {"earlier_customers", t.earlier_customers}};
}

ReportTable CohortsTable(const analytics::CohortTriangle& t) {
  ReportTable out{{"cohort", "customers", "offset", "active", "buyers"}, {}};
  for (const analytics::CohortRow& row : t.rows) {
    for (size_t k = 0; k < row.active.size(); ++k) {
      out.rows.push_back({row.cohort, std::to_string(row.customers), std::to_string(k),
                          std::to_string(row.active[k]), std::to_string(row.buyers[k])});
    }
  }
  return out;
}

json ValueJson(const analytics::ValueReport& v) {
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
  return {{"customers", v.customers},
          {"buyers", v.buyers},
          {"repeat_buyers", v.repeat_buyers},
          {"repurchase_rate", v.repurchase_rate},
          {"orders", v.orders},
          {"gmv_fen", v.gmv_fen},
          {"refunded_fen", v.refunded_fen},
          {"aov_fen", v.aov_fen},
          {"median_interval_days", v.median_interval_days},
          {"intervals", intervals},
          {"channels", channels}};
}

ReportTable ValueChannelsTable(const analytics::ValueReport& v) {
  ReportTable out{
      {"channel", "customers", "buyers", "orders", "gmv_fen", "refunded_fen", "ltv_fen"}, {}};
  for (const analytics::ChannelValue& c : v.channels) {
    out.rows.push_back({c.channel, std::to_string(c.customers), std::to_string(c.buyers),
                        std::to_string(c.orders), std::to_string(c.gmv_fen),
                        std::to_string(c.refunded_fen), std::to_string(c.ltv_fen)});
  }
  return out;
}

json FunnelJson(const analytics::FunnelReport& f, const std::vector<std::string>& steps,
                const std::string& window) {
  json out = {{"steps", steps}, {"window", window}, {"total", CountsJson(f.total)}};
  if (!f.channels.empty()) {
    json channels = json::array();
    for (const analytics::FunnelCounts& c : f.channels) {
      json one = CountsJson(c);
      one["channel"] = c.channel;
      channels.push_back(std::move(one));
    }
    out["channels"] = std::move(channels);
  }
  return out;
}

ReportTable FunnelTable(const analytics::FunnelReport& f, const std::vector<std::string>& steps) {
  ReportTable out{Header({"channel", "step"}), {}};
  AddCountRows(&out, {"*"}, steps, f.total);
  for (const analytics::FunnelCounts& c : f.channels) AddCountRows(&out, {c.channel}, steps, c);
  return out;
}

json ChannelFunnelJson(const analytics::ChannelFunnel& f) {
  json rows = json::array();
  for (const analytics::ChannelFunnelRow& r : f.rows) {
    json one = CountsJson(r.counts);
    one["channel"] = r.counts.channel;
    if (f.period) one["period"] = r.period;
    rows.push_back(std::move(one));
  }
  return {{"stages", analytics::kChannelFunnelStages},
          {"period", f.period ? json(analytics::PeriodName(*f.period)) : json(nullptr)},
          {"total", CountsJson(f.total)},
          {"rows", rows}};
}

ReportTable ChannelFunnelTable(const analytics::ChannelFunnel& f) {
  const std::vector<std::string> stages(std::begin(analytics::kChannelFunnelStages),
                                        std::end(analytics::kChannelFunnelStages));
  ReportTable out{Header({"channel", "period", "stage"}), {}};
  AddCountRows(&out, {"*", ""}, stages, f.total);
  for (const analytics::ChannelFunnelRow& r : f.rows) {
    AddCountRows(&out, {r.counts.channel, r.period}, stages, r.counts);
  }
  return out;
}

json ChannelRoiJson(const analytics::ChannelRoiReport& r) {
  json channels = json::array();
  for (const analytics::ChannelRoi& c : r.channels) {
    json one = {{"channel_id", c.channel_id}, {"code", c.code},           {"name", c.name},
                {"spend_fen", c.spend_fen},   {"customers", c.customers}, {"buyers", c.buyers},
                {"cac_fen", c.cac_fen}};
    for (size_t k = 0; k < analytics::kRoiWindowsDays.size(); ++k) {
      const std::string days = std::to_string(analytics::kRoiWindowsDays[k]) + "d";
      one["net_" + days + "_fen"] = c.net_fen[k];
      one["margin_" + days + "_fen"] = c.margin_fen[k];
      one["roi_" + days] = c.roi[k] ? json(std::round(*c.roi[k] * 1e4) / 1e4) : json(nullptr);
    }
    one["payback_days"] = c.payback_days ? json(*c.payback_days) : json(nullptr);
    channels.push_back(std::move(one));
  }
  return {{"gross_margin_pct",
           r.margin_bp ? json(static_cast<double>(*r.margin_bp) / 100) : json(nullptr)},
          {"windows_days", analytics::kRoiWindowsDays},
          {"channels", channels}};
}

ReportTable ChannelRoiTable(const analytics::ChannelRoiReport& r) {
  ReportTable out{{"code", "name", "spend_fen", "customers", "buyers", "cac_fen"}, {}};
  for (int days : analytics::kRoiWindowsDays) {
    out.header.push_back("margin_" + std::to_string(days) + "d_fen");
    out.header.push_back("roi_" + std::to_string(days) + "d");
  }
  out.header.push_back("payback_days");
  for (const analytics::ChannelRoi& c : r.channels) {
    std::vector<std::string> row = {c.code,
                                    c.name,
                                    std::to_string(c.spend_fen),
                                    std::to_string(c.customers),
                                    std::to_string(c.buyers),
                                    std::to_string(c.cac_fen)};
    for (size_t k = 0; k < analytics::kRoiWindowsDays.size(); ++k) {
      row.push_back(std::to_string(c.margin_fen[k]));
      char roi[32] = "";
      if (c.roi[k]) std::snprintf(roi, sizeof roi, "%.4f", *c.roi[k]);
      row.push_back(roi);
    }
    row.push_back(c.payback_days ? std::to_string(*c.payback_days) : "");
    out.rows.push_back(std::move(row));
  }
  return out;
}

json DiagnosisJson(const analytics::Diagnosis& d, int64_t store_buyers) {
  auto figure = [](const analytics::Figure& f) {
    return json{{"value", f.value}, {"source", analytics::SourceName(f.source)}};
  };
  json reasons = json::array();
  for (const analytics::Reason& r : d.reasons) {
    reasons.push_back(
        {{"factor", r.factor}, {"in_favour", r.in_favour}, {"en", r.en}, {"zh", r.zh}});
  }
  return {{"category", d.category},
          {"verdict", d.verdict},
          {"verdict_text", {{"en", d.verdict_en}, {"zh", d.verdict_zh}}},
          {"ratio", std::round(d.ratio * 100) / 100},
          {"per_customer_year", {{"value_fen", d.value_fen}, {"cost_fen", d.cost_fen}}},
          {"uplift_bp", d.uplift_bp},
          {"inputs",
           {{"gross_margin_bp", figure(d.gross_margin_bp)},
            {"repurchase_bp", figure(d.repurchase_bp)},
            {"orders_per_year_x100", figure(d.orders_per_year_x100)},
            {"aov_fen", figure(d.aov_fen)},
            {"topics",
             {{"value", analytics::TopicsName(d.topics)},
              {"source", analytics::SourceName(d.topics_source)}}},
            {"staff_cost_fen", figure(d.staff_cost_fen)},
            {"customers_per_staff", figure(d.customers_per_staff)}}},
          {"break_even",
           {{"aov_fen", d.break_even_aov_fen},
            {"customers_per_staff", d.break_even_customers_per_staff}}},
          {"reasons", reasons},
          {"store",
           {{"buyers", store_buyers}, {"used", store_buyers >= analytics::kMinBuyersToTrust}}}};
}

json LtvJson(const analytics::LtvReport& r) {
  const analytics::BgNbd& p = r.purchases;
  const analytics::GammaGamma& s = r.spend;
  json channels = json::array();
  for (const analytics::LtvChannel& c : r.channels) {
    channels.push_back(
        {{"channel", c.channel},
         {"customers", c.customers},
         {"buyers", c.buyers},
         {"historical_fen", c.historical_fen},
         {"expected_purchases", std::round(c.expected_purchases * 100) / 100},
         {"predicted_fen", c.predicted_fen},
         {"ltv_fen", c.ltv_fen},
         {"mean_probability_alive", std::round(c.mean_probability_alive * 1e4) / 1e4}});
  }
  json out = {{"horizon_days", r.horizon_days},
              {"buyers", r.buyers},
              {"repeat_buyers", r.repeat_buyers},
              {"predicted", r.predicted},
              {"expected_purchases", std::round(r.expected_purchases * 100) / 100},
              {"predicted_fen", r.predicted_fen},
              {"channels", channels}};
  if (!r.why.empty()) out["why"] = r.why;
  if (r.buyers >= analytics::kMinBuyers && r.repeat_buyers >= analytics::kMinRepeatBuyers) {
    out["purchases_model"] = {{"model", "BG/NBD"},
                              {"r", p.r},
                              {"alpha", p.alpha},
                              {"a", p.a},
                              {"b", p.b},
                              {"log_likelihood", p.log_likelihood},
                              {"evaluations", p.evaluations},
                              {"converged", p.converged},
                              {"fitted_on", p.fitted_on}};
    out["spend_model"] = {{"model", "Gamma-Gamma"},
                          {"p", s.p},
                          {"q", s.q},
                          {"gamma", s.gamma},
                          {"log_likelihood", s.log_likelihood},
                          {"evaluations", s.evaluations},
                          {"converged", s.converged},
                          {"fitted_on", s.fitted_on}};
  }
  return out;
}

ReportTable LtvTable(const analytics::LtvReport& r) {
  ReportTable out{{"channel", "customers", "buyers", "historical_fen", "expected_purchases",
                   "predicted_fen", "ltv_fen", "mean_probability_alive"},
                  {}};
  for (const analytics::LtvChannel& c : r.channels) {
    char purchases[32], alive[32];
    std::snprintf(purchases, sizeof purchases, "%.2f", c.expected_purchases);
    std::snprintf(alive, sizeof alive, "%.4f", c.mean_probability_alive);
    out.rows.push_back({c.channel, std::to_string(c.customers), std::to_string(c.buyers),
                        std::to_string(c.historical_fen), purchases,
                        std::to_string(c.predicted_fen), std::to_string(c.ltv_fen), alive});
  }
  return out;
}

json TrendJson(const analytics::Trend& trend) {
  const std::vector<analytics::TrendDay>& days = trend.days;
  json list = json::array();
  for (const analytics::TrendDay& d : days) {
    list.push_back({{"day", FormatDate(d.day)},
                    {"gmv_fen", d.gmv_fen},
                    {"orders", d.orders},
                    {"new_friends", d.new_friends},
                    {"active", d.active}});
  }
  return {{"from", days.empty() ? json(nullptr) : json(FormatDate(days.front().day))},
          {"to", days.empty() ? json(nullptr) : json(FormatDate(days.back().day))},
          {"active_customers", trend.active_customers},
          {"days", std::move(list)}};
}

ReportTable TrendTable(const std::vector<analytics::TrendDay>& days) {
  ReportTable out{{"day", "gmv_fen", "orders", "new_friends", "active"}, {}};
  for (const analytics::TrendDay& d : days) {
    out.rows.push_back({FormatDate(d.day), std::to_string(d.gmv_fen), std::to_string(d.orders),
                        std::to_string(d.new_friends), std::to_string(d.active)});
  }
  return out;
}

}  // namespace pond::app
