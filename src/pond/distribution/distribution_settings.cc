#include "pond/distribution/distribution_settings.h"

#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"

namespace pond {
namespace {

using nlohmann::json;

Status ReadInt(const json& v, const std::string& field, int64_t lo, int64_t hi, int64_t* out) {
  if (!v.is_number_integer()) return FieldError(field, "must be a whole number");
  const int64_t n = v.get<int64_t>();
  if (n < lo || n > hi) {
    return FieldError(field,
                      "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  *out = n;
  return Status::Ok();
}

json PlanJson(const CommissionPlan& plan) {
  json j = {{"level_rates_bp", plan.level_rates_bp}, {"cap_bp", plan.cap_bp}};
  if (!plan.categories.empty()) j["categories"] = plan.categories;
  if (!plan.grades.empty()) j["grades"] = plan.grades;
  return j;
}

}  // namespace

const char* ApprovalModeName(ApprovalMode mode) {
  switch (mode) {
    case ApprovalMode::kManual:
      return "manual";
    case ApprovalMode::kAutomatic:
      return "automatic";
    case ApprovalMode::kInvitation:
      return "invitation";
  }
  return "manual";
}

const char* BindingPolicyName(BindingPolicy policy) {
  switch (policy) {
    case BindingPolicy::kPermanent:
      return "permanent";
    case BindingPolicy::kLocked:
      return "locked";
    case BindingPolicy::kLastTouch:
      return "last_touch";
  }
  return "permanent";
}

Result<DistributionSettings> ParseDistributionSettings(std::string_view text) {
  if (text.size() > 256 * 1024) return FieldError("settings", "larger than 256 KiB");
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return FieldError("settings", "must be a JSON object");
  DistributionSettings s;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    int64_t n = 0;
    if (key == "approval") {
      const std::string mode = v.is_string() ? v.get<std::string>() : "";
      if (mode == "manual") {
        s.approval = ApprovalMode::kManual;
      } else if (mode == "automatic") {
        s.approval = ApprovalMode::kAutomatic;
      } else if (mode == "invitation") {
        s.approval = ApprovalMode::kInvitation;
      } else {
        return FieldError(key, "\"manual\", \"automatic\" or \"invitation\"");
      }
    } else if (key == "auto_rule") {
      if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 4096) {
        return FieldError(key, "a rule in the segment language, 1 to 4096 bytes");
      }
      s.auto_rule = v.get<std::string>();
    } else if (key == "binding") {
      const std::string policy = v.is_string() ? v.get<std::string>() : "";
      if (policy == "permanent") {
        s.binding = BindingPolicy::kPermanent;
      } else if (policy == "locked") {
        s.binding = BindingPolicy::kLocked;
      } else if (policy == "last_touch") {
        s.binding = BindingPolicy::kLastTouch;
      } else {
        return FieldError(key, "\"permanent\", \"locked\" or \"last_touch\"");
      }
    } else if (key == "lock_days") {
      RETURN_IF_ERROR(ReadInt(v, key, 1, 3650, &n));
      s.lock_days = static_cast<int>(n);
    } else if (key == "new_customers_only") {
      if (!v.is_boolean()) return FieldError(key, "true or false");
      s.new_customers_only = v.get<bool>();
    } else if (key == "commission") {
      Result<CommissionPlan> plan = ParseCommissionPlan(v.dump());
      if (!plan.ok()) return plan.status().WithFieldPrefix("commission");
      s.plan = std::move(*plan);
    } else if (key == "after_sale_days") {
      RETURN_IF_ERROR(ReadInt(v, key, 0, 365, &n));
      s.after_sale_days = static_cast<int>(n);
    } else if (key == "delivery_days") {
      RETURN_IF_ERROR(ReadInt(v, key, 0, 90, &n));
      s.delivery_days = static_cast<int>(n);
    } else if (key == "min_withdrawal_fen") {
      RETURN_IF_ERROR(ReadInt(v, key, 1, 100'000'000, &n));
      s.withdrawals.min_fen = n;
    } else if (key == "max_withdrawal_fen") {
      RETURN_IF_ERROR(ReadInt(v, key, 1, 100'000'000, &n));
      s.withdrawals.max_fen = n;
    } else if (key == "withdrawal_fee_bp") {
      RETURN_IF_ERROR(ReadInt(v, key, 0, 5'000, &n));
      s.withdrawal_fee_bp = static_cast<int>(n);
    } else if (key == "training_group") {
      if (!v.is_string() || v.get<std::string>().size() > 128) {
        return FieldError(key, "a group id, at most 128 bytes");
      }
      s.training_group = v.get<std::string>();
    } else {
      return FieldError(key, "is not a distribution setting");
    }
  }
  if (s.withdrawals.min_fen > s.withdrawals.max_fen) {
    return FieldError("min_withdrawal_fen", "must not be more than max_withdrawal_fen");
  }
  return s;
}

nlohmann::json DistributionSettingsJson(const DistributionSettings& s) {
  return json({{"approval", ApprovalModeName(s.approval)},
               {"auto_rule", s.auto_rule},
               {"binding", BindingPolicyName(s.binding)},
               {"lock_days", s.lock_days},
               {"new_customers_only", s.new_customers_only},
               {"commission", PlanJson(s.plan)},
               {"after_sale_days", s.after_sale_days},
               {"delivery_days", s.delivery_days},
               {"min_withdrawal_fen", s.withdrawals.min_fen},
               {"max_withdrawal_fen", s.withdrawals.max_fen},
               {"withdrawal_fee_bp", s.withdrawal_fee_bp},
               {"training_group", s.training_group}});
}

}  // namespace pond
