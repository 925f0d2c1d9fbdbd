#include "pond/analytics/touchpoint_grid.h"

#include <bit>
#include <cstdio>
#include <vector>

#include "pond/model/event_names.h"

namespace pond::analytics {
namespace {

struct NamedKind {
  std::string_view name;
  GridKind kind;
};

constexpr GridKind A(GridStage s) { return {s, GridRole::kAction}; }
constexpr GridKind R(GridStage s) { return {s, GridRole::kResult}; }
constexpr GridKind L(GridStage s) { return {s, GridRole::kLoss}; }

// docs/events.md's standard events and the ones pond's services write.
constexpr NamedKind kKinds[] = {
    {kChannelScanned, R(GridStage::kAttract)},
    {kFriendAdded, R(GridStage::kAttract)},
    {kGroupJoined, R(GridStage::kAttract)},
    {"subscribed", R(GridStage::kAttract)},
    {kMessageSent, A(GridStage::kRetain)},
    {kMessageDelivered, A(GridStage::kRetain)},
    {"moment_posted", A(GridStage::kRetain)},
    {kMessageReceived, R(GridStage::kRetain)},
    {kGroupMessage, R(GridStage::kRetain)},
    {kMomentViewed, R(GridStage::kRetain)},
    {kMomentLiked, R(GridStage::kRetain)},
    {kContentViewed, R(GridStage::kRetain)},
    {"content_liked", R(GridStage::kRetain)},
    {"content_commented", R(GridStage::kRetain)},
    {kQuestionnaireSubmitted, R(GridStage::kRetain)},
    {"page_viewed", R(GridStage::kRetain)},
    {kFriendDeleted, L(GridStage::kRetain)},
    {kGroupLeft, L(GridStage::kRetain)},
    {"unsubscribed", L(GridStage::kRetain)},
    {kCouponIssued, A(GridStage::kConvert)},
    {kGroupCampaign, A(GridStage::kConvert)},
    {kOrderPaid, R(GridStage::kConvert)},
    {kCouponRedeemed, R(GridStage::kConvert)},
    {kFissionRewardGranted, A(GridStage::kFission)},
    {kInviteSent, R(GridStage::kFission)},
    {kInviteAccepted, R(GridStage::kFission)},
    {kFissionJoined, R(GridStage::kFission)},
    {kFissionQualified, R(GridStage::kFission)},
    {kGroupBuyOpened, R(GridStage::kFission)},
    {kGroupBuyJoined, R(GridStage::kFission)},
    {kBargainStarted, R(GridStage::kFission)},
    {kBargainHelped, R(GridStage::kFission)},
    {kDistributorLinkOpened, R(GridStage::kFission)},
    {kDistributorApproved, R(GridStage::kFission)},
    {"referral_converted", R(GridStage::kFission)},
};

// The grid's row of a touchpoint; kByAcquisition never reaches here.
size_t RowOf(Touchpoint t) {
  for (size_t i = 0; i < kReportedTouchpointCount; ++i) {
    if (kReportedTouchpoints[i] == t) return i;
  }
  return kReportedTouchpointCount - 1;  // other
}

// The "other" row is what no touchpoint claimed: shown, never measured against or flagged weak.
constexpr size_t kOtherRow = kReportedTouchpointCount - 1;

// The row with the most customers in a stage, "other" aside.
size_t BestRow(const TouchpointGrid& grid, size_t stage) {
  size_t best = 0;
  for (size_t r = 0; r < kOtherRow; ++r) {
    if (grid.cells[r][stage].customers > grid.cells[best][stage].customers) best = r;
  }
  return best;
}

// Sets the flags once the counts are in.
void Flag(TouchpointGrid& grid) {
  for (size_t s = 0; s < kGridStageCount; ++s) {
    const int64_t best = grid.cells[BestRow(grid, s)][s].customers;
    for (size_t r = 0; r < kReportedTouchpointCount; ++r) {
      GridCell& c = grid.cells[r][s];
      if (c.actions + c.results + c.losses == 0) {
        c.flag = CellFlag::kEmpty;
      } else if (r == kOtherRow) {
        c.flag = CellFlag::kOk;
      } else if ((c.actions > 0 && c.results == 0) || c.customers * kWeakShareDivisor < best) {
        c.flag = CellFlag::kWeak;
      } else {
        c.flag = CellFlag::kOk;
      }
    }
  }
}

}  // namespace

std::optional<GridKind> GridKindOf(std::string_view event_name) {
  for (const NamedKind& k : kKinds) {
    if (k.name == event_name) return k.kind;
  }
  return std::nullopt;
}

const char* CellFlagName(CellFlag flag) {
  switch (flag) {
    case CellFlag::kOk:
      return "ok";
    case CellFlag::kWeak:
      return "weak";
    case CellFlag::kEmpty:
      break;
  }
  return "empty";
}

// The scan walks each counted name's postings: they are in event order, so the touchpoint and
// money columns are read front to back rather than at random. Distinct customers are one
// bitmap of dense ids per cell.
TouchpointGrid ComputeTouchpointGrid(const TenantState& state, Micros from, Micros to) {
  TouchpointGrid grid;
  grid.from = from;
  grid.to = to;
  const EventColumns& events = state.events();
  const CustomerColumns& customers = state.customers();
  const size_t words = (customers.size() + 63) / 64;
  std::vector<std::vector<uint64_t>> reached(kReportedTouchpointCount * kGridStageCount);
  const size_t personal = RowOf(Touchpoint::kPersonal), store = RowOf(Touchpoint::kOfflineStore);
  for (uint32_t name = 0; name < state.event_names().size(); ++name) {
    const std::optional<GridKind> kind = GridKindOf(state.EventName(name));
    if (!kind) continue;
    const auto stage = static_cast<size_t>(kind->stage);
    const bool counts_money = state.EventName(name) == kOrderPaid;
    for (const Posting& p : state.EventsNamed(name)) {
      if (p.timestamp < from || p.timestamp >= to) continue;
      const auto t = static_cast<Touchpoint>(events.touchpoint[p.event]);
      size_t row = 0;
      if (t == Touchpoint::kByAcquisition) {
        const uint32_t channel = customers.channel[p.customer];
        row = channel != kNoIndex && state.ChannelKindOf(channel) == ChannelKind::kOfflineStore
                  ? store
                  : personal;
      } else {
        row = RowOf(t);
      }
      GridCell& cell = grid.cells[row][stage];
      switch (kind->role) {
        case GridRole::kAction:
          ++cell.actions;
          continue;
        case GridRole::kLoss:
          ++cell.losses;
          continue;
        case GridRole::kResult:
          break;
      }
      ++cell.results;
      if (counts_money && events.money[p.event] == kCountedOrder) {
        cell.gmv_fen += events.amount_fen[p.event];
      }
      std::vector<uint64_t>& bits = reached[row * kGridStageCount + stage];
      if (bits.empty()) bits.resize(words, 0);
      bits[p.customer / 64] |= uint64_t{1} << (p.customer % 64);
    }
  }
  for (size_t row = 0; row < kReportedTouchpointCount; ++row) {
    for (size_t s = 0; s < kGridStageCount; ++s) {
      for (uint64_t w : reached[row * kGridStageCount + s]) {
        grid.cells[row][s].customers += std::popcount(w);
      }
    }
  }
  Flag(grid);
  return grid;
}

bool IsGap(const TouchpointGrid& grid, size_t row, size_t stage) {
  return row != kOtherRow && grid.cells[row][stage].flag != CellFlag::kOk;
}

std::string DescribeCell(const TouchpointGrid& grid, size_t row, size_t stage, bool chinese) {
  const GridCell& c = grid.cells[row][stage];
  const Touchpoint t = kReportedTouchpoints[row];
  const std::string where(chinese ? TouchpointNameZh(t) : TouchpointName(t));
  const char* when = chinese ? kGridStagesZh[stage] : kGridStages[stage];
  char buf[512];
  if (!IsGap(grid, row, stage)) return "";
  if (c.flag == CellFlag::kEmpty) {
    if (chinese) {
      std::snprintf(buf, sizeof buf, "%s的%s环节是空白：既没有动作，也没有结果。", where.c_str(),
                    when);
    } else {
      std::snprintf(buf, sizeof buf, "Nothing happens at %s in %s: no actions and no results.",
                    where.c_str(), when);
    }
    return buf;
  }
  if (c.results == 0) {
    const auto n = static_cast<long long>(c.actions);
    if (chinese) {
      std::snprintf(buf, sizeof buf, "%s在%s环节有 %lld 次动作，但没有客户响应。", where.c_str(),
                    when, n);
    } else {
      std::snprintf(buf, sizeof buf, "%lld actions at %s in %s and no customer responded.", n,
                    where.c_str(), when);
    }
    return buf;
  }
  const size_t best = BestRow(grid, stage);
  const Touchpoint b = kReportedTouchpoints[best];
  const std::string best_name(chinese ? TouchpointNameZh(b) : TouchpointName(b));
  const auto mine = static_cast<long long>(c.customers);
  const auto most = static_cast<long long>(grid.cells[best][stage].customers);
  if (chinese) {
    std::snprintf(buf, sizeof buf, "%s在%s环节只触达 %lld 位客户，不到%s（%lld 位）的十分之一。",
                  where.c_str(), when, mine, best_name.c_str(), most);
  } else {
    std::snprintf(buf, sizeof buf, "%s reached %lld customers in %s, under a tenth of %s's %lld.",
                  where.c_str(), mine, when, best_name.c_str(), most);
  }
  return buf;
}

}  // namespace pond::analytics
