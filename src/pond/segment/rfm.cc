#include "pond/segment/rfm.h"

#include <algorithm>

#include "pond/model/event_names.h"

namespace pond {
namespace {

enum Cell : size_t {
  kChampions,
  kLoyal,
  kPotential,
  kNew,
  kPromising,
  kNeedAttention,
  kAboutToSleep,
  kAtRisk,
  kCantLose,
  kHibernating,
  kLost
};

// 1 + 5 × (values strictly below v) / n, for each v.
std::vector<uint8_t> Quintiles(const std::vector<int64_t>& values) {
  std::vector<int64_t> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const auto n = static_cast<int64_t>(values.size());
  std::vector<uint8_t> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    auto below = std::lower_bound(sorted.begin(), sorted.end(), values[i]) - sorted.begin();
    out[i] = static_cast<uint8_t>(1 + 5 * below / n);
  }
  return out;
}

}  // namespace

size_t RfmCell(int r, int fm) {
  static constexpr Cell kGrid[5][5] = {
      // FM:  1            2              3              4          5
      {kLost, kLost, kAtRisk, kAtRisk, kCantLose},                     // R 1
      {kHibernating, kHibernating, kAtRisk, kAtRisk, kCantLose},       // R 2
      {kAboutToSleep, kAboutToSleep, kNeedAttention, kLoyal, kLoyal},  // R 3
      {kPromising, kPotential, kPotential, kLoyal, kChampions},        // R 4
      {kNew, kPotential, kPotential, kChampions, kChampions},          // R 5
  };
  return kGrid[std::clamp(r, 1, 5) - 1][std::clamp(fm, 1, 5) - 1];
}

std::optional<size_t> RfmCellFromName(std::string_view name) {
  for (size_t i = 0; i < kRfmCellCount; ++i) {
    if (name == kRfmCells[i]) return i;
  }
  return std::nullopt;
}

RfmTable ComputeRfm(const TenantState& state, Micros now) {
  RfmTable t;
  t.computed_at = now;
  t.members.resize(kRfmCellCount);
  const uint32_t paid = state.FindEventName(kOrderPaid);
  if (paid == kNoIndex) return t;
  // The last counted order of each customer, from the order postings.
  const CustomerColumns& cs = state.customers();
  std::vector<Micros> last(cs.size(), 0);
  std::vector<uint8_t> has(cs.size(), 0);
  for (const Posting& p : state.EventsNamed(paid)) {
    if (state.events().money[p.event] != kCountedOrder) continue;
    if (!has[p.customer] || p.timestamp > last[p.customer]) last[p.customer] = p.timestamp;
    has[p.customer] = 1;
  }
  std::vector<uint32_t> who;
  std::vector<int64_t> r, f, m;
  for (uint32_t c : state.live()) {
    if (!has[c]) continue;
    who.push_back(c);
    r.push_back(last[c]);
    f.push_back(cs.order_count[c]);
    m.push_back(cs.spent_fen[c] - cs.refunded_fen[c]);
  }
  std::vector<uint8_t> rs = Quintiles(r), fs = Quintiles(f), ms = Quintiles(m);
  std::vector<std::vector<uint32_t>> ids(kRfmCellCount);
  for (size_t i = 0; i < who.size(); ++i) {
    ids[RfmCell(rs[i], (fs[i] + ms[i]) / 2)].push_back(who[i]);
  }
  for (size_t k = 0; k < kRfmCellCount; ++k) {
    if (!ids[k].empty()) t.members[k].addMany(ids[k].size(), ids[k].data());
  }
  t.scored = static_cast<int64_t>(who.size());
  return t;
}

}  // namespace pond
