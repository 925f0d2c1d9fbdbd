// The names of the events the distribution service writes (docs/distribution.md, "Events"),
// apart from the code that writes them, so that the ingest edge can refuse them from clients:
// money and standing follow from these events, and only pond may write them.
#pragma once

#include <string_view>

namespace pond {

inline constexpr char kDistributorApplied[] = "distributor_applied";
inline constexpr char kDistributorApproved[] = "distributor_approved";
inline constexpr char kDistributorRejected[] = "distributor_rejected";
inline constexpr char kDistributorFrozen[] = "distributor_frozen";
inline constexpr char kDistributorUnfrozen[] = "distributor_unfrozen";
inline constexpr char kDistributorGradeChanged[] = "distributor_grade_changed";
inline constexpr char kClientBound[] = "client_bound";
inline constexpr char kCommissionAccrued[] = "commission_accrued";
inline constexpr char kCommissionReleased[] = "commission_released";
inline constexpr char kCommissionRefunded[] = "commission_refunded";
inline constexpr char kWithdrawalRequested[] = "withdrawal_requested";
inline constexpr char kWithdrawalApproved[] = "withdrawal_approved";
inline constexpr char kWithdrawalRejected[] = "withdrawal_rejected";
inline constexpr char kWithdrawalPaid[] = "withdrawal_paid";

inline constexpr const char* kOwnDistributionEvents[] = {
    kDistributorApplied,  kDistributorApproved,     kDistributorRejected, kDistributorFrozen,
    kDistributorUnfrozen, kDistributorGradeChanged, kClientBound,         kCommissionAccrued,
    kCommissionReleased,  kCommissionRefunded,      kWithdrawalRequested, kWithdrawalApproved,
    kWithdrawalRejected,  kWithdrawalPaid};

// Written by fission when a tier's reward is granted; one with `cash_fen` > 0 is posted to this
// ledger (Dr expense, Cr the winner's `available`, key "reward:<reward key>").
inline constexpr char kRewardGranted[] = "fission_reward_granted";

// What shops and mini programs send when someone opens a distributor's link: {"code": "…"}
// (or {"distributor": "dst_…"}).
inline constexpr char kDistributorLinkOpened[] = "distributor_link_opened";

// True for the names only pond writes.
inline bool IsDistributionLedgerEvent(std::string_view name) {
  for (std::string_view own : kOwnDistributionEvents) {
    if (name == own) return true;
  }
  return false;
}

}  // namespace pond
