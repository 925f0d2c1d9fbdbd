#include "pond/analytics/channel_funnel.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string_view>

#include "pond/analytics/money_names.h"
#include "pond/analytics/parallel_scan.h"
#include "pond/model/event_names.h"

namespace pond::analytics {
namespace {

enum Stage : size_t { kScanned, kFriend, kEngaged, kFirstOrder, kRepeat, kAdvocate };

constexpr std::string_view kInteractions[] = {
    kMessageReceived, kMomentLiked, kQuestionnaireSubmitted, kContentViewed, kGroupJoined};
// Passing pond on: an invitation shared, a fission poster taken, a distributor approved.
constexpr std::string_view kAdvocacy[] = {kInviteSent, "referral_converted", kFissionJoined,
                                          kDistributorApproved};

// What one interned event name can be for the funnel.
struct NameRole {
  bool friend_added = false, interaction = false, advocacy = false;
};

// Whether the event reaches `stage`.
bool Reaches(Stage stage, const NameRole& role, bool order) {
  switch (stage) {
    case kFriend:
      return role.friend_added;
    case kEngaged:
      return role.interaction || order;
    case kFirstOrder:
    case kRepeat:
      return order;
    case kAdvocate:
      return role.advocacy;
    case kScanned:
      return false;
  }
  return false;
}

}  // namespace

ChannelFunnel ComputeChannelFunnel(const TenantState& state, std::optional<Period> period,
                                   int offset) {
  std::vector<NameRole> roles(state.event_names().size());
  for (size_t i = 0; i < roles.size(); ++i) {
    const std::string& name = state.event_names()[i];
    roles[i].friend_added = name == kFriendAdded;
    roles[i].interaction = std::find(std::begin(kInteractions), std::end(kInteractions), name) !=
                           std::end(kInteractions);
    roles[i].advocacy =
        std::find(std::begin(kAdvocacy), std::end(kAdvocacy), name) != std::end(kAdvocacy);
  }
  const CustomerColumns& c = state.customers();
  const MoneyNames money(state);
  constexpr size_t n = kChannelFunnelStageCount;
  // Each part of the scan tallies on its own; the parts are merged in order.
  struct Part {
    std::optional<FunnelTally> total;
    std::map<std::pair<uint32_t, int64_t>, FunnelTally> groups;  // (channel, period index)
    std::vector<const HistoryEntry*> later;
    std::array<Micros, n> at{};
  };
  std::vector<Part> parts(ScanParts(state.live().cardinality()));
  ScanLiveInParts(state.live(), parts.size(), [&](size_t part, uint32_t customer) {
    if (c.channel[customer] == kNoIndex) return;
    Part& p = parts[part];
    const Micros acquired = c.channel_at[customer];
    p.later.clear();
    for (const HistoryEntry& h : c.history[customer]) {
      if (h.timestamp >= acquired) p.later.push_back(&h);
    }
    std::sort(p.later.begin(), p.later.end(), [](const HistoryEntry* a, const HistoryEntry* b) {
      return a->timestamp != b->timestamp ? a->timestamp < b->timestamp : a->event < b->event;
    });
    p.at[kScanned] = acquired;
    size_t reached = 1;
    for (const HistoryEntry* h : p.later) {
      const bool order = money.IsOrder(*h);
      while (reached < n && Reaches(static_cast<Stage>(reached), roles[h->name], order)) {
        p.at[reached++] = h->timestamp;
        if (reached == kRepeat) break;  // the repeat order is another order
      }
      if (reached == n) break;
    }
    if (!p.total) p.total.emplace(n);
    p.total->Add(p.at.data(), reached);
    const int64_t in = period ? PeriodIndex(*period, acquired, offset) : 0;
    p.groups.try_emplace({c.channel[customer], in}, n).first->second.Add(p.at.data(), reached);
  });
  FunnelTally total(n);
  std::map<std::pair<uint32_t, int64_t>, FunnelTally> groups;
  for (const Part& p : parts) {
    if (p.total) total.Merge(*p.total);
    for (const auto& [key, tally] : p.groups) groups.try_emplace(key, n).first->second.Merge(tally);
  }
  ChannelFunnel out;
  out.period = period;
  out.total = total.Finish("");
  std::map<uint32_t, int64_t> scanned;  // per channel, to order the rows
  for (auto& [key, tally] : groups) {
    ChannelFunnelRow row;
    row.period = period ? PeriodLabel(*period, key.second) : "";
    row.counts = tally.Finish(state.channel_names()[key.first]);
    scanned[key.first] += row.counts.reached[kScanned];
    out.rows.push_back(std::move(row));
  }
  std::stable_sort(out.rows.begin(), out.rows.end(),
                   [&](const ChannelFunnelRow& a, const ChannelFunnelRow& b) {
                     const int64_t sa = scanned[state.FindChannel(a.counts.channel)];
                     const int64_t sb = scanned[state.FindChannel(b.counts.channel)];
                     return sa != sb ? sa > sb : a.counts.channel < b.counts.channel;
                   });
  return out;
}

}  // namespace pond::analytics
