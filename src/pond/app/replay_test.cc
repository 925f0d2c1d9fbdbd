// A replay rebuilds everything: the demo world is run through the whole application, every
// service's state is read; then a fresh App over the same data directory — once replaying the
// event log from the start, once from the snapshot — must read the same, service by service.
// Whatever a service kept outside the events (a side door) shows up here as a difference.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pond/app/demo.h"
#include "pond/app/distribution_views.h"
#include "pond/app/erasure.h"
#include "pond/app/fission_views.h"
#include "pond/app/views.h"
#include "pond/channels/outbound/delivery_service.h"
#include "pond/community/community_service.h"
#include "pond/content/content_service.h"
#include "pond/distribution/payout_service.h"
#include "pond/engine/tenant_state.h"
#include "pond/journey/journey_runtime.h"
#include "pond/journey/journey_store.h"
#include "pond/journey/task_service.h"
#include "pond/model/event_names.h"
#include "pond/segment/score_service.h"
#include "pond/segment/segment_service.h"
#include "pond/sim/demo_params.h"
#include "pond/testing/failing_store.h"
#include "pond/testing/temp_dir.h"

namespace pond::app {
namespace {

using nlohmann::json;

constexpr char kWs[] = "default";

// The value, by value: a range-for over a reference into a temporary Result would dangle.
template <typename T>
T Ok(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : T{};
}

// What each service answers about the workspace, as JSON, one member per service. First,
// time-based segment membership (dormant, intent's decay) follows its timers to now, as
// `pond serve` does every second; what that submits is part of what is compared.
json Fingerprint(App& app) {
  app.rules().Tick();
  EXPECT_TRUE(app.rules().Flush().ok());
  json f;
  const StoreStats stats = Ok(app.engine().Stats(kWs));
  f["engine"] = {stats.events, stats.customers, stats.identities,
                 stats.merges, stats.orders,    stats.refunds};
  for (const TagCount& t : Ok(app.engine().ListTags(kWs))) f["tags"][t.tag] = t.customers;

  json& seg = f["segments"];
  for (const SegmentInfo& s : Ok(app.segments().List(kWs))) seg["names"][s.id] = s.name;
  for (const SegmentInfo& s : Ok(app.segments().List(kWs))) seg["saved"][s.id] = s.customers;
  for (const auto& s : Ok(app.scores().Stages(kWs))) seg["stages"][s.stage] = s.customers;
  // RFM is recomputed on a schedule, not per event: both sides compute it now.
  EXPECT_TRUE(app.scores().RecomputeRfm(kWs).ok());
  const auto rfm = Ok(app.scores().Rfm(kWs));
  seg["rfm_scored"] = rfm.scored;
  for (const auto& c : rfm.cells) seg["rfm"][c.cell] = c.customers;

  json& jr = f["journeys"];
  for (const SavedJourney& j : Ok(JourneyStore(&app.engine()).List(kWs))) {
    jr["stats"][j.id] = json::parse(JourneyStatsJsonText(Ok(app.journeys().Stats(kWs, j.id))));
  }
  for (const InstanceView& v : Ok(app.journeys().Instances(kWs, "", 1'000'000))) {
    jr["instances"].push_back({v.journey, v.customer, v.step});
  }

  TaskQuery all;
  all.status = "all";
  all.limit = 1'000'000;
  for (const StaffTask& t : Ok(app.tasks().List(kWs, all))) {
    f["tasks"].push_back({t.id, t.customer_id, t.assignee, t.kind, t.due, t.completed_at});
  }
  for (const char* status : {"pending", "failed"}) {
    for (const auto& d : Ok(app.deliveries().List(kWs, status, 1'000'000))) {
      f["deliveries"].push_back({d.id, d.status, d.customer_id});
    }
  }

  json& dist = f["distribution"];
  for (const DistributorView& v : Ok(app.distribution().List(kWs, ""))) {
    dist["distributors"].push_back(DistributorJson(v));
  }
  dist["reconciliation"] = ReconciliationJson(Ok(app.payouts().Reconcile(kWs)));
  dist["totals"] = TotalsJson(Ok(app.payouts().Totals(kWs)));
  for (const WithdrawalView& w : Ok(app.payouts().Withdrawals(kWs, "", ""))) {
    dist["withdrawals"].push_back(WithdrawalJson(w));
  }

  for (const Campaign& c : Ok(app.fission().Campaigns(kWs))) {
    f["fission"][c.id]["report"] = CampaignReportJson(Ok(app.fission().Report(kWs, c.id)));
    for (const HeldReward& h : Ok(app.fission().Held(kWs, c.id))) {
      f["fission"][c.id]["held"].push_back({h.key, h.score});
    }
  }

  for (const ContentItem& i : Ok(app.content().Items(kWs, ""))) {
    f["content"][i.id] = {i.views, i.likes, i.comments};
  }

  json& com = f["community"];
  for (const GroupView& g : Ok(app.community().Groups(kWs))) {
    com["groups"][g.group.id] = {g.group.name, g.members, g.held};
  }
  for (const GroupCode& c : Ok(app.community().Codes(kWs))) {
    com["codes"][c.id] = c.groups;
    com["alerts"][c.id] = Ok(app.community().Alerts(kWs, c.id));
  }
  return f;
}

// The first member of `a` that differs from `b`, with both values: a readable failure.
std::string FirstDifference(const json& a, const json& b) {
  json patch = json::diff(a, b);
  if (patch.empty()) return "";
  const std::string path = patch[0].value("path", "");
  const json::json_pointer at(path);
  const json::json_pointer parent = at.parent_pointer();
  return path + ": live " + (a.contains(at) ? a[at].dump() : "(none)") + ", replayed " +
         (b.contains(at) ? b[at].dump() : "(none)") + "; live " +
         (a.contains(parent) ? a[parent].dump() : "(none)") + ", replayed " +
         (b.contains(parent) ? b[parent].dump() : "(none)");
}

class ReplayTest : public ::testing::Test {
 protected:
  std::unique_ptr<App> Open(bool use_snapshot) {
    AppOptions o;
    o.engine.data_dir = dir_.path().string();
    o.engine.clock = &clock_;
    o.engine.use_snapshot = use_snapshot;
    auto app = App::Open(o);
    EXPECT_TRUE(app.ok()) << app.status().ToString();
    if (!app.ok()) return nullptr;
    Status started = (*app)->Start(kAllParts);
    EXPECT_TRUE(started.ok()) << started.ToString();
    return std::move(*app);
  }

  // Demo world parameters, with the clock set to the world's first day.
  sim::DemoParams World(int customers, int days, uint64_t seed) {
    sim::DemoParams params = sim::DefaultDemoParams();
    params.customers = customers;
    params.days = days;
    params.seed = seed;
    clock_.Set(params.end_micros - static_cast<Micros>(params.days + 1) * kMicrosPerDay);
    return params;
  }

  // A fresh App over the data directory reads `live`, replaying the log and from the snapshot.
  void ExpectReplaysTheSame(const json& live) {
    for (bool use_snapshot : {false, true}) {
      SCOPED_TRACE(use_snapshot ? "from the snapshot" : "from the event log");
      std::unique_ptr<App> app = Open(use_snapshot);
      ASSERT_TRUE(app);
      const json replayed = Fingerprint(*app);
      for (const auto& [service, state] : live.items()) {
        EXPECT_EQ(FirstDifference(state, replayed.value(service, json())), "") << service;
      }
    }
  }

  testing::TempDir dir_;
  FakeClock clock_;
};

TEST_F(ReplayTest, AFreshAppRebuildsEveryServiceFromTheStore) {
  const sim::DemoParams params = World(4'000, 70, 11);
  json live;
  {
    std::unique_ptr<App> app = Open(true);
    ASSERT_TRUE(app);
    auto world = RunDemoWorld(*app, clock_, params);
    ASSERT_TRUE(world.ok()) << world.status().ToString();
    // The world must have exercised what is compared.
    ASSERT_GT(world->distribution.distributors, 0);
    ASSERT_EQ(world->fission.size(), 3u);
    ASSERT_GT(world->community.routed, 0);
    ASSERT_GT(world->community.groups, 0);  // the rotation opened groups: events, not objects
    ASSERT_TRUE(app->Start(kAllParts).ok());
    ASSERT_TRUE(app->Flush().ok());
    live = Fingerprint(*app);
    ASSERT_TRUE(app->engine().WriteSnapshot().ok());
  }
  ASSERT_GT(live["engine"][0].get<int64_t>(), 10'000);
  ASSERT_FALSE(live["journeys"]["stats"].empty());
  ExpectReplaysTheSame(live);
}

// The paying client of a distributor with the most commission on their orders ("" when none).
std::string ADistributorsPayingClient(App& app) {
  std::string best;
  EXPECT_TRUE(app.engine()
                  .ReadState(kWs,
                             [&](const TenantState& state) {
                               const uint32_t name = state.FindEventName(kCommissionAccrued);
                               if (name == kNoIndex) return;
                               int64_t most = 0;
                               for (const Posting& p : state.EventsNamed(name)) {
                                 const uint32_t c = state.Live(p.customer);
                                 if (state.customers().spent_fen[c] > most) {
                                   most = state.customers().spent_fen[c];
                                   best = TenantState::CustomerId(c);
                                 }
                               }
                             })
                  .ok());
  return best;
}

// Erasure (docs/privacy.md) keeps the customer's id, orders and commissions: the distributor's
// ledger reconciles and reads exactly as before, and a replay rebuilds every service the same.
TEST_F(ReplayTest, ErasingADistributorsClientKeepsTheLedgerAndReplaysTheSame) {
  const sim::DemoParams params = World(1'500, 45, 5);
  json erased;
  {
    std::unique_ptr<App> app = Open(true);
    ASSERT_TRUE(app);
    ASSERT_TRUE(RunDemoWorld(*app, clock_, params).ok());
    ASSERT_TRUE(app->Flush().ok());
    const std::string client = ADistributorsPayingClient(*app);
    ASSERT_FALSE(client.empty()) << "the demo world paid no commission";
    const json before = Fingerprint(*app);
    ASSERT_EQ(before["distribution"]["reconciliation"]["book"], "ok");
    ASSERT_GT(before["distribution"]["reconciliation"]["transactions"].get<int64_t>(), 0);
    ASSERT_TRUE(app->engine().WriteSnapshot().ok());

    auto result = EraseCustomer(app->engine(), kWs, client);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_GT((*result)["identities"].get<int64_t>(), 0);
    ASSERT_TRUE(app->Flush().ok());
    erased = Fingerprint(*app);
    EXPECT_EQ(FirstDifference(before["distribution"], erased["distribution"]), "");
    EXPECT_EQ(erased["distribution"]["reconciliation"]["verify"], "ok");
    EXPECT_EQ(erased["distribution"]["reconciliation"]["sum_fen"], 0);
    EXPECT_EQ(erased["engine"][1], before["engine"][1]);  // customers
    EXPECT_EQ(erased["engine"][4], before["engine"][4]);  // orders
    auto profile = app->engine().GetCustomer(kWs, client);
    ASSERT_TRUE(profile.ok());
    for (const Identity& id : profile->identities) {
      EXPECT_TRUE(id.value.starts_with(kErasedPrefix)) << id.value;
    }
  }
  ExpectReplaysTheSame(erased);
}

// A service whose replay cannot read the log says so, and the application does not start it.
TEST(ReplayErrorTest, AServiceThatCannotReplayIsRefusedWithTheStoresError) {
  testing::TempDir dir;
  auto real = OpenSqliteStore(dir.path().string() + "/pond.db");
  ASSERT_TRUE(real.ok()) << real.status().ToString();
  testing::FailingStore store(std::move(*real));
  AppOptions o;
  o.engine.data_dir = dir.path().string();
  o.engine.store = &store;
  auto app = App::Open(o);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  Event viewed;
  viewed.message_id = "m1";
  viewed.user_id = "ann";
  viewed.name = kContentViewed;
  viewed.properties = R"({"content_id": "cnt_a"})";
  ASSERT_TRUE((*app)->engine().Submit(kDefaultWorkspace, {viewed}).ok());
  store.fail_reads = true;
  Status started = (*app)->Start(kContent);
  EXPECT_FALSE(started.ok());
  EXPECT_NE(started.message().find("replay"), std::string::npos) << started.ToString();
  EXPECT_NE(started.message().find("disk I/O error"), std::string::npos) << started.ToString();
  EXPECT_FALSE((*app)->Has(kContent));
  store.fail_reads = false;
  EXPECT_TRUE((*app)->Start(kContent).ok());
  EXPECT_EQ((*app)->content().Items(kDefaultWorkspace, "").status().code(), StatusCode::kOk);
}

}  // namespace
}  // namespace pond::app
