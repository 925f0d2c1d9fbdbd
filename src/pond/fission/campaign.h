// A fission campaign's definition (docs/fission.md, "Campaigns"), stored as JSON:
//
//   {"id": "cmp_mask", "name": "邀10位好友得面膜", "kind": "task",
//    "start": "2026-11-01T00:00:00+08:00", "end": "2026-12-01T00:00:00+08:00",
//    "budget_fen": 500000, "stock": 500,
//    "qualify": {"event": "order_paid", "min_amount_fen": 990},   // or friend_added {staff_id}
//    "window_days": 7,
//    "tiers": [{"invites": 3, "reward": {"coupon": "C20", "value_fen": 2000}},
//              {"invites": 10, "reward": {"product": "MASK-10", "cost_fen": 800}}]}
//   (a reward may also be cash: {"cash_fen": 1000})
//
// `group_buy` campaigns carry {"group": {"size", "hours", "fill_on_expiry"}} and `bargain`
// campaigns {"bargain": {"start_fen", "floor_fen", "helpers"}} instead of tiers.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/status.h"
#include "pond/fission/bargain.h"
#include "pond/fission/group_buy.h"
#include "pond/model/event_names.h"

namespace pond {

enum class CampaignKind { kTask, kGroupBuy, kBargain };
const char* CampaignKindName(CampaignKind kind);

struct CampaignReward {
  std::string coupon;     // a coupon id, or
  std::string product;    // a product sku, or
  bool cash = false;      // cash, posted to the ledger (distribution's, shared)
  int64_t value_fen = 0;  // the coupon's face value, the product's cost, or the cash
};

struct CampaignTier {
  int64_t invites = 0;
  CampaignReward reward;
};

struct QualifyRule {
  std::string event = kOrderPaid;  // or "friend_added"
  int64_t min_amount_fen = 0;      // order_paid: at least this much
  std::string staff_id;            // friend_added: of this staff account ("" = any)
};

struct Campaign {
  std::string id;  // "cmp_…"
  std::string name;
  CampaignKind kind = CampaignKind::kTask;
  Micros start = 0;
  Micros end = 0;
  int64_t budget_fen = 0;  // what its rewards may cost in all
  int64_t stock = 0;       // how many rewards it may give
  QualifyRule qualify;
  int window_days = 7;  // a refund or deletion this soon after qualifying stops the friend counting
  std::vector<CampaignTier> tiers;
  GroupBuyRules group;
  BargainRules bargain;
  bool Active(Micros at) const { return at >= start && at < end; }
};

// Errors name the field ("tiers[1].invites", "qualify.event", "end"). Times written without
// an offset are the workspace's local time (`utc_offset_seconds`), and CampaignJson writes
// them in that zone, so a campaign that "starts on the 11th" starts at the brand's midnight.
Result<Campaign> ParseCampaign(std::string_view json, int utc_offset_seconds);
nlohmann::json CampaignJson(const Campaign& campaign, int utc_offset_seconds);

}  // namespace pond
