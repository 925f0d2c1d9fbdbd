#include "pond/analytics/cohorts.h"

#include <algorithm>
#include <map>

#include "pond/analytics/money_names.h"
#include "pond/analytics/parallel_scan.h"
#include "pond/engine/event_origin.h"

namespace pond::analytics {

int MaxCohorts(Period period) { return period == Period::kWeek ? 1040 : 240; }
int DefaultCohorts(Period period) { return period == Period::kWeek ? 104 : 36; }

CohortTriangle ComputeCohorts(const TenantState& state, Period period, Micros now, int offset,
                              int cohorts) {
  const CustomerColumns& c = state.customers();
  const MoneyNames money(state);
  // Whether each interned event name is the customer's own doing, computed once.
  std::vector<bool> own(state.event_names().size());
  for (size_t i = 0; i < own.size(); ++i) own[i] = !IsPondWrittenEvent(state.event_names()[i]);

  const int64_t last = PeriodIndex(period, now, offset);
  if (cohorts <= 0 || cohorts > MaxCohorts(period)) cohorts = MaxCohorts(period);
  const int64_t oldest = last - cohorts + 1;
  // Twenty years back is more history than any brand has; older times are still right, slower.
  const PeriodIndexer index(period, offset, now - 20 * 366 * 86'400 * kMicrosPerSecond, now);
  // Each part of the scan counts on its own: its rows, and which customer last counted at each
  // offset (so each counts once per offset).
  struct Part {
    std::map<int64_t, CohortRow> rows;  // by the cohort's period index
    std::vector<uint32_t> active_by, bought_by;
    int64_t earlier = 0;
  };
  std::vector<Part> parts(ScanParts(state.live().cardinality()));
  ScanLiveInParts(state.live(), parts.size(), [&](size_t part, uint32_t customer) {
    Part& p = parts[part];
    const auto& history = c.history[customer];
    if (history.empty()) return;
    Micros first = history.front().timestamp;
    for (const HistoryEntry& h : history) first = std::min(first, h.timestamp);
    const int64_t cohort = index(first);
    if (cohort > last) return;  // from the future: not in the triangle
    if (cohort < oldest) {
      ++p.earlier;
      return;
    }
    CohortRow& row = p.rows[cohort];
    const size_t width = static_cast<size_t>(last - cohort + 1);
    row.active.resize(width);
    row.buyers.resize(width);
    if (p.active_by.size() < width) {
      p.active_by.resize(width, kNoIndex);
      p.bought_by.resize(width, kNoIndex);
    }
    ++row.customers;
    for (const HistoryEntry& h : history) {
      const int64_t at = index(h.timestamp) - cohort;
      if (at < 0 || at >= static_cast<int64_t>(width)) continue;
      const auto k = static_cast<size_t>(at);
      if (own[h.name] && p.active_by[k] != customer) {
        p.active_by[k] = customer;
        ++row.active[k];
      }
      if (p.bought_by[k] != customer && money.IsOrder(h)) {
        p.bought_by[k] = customer;
        ++row.buyers[k];
      }
    }
  });
  CohortTriangle out;
  std::map<int64_t, CohortRow> rows;
  for (Part& p : parts) {
    out.earlier_customers += p.earlier;
    for (auto& [cohort, part_row] : p.rows) {
      CohortRow& row = rows[cohort];
      row.customers += part_row.customers;
      row.active.resize(part_row.active.size());
      row.buyers.resize(part_row.buyers.size());
      for (size_t k = 0; k < part_row.active.size(); ++k) {
        row.active[k] += part_row.active[k];
        row.buyers[k] += part_row.buyers[k];
      }
    }
  }
  out.period = period;
  for (auto& [index, row] : rows) {
    row.cohort = PeriodLabel(period, index);
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace pond::analytics
