#include "pond/distribution/commission.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace pond {
namespace {

constexpr int kFullBp = 10'000;
constexpr size_t kMaxOverrides = 1'000;

Result<std::vector<int>> ParseRates(const nlohmann::json& j, const std::string& field) {
  if (!j.is_array()) return FieldError(field, "must be a list of rates in basis points");
  std::vector<int> rates;
  for (size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_number_integer()) {
      return FieldError(field + "[" + std::to_string(i) + "]",
                        "must be a whole number of basis points (1% = 100)");
    }
    const int64_t v = j[i].get<int64_t>();
    if (v < 0 || v > kFullBp) {
      return FieldError(field + "[" + std::to_string(i) + "]", "must be between 0 and 10000");
    }
    rates.push_back(static_cast<int>(v));
  }
  return rates;
}

Status CheckLevels(const std::vector<int>& rates, const std::string& field) {
  if (rates.empty()) return FieldError(field, "needs the level 1 rate");
  if (rates.size() > static_cast<size_t>(kMaxCommissionLevels)) {
    return FieldError(field,
                      "has " + std::to_string(rates.size()) +
                          " levels; at most 2 are allowed (a third level of commission is pyramid "
                          "selling under China's rules, 禁止传销条例)");
  }
  for (size_t i = 0; i < rates.size(); ++i) {
    if (rates[i] < 0 || rates[i] > kFullBp) {
      return FieldError(field + "[" + std::to_string(i) + "]", "must be between 0 and 10000");
    }
  }
  return Status::Ok();
}

Result<std::map<std::string, std::vector<int>>> ParseOverrides(const nlohmann::json& j,
                                                               const std::string& field) {
  if (!j.is_object()) return FieldError(field, "must be an object of name -> rates");
  if (j.size() > kMaxOverrides) return FieldError(field, "more than 1000 entries");
  std::map<std::string, std::vector<int>> out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key().empty()) return FieldError(field, "a name must not be empty");
    ASSIGN_OR_RETURN(out[it.key()], ParseRates(it.value(), field + "." + it.key()));
  }
  return out;
}

int RateAt(const std::vector<int>& rates, int level) {
  return static_cast<size_t>(level) <= rates.size() ? rates[level - 1] : 0;
}

int RateFor(const CommissionPlan& plan, const LineItem& item, const Earner& earner, int level) {
  if (auto c = plan.categories.find(item.category); c != plan.categories.end()) {
    return RateAt(c->second, level);
  }
  if (auto g = plan.grades.find(earner.grade); g != plan.grades.end()) {
    return RateAt(g->second, level);
  }
  return RateAt(plan.level_rates_bp, level);
}

}  // namespace

Result<CommissionPlan> ParseCommissionPlan(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return FieldError("plan", "must be a JSON object");
  CommissionPlan plan;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "level_rates_bp") {
      ASSIGN_OR_RETURN(plan.level_rates_bp, ParseRates(it.value(), key));
    } else if (key == "categories") {
      ASSIGN_OR_RETURN(plan.categories, ParseOverrides(it.value(), key));
    } else if (key == "grades") {
      ASSIGN_OR_RETURN(plan.grades, ParseOverrides(it.value(), key));
    } else if (key == "cap_bp") {
      if (!it.value().is_number_integer()) return FieldError(key, "must be a whole number");
      const int64_t cap = it.value().get<int64_t>();
      if (cap < 0 || cap > kFullBp) return FieldError(key, "must be between 0 and 10000");
      plan.cap_bp = static_cast<int>(cap);
    } else {
      return FieldError(key, "is not a field of a commission plan");
    }
  }
  RETURN_IF_ERROR(ValidateCommissionPlan(plan));
  return plan;
}

Status ValidateCommissionPlan(const CommissionPlan& plan) {
  if (plan.cap_bp < 0 || plan.cap_bp > kFullBp) {
    return FieldError("cap_bp", "must be between 0 and 10000");
  }
  RETURN_IF_ERROR(CheckLevels(plan.level_rates_bp, "level_rates_bp"));
  // The most a line could pay at each level, over every rate that could apply there.
  int most[kMaxCommissionLevels] = {};
  auto consider = [&](const std::vector<int>& rates) {
    for (int level = 1; level <= kMaxCommissionLevels; ++level) {
      most[level - 1] = std::max(most[level - 1], RateAt(rates, level));
    }
  };
  consider(plan.level_rates_bp);
  for (const auto& [name, rates] : plan.categories) {
    RETURN_IF_ERROR(CheckLevels(rates, "categories." + name));
    consider(rates);
  }
  for (const auto& [name, rates] : plan.grades) {
    RETURN_IF_ERROR(CheckLevels(rates, "grades." + name));
    consider(rates);
  }
  if (most[0] + most[1] > plan.cap_bp) {
    return FieldError("cap_bp", "the rates can take " + std::to_string(most[0] + most[1]) +
                                    " bp of a line at two levels, more than the cap of " +
                                    std::to_string(plan.cap_bp));
  }
  return Status::Ok();
}

std::vector<LineCommission> ComputeCommissions(const CommissionPlan& plan,
                                               const std::vector<LineItem>& items,
                                               const Earner& level1, const Earner* level2) {
  std::vector<LineCommission> out;
  for (size_t i = 0; i < items.size(); ++i) {
    const LineItem& item = items[i];
    if (item.amount_fen <= 0) continue;
    for (int level = 1; level <= kMaxCommissionLevels; ++level) {
      const Earner* earner = level == 1 ? &level1 : level2;
      if (!earner || earner->id.empty()) continue;
      const int rate = RateFor(plan, item, *earner, level);
      const auto fen =
          static_cast<int64_t>(static_cast<__int128>(item.amount_fen) * rate / kFullBp);
      if (fen <= 0) continue;
      out.push_back({i, level, earner->id, rate, item.amount_fen, fen});
    }
  }
  return out;
}

}  // namespace pond
