// Channel ROI (docs/analytics.md, "Channel ROI"): for each registered channel, what it cost and
// what the customers it brought in paid within 30, 90 and 180 days of coming in, side by side.
//   spend        the channel's recorded spend (POST /v1/channels/{id}/spend), all days
//   customers    customers acquired through it (first channel_scanned or friend_added naming it)
//   cac          spend / customers, rounded half up
//   net (N days) their paid orders minus refunds within N days of their acquisition
//   margin       net × the gross margin given (margin_bp, basis points), else the net itself
//   roi (N days) (margin − spend) / spend; absent without spend
//   payback      the first day d after acquisition by which the channel's customers' margin
//                within d days reached its spend; absent when it has not (yet)
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pond/engine/engine.h"
#include "pond/engine/tenant_state.h"
#include "pond/model/workspace.h"

namespace pond::analytics {

inline constexpr std::array<int, 3> kRoiWindowsDays = {30, 90, 180};

struct ChannelRoi {
  std::string channel_id, code, name;
  int64_t spend_fen = 0, customers = 0, buyers = 0, cac_fen = 0;
  std::array<int64_t, kRoiWindowsDays.size()> net_fen{}, margin_fen{};
  std::array<std::optional<double>, kRoiWindowsDays.size()> roi{};
  std::optional<int64_t> payback_days;
};

struct ChannelRoiReport {
  std::optional<int64_t> margin_bp;  // as given
  std::vector<ChannelRoi> channels;  // registered channels, most spend first
};

// `spend_fen` by channel id. `margin_bp` 0…10,000 when the brand's gross margin is known.
ChannelRoiReport ComputeChannelRoi(const TenantState& state, const std::vector<Channel>& channels,
                                   const std::map<std::string, int64_t>& spend_fen,
                                   std::optional<int64_t> margin_bp);

// "60" or "62.5" (percent, at most two decimals, 0–100) → basis points; "" → none. Errors name
// `gross_margin`.
Result<std::optional<int64_t>> ParseGrossMargin(std::string_view text);

// The registered channels, their spend and the live state of `workspace`.
Result<ChannelRoiReport> RunChannelRoi(Engine& engine, const std::string& workspace,
                                       std::optional<int64_t> margin_bp);

}  // namespace pond::analytics
