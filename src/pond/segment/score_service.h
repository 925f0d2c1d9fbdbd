// ScoreService: what pond works out about each customer from their events — the lifecycle
// stage (lifecycle.h), the RFM cell (rfm.h) and the intent table rules read (intent.h). The
// stages are rules LiveRules keeps current per event; RFM is recomputed hourly by
// LiveRules::Tick, at start, and by RecomputeRfm.
#pragma once

#include <memory>
#include <roaring/roaring.hh>
#include <string>
#include <vector>

#include "pond/engine/engine.h"
#include "pond/segment/intent.h"
#include "pond/segment/lifecycle.h"
#include "pond/segment/live_rules.h"

namespace pond {

class ScoreService {
 public:
  explicit ScoreService(LiveRules* rules) : rules_(rules), engine_(rules->engine()) {}

  // Customers per lifecycle stage (lifecycle.h), in the stages' order, "none" last.
  struct StageCount {
    std::string stage;
    int64_t customers = 0;
    std::string rule;  // "" for "none"
  };
  // Replaces the workspace's lifecycle stages (ordered; at most 20; names of a-z, 0-9, _).
  // Every rule is evaluated again; members move without stage_changed events (the definitions
  // changed, not the customers), saved segments that use `stage` emit their changes. Refused,
  // changing nothing, when a saved rule names a stage that would be gone. An empty list
  // restores the default.
  static constexpr size_t kMaxStages = 20;
  Status SetStages(const std::string& ws, std::vector<StageRule> stages);
  // Replaces the intent table and thresholds (intent.h); rules using intent are evaluated
  // again and emit their changes. `settings.rows` empty: the default table.
  Status SetIntent(const std::string& ws, IntentSettings settings);
  Result<IntentSettings> Intent(const std::string& ws);
  Result<std::vector<StageCount>> Stages(const std::string& ws);

  // RFM cells (rfm.h) as last computed: hourly by Tick, at start, and by RecomputeRfm, which
  // also re-evaluates the segments that use `rfm` (their changes are events).
  struct RfmCellCount {
    std::string cell;
    int64_t customers = 0;
  };
  struct RfmSummary {
    Micros computed_at = 0;
    int64_t scored = 0;               // customers with a paid order
    std::vector<RfmCellCount> cells;  // every named cell, in rfm.h's order
  };
  Result<RfmSummary> Rfm(const std::string& ws);
  Status RecomputeRfm(const std::string& ws);

  // Each customer's lifecycle stage (the first, in order of precedence, that holds them; "none"
  // when none does) and RFM cell as last computed ("" when unscored), by "cus_…" id; an id that
  // names no customer gets {"", ""}.
  struct CustomerLabels {
    std::string stage;
    std::string rfm;
  };
  Result<std::vector<CustomerLabels>> Labels(const std::string& ws,
                                             const std::vector<std::string>& customer_ids);

  // Tests: a stage's members as dense customer indexes.
  Result<Roaring> StageBitmap(const std::string& ws, const std::string& stage);

 private:
  // Installs new settings and rebuilds what they change. REQUIRES: the state read-locked.
  Status Reconfigure(const std::string& ws, const TenantState& state,
                     std::shared_ptr<const RuleSettings> settings, bool stages_changed);

  LiveRules* rules_;
  Engine* engine_;
};

}  // namespace pond
