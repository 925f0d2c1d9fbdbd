// JSON shapes of the fission API (docs/fission.md), shared by the handlers and `pond plan
// fission --json`.
#pragma once

#include <nlohmann/json.hpp>

#include "pond/fission/fission_service.h"
#include "pond/fission/planner.h"

namespace pond::app {

nlohmann::json FissionPlanJson(const FissionPlanInput& input, const FissionPlan& plan);
nlohmann::json CampaignReportJson(const CampaignReport& report);

}  // namespace pond::app
