#include "pond/app/grid_views.h"

#include <string>

#include "pond/base/time.h"

namespace pond::app {
namespace {

using analytics::GridCell;
using analytics::kGridStageCount;
using analytics::kGridStages;
using nlohmann::json;

json TimeOrNull(Micros t, int offset) {
  if (t == INT64_MIN || t == INT64_MAX) return nullptr;
  return FormatIso8601(t, offset);
}

}  // namespace

json GridJson(const analytics::TouchpointGrid& g, int utc_offset_seconds) {
  json rows = json::array(), gaps = json::array();
  for (size_t r = 0; r < kReportedTouchpointCount; ++r) {
    const Touchpoint t = kReportedTouchpoints[r];
    json cells = json::array();
    for (size_t s = 0; s < kGridStageCount; ++s) {
      const GridCell& c = g.cells[r][s];
      json cell = {{"stage", kGridStages[s]},
                   {"actions", c.actions},
                   {"results", c.results},
                   {"losses", c.losses},
                   {"customers", c.customers},
                   {"gmv_fen", c.gmv_fen},
                   {"flag", analytics::CellFlagName(c.flag)}};
      if (analytics::IsGap(g, r, s)) {
        json gap = {{"touchpoint", TouchpointName(t)},
                    {"stage", kGridStages[s]},
                    {"flag", analytics::CellFlagName(c.flag)},
                    {"en", analytics::DescribeCell(g, r, s, false)},
                    {"zh", analytics::DescribeCell(g, r, s, true)}};
        gaps.push_back(std::move(gap));
      }
      cells.push_back(std::move(cell));
    }
    rows.push_back({{"touchpoint", TouchpointName(t)},
                    {"name_zh", TouchpointNameZh(t)},
                    {"cells", std::move(cells)}});
  }
  json stages = json::array();
  for (size_t s = 0; s < kGridStageCount; ++s) {
    stages.push_back({{"stage", kGridStages[s]}, {"name_zh", analytics::kGridStagesZh[s]}});
  }
  return {{"from", TimeOrNull(g.from, utc_offset_seconds)},
          {"to", TimeOrNull(g.to, utc_offset_seconds)},
          {"stages", std::move(stages)},
          {"touchpoints", std::move(rows)},
          {"gaps", std::move(gaps)}};
}

ReportTable GridCellsTable(const analytics::TouchpointGrid& g) {
  ReportTable out{
      {"touchpoint", "stage", "actions", "results", "losses", "customers", "gmv_fen", "flag"}, {}};
  for (size_t r = 0; r < kReportedTouchpointCount; ++r) {
    for (size_t s = 0; s < kGridStageCount; ++s) {
      const GridCell& c = g.cells[r][s];
      out.rows.push_back({std::string(TouchpointName(kReportedTouchpoints[r])), kGridStages[s],
                          std::to_string(c.actions), std::to_string(c.results),
                          std::to_string(c.losses), std::to_string(c.customers),
                          std::to_string(c.gmv_fen), analytics::CellFlagName(c.flag)});
    }
  }
  return out;
}

ReportTable GridMatrixTable(const analytics::TouchpointGrid& g) {
  ReportTable out{{"touchpoint", "触点"}, {}};
  for (size_t s = 0; s < kGridStageCount; ++s) {
    out.header.push_back(std::string(kGridStages[s]) + " " + analytics::kGridStagesZh[s]);
  }
  for (size_t r = 0; r < kReportedTouchpointCount; ++r) {
    const Touchpoint t = kReportedTouchpoints[r];
    std::vector<std::string> row = {std::string(TouchpointName(t)),
                                    std::string(TouchpointNameZh(t))};
    for (size_t s = 0; s < kGridStageCount; ++s) {
      const GridCell& c = g.cells[r][s];
      if (c.flag == analytics::CellFlag::kEmpty) {
        row.emplace_back("-");
        continue;
      }
      std::string text = std::to_string(c.results) + " / " + std::to_string(c.customers);
      if (c.flag == analytics::CellFlag::kWeak) text += " !";
      row.push_back(std::move(text));
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace pond::app
