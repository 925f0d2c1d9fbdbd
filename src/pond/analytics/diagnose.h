// Self-diagnosis (docs/analytics.md, "Diagnose"): does private-domain operation pay back for this
// brand, and why — from gross margin, repurchase rate, purchase frequency, AOV, how many natural
// topics the category has and what a staff account costs; from the store's own orders where it
// has them, from the category's rough defaults otherwise, and from what the operator says over
// both.
//
// The estimate, per private-domain customer and year (integers: fen, basis points, hundredths):
//   uplift   = 30% (the turnover gain operators quote) × topics (low 50%, medium 100%,
//              high 130%) × repurchase (repurchase rate / 25%, at most 150%)
//   value    = AOV × orders per year × uplift × gross margin
//   cost     = staff cost per month × 12 / customers per staff account
//   ratio    = value / cost: 1.5 or more pays back, 1 to 1.5 is thin, below 1 does not
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pond/analytics/value_report.h"
#include "pond/base/status.h"
#include "pond/engine/engine.h"

namespace pond::analytics {

enum class Topics { kLow, kMedium, kHigh };
std::optional<Topics> TopicsFromName(std::string_view name);  // low, medium, high
std::string_view TopicsName(Topics t);

// What the diagnosis reads. Unset fields come from the store, then the category.
struct DiagnoseInputs {
  std::string category;  // beauty, clothing, mother_baby, education, food, …
  std::optional<int64_t> gross_margin_bp, repurchase_bp, orders_per_year_x100, aov_fen;
  std::optional<Topics> topics;
  std::optional<int64_t> staff_cost_fen;  // per staff account and month
  std::optional<int64_t> customers_per_staff;
};

// Where a figure came from.
enum class Source { kGiven, kStore, kCategory, kDefault };
std::string_view SourceName(Source s);

struct Figure {
  int64_t value = 0;
  Source source = Source::kDefault;
};

// A reason in both languages.
struct Reason {
  std::string factor;  // gross_margin, repurchase, frequency, aov, topics, staff
  bool in_favour = false;
  std::string en, zh;
};

struct Diagnosis {
  std::string category;
  Figure gross_margin_bp, repurchase_bp, orders_per_year_x100, aov_fen, staff_cost_fen,
      customers_per_staff;
  Topics topics = Topics::kMedium;
  Source topics_source = Source::kDefault;
  int64_t uplift_bp = 0;
  int64_t value_fen = 0;  // per customer and year
  int64_t cost_fen = 0;   // per customer and year
  double ratio = 0;
  std::string verdict;  // pays_back, thin, does_not_pay_back
  std::string verdict_en, verdict_zh;
  std::vector<Reason> reasons;
  // What would make value equal cost, the rest unchanged.
  int64_t break_even_aov_fen = 0;
  int64_t break_even_customers_per_staff = 0;
};

// The categories with defaults, in the order documented.
const std::vector<std::string>& DiagnoseCategories();

// The store's own figures over a year of orders, or nullopt when it has too few buyers (fewer
// than kMinBuyersToTrust) to speak for the brand.
inline constexpr int64_t kMinBuyersToTrust = 30;
struct StoreFigures {
  int64_t repurchase_bp = 0, orders_per_year_x100 = 0, aov_fen = 0;
};
std::optional<StoreFigures> StoreFiguresOf(const ValueReport& value, int64_t history_days);

// InvalidArgument naming the field for an unknown category or a figure out of range.
Result<Diagnosis> Diagnose(const DiagnoseInputs& in, const std::optional<StoreFigures>& store);

// The parameters by name, as the API's query and the CLI's options give them (empty: not given):
// category, gross_margin and repurchase_rate (percent), orders_per_year, aov and staff_cost
// (yuan), topics (low | medium | high), customers_per_staff. Errors name the parameter.
Result<DiagnoseInputs> DiagnoseInputsFrom(const std::function<std::string(const char*)>& param);

// Diagnose with the workspace's own orders (unless `use_store` is false). `store_buyers` gets
// how many buyers the store has.
Result<Diagnosis> RunDiagnose(Engine& engine, const std::string& workspace,
                              const DiagnoseInputs& in, bool use_store, int64_t* store_buyers);

}  // namespace pond::analytics
