// `pond report funnel|channels|cohorts|value|ltv|rfm|grid|replies` (docs/analytics.md): the reports
// of /v1/reports computed on the data directory, as aligned tables, `--json` (the API's JSON) or
// `--csv` (the API's CSV).
#include <cstdio>
#include <iostream>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "pond/analytics/channel_funnel.h"
#include "pond/analytics/channel_roi.h"
#include "pond/analytics/cohorts.h"
#include "pond/analytics/diagnose.h"
#include "pond/analytics/funnel.h"
#include "pond/analytics/ltv_report.h"
#include "pond/analytics/report_inputs.h"
#include "pond/analytics/touchpoint_grid.h"
#include "pond/analytics/value_report.h"
#include "pond/app/grid_views.h"
#include "pond/app/reply_report.h"
#include "pond/app/report_views.h"
#include "pond/app/reports.h"
#include "pond/base/time.h"
#include "pond/segment/rfm.h"
#include "pond/segment/rule.h"

namespace pond::cli {
namespace {

using nlohmann::json;

// Prints the report the way asked: JSON, CSV, or an aligned table under an optional headline.
int Print(const ReportArgs& a, const json& j, const app::ReportTable& t,
          const std::string& headline = "") {
  if (a.json) {
    std::printf("%s\n", j.dump(2).c_str());
  } else if (a.csv) {
    std::fputs(app::ToCsv(t).c_str(), stdout);
  } else {
    if (!headline.empty()) std::printf("%s\n\n", headline.c_str());
    Table table(t.header);
    for (const auto& row : t.rows) table.Add(row);
    table.Print();
  }
  return 0;
}

std::string Yuan(int64_t fen) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "¥%s.%02lld", WithCommas(fen / 100).c_str(),
                static_cast<long long>((fen < 0 ? -fen : fen) % 100));
  return buf;
}

Result<std::optional<analytics::Period>> PeriodOf(const std::string& name, bool all_allowed) {
  if (name.empty() || (all_allowed && name == "all")) {
    if (all_allowed) return std::optional<analytics::Period>();
    return std::optional<analytics::Period>(analytics::Period::kMonth);
  }
  const std::optional<analytics::Period> p = analytics::PeriodFromName(name);
  if (!p) return FieldError("--period", all_allowed ? "all, month or week" : "month or week");
  return std::optional<analytics::Period>(p);
}

// --from / --to in the workspace's zone when they carry no offset; unset ones stay as they are.
Status ParseRange(app::App& app, const Common& common, const ReportArgs& a, Micros* from,
                  Micros* to) {
  ASSIGN_OR_RETURN(*from, app::ParseLocalTime(app, common.workspace, a.from, "--from", *from));
  ASSIGN_OR_RETURN(*to, app::ParseLocalTime(app, common.workspace, a.to, "--to", *to));
  return Status::Ok();
}

int Funnel(const Common& common, app::App& app, const ReportArgs& a) {
  if (a.steps.empty()) {
    Result<std::optional<analytics::Period>> period = PeriodOf(a.period, true);
    if (!period.ok()) return Fail(period.status());
    auto f = app::ChannelFunnel(app, common.workspace, *period);
    if (!f.ok()) return Fail(f.status());
    return Print(a, app::ChannelFunnelJson(*f), app::ChannelFunnelTable(*f),
                 "channel funnel (channel * is every channel)");
  }
  analytics::FunnelRequest f;
  f.steps = a.steps;
  Result<int64_t> window = ParseDuration(a.window);
  if (!window.ok()) return Fail(FieldError("--window", "a duration such as 1h, 7d or 2w"));
  f.window = *window * kMicrosPerSecond;
  f.by_channel = a.by == "channel";
  if (!a.by.empty() && !f.by_channel) return Fail(FieldError("--by", "channel or nothing"));
  if (Status range = ParseRange(app, common, a, &f.from, &f.to); !range.ok()) return Fail(range);
  Result<analytics::FunnelReport> r = app::Funnel(app, common.workspace, f);
  if (!r.ok()) return Fail(r.status());
  return Print(a, app::FunnelJson(*r, f.steps, a.window), app::FunnelTable(*r, f.steps),
               "event funnel within " + a.window + " of the first step");
}

// The grid as touchpoints by stages, then each empty or weak cell in both languages.
int Grid(const Common& common, app::App& app, int zone, const ReportArgs& a) {
  Micros from = INT64_MIN, to = INT64_MAX;
  if (Status range = ParseRange(app, common, a, &from, &to); !range.ok()) return Fail(range);
  auto g = app::Grid(app, common.workspace, from, to, "--from", "--to");
  if (!g.ok()) return Fail(g.status());
  const json j = app::GridJson(*g, zone);
  if (a.json || a.csv) return Print(a, j, app::GridCellsTable(*g));
  Print(a, {}, app::GridMatrixTable(*g),
        "touchpoint x stage: results / customers per cell; - empty, ! weak");
  Table gaps({"touchpoint", "stage", "why", "为什么"});
  for (const json& gap : j["gaps"]) {
    std::vector<std::string> row;
    for (const char* key : {"touchpoint", "stage", "en", "zh"}) row.push_back(gap[key]);
    gaps.Add(std::move(row));
  }
  std::printf("\n");
  gaps.Print();
  return 0;
}

// First-reply time and reply rate per staff account (docs/conversations.md, "Replies").
int Replies(const Common& common, app::App& app, const ReportArgs& a) {
  Micros from = INT64_MIN, to = INT64_MAX;
  if (Status range = ParseRange(app, common, a, &from, &to); !range.ok()) return Fail(range);
  if (to == INT64_MAX) to = app.engine().clock().NowMicros();
  if (from == INT64_MIN) from = to - 30 * kMicrosPerDay;
  auto r = app::Replies(app, common.workspace, from, to, "--from", "--to");
  if (!r.ok()) return Fail(r.status());
  char rate[16];
  std::snprintf(rate, sizeof rate, "%.1f%%", r->all.reply_rate * 100);
  return Print(a, app::RepliesJson(*r), app::RepliesTable(*r),
               WithCommas(r->all.turns) + " customer turns, " + rate +
                   " replied within 24 h, median first reply " +
                   std::to_string(r->all.median_seconds) + " s");
}

int Rfm(const Common& common, Engine& engine, const ReportArgs& a) {
  RfmTable rfm;
  const Micros now = engine.clock().NowMicros();
  Status read =
      engine.ReadState(common.workspace, [&](const TenantState& s) { rfm = ComputeRfm(s, now); });
  if (!read.ok()) return Fail(read);
  app::ReportTable t{{"cell", "customers"}, {}};
  json data = json::array();
  for (size_t i = 0; i < kRfmCellCount; ++i) {
    const auto n = static_cast<int64_t>(rfm.members[i].cardinality());
    t.rows.push_back({kRfmCells[i], std::to_string(n)});
    data.push_back({{"cell", kRfmCells[i]}, {"customers", n}});
  }
  const json j = {{"computed_at", FormatIso8601(now)},
                  {"scored", rfm.scored},
                  {"data", data},
                  {"next_cursor", nullptr},
                  {"total", static_cast<int64_t>(kRfmCellCount)}};
  return Print(a, j, t, WithCommas(rfm.scored) + " buyers scored");
}

}  // namespace

int RunDiagnoseCommand(const Common& common, const DiagnoseArgs& a) {
  Result<analytics::DiagnoseInputs> in = analytics::DiagnoseInputsFrom([&](const char* name) {
    auto it = a.params.find(name);
    return it == a.params.end() ? std::string() : it->second;
  });
  if (!in.ok()) return Fail(in.status());
  Result<analytics::Diagnosis> d = Status::Internal("not diagnosed");
  int64_t buyers = 0;
  if (a.use_store) {
    auto engine = OpenEngine(common);
    if (!engine.ok()) return Fail(engine.status());
    d = analytics::RunDiagnose(**engine, common.workspace, *in, true, &buyers);
  } else {
    d = analytics::Diagnose(*in, std::nullopt);
  }
  if (!d.ok()) return Fail(d.status());
  if (a.json) {
    std::printf("%s\n", app::DiagnosisJson(*d, buyers).dump(2).c_str());
    return 0;
  }
  std::printf("%s\n%s\n\n", d->verdict_zh.c_str(), d->verdict_en.c_str());
  Table reasons({"", "factor", "为什么", "why"});
  for (const analytics::Reason& r : d->reasons) {
    reasons.Add({r.in_favour ? "+" : "-", r.factor, r.zh, r.en});
  }
  reasons.Print();
  std::printf("\nfigures (given / store / category / default):");
  for (const auto& [name, f] : {std::pair{"gross_margin_bp", d->gross_margin_bp},
                                {"repurchase_bp", d->repurchase_bp},
                                {"orders_per_year_x100", d->orders_per_year_x100},
                                {"aov_fen", d->aov_fen}}) {
    std::printf(" %s=%lld (%s)", name, static_cast<long long>(f.value),
                std::string(analytics::SourceName(f.source)).c_str());
  }
  std::printf("\n");
  return 0;
}

int RunReport(const Common& common, const ReportArgs& a) {
  auto opened = OpenApp(common, 0);  // the reports read the engine's state; no service needed
  if (!opened.ok()) return Fail(opened.status());
  app::App& app = **opened;
  Engine& e = app.engine();
  Result<int> zone = e.UtcOffsetOf(common.workspace);
  if (!zone.ok()) return Fail(zone.status());
  if (a.kind == "funnel") return Funnel(common, app, a);
  if (a.kind == "rfm") return Rfm(common, e, a);
  if (a.kind == "grid") return Grid(common, app, *zone, a);
  if (a.kind == "replies") return Replies(common, app, a);
  if (a.kind == "channels") {
    Result<std::optional<int64_t>> margin = analytics::ParseGrossMargin(a.gross_margin);
    if (!margin.ok()) return Fail(FieldError("--gross-margin", margin.status().message()));
    Result<analytics::ChannelRoiReport> r = analytics::RunChannelRoi(e, common.workspace, *margin);
    if (!r.ok()) return Fail(r.status());
    return Print(a, app::ChannelRoiJson(*r), app::ChannelRoiTable(*r),
                 *margin ? "channel ROI at a " + a.gross_margin + "% gross margin"
                         : "channel ROI on net revenue (give --gross-margin for margin)");
  }
  if (a.kind == "cohorts") {
    Result<std::optional<analytics::Period>> period = PeriodOf(a.period, false);
    if (!period.ok()) return Fail(period.status());
    auto t = app::Cohorts(app, common.workspace, **period, a.cohorts);
    if (!t.ok()) return Fail(t.status());
    return Print(a, app::CohortsJson(*t), app::CohortsTable(*t),
                 "cohorts by " + std::string(analytics::PeriodName(t->period)) +
                     " of first event: customers active and buying at each offset");
  }
  if (a.kind == "value") {
    auto value = app::Value(app, common.workspace);
    if (!value.ok()) return Fail(value.status());
    const analytics::ValueReport& v = *value;
    char rate[16];
    std::snprintf(rate, sizeof rate, "%.1f%%", v.repurchase_rate * 100);
    return Print(a, app::ValueJson(v), app::ValueChannelsTable(v),
                 WithCommas(v.buyers) + " buyers, " + rate + " bought again; GMV " +
                     Yuan(v.gmv_fen) + " in " + WithCommas(v.orders) + " orders, AOV " +
                     Yuan(v.aov_fen) + "; median " + std::to_string(v.median_interval_days) +
                     " days between orders");
  }
  if (a.kind == "ltv") {
    if (a.horizon_days < 1 || a.horizon_days > analytics::kMaxLtvHorizonDays) {
      return Fail(
          FieldError("--horizon-days", "1 to " + std::to_string(analytics::kMaxLtvHorizonDays)));
    }
    auto ltv = app::Ltv(app, common.workspace, a.horizon_days);
    if (!ltv.ok()) return Fail(ltv.status());
    const analytics::LtvReport& r = *ltv;
    char model[256];
    std::snprintf(model, sizeof model,
                  "BG/NBD r=%.3f alpha=%.2f a=%.4f b=%.3f; Gamma-Gamma p=%.3f q=%.3f gamma=%.0f",
                  r.purchases.r, r.purchases.alpha, r.purchases.a, r.purchases.b, r.spend.p,
                  r.spend.q, r.spend.gamma);
    const std::string headline = r.predicted ? std::string(model) + "\npredicted over " +
                                                   std::to_string(r.horizon_days) +
                                                   " days: " + Yuan(r.predicted_fen)
                                             : "no prediction: " + r.why;
    return Print(a, app::LtvJson(r), app::LtvTable(r), headline);
  }
  return Fail(
      Status::InvalidArgument("unknown report \"" + a.kind +
                              "\" (funnel, channels, cohorts, value, ltv, rfm, grid, replies)"));
}

}  // namespace pond::cli
