#include "pond/app/demo.h"

#include <algorithm>

#include "pond/community/community_service.h"
#include "pond/journey/journey_runtime.h"
#include "pond/segment/segment_service.h"
#include "pond/sim/demo_distribution.h"
#include "pond/sim/demo_fission.h"

namespace pond::app {

Result<DemoWorld> RunDemoWorld(App& app, FakeClock& clock, const sim::DemoParams& params,
                               const sim::DemoProgress& progress) {
  Engine& engine = app.engine();
  // The group code's threshold is a segment rule; segments come with communities.
  RETURN_IF_ERROR(app.Start(kDistribution | kFission | kCommunity | kContent));
  sim::DemoDistributionParams dp;
  dp.start_day = std::min(20, params.days / 4);
  sim::DemoDistribution programme(engine, app.distribution(), params.seed, dp);
  sim::DemoFissionParams fp;
  fp.start_day = std::min(30, params.days / 3);
  sim::DemoFission campaigns(engine, app.fission(), params.seed, fp);
  sim::DemoCommunityParams cp;
  cp.start_day = std::min(10, params.days / 4);
  sim::DemoCommunity groups(engine, app.community(), app.content(), params.staff, params.seed, cp);
  DemoWorld world;
  ASSIGN_OR_RETURN(world.stats, sim::RunDemo(params, engine, clock, progress, [&](int d) -> Status {
                     RETURN_IF_ERROR(programme.AfterDay(d));
                     RETURN_IF_ERROR(groups.AfterDay(d, params.days));
                     return campaigns.AfterDay(d, params.days);
                   }));
  ASSIGN_OR_RETURN(world.distribution, app.payouts().Totals(kDefaultWorkspace));
  for (const char* id : {"cmp_mask_task", "cmp_serum_group", "cmp_mask_bargain"}) {
    Result<CampaignReport> r = app.fission().Report(kDefaultWorkspace, id);
    if (r.ok()) world.fission.push_back(*r);
  }
  if (Result<GroupCode> club = app.community().GetCode(kDefaultWorkspace, "gcd_club"); club.ok()) {
    world.club_groups = static_cast<int64_t>(club->groups.size());
  }
  world.community = groups.stats();
  // New friends, buyers and the dormant meet the SOP library once `pond serve` runs; on the
  // outbox, so the demo sends nothing real.
  ASSIGN_OR_RETURN(world.sop, TurnOnSopLibrary(&engine, &app.segments(), kDefaultWorkspace, true));
  if (app.Has(kJourneys)) RETURN_IF_ERROR(app.journeys().Reload(kDefaultWorkspace));
  RETURN_IF_ERROR(app.Flush());
  return world;
}

}  // namespace pond::app
