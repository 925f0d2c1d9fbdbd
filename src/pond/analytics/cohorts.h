// Cohort triangles (docs/analytics.md, "Cohorts"): customers grouped by the period of their first
// event (their acquisition), and for each later period how many of them did something in it:
//   active   any event of their own doing (pond's own service events do not count)
//   buyers   a paid order (order_paid counted as an order: a repeated order id counts once)
// Offsets run from 0 (the cohort's own period) to the period of `now`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pond/analytics/periods.h"
#include "pond/engine/tenant_state.h"

namespace pond::analytics {

struct CohortRow {
  std::string cohort;  // PeriodLabel
  int64_t customers = 0;
  std::vector<int64_t> active;  // by offset
  std::vector<int64_t> buyers;  // by offset
};

struct CohortTriangle {
  Period period = Period::kMonth;
  std::vector<CohortRow> rows;  // oldest cohort first
};

CohortTriangle ComputeCohorts(const TenantState& state, Period period, Micros now,
                              int utc_offset_seconds);

}  // namespace pond::analytics
