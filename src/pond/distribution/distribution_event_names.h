// The events the distribution service writes and replays (docs/distribution.md, "Events"). The
// names are the registry's (pond/model/event_names.h), where they are marked as written by pond
// only: money and standing follow from them.
#pragma once

#include "pond/model/event_names.h"

namespace pond {

inline constexpr const char* kOwnDistributionEvents[] = {
    kDistributorApplied,  kDistributorApproved,     kDistributorRejected, kDistributorFrozen,
    kDistributorUnfrozen, kDistributorGradeChanged, kClientBound,         kCommissionAccrued,
    kCommissionReleased,  kCommissionRefunded,      kWithdrawalRequested, kWithdrawalApproved,
    kWithdrawalRejected,  kWithdrawalPaid};

}  // namespace pond
