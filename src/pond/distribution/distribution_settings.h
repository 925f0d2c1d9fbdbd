// A workspace's distribution settings (docs/distribution.md, "Settings"): who may become a
// distributor, how clients bind, the commission plan, the after-sale window and withdrawals.
// Stored as one JSON object; every field has a default, so "{}" is a working programme.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "pond/base/clock.h"
#include "pond/base/status.h"
#include "pond/distribution/commission.h"
#include "pond/distribution/commission_book.h"

namespace pond {

enum class ApprovalMode {
  kManual,      // an operator approves each application
  kAutomatic,   // approved when the applicant meets `auto_rule` (else left to an operator)
  kInvitation,  // only through an active distributor's invitation, then approved at once
};

enum class BindingPolicy {
  kPermanent,  // the first distributor keeps the client
  kLocked,     // the client may re-bind once `lock_days` have passed since the last binding
  kLastTouch,  // the latest distributor's link wins
};

struct DistributionSettings {
  ApprovalMode approval = ApprovalMode::kManual;
  std::string auto_rule = "count(order_paid) >= 2 and sum(order_paid.amount) >= 500";
  BindingPolicy binding = BindingPolicy::kPermanent;
  int lock_days = 30;
  bool new_customers_only = false;  // only customers without a paid order may bind
  CommissionPlan plan{.level_rates_bp = {1000, 300}, .categories = {}, .grades = {}};
  // Commission is released this long after the order was received (order_received), or after
  // it was paid plus `delivery_days` when no receipt arrives.
  int after_sale_days = 7;
  int delivery_days = 3;
  WithdrawalRules withdrawals;
  int withdrawal_fee_bp = 0;   // the fee an approval takes when it names none
  std::string training_group;  // the group new distributors are invited to ("" = none)

  Micros AfterSaleWindow() const { return after_sale_days * kMicrosPerDay; }
  Micros DeliveryAllowance() const { return delivery_days * kMicrosPerDay; }
};

const char* ApprovalModeName(ApprovalMode mode);
const char* BindingPolicyName(BindingPolicy policy);

// Parses and validates; errors name the field ("commission.level_rates_bp", "lock_days").
Result<DistributionSettings> ParseDistributionSettings(std::string_view json);
nlohmann::json DistributionSettingsJson(const DistributionSettings& settings);

}  // namespace pond
