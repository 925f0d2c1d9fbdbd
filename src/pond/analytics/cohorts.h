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
  std::vector<CohortRow> rows;    // oldest cohort first
  int64_t earlier_customers = 0;  // first seen before the oldest cohort asked for
};

// A triangle holds the newest `cohorts` cohorts (ending with now's): its size is bounded by the
// request, not by how old the oldest event is (events dated 2000 would otherwise make a weekly
// triangle of 1,400 rows). At most MaxCohorts, by default DefaultCohorts.
int MaxCohorts(Period period);      // 240 months (20 years) or 1,040 weeks
int DefaultCohorts(Period period);  // 36 months or 104 weeks

// `cohorts` 0: MaxCohorts(period); otherwise clamped to 1 … MaxCohorts(period).
CohortTriangle ComputeCohorts(const TenantState& state, Period period, Micros now,
                              int utc_offset_seconds, int cohorts = 0);

}  // namespace pond::analytics
