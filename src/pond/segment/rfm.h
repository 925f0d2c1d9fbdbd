// RFM: recency, frequency and monetary quintile scores over paid orders net of refunds, and the
// named cells operators use.
//
// Scheme (docs/rules.md#rfm): over the live customers with at least one paid order,
//   R from the time of the last paid order (later is better),
//   F the number of paid orders (an order id counts once),
//   M the money paid minus the money refunded, in fen;
// each scored 1..5 as 1 + 5 × (customers with a strictly worse value) / (customers scored), so
// equal values share a score. FM = (F + M) / 2, rounded down. The cell is read from R and FM:
//          FM 1        FM 2          FM 3            FM 4       FM 5
//   R 5    New         Potential L.  Potential L.    Champions  Champions
//   R 4    Promising   Potential L.  Potential L.    Loyal      Champions
//   R 3    About to S. About to S.   Need Attention  Loyal      Loyal
//   R 2    Hibernating Hibernating   At Risk         At Risk    Can't Lose Them
//   R 1    Lost        Lost          At Risk         At Risk    Can't Lose Them
#pragma once

#include <cstdint>
#include <optional>
#include <roaring/roaring.hh>
#include <string_view>
#include <vector>

#include "pond/base/clock.h"
#include "pond/engine/tenant_state.h"

namespace pond {

inline constexpr const char* kRfmCells[] = {
    "Champions",      "Loyal",   "Potential Loyalist", "New",         "Promising", "Need Attention",
    "About to Sleep", "At Risk", "Can't Lose Them",    "Hibernating", "Lost"};
inline constexpr size_t kRfmCellCount = std::size(kRfmCells);

// Index into kRfmCells for scores r and fm in 1..5.
size_t RfmCell(int r, int fm);
std::optional<size_t> RfmCellFromName(std::string_view name);

struct RfmTable {
  Micros computed_at = 0;
  std::vector<Roaring> members;  // by cell index
  int64_t scored = 0;            // customers with a paid order
};

RfmTable ComputeRfm(const TenantState& state, Micros now);

}  // namespace pond
