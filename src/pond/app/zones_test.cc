// One instant, two brands: a workspace at -05:00 and one at +08:00 in the same pond. Quiet
// hours, the monthly cap, the cohort report and a campaign's start each follow the workspace's
// own zone; none may assume China time.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pond/app/app.h"
#include "pond/app/reports.h"
#include "pond/base/time.h"
#include "pond/fission/campaign.h"
#include "pond/fission/fission_service.h"
#include "pond/journey/journey_runtime.h"
#include "pond/journey/journey_store.h"
#include "pond/journey/politeness.h"
#include "pond/testing/temp_dir.h"

namespace pond::app {
namespace {

constexpr char kNewYork[] = "ny";   // -05:00
constexpr char kShanghai[] = "sh";  // +08:00
constexpr int kNewYorkZone = -5 * 3600;
constexpr int kShanghaiZone = 8 * 3600;

Micros Utc(const char* text) { return ParseIso8601(text, 0).value(); }

class ZonesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(Utc("2024-03-01T12:00:00Z"));
    AppOptions o;
    o.engine.data_dir = dir_.path().string();
    o.engine.clock = &clock_;
    app_ = App::Open(o).value();
    ASSERT_TRUE(app_->engine().CreateWorkspace(kNewYork, "New York", kNewYorkZone).ok());
    ASSERT_TRUE(app_->engine().CreateWorkspace(kShanghai, "Shanghai", kShanghaiZone).ok());
    ASSERT_TRUE(app_->Start(kJourneys | kFission).ok());
  }

  void Track(const std::string& ws, const std::string& user, const std::string& name) {
    Event e;
    e.message_id = ws + "-" + std::to_string(++seq_);
    e.user_id = user;
    e.name = name;
    e.properties = "{}";
    auto r = app_->engine().Submit(ws, {e});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  void ActivatePromo(const std::string& ws) {
    JourneyStore store(&app_->engine());
    auto made = store.Create(ws, R"({"id": "promo", "name": "p", "trigger": {"event": "ping"},
      "entry": "every_time",
      "steps": [{"id": "offer", "send": {"channel": "outbox", "template": "offer"}}]})");
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    ASSERT_TRUE(store.SetStatus(ws, "promo", JourneyStatus::kActive).ok());
    ASSERT_TRUE(app_->journeys().Reload(ws).ok());
  }

  JourneyStats Promo(const std::string& ws) {
    auto s = app_->journeys().Stats(ws, "promo");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : JourneyStats{};
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<App> app_;
  int seq_ = 0;
};

TEST_F(ZonesTest, EachWorkspaceKnowsItsZone) {
  EXPECT_EQ(app_->engine().UtcOffsetOf(kNewYork).value(), kNewYorkZone);
  EXPECT_EQ(app_->engine().UtcOffsetOf(kShanghai).value(), kShanghaiZone);
  EXPECT_EQ(app_->engine().CreateWorkspace("mars", "", 15 * 3600).status().field(), "utc_offset");
}

TEST_F(ZonesTest, QuietHoursAreTheWorkspacesNight) {
  ActivatePromo(kNewYork);
  ActivatePromo(kShanghai);
  // 14:30 UTC: 22:30 in Shanghai (quiet), 09:30 in New York (not).
  clock_.Set(Utc("2024-03-01T14:30:00Z"));
  Track(kNewYork, "ann", "ping");
  Track(kShanghai, "ann", "ping");
  ASSERT_TRUE(app_->journeys().RunDue().ok());
  EXPECT_EQ(Promo(kNewYork).messages, 1);
  EXPECT_EQ(Promo(kShanghai).messages, 0);
  EXPECT_EQ(Promo(kShanghai).deferred.at("quiet_hours"), 1);
  // 08:00 in Shanghai is 00:00 UTC: the deferred message goes then, not at 08:00 UTC.
  clock_.Set(Utc("2024-03-02T00:00:00Z"));
  ASSERT_TRUE(app_->journeys().RunDue().ok());
  EXPECT_EQ(Promo(kShanghai).messages, 1);
}

// The daily and weekly caps are rolling (any 24 hours, any 7 days); the monthly cap is the
// local calendar month, so it is the cap a zone decides.
TEST_F(ZonesTest, TheMonthlyCapCountsTheWorkspacesCalendarMonth) {
  PolitenessSettings one_a_month;
  one_a_month.default_cap = {.per_day = 10, .per_week = 10, .per_month = 1};
  for (const char* ws : {kNewYork, kShanghai}) {
    ActivatePromo(ws);
    ASSERT_TRUE(app_->journeys().SetPoliteness(ws, one_a_month).ok());
  }
  // 13:30 UTC on 31 March: evening of the 31st in Shanghai, morning of the 31st in New York.
  clock_.Set(Utc("2024-03-31T13:30:00Z"));
  Track(kNewYork, "ann", "ping");
  Track(kShanghai, "ann", "ping");
  ASSERT_TRUE(app_->journeys().RunDue().ok());
  // 00:30 UTC on 1 April: 08:30 on 1 April in Shanghai (a new month), 19:30 on 31 March in
  // New York (the month's one message was sent).
  clock_.Set(Utc("2024-04-01T00:30:00Z"));
  Track(kNewYork, "ann", "ping");
  Track(kShanghai, "ann", "ping");
  ASSERT_TRUE(app_->journeys().RunDue().ok());
  EXPECT_EQ(Promo(kShanghai).messages, 2);
  EXPECT_EQ(Promo(kNewYork).messages, 1);
  EXPECT_EQ(Promo(kNewYork).suppressed["cap_month"], 1);
}

TEST_F(ZonesTest, CohortsCutMonthsAtTheWorkspacesMidnight) {
  // 20:00 UTC on 31 March: still March in New York, already April in Shanghai.
  clock_.Set(Utc("2024-03-31T20:00:00Z"));
  Track(kNewYork, "ann", "friend_added");
  Track(kShanghai, "ann", "friend_added");
  clock_.Set(Utc("2024-04-10T00:00:00Z"));
  auto ny = Cohorts(*app_, kNewYork, analytics::Period::kMonth);
  auto sh = Cohorts(*app_, kShanghai, analytics::Period::kMonth);
  ASSERT_TRUE(ny.ok() && sh.ok());
  ASSERT_EQ(ny->rows.size(), 1u);
  ASSERT_EQ(sh->rows.size(), 1u);
  EXPECT_EQ(ny->rows[0].cohort, "2024-03");
  EXPECT_EQ(sh->rows[0].cohort, "2024-04");
}

TEST_F(ZonesTest, ACampaignDayStartsAtTheWorkspacesMidnight) {
  const char* text = R"({"id": "cmp_11", "name": "双11", "kind": "group_buy",
      "start": "2024-11-11T00:00:00", "end": "2024-11-12T00:00:00",
      "budget_fen": 0, "stock": 0, "group": {"size": 3, "hours": 24}})";
  for (const char* ws : {kNewYork, kShanghai}) {
    const int zone = app_->engine().UtcOffsetOf(ws).value();
    auto c = ParseCampaign(text, zone);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    ASSERT_TRUE(app_->fission().SaveCampaign(ws, *c).ok());
  }
  const Campaign ny = app_->fission().GetCampaign(kNewYork, "cmp_11").value();
  const Campaign sh = app_->fission().GetCampaign(kShanghai, "cmp_11").value();
  EXPECT_EQ(ny.start, Utc("2024-11-11T05:00:00Z"));
  EXPECT_EQ(sh.start, Utc("2024-11-10T16:00:00Z"));
  // What is saved reads back in the workspace's zone.
  EXPECT_NE(CampaignJson(ny, kNewYorkZone).dump().find("2024-11-11T00:00:00-05:00"),
            std::string::npos);
  EXPECT_NE(CampaignJson(sh, kShanghaiZone).dump().find("2024-11-11T00:00:00+08:00"),
            std::string::npos);
  // Midnight UTC on the 11th: the sale is on in Shanghai, not yet in New York.
  const Micros at = Utc("2024-11-11T00:00:00Z");
  EXPECT_TRUE(sh.Active(at));
  EXPECT_FALSE(ny.Active(at));
}

}  // namespace
}  // namespace pond::app
