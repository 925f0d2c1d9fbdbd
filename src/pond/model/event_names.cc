#include "pond/model/event_names.h"

#include <array>
#include <unordered_map>

namespace pond {
namespace {

using W = EventWriter;

constexpr std::array kEvents = {
    StandardEvent{kChannelScanned, W::kClient, "events.md"},
    StandardEvent{kFriendAdded, W::kClient, "events.md"},
    StandardEvent{kFriendDeleted, W::kClient, "events.md"},
    StandardEvent{kGroupJoined, W::kClient, "events.md"},
    StandardEvent{kGroupLeft, W::kClient, "events.md"},
    StandardEvent{kMessageReceived, W::kClient, "events.md"},
    StandardEvent{kMomentViewed, W::kClient, "events.md"},
    StandardEvent{kMomentLiked, W::kClient, "events.md"},
    StandardEvent{kMomentPosted, W::kClient, "content.md"},
    StandardEvent{kMomentCommented, W::kClient, "wecom.md"},
    StandardEvent{kQuestionnaireSubmitted, W::kClient, "events.md"},
    StandardEvent{kOrderPaid, W::kClient, "events.md"},
    StandardEvent{kOrderRefunded, W::kClient, "events.md"},
    StandardEvent{kOrderReceived, W::kClient, "events.md"},
    StandardEvent{kDistributorLinkOpened, W::kClient, "events.md"},
    StandardEvent{kCouponIssued, W::kClient, "events.md"},
    StandardEvent{kCouponRedeemed, W::kClient, "events.md"},
    StandardEvent{kInviteSent, W::kClient, "events.md"},
    StandardEvent{kInviteAccepted, W::kClient, "events.md"},
    StandardEvent{kContentViewed, W::kClient, "events.md"},
    StandardEvent{kScriptUsed, W::kPond, "content.md"},
    StandardEvent{kGroupCampaign, W::kClient, "analytics.md"},
    StandardEvent{kGroupMessage, W::kClient, "communities.md"},
    StandardEvent{kTagAdded, W::kClient, "rules.md"},
    StandardEvent{kTagRemoved, W::kClient, "rules.md"},
    StandardEvent{kMessageSent, W::kClient, "journeys.md"},
    StandardEvent{kSegmentEntered, W::kPond, "rules.md"},
    StandardEvent{kSegmentLeft, W::kPond, "rules.md"},
    StandardEvent{kStageChanged, W::kPond, "rules.md"},
    StandardEvent{kJourneyEntered, W::kPond, "journeys.md"},
    StandardEvent{kJourneyStep, W::kPond, "journeys.md"},
    StandardEvent{kJourneyExited, W::kPond, "journeys.md"},
    StandardEvent{kJourneyConverted, W::kPond, "journeys.md"},
    StandardEvent{kMessageSuppressed, W::kPond, "journeys.md"},
    StandardEvent{kTaskCreated, W::kPond, "journeys.md"},
    StandardEvent{kTaskCompleted, W::kPond, "journeys.md"},
    StandardEvent{kTaskSnoozed, W::kPond, "journeys.md"},
    StandardEvent{kGroupInvited, W::kPond, "journeys.md"},
    StandardEvent{kMessageDelivered, W::kPond, "journeys.md"},
    StandardEvent{kMessageFailed, W::kPond, "journeys.md"},
    StandardEvent{kMessageRetried, W::kPond, "journeys.md"},
    StandardEvent{kDistributorApplied, W::kPondOnly, "distribution.md"},
    StandardEvent{kDistributorApproved, W::kPondOnly, "distribution.md"},
    StandardEvent{kDistributorRejected, W::kPondOnly, "distribution.md"},
    StandardEvent{kDistributorFrozen, W::kPondOnly, "distribution.md"},
    StandardEvent{kDistributorUnfrozen, W::kPondOnly, "distribution.md"},
    StandardEvent{kDistributorGradeChanged, W::kPondOnly, "distribution.md"},
    StandardEvent{kClientBound, W::kPondOnly, "distribution.md"},
    StandardEvent{kCommissionAccrued, W::kPondOnly, "distribution.md"},
    StandardEvent{kCommissionReleased, W::kPondOnly, "distribution.md"},
    StandardEvent{kCommissionRefunded, W::kPondOnly, "distribution.md"},
    StandardEvent{kWithdrawalRequested, W::kPondOnly, "distribution.md"},
    StandardEvent{kWithdrawalApproved, W::kPondOnly, "distribution.md"},
    StandardEvent{kWithdrawalRejected, W::kPondOnly, "distribution.md"},
    StandardEvent{kWithdrawalPaid, W::kPondOnly, "distribution.md"},
    StandardEvent{kFissionJoined, W::kPondOnly, "fission.md"},
    StandardEvent{kFissionInvited, W::kPondOnly, "fission.md"},
    StandardEvent{kFissionQualified, W::kPondOnly, "fission.md"},
    StandardEvent{kFissionDisqualified, W::kPondOnly, "fission.md"},
    StandardEvent{kFissionRewardGranted, W::kPondOnly, "fission.md"},
    StandardEvent{kFissionRewardDisputed, W::kPondOnly, "fission.md"},
    StandardEvent{kFissionRewardHeld, W::kPondOnly, "fission.md"},
    StandardEvent{kFissionRewardApproved, W::kPondOnly, "fission.md"},
    StandardEvent{kFissionRewardRejected, W::kPondOnly, "fission.md"},
    StandardEvent{kGroupBuyOpened, W::kPondOnly, "fission.md"},
    StandardEvent{kGroupBuyJoined, W::kPondOnly, "fission.md"},
    StandardEvent{kGroupBuyClosed, W::kPondOnly, "fission.md"},
    StandardEvent{kBargainStarted, W::kPondOnly, "fission.md"},
    StandardEvent{kBargainHelped, W::kPondOnly, "fission.md"},
    StandardEvent{kGroupRouted, W::kPondOnly, "communities.md"},
    StandardEvent{kGroupInviteDecided, W::kPondOnly, "communities.md"},
    StandardEvent{kGroupOpened, W::kPondOnly, "communities.md"},
    StandardEvent{kGroupRouteRefused, W::kPondOnly, "communities.md"},
    // Written by Engine::EraseCustomer (engine/erasure.h); the name is kept there so that the
    // model's header, included everywhere, need not change.
    StandardEvent{"customer_erased", W::kPondOnly, "privacy.md"},
    // Written by the WeCom connector (channels/wecom/group_send_results.h).
    StandardEvent{"wecom_send_result", W::kPondOnly, "wecom.md"},
    StandardEvent{"transfer_requested", W::kPondOnly, "wecom.md"},  // channels/wecom/handover.h
};

}  // namespace

std::span<const StandardEvent> StandardEvents() { return kEvents; }

const StandardEvent* FindStandardEvent(std::string_view name) {
  // Asked for every ingested event (who may write it): a hash lookup, not a scan of the list.
  static const auto* const by_name = [] {
    auto* map = new std::unordered_map<std::string_view, const StandardEvent*>();
    for (const StandardEvent& e : kEvents) map->emplace(e.name, &e);
    return map;
  }();
  auto it = by_name->find(name);
  return it == by_name->end() ? nullptr : it->second;
}

bool IsAnyOf(std::string_view name, std::span<const char* const> names) {
  for (std::string_view n : names) {
    if (n == name) return true;
  }
  return false;
}

bool IsWrittenOnlyByPond(std::string_view name) {
  const StandardEvent* e = FindStandardEvent(name);
  return e && e->writer == EventWriter::kPondOnly;
}

}  // namespace pond
