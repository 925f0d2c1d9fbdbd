// The touchpoint × stage grid's shapes (docs/analytics.md), shared by GET /v1/reports/grid and
// `pond report grid`: JSON, the flat CSV (one row per cell), and the grid itself as a table
// (touchpoints down, stages across) for a terminal.
#pragma once

#include <nlohmann/json.hpp>

#include "pond/analytics/touchpoint_grid.h"
#include "pond/app/report_views.h"

namespace pond::app {

// `utc_offset_seconds`: the workspace's zone, for from / to.
nlohmann::json GridJson(const analytics::TouchpointGrid& g, int utc_offset_seconds);
ReportTable GridCellsTable(const analytics::TouchpointGrid& g);
// Each cell as "results / customers", "-" when empty, a "!" after a weak one.
ReportTable GridMatrixTable(const analytics::TouchpointGrid& g);

}  // namespace pond::app
