#include "pond/fission/planner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "pond/base/money.h"

namespace pond {
namespace {

using nlohmann::json;

Status ReadFen(const json& j, const std::string& name, bool required, int64_t* out) {
  const std::string fen_key = name + "_fen";
  if (auto it = j.find(fen_key); it != j.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 1'000'000'000) {
      return FieldError(fen_key, "a whole number of fen, 0 to 1,000,000,000");
    }
    *out = it->get<int64_t>();
    return Status::Ok();
  }
  auto it = j.find(name);
  if (it == j.end())
    return required ? FieldError(name, "is required (yuan, or " + fen_key + ")") : Status::Ok();
  if (!it->is_string() && !it->is_number()) return FieldError(name, "yuan, as \"9.90\" or 9.9");
  Result<Money> m = Money::ParseYuan(it->is_string() ? it->get<std::string>() : it->dump());
  if (!m.ok() || m->fen() < 0 || m->fen() > 1'000'000'000) {
    return FieldError(name, "yuan with at most two decimals, 0 to 10,000,000");
  }
  *out = m->fen();
  return Status::Ok();
}

Status ReadRate(const json& j, const char* name, double lo, double hi, double* out) {
  auto it = j.find(name);
  if (it == j.end()) return Status::Ok();
  if (!it->is_number() || it->get<double>() < lo || it->get<double>() > hi) {
    char range[64];
    std::snprintf(range, sizeof range, "a number from %g to %g", lo, hi);
    return FieldError(name, range);
  }
  *out = it->get<double>();
  return Status::Ok();
}

std::string Yuan(int64_t fen) {
  return (fen < 0 ? "-¥" : "¥") + Money::FromFen(fen < 0 ? -fen : fen).ToYuanString();
}

}  // namespace

Result<FissionPlanInput> ParseFissionPlanInput(std::string_view text) {
  if (text.size() > 64 * 1024) return FieldError("plan", "larger than 64 KiB");
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return FieldError("plan", "must be a JSON object");
  static const char* kKnown[] = {"retail_price",  "retail_price_fen",  "unit_cost",
                                 "unit_cost_fen", "shipping",          "shipping_fen",
                                 "invitee_price", "invitee_price_fen", "invites_per_reward",
                                 "participants",  "completion_rate",   "partial_invites",
                                 "fraud_rate"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(std::begin(kKnown), std::end(kKnown), it.key()) == std::end(kKnown)) {
      return FieldError(it.key(), "is not an input of the planner");
    }
  }
  FissionPlanInput in;
  RETURN_IF_ERROR(ReadFen(j, "retail_price", true, &in.retail_price_fen));
  RETURN_IF_ERROR(ReadFen(j, "unit_cost", true, &in.unit_cost_fen));
  RETURN_IF_ERROR(ReadFen(j, "shipping", false, &in.shipping_fen));
  RETURN_IF_ERROR(ReadFen(j, "invitee_price", true, &in.invitee_price_fen));
  double invites = -1, participants = static_cast<double>(in.participants);
  RETURN_IF_ERROR(ReadRate(j, "invites_per_reward", 1, 1000, &invites));
  if (invites < 0) return FieldError("invites_per_reward", "is required (1 to 1000)");
  if (invites != std::floor(invites)) return FieldError("invites_per_reward", "a whole number");
  in.invites_per_reward = static_cast<int64_t>(invites);
  RETURN_IF_ERROR(ReadRate(j, "participants", 1, 100'000'000, &participants));
  in.participants = static_cast<int64_t>(participants);
  RETURN_IF_ERROR(ReadRate(j, "completion_rate", 0, 1, &in.completion_rate));
  RETURN_IF_ERROR(ReadRate(j, "partial_invites", 0, 1000, &in.partial_invites));
  RETURN_IF_ERROR(ReadRate(j, "fraud_rate", 0, 0.99, &in.fraud_rate));
  return in;
}

Result<FissionPlan> PlanFission(const FissionPlanInput& in) {
  if (in.invites_per_reward < 1) return FieldError("invites_per_reward", "at least 1");
  if (in.participants < 1) return FieldError("participants", "at least 1");
  const int64_t unit = in.unit_cost_fen + in.shipping_fen;
  if (in.retail_price_fen <= unit) {
    return FieldError("retail_price", "must be above unit cost plus shipping");
  }
  const double partial =
      in.partial_invites < 0 ? static_cast<double>(in.invites_per_reward) / 3 : in.partial_invites;
  FissionPlan p;
  p.completers = static_cast<double>(in.participants) * in.completion_rate;
  p.friends = p.completers * static_cast<double>(in.invites_per_reward) +
              (static_cast<double>(in.participants) - p.completers) * partial;
  p.customers = p.friends * (1 - in.fraud_rate);
  const double net = p.completers * static_cast<double>(unit) +
                     p.friends * static_cast<double>(unit - in.invitee_price_fen);
  p.net_cost_fen = static_cast<int64_t>(std::llround(net));
  p.cost_per_customer_fen =
      p.customers > 0 ? static_cast<int64_t>(std::ceil(net / p.customers - 1e-9)) : 0;
  const int64_t margin = in.retail_price_fen - unit;
  p.break_even_repurchase =
      p.cost_per_customer_fen > 0 ? static_cast<double>(p.cost_per_customer_fen) / margin : 0;
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.1f%%", p.break_even_repurchase * 100);
  if (p.cost_per_customer_fen <= 0) {
    const std::string gain = Yuan(-p.cost_per_customer_fen);
    p.verdict_en = "Pays for itself: the friends' orders cover the rewards, leaving " + gain +
                   " per real new customer before any repurchase.";
    p.verdict_zh =
        "不亏：好友下单的收入覆盖了奖品成本，每获得一位真实新客还赚 " + gain + "，复购都是净赚。";
  } else if (p.break_even_repurchase <= 0.3) {
    p.verdict_en = "Worth it if at least " + std::string(pct) +
                   " of the new customers buy once at " + Yuan(in.retail_price_fen) +
                   ": each costs " + Yuan(p.cost_per_customer_fen) + ".";
    p.verdict_zh = "每位真实新客成本 " + Yuan(p.cost_per_customer_fen) + "；只要 " + pct +
                   " 的新客按原价 " + Yuan(in.retail_price_fen) + " 复购一次就回本，值得做。";
  } else {
    p.verdict_en = "Too costly: each new customer costs " + Yuan(p.cost_per_customer_fen) +
                   ", and " + pct +
                   " of them would have to buy at full price to pay it back. Raise the invitee "
                   "price, ask for more invites per reward, or choose a cheaper reward.";
    p.verdict_zh =
        "成本过高：每位真实新客 " + Yuan(p.cost_per_customer_fen) + "，需要 " + pct +
        " 的新客原价复购才能回本。可以提高好友购买价、提高邀请人数门槛或换更便宜的奖品。";
  }
  return p;
}

}  // namespace pond
