#include "pond/fission/campaign.h"

#include <nlohmann/json.hpp>

#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/base/time.h"
#include "pond/fission/task_tiers.h"
#include "pond/model/event_names.h"

namespace pond {
namespace {

using nlohmann::json;

Status Int(const json& j, const std::string& field, int64_t lo, int64_t hi, int64_t* out) {
  auto it = j.find(field.substr(field.rfind('.') + 1));
  if (it == j.end()) return FieldError(field, "is required");
  if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
    return FieldError(field,
                      "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  *out = it->get<int64_t>();
  return Status::Ok();
}

Status Time(const json& j, const char* key, int utc_offset_seconds, Micros* out) {
  Result<Micros> t = ParseIso8601(JsonString(j, key), utc_offset_seconds);
  if (!t.ok()) return FieldError(key, "an ISO 8601 time, e.g. 2026-11-01T00:00:00+08:00");
  *out = *t;
  return Status::Ok();
}

Result<CampaignTier> ParseTier(const json& t, const std::string& at) {
  if (!t.is_object()) return FieldError(at, "must be an object");
  CampaignTier tier;
  RETURN_IF_ERROR(Int(t, at + ".invites", 1, 10'000, &tier.invites));
  auto r = t.find("reward");
  if (r == t.end() || !r->is_object()) {
    return FieldError(at + ".reward",
                      "{\"coupon\", \"value_fen\"}, {\"product\", \"cost_fen\"} or {\"cash_fen\"}");
  }
  tier.reward.coupon = JsonString(*r, "coupon");
  tier.reward.product = JsonString(*r, "product");
  tier.reward.cash = r->contains("cash_fen");
  const int kinds = !tier.reward.coupon.empty() + !tier.reward.product.empty() + tier.reward.cash;
  if (kinds != 1) return FieldError(at + ".reward", "exactly one of coupon, product and cash_fen");
  const char* amount = tier.reward.cash             ? "cash_fen"
                       : tier.reward.coupon.empty() ? "cost_fen"
                                                    : "value_fen";
  RETURN_IF_ERROR(Int(*r, at + ".reward." + amount, tier.reward.cash ? 1 : 0, 100'000'000,
                      &tier.reward.value_fen));
  return tier;
}

}  // namespace

const char* CampaignKindName(CampaignKind kind) {
  switch (kind) {
    case CampaignKind::kTask:
      return "task";
    case CampaignKind::kGroupBuy:
      return "group_buy";
    case CampaignKind::kBargain:
      return "bargain";
  }
  return "task";
}

Result<Campaign> ParseCampaign(std::string_view text, int utc_offset_seconds) {
  if (text.size() > 64 * 1024) return FieldError("campaign", "larger than 64 KiB");
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return FieldError("campaign", "must be a JSON object");
  Campaign c;
  c.id = JsonString(j, "id");
  if (!c.id.starts_with("cmp_") || c.id.size() < 5 || c.id.size() > 64 ||
      c.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
    return FieldError("id", "\"cmp_\" then a-z, 0-9, _ or -, at most 64 characters");
  }
  c.name = JsonString(j, "name");
  if (c.name.empty() || c.name.size() > 200) return FieldError("name", "1 to 200 bytes");
  const std::string kind = JsonString(j, "kind");
  if (kind == "task") {
    c.kind = CampaignKind::kTask;
  } else if (kind == "group_buy") {
    c.kind = CampaignKind::kGroupBuy;
  } else if (kind == "bargain") {
    c.kind = CampaignKind::kBargain;
  } else {
    return FieldError("kind", "\"task\", \"group_buy\" or \"bargain\"");
  }
  RETURN_IF_ERROR(Time(j, "start", utc_offset_seconds, &c.start));
  RETURN_IF_ERROR(Time(j, "end", utc_offset_seconds, &c.end));
  if (c.end <= c.start) return FieldError("end", "must be after start");
  RETURN_IF_ERROR(Int(j, "budget_fen", 0, 10'000'000'000, &c.budget_fen));
  RETURN_IF_ERROR(Int(j, "stock", 0, 10'000'000, &c.stock));
  int64_t n = 7;
  if (j.contains("window_days")) RETURN_IF_ERROR(Int(j, "window_days", 0, 90, &n));
  c.window_days = static_cast<int>(n);
  if (c.kind == CampaignKind::kTask) {
    auto q = j.find("qualify");
    if (q != j.end()) {
      if (!q->is_object()) return FieldError("qualify", "must be an object");
      c.qualify.event = JsonString(*q, "event");
      if (c.qualify.event == kOrderPaid) {
        if (q->contains("min_amount_fen")) {
          RETURN_IF_ERROR(
              Int(*q, "qualify.min_amount_fen", 0, 100'000'000, &c.qualify.min_amount_fen));
        }
      } else if (c.qualify.event == kFriendAdded) {
        c.qualify.staff_id = JsonString(*q, "staff_id");
      } else {
        return FieldError("qualify.event", "\"order_paid\" or \"friend_added\"");
      }
    }
    auto tiers = j.find("tiers");
    if (tiers == j.end() || !tiers->is_array()) return FieldError("tiers", "1 to 10 tiers");
    std::vector<TaskTier> check;
    for (size_t i = 0; i < tiers->size(); ++i) {
      ASSIGN_OR_RETURN(CampaignTier t, ParseTier((*tiers)[i], "tiers[" + std::to_string(i) + "]"));
      check.push_back({t.invites, t.reward.cash ? "cash" : t.reward.coupon + t.reward.product});
      c.tiers.push_back(std::move(t));
    }
    RETURN_IF_ERROR(ValidateTiers(check));
  } else if (c.kind == CampaignKind::kGroupBuy) {
    auto g = j.find("group");
    if (g == j.end() || !g->is_object()) return FieldError("group", "{\"size\", \"hours\"}");
    int64_t size = 0, hours = 0;
    RETURN_IF_ERROR(Int(*g, "group.size", 2, 100, &size));
    RETURN_IF_ERROR(Int(*g, "group.hours", 1, 720, &hours));
    c.group = {static_cast<int>(size), hours * kMicrosPerHour,
               g->contains("fill_on_expiry") && (*g)["fill_on_expiry"] == true};
  } else {
    auto b = j.find("bargain");
    if (b == j.end() || !b->is_object()) {
      return FieldError("bargain", "{\"start_fen\", \"floor_fen\", \"helpers\"}");
    }
    int64_t helpers = 0;
    RETURN_IF_ERROR(Int(*b, "bargain.start_fen", 1, 100'000'000, &c.bargain.start_fen));
    RETURN_IF_ERROR(Int(*b, "bargain.floor_fen", 0, 100'000'000, &c.bargain.floor_fen));
    RETURN_IF_ERROR(Int(*b, "bargain.helpers", 1, 10'000, &helpers));
    c.bargain.helpers = static_cast<int>(helpers);
    RETURN_IF_ERROR(ValidateBargain(c.bargain).WithFieldPrefix("bargain"));
  }
  return c;
}

nlohmann::json CampaignJson(const Campaign& c, int utc_offset_seconds) {
  json j = {{"id", c.id},
            {"name", c.name},
            {"kind", CampaignKindName(c.kind)},
            {"start", FormatIso8601(c.start, utc_offset_seconds)},
            {"end", FormatIso8601(c.end, utc_offset_seconds)},
            {"budget_fen", c.budget_fen},
            {"stock", c.stock},
            {"window_days", c.window_days}};
  if (c.kind == CampaignKind::kTask) {
    json q = {{"event", c.qualify.event}};
    if (c.qualify.event == kOrderPaid) q["min_amount_fen"] = c.qualify.min_amount_fen;
    if (c.qualify.event == kFriendAdded) q["staff_id"] = c.qualify.staff_id;
    j["qualify"] = q;
    json tiers = json::array();
    for (const CampaignTier& t : c.tiers) {
      json r = t.reward.cash ? json{{"cash_fen", t.reward.value_fen}}
               : t.reward.coupon.empty()
                   ? json{{"product", t.reward.product}, {"cost_fen", t.reward.value_fen}}
                   : json{{"coupon", t.reward.coupon}, {"value_fen", t.reward.value_fen}};
      tiers.push_back({{"invites", t.invites}, {"reward", r}});
    }
    j["tiers"] = tiers;
  } else if (c.kind == CampaignKind::kGroupBuy) {
    j["group"] = {{"size", c.group.size},
                  {"hours", c.group.duration / kMicrosPerHour},
                  {"fill_on_expiry", c.group.fill_on_expiry}};
  } else {
    j["bargain"] = {{"start_fen", c.bargain.start_fen},
                    {"floor_fen", c.bargain.floor_fen},
                    {"helpers", c.bargain.helpers}};
  }
  return j;
}

}  // namespace pond
