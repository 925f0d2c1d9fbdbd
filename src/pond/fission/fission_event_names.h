// The events the fission service writes and replays (docs/fission.md, "Events"); their
// messageIds start "fis:". The names are the registry's (pond/model/event_names.h), where they
// are marked as written by pond only: rewards and standing follow from them.
#pragma once

#include "pond/model/event_names.h"

namespace pond {

inline constexpr const char* kOwnFissionEvents[] = {
    kFissionJoined,         kFissionInvited,        kFissionQualified,  kFissionDisqualified,
    kFissionRewardGranted,  kFissionRewardDisputed, kFissionRewardHeld, kFissionRewardApproved,
    kFissionRewardRejected, kGroupBuyOpened,        kGroupBuyJoined,    kGroupBuyClosed,
    kBargainStarted,        kBargainHelped};

}  // namespace pond
