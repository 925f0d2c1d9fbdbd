// The events the fission service writes (docs/fission.md, "Events"). Rewards and standing
// follow from them, so the ingest edge refuses them from clients. Their messageIds start "fis:".
#pragma once

#include <string_view>

namespace pond {

inline constexpr char kFissionJoined[] = "fission_joined";        // {campaign_id}: got a poster
inline constexpr char kFissionInvited[] = "fission_invited";      // {campaign_id, inviter}
inline constexpr char kFissionQualified[] = "fission_qualified";  // {campaign_id, inviter, …}
inline constexpr char kFissionDisqualified[] = "fission_disqualified";
inline constexpr char kFissionRewardGranted[] = "fission_reward_granted";  // {campaign_id, key, …}
inline constexpr char kFissionRewardDisputed[] = "fission_reward_disputed";
inline constexpr char kFissionRewardHeld[] = "fission_reward_held";  // {key, score, reasons}
inline constexpr char kFissionRewardApproved[] = "fission_reward_approved";
inline constexpr char kFissionRewardRejected[] = "fission_reward_rejected";
inline constexpr char kGroupBuyOpened[] = "group_buy_opened";  // {campaign_id, group_id, order_id}
inline constexpr char kGroupBuyJoined[] = "group_buy_joined";  // {campaign_id, group_id, order_id}
inline constexpr char kGroupBuyClosed[] = "group_buy_closed";  // {campaign_id, group_id, state}
inline constexpr char kBargainStarted[] = "bargain_started";   // {campaign_id, bargain_id}
inline constexpr char kBargainHelped[] = "bargain_helped";  // {campaign_id, bargain_id, cut_fen, …}

inline constexpr const char* kOwnFissionEvents[] = {
    kFissionJoined,         kFissionInvited,        kFissionQualified,  kFissionDisqualified,
    kFissionRewardGranted,  kFissionRewardDisputed, kFissionRewardHeld, kFissionRewardApproved,
    kFissionRewardRejected, kGroupBuyOpened,        kGroupBuyJoined,    kGroupBuyClosed,
    kBargainStarted,        kBargainHelped};

inline bool IsFissionLedgerEvent(std::string_view name) {
  for (std::string_view own : kOwnFissionEvents) {
    if (name == own) return true;
  }
  return false;
}

}  // namespace pond
