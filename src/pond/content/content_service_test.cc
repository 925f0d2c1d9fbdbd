// ContentService through the real engine: performance from events (also after a restart), the
// planner avoiding what an account posted already, and scripts searched and counted when used
// by many threads at once, surviving a restart.
#include "pond/content/content_service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "pond/base/time.h"
#include "pond/model/event_names.h"
#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

using nlohmann::json;

class ContentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    o_.data_dir = dir_.path().string();
    o_.clock = &clock_;
    Reopen();
  }
  void Reopen() {
    service_.reset();
    engine_.reset();
    engine_ = Engine::Open(o_).value();
    service_ = ContentService::Start(engine_.get()).value();
  }
  void Track(const std::string& id, const std::string& name, const json& props) {
    Event e;
    e.message_id = id;
    e.user_id = "viewer";
    e.name = name;
    e.timestamp = clock_.NowMicros();
    e.properties = props.dump();
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {e}).ok());
  }
  void Item(const std::string& id, ContentKind kind) {
    ContentItem item;
    item.id = id;
    item.kind = kind;
    item.title = id;
    ASSERT_TRUE(service_->SaveItem(kDefaultWorkspace, item).ok());
  }

  testing::TempDir dir_;
  FakeClock clock_{ParseIso8601("2026-11-20T10:00:00+08:00").value()};
  EngineOptions o_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<ContentService> service_;
};

TEST_F(ContentServiceTest, PerformanceComesFromEventsAndSurvivesARestart) {
  Item("cnt_a", ContentKind::kKnowledge);
  Item("cnt_b", ContentKind::kKnowledge);
  for (int i = 0; i < 50; ++i)
    Track("v" + std::to_string(i), "content_viewed", {{"content_id", "cnt_b"}});
  for (int i = 0; i < 10; ++i)
    Track("l" + std::to_string(i), "content_liked", {{"content_id", "cnt_b"}});
  Track("c1", "content_commented", {{"content_id", "cnt_b"}});
  Track("c1", "content_commented", {{"content_id", "cnt_b"}});  // a retry: counted once
  auto items = service_->Items(kDefaultWorkspace, "").value();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].id, "cnt_b");  // performed best
  EXPECT_EQ(items[0].views, 50);
  EXPECT_EQ(items[0].likes, 10);
  EXPECT_EQ(items[0].comments, 1);
  Reopen();
  EXPECT_EQ(service_->GetItem(kDefaultWorkspace, "cnt_b")->views, 50);
  EXPECT_EQ(service_->Items(kDefaultWorkspace, "poster").status().field(), "kind");
  EXPECT_EQ(service_->GetItem(kDefaultWorkspace, "cnt_zz").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(service_->DeleteItem(kDefaultWorkspace, "cnt_a").ok());
  EXPECT_EQ(service_->Items(kDefaultWorkspace, "knowledge")->size(), 1u);
}

TEST_F(ContentServiceTest, ThePlannerSkipsWhatTheAccountPostedLately) {
  for (int i = 0; i < 30; ++i) {
    Item("cnt_k" + std::to_string(i), ContentKind::kKnowledge);
    Item("cnt_d" + std::to_string(i), ContentKind::kDailyLife);
    Item("cnt_e" + std::to_string(i), ContentKind::kEmotional);
    Item("cnt_b" + std::to_string(i), ContentKind::kBuyerShow);
    Item("cnt_p" + std::to_string(i), ContentKind::kProductAd);
    Item("cnt_r" + std::to_string(i), ContentKind::kPromotion);
  }
  // cnt_k0 is the best tip, but lily posted it three days ago.
  for (int i = 0; i < 20; ++i)
    Track("lk" + std::to_string(i), "content_liked", {{"content_id", "cnt_k0"}});
  Track("posted", "moment_posted", {{"staff_id", "stf_lily"}, {"content_id", "cnt_k0"}});
  const Micros from = ParseIso8601("2026-11-23T00:00:00+08:00").value();
  const Persona expert = BuiltInPersona("expert").value();
  auto plans = service_
                   ->PlanMoments(kDefaultWorkspace, {{"stf_lily", expert}, {"stf_amy", expert}},
                                 from, 30, {})
                   .value();
  ASSERT_EQ(plans.size(), 2u);
  auto first_use = [](const MomentsPlan& p, const std::string& item) {
    for (const PlannedPost& post : p.posts) {
      if (post.item == item) return post.at;
    }
    return Micros{0};
  };
  EXPECT_EQ(first_use(plans[1], "cnt_k0"), plans[1].posts[0].at);       // amy: first thing
  EXPECT_GE(first_use(plans[0], "cnt_k0"), from + 11 * kMicrosPerDay);  // lily: 14 days after
  for (const MomentsPlan& p : plans) {
    EXPECT_TRUE(p.shortfalls.empty());
    EXPECT_TRUE(
        service_->ValidateMoments(kDefaultWorkspace, p.posts, expert, from, 30, {})->empty());
  }
  EXPECT_EQ(service_->PlanMoments(kDefaultWorkspace, {}, from, 30, {}).status().field(), "staff");
}

TEST_F(ContentServiceTest, ScriptsAreSearchedAndEveryUseCounts) {
  auto save = [&](const char* text) {
    ASSERT_TRUE(service_->SaveScript(kDefaultWorkspace, ParseScript(text).value()).ok());
  };
  save(
      R"({"id": "scr_price", "question": "为什么比旗舰店贵？", "answer": "正品直供。", "tags": ["价格"], "stage": "lead"})");
  save(
      R"({"id": "scr_spf", "question": "防晒霜每天要涂吗？", "answer": "要。", "tags": ["防晒"], "stage": "customer"})");
  save(
      R"({"id": "scr_refund", "question": "How do I get a refund?", "answer": "Within 7 days.", "tags": ["售后"]})");
  EXPECT_EQ(service_->SearchScripts(kDefaultWorkspace, "贵", "", "", 10)->at(0).script.id,
            "scr_price");
  EXPECT_EQ(service_->SearchScripts(kDefaultWorkspace, "Refund", "", "", 10)->size(), 1u);
  EXPECT_TRUE(service_->SearchScripts(kDefaultWorkspace, "防晒", "", "lead", 10)->empty());
  EXPECT_EQ(service_->SearchScripts(kDefaultWorkspace, "", "售后", "", 10)->size(), 1u);

  // Each use is script_used on the customer it was used with; concurrent uses lose none.
  Track("hello", "page_viewed", json::object());  // the customer "viewer"
  std::vector<std::thread> staff;
  for (int t = 0; t < 8; ++t) {
    staff.emplace_back([&, t] {
      const ContentService::ScriptUse use{"viewer", "stf_" + std::to_string(t), ""};
      for (int i = 0; i < 25; ++i)
        ASSERT_TRUE(service_->UseScript(kDefaultWorkspace, "scr_spf", use).ok());
    });
  }
  for (auto& t : staff) t.join();
  EXPECT_EQ(service_->GetScript(kDefaultWorkspace, "scr_spf")->uses, 200);
  // A retry with the same request id is the same use.
  const ContentService::ScriptUse once{"viewer", "stf_0", "req-1"};
  EXPECT_EQ(service_->UseScript(kDefaultWorkspace, "scr_price", once)->uses, 1);
  EXPECT_EQ(service_->UseScript(kDefaultWorkspace, "scr_price", once)->uses, 1);
  const CustomerProfile viewer = engine_->GetCustomer(kDefaultWorkspace, "viewer", 1).value();
  ASSERT_EQ(viewer.timeline.size(), 1u);
  EXPECT_EQ(viewer.timeline[0].name, kScriptUsed);
  EXPECT_EQ(json::parse(viewer.timeline[0].properties)["staff"], "stf_0");
  EXPECT_EQ(service_->UseScript(kDefaultWorkspace, "scr_price", {"nobody", "", ""}).status().code(),
            StatusCode::kNotFound);
  // Editing the text keeps the count; a restart counts the events again.
  save(R"({"id": "scr_spf", "question": "防晒霜阴天也要涂吗？", "answer": "要。"})");
  EXPECT_EQ(service_->GetScript(kDefaultWorkspace, "scr_spf")->uses, 200);
  Reopen();
  EXPECT_EQ(service_->GetScript(kDefaultWorkspace, "scr_spf")->uses, 200);
  const auto all = service_->SearchScripts(kDefaultWorkspace, "", "", "", 10).value();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].script.id, "scr_spf");  // most used first
  EXPECT_EQ(service_->SearchScripts(kDefaultWorkspace, "阴天", "", "", 10)->size(), 1u);
  ASSERT_TRUE(service_->DeleteScript(kDefaultWorkspace, "scr_spf").ok());
  EXPECT_TRUE(service_->SearchScripts(kDefaultWorkspace, "阴天", "", "", 10)->empty());
  EXPECT_EQ(service_->UseScript(kDefaultWorkspace, "scr_spf", once).status().code(),
            StatusCode::kNotFound);
  // A script stored before uses were events keeps its count, and the events add to it.
  ASSERT_TRUE(engine_
                  ->PutObject(kDefaultWorkspace,
                              {"script", "scr_old",
                               R"({"id": "scr_old", "question": "q", "answer": "a", "uses": 5})",
                               clock_.NowMicros()})
                  .ok());
  Reopen();
  EXPECT_EQ(service_->UseScript(kDefaultWorkspace, "scr_old", {"viewer", "", ""})->uses, 6);
}

}  // namespace
}  // namespace pond
