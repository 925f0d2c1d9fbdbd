// The standard event names: one registry that the ingest edge, the services and the docs test
// (docs/events.md) use. A name is spelled here once; code uses the constant.
//
// Who writes an event:
//   kClient    shops, mini programs, WeCom callbacks and imports send it (pond may too:
//              message_sent is also a journey's, tag_added also an operator's)
//   kPond      pond writes it as the result of its own work; a client may send it, and it is
//              stored as any event (a journey's steps, deliveries, segment changes)
//   kPondOnly  pond writes it and the ingest edge refuses it from clients: money, rewards and
//              group places follow from it (distribution, fission, communities)
#pragma once

#include <span>
#include <string_view>

namespace pond {

// --- what customers do, as clients send it -------------------------------------------------
inline constexpr char kChannelScanned[] = "channel_scanned";
inline constexpr char kFriendAdded[] = "friend_added";
inline constexpr char kFriendDeleted[] = "friend_deleted";
inline constexpr char kGroupJoined[] = "group_joined";
inline constexpr char kGroupLeft[] = "group_left";
inline constexpr char kMessageReceived[] = "message_received";
inline constexpr char kMomentViewed[] = "moment_viewed";
inline constexpr char kMomentLiked[] = "moment_liked";
inline constexpr char kMomentPosted[] = "moment_posted";
inline constexpr char kMomentCommented[] = "moment_commented";
inline constexpr char kQuestionnaireSubmitted[] = "questionnaire_submitted";
inline constexpr char kOrderPaid[] = "order_paid";
inline constexpr char kOrderRefunded[] = "order_refunded";
inline constexpr char kOrderReceived[] = "order_received";
inline constexpr char kDistributorLinkOpened[] = "distributor_link_opened";
inline constexpr char kCouponIssued[] = "coupon_issued";
inline constexpr char kCouponRedeemed[] = "coupon_redeemed";
inline constexpr char kInviteSent[] = "invite_sent";
inline constexpr char kInviteAccepted[] = "invite_accepted";
inline constexpr char kContentViewed[] = "content_viewed";
inline constexpr char kScriptUsed[] = "script_used";  // {script_id, staff?}: a staff member used it
inline constexpr char kGroupCampaign[] = "group_campaign";  // a campaign sent to a group
inline constexpr char kGroupMessage[] = "group_message";    // {group_id, is_ad}

// --- tags, segments and stages ---------------------------------------------------------------
inline constexpr char kTagAdded[] = "tag_added";
inline constexpr char kTagRemoved[] = "tag_removed";
inline constexpr char kSegmentEntered[] = "segment_entered";
inline constexpr char kSegmentLeft[] = "segment_left";
inline constexpr char kStageChanged[] = "stage_changed";

// --- journeys, tasks and deliveries ----------------------------------------------------------
inline constexpr char kJourneyEntered[] = "journey_entered";
inline constexpr char kJourneyStep[] = "journey_step";
inline constexpr char kJourneyExited[] = "journey_exited";
inline constexpr char kJourneyConverted[] = "journey_converted";
inline constexpr char kMessageSent[] = "message_sent";
inline constexpr char kMessageSuppressed[] = "message_suppressed";
inline constexpr char kTaskCreated[] = "task_created";
inline constexpr char kTaskCompleted[] = "task_completed";
inline constexpr char kTaskSnoozed[] = "task_snoozed";
inline constexpr char kGroupInvited[] = "group_invited";
inline constexpr char kMessageDelivered[] = "message_delivered";
inline constexpr char kMessageFailed[] = "message_failed";
inline constexpr char kMessageRetried[] = "message_retried";

// --- distribution (docs/distribution.md) ------------------------------------------------------
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

// --- fission (docs/fission.md) -----------------------------------------------------------------
inline constexpr char kFissionJoined[] = "fission_joined";        // {campaign_id}: got a poster
inline constexpr char kFissionInvited[] = "fission_invited";      // {campaign_id, inviter}
inline constexpr char kFissionQualified[] = "fission_qualified";  // {campaign_id, inviter, …}
inline constexpr char kFissionDisqualified[] = "fission_disqualified";
// A tier's reward; one with `cash_fen` > 0 is posted to the ledger (Dr expense, Cr the
// winner's `available`, key "reward:<reward key>").
inline constexpr char kFissionRewardGranted[] = "fission_reward_granted";
inline constexpr char kFissionRewardDisputed[] = "fission_reward_disputed";
inline constexpr char kFissionRewardHeld[] = "fission_reward_held";  // {key, score, reasons}
inline constexpr char kFissionRewardApproved[] = "fission_reward_approved";
inline constexpr char kFissionRewardRejected[] = "fission_reward_rejected";
inline constexpr char kGroupBuyOpened[] = "group_buy_opened";  // {campaign_id, group_id, order_id}
inline constexpr char kGroupBuyJoined[] = "group_buy_joined";  // {campaign_id, group_id, order_id}
inline constexpr char kGroupBuyClosed[] = "group_buy_closed";  // {campaign_id, group_id, state}
inline constexpr char kBargainStarted[] = "bargain_started";   // {campaign_id, bargain_id}
inline constexpr char kBargainHelped[] = "bargain_helped";  // {campaign_id, bargain_id, cut_fen, …}

// --- communities (docs/communities.md) -------------------------------------------------------
inline constexpr char kGroupRouted[] = "group_routed";  // {group_id, code_id, cause?}
inline constexpr char kGroupInviteDecided[] = "group_invite_decided";  // {cause, outcome, …}
inline constexpr char kGroupOpened[] = "group_opened";                 // {group_id, code_id, group}
inline constexpr char kGroupRouteRefused[] = "group_route_refused";    // {code_id, reason}

enum class EventWriter { kClient, kPond, kPondOnly };

struct StandardEvent {
  std::string_view name;
  EventWriter writer;
  std::string_view doc;  // the page that describes its properties
};

// Every name above, once.
std::span<const StandardEvent> StandardEvents();

// The standard event of that name, or null for a name pond does not define.
const StandardEvent* FindStandardEvent(std::string_view name);

// True for the names the ingest edge refuses from clients (kPondOnly).
bool IsWrittenOnlyByPond(std::string_view name);

// True when `name` is one of `names` (a service's own events).
bool IsAnyOf(std::string_view name, std::span<const char* const> names);

}  // namespace pond
