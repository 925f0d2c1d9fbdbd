// Commission rules: what the client's distributor (level 1) and the distributor who recruited
// that one (level 2) earn on each line of a paid order. Two levels at most, by construction:
// China's rules on pyramid selling (禁止传销条例; the 2013 joint opinion sets criminal thresholds
// at three or more levels) are why a plan with a third rate is refused, not ignored.
//
// Rates are in basis points (1% = 100 bp). The base of a line is what was paid for it after
// discounts (LineItem::amount_fen): quantity is already in that amount and is never multiplied
// again. Each commission is rounded down to the fen, per line and level; the fraction dropped
// (under 1 fen a line and level) stays with the brand and is not carried anywhere.
//
// Which rate applies to a line at a level, most specific first: the line's product category
// (`categories`), then the earning distributor's grade (`grades`), then `level_rates_bp`.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pond/base/status.h"
#include "pond/model/order.h"

namespace pond {

inline constexpr int kMaxCommissionLevels = 2;

struct CommissionPlan {
  std::vector<int> level_rates_bp;                     // [level 1] or [level 1, level 2]
  std::map<std::string, std::vector<int>> categories;  // category -> rates per level
  std::map<std::string, std::vector<int>> grades;      // distributor grade -> rates per level
  int cap_bp = 5'000;  // the most all levels of one line may take together (≤ 10,000)
};

// {"level_rates_bp": [1000, 300], "categories": {"面膜": [500, 100]},
//  "grades": {"gold": [1200, 300]}, "cap_bp": 3000}. Errors name the field.
Result<CommissionPlan> ParseCommissionPlan(std::string_view json);
// Every list has one or two rates in [0, 10000]; the largest rates any line could get at each
// level add up to at most cap_bp, and cap_bp is at most 10,000.
Status ValidateCommissionPlan(const CommissionPlan& plan);

struct Earner {
  std::string id;     // the distributor
  std::string grade;  // "" when the distributor has none
};

struct LineCommission {
  size_t line = 0;  // index in the order's items
  int level = 1;    // 1 or 2
  std::string earner;
  int rate_bp = 0;
  int64_t base_fen = 0;
  int64_t fen = 0;  // floor(base × rate / 10,000)
};

// The commissions of an order: per line, level 1 for `level1`, level 2 for `level2` when given.
// Lines with a zero amount or a zero rate earn nothing and are left out. REQUIRES: a valid plan.
std::vector<LineCommission> ComputeCommissions(const CommissionPlan& plan,
                                               const std::vector<LineItem>& items,
                                               const Earner& level1, const Earner* level2);

}  // namespace pond
