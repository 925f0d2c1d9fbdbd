// The demo world (docs/demo-world.md) run through the whole application: the simulated brand's
// calls, and beside them the distribution programme, one fission campaign of each kind, the
// club's group code, the content library and every staff account's Moments, all through the
// real services; then the SOP library switched on (on the outbox).
#pragma once

#include <vector>

#include "pond/app/app.h"
#include "pond/base/clock.h"
#include "pond/distribution/distribution_service.h"
#include "pond/fission/fission_service.h"
#include "pond/journey/sop_library.h"
#include "pond/sim/demo_community.h"
#include "pond/sim/demo_world.h"

namespace pond::app {

struct DemoWorld {
  sim::DemoStats stats;
  DistributionTotals distribution;
  std::vector<CampaignReport> fission;  // the task, group-buy and bargain campaigns, if all ran
  int64_t club_groups = 0;              // groups the club's code routes to
  sim::DemoCommunityStats community;
  SopTurnedOn sop;
};

// REQUIRES: `app`'s engine runs on `clock` and its default workspace holds no events yet. Starts
// the parts the world needs; `clock` ends at the world's last day.
Result<DemoWorld> RunDemoWorld(App& app, FakeClock& clock, const sim::DemoParams& params,
                               const sim::DemoProgress& progress = nullptr);

}  // namespace pond::app
