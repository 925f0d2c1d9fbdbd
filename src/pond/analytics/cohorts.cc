#include "pond/analytics/cohorts.h"

#include <algorithm>
#include <map>

#include "pond/engine/event_origin.h"

namespace pond::analytics {

CohortTriangle ComputeCohorts(const TenantState& state, Period period, Micros now, int offset) {
  const CustomerColumns& c = state.customers();
  const EventColumns& events = state.events();
  // Whether each interned event name is the customer's own doing, computed once.
  std::vector<bool> own(state.event_names().size());
  for (size_t i = 0; i < own.size(); ++i) own[i] = !IsPondWrittenEvent(state.event_names()[i]);

  const int64_t last = PeriodIndex(period, now, offset);
  std::map<int64_t, CohortRow> rows;  // by the cohort's period index
  std::vector<int64_t> active_in, bought_in;
  for (uint32_t customer : state.live()) {
    const auto& history = c.history[customer];
    if (history.empty()) continue;
    Micros first = history.front().timestamp;
    for (const HistoryEntry& h : history) first = std::min(first, h.timestamp);
    const int64_t cohort = PeriodIndex(period, first, offset);
    if (cohort > last) continue;  // from the future: not in the triangle
    CohortRow& row = rows[cohort];
    const size_t width = static_cast<size_t>(last - cohort + 1);
    row.active.resize(width);
    row.buyers.resize(width);
    ++row.customers;
    active_in.clear();
    bought_in.clear();
    for (const HistoryEntry& h : history) {
      const int64_t at = PeriodIndex(period, h.timestamp, offset) - cohort;
      if (at < 0 || at >= static_cast<int64_t>(width)) continue;
      if (own[h.name]) active_in.push_back(at);
      if (events.money[h.event] == kCountedOrder) bought_in.push_back(at);
    }
    // Each customer counts once per offset.
    for (auto* list : {&active_in, &bought_in}) {
      std::sort(list->begin(), list->end());
      list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    for (int64_t at : active_in) ++row.active[at];
    for (int64_t at : bought_in) ++row.buyers[at];
  }
  CohortTriangle out;
  out.period = period;
  for (auto& [index, row] : rows) {
    row.cohort = PeriodLabel(period, index);
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace pond::analytics
