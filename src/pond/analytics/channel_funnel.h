// The private-domain funnel by acquisition channel (docs/analytics.md, "Channel funnel"):
// scanned → friend → engaged → first order → repeat → advocate, for the customers each channel
// brought in, optionally split by the period (month or week) they came in.
//
// Each stage is the first of its events at or after the stage before it (events before the
// customer's acquisition do not count); one event may reach several stages at once (an order
// engages and converts), except that the repeat order is another order than the first:
//   scanned      the acquisition: the customer's first channel_scanned or friend_added naming a
//                channel (TenantState's channel and channel_at)
//   friend       friend_added
//   engaged      an interaction: message_received, moment_liked, questionnaire_submitted,
//                content_viewed, group_joined, or a paid order
//   first_order  a paid order (order_paid counted as an order)
//   repeat       another paid order
//   advocate     they took up passing pond on: invite_sent, referral_converted, fission_joined
//                (took a fission poster) or distributor_approved
// friend / scanned is the private-domain pass rate operators quote.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pond/analytics/funnel.h"
#include "pond/analytics/periods.h"

namespace pond::analytics {

inline constexpr const char* kChannelFunnelStages[] = {"scanned",     "friend", "engaged",
                                                       "first_order", "repeat", "advocate"};
inline constexpr size_t kChannelFunnelStageCount = std::size(kChannelFunnelStages);

struct ChannelFunnelRow {
  std::string period;   // PeriodLabel of the acquisition; "" when not split by period
  FunnelCounts counts;  // counts.channel: the channel
};

struct ChannelFunnel {
  std::optional<Period> period;
  FunnelCounts total;                  // every acquired customer
  std::vector<ChannelFunnelRow> rows;  // by channel (most scanned first), then period
};

ChannelFunnel ComputeChannelFunnel(const TenantState& state, std::optional<Period> period,
                                   int utc_offset_seconds);

}  // namespace pond::analytics
