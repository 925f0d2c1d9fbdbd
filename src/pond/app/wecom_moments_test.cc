// A Moments plan published through WeCom against the WeCom test corp, through the real HTTP
// client: each post submitted when its time comes, its job read until WeCom has made it, the
// sender's posting seen, and the customers' likes and comments read back as events that the
// content ranking counts, once.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pond/app/moment_tasks.h"
#include "pond/app/wecom_test_app.h"
#include "pond/channels/outbound/delivery_service.h"
#include "pond/channels/wecom/moments.h"
#include "pond/channels/wecom/wecom_service.h"
#include "pond/content/content_service.h"
#include "pond/testing/temp_dir.h"
#include "pond/testing/wecom_test_corp.h"

namespace pond::app {
namespace {

using nlohmann::json;

testing::CorpShape SmallCorp() {
  testing::CorpShape shape;
  shape.staff = 3;
  shape.customers = 90;
  shape.groups = 0;
  return shape;
}

class WecomMomentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(1'767'225'600LL * kMicrosPerSecond);  // 2026-01-01 00:00 UTC
    AppOptions o;
    o.engine.data_dir = dir_.path().string();
    o.engine.clock = &clock_;
    app_ = App::Open(o).value();
    ASSERT_TRUE(app_->Start(kAllParts).ok());
    ASSERT_TRUE(ConnectToTestCorp(*app_, ws_, corp_).ok());
    ASSERT_TRUE(app_->wecom().Sync(ws_, {}).ok());
    ContentItem item;
    item.id = "cnt_spf";
    item.kind = ContentKind::kKnowledge;
    item.title = "防晒小知识";
    item.text = "阴天也要涂防晒。";
    ASSERT_TRUE(app_->content().SaveItem(ws_, item).ok());
  }
  wecom::MomentPost Post(const std::string& staff) {
    const std::vector<wecom::MomentPost> posts = wecom::MomentPosts(app_->engine(), ws_).value();
    for (const wecom::MomentPost& p : posts) {
      if (p.staff == staff) return p;
    }
    ADD_FAILURE() << "no post of " << staff;
    return {};
  }
  wecom::MomentsRun Poll() {
    Result<wecom::MomentsRun> run = app_->wecom().PollMoments(ws_);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? *run : wecom::MomentsRun{};
  }

  testing::TempDir dir_;
  FakeClock clock_;
  testing::WecomTestCorp corp_{SmallCorp()};
  std::unique_ptr<App> app_;
  const std::string ws_ = kDefaultWorkspace;
};

TEST_F(WecomMomentsTest, APlanIsPublishedAndItsLikesComeBackOnce) {
  const std::string sender = corp_.staff()[0];
  const Micros at = clock_.NowMicros() + kMicrosPerHour;
  const std::vector<PlannedPost> posts = {{"stf_lily", at, "cnt_spf", ContentKind::kKnowledge},
                                          {"stf_gone", at, "cnt_spf", ContentKind::kKnowledge}};
  const std::map<std::string, std::string> senders = {{"stf_lily", sender},
                                                      {"stf_gone", "left_the_corp"}};
  EXPECT_EQ(PlanWecomMoments(*app_, ws_, posts, senders).value()["planned"], 2);
  EXPECT_EQ(PlanWecomMoments(*app_, ws_, posts, senders).value()["planned"], 0);  // kept already

  // Not due yet: WeCom is not asked.
  EXPECT_EQ(Poll().submitted, 0);
  EXPECT_EQ(corp_.calls("add_moment_task"), 0);

  clock_.Advance(2 * kMicrosPerHour);
  EXPECT_EQ(Poll().submitted, 2);  // the jobs run at WeCom
  EXPECT_EQ(Post("stf_lily").state, "submitted");
  EXPECT_NE(corp_.moments()[0].text.find("防晒小知识"), std::string::npos);

  wecom::MomentsRun run = Poll();  // the jobs are done; nobody has posted yet
  EXPECT_EQ(run.created, 1);
  EXPECT_EQ(run.failed, 1);
  const wecom::MomentPost lily = Post("stf_lily");
  EXPECT_EQ(lily.state, "created");
  ASSERT_FALSE(lily.moment_id.empty());
  const wecom::MomentPost gone = Post("stf_gone");
  EXPECT_EQ(gone.state, "failed");
  EXPECT_NE(gone.error.find("40003"), std::string::npos) << gone.error;

  // The sender posts it in WeCom's client: everyone who can see it gets the touch.
  ASSERT_TRUE(corp_.PublishMoment(lily.moment_id, sender));
  run = Poll();
  EXPECT_EQ(run.posted, 1);
  int64_t friends = 0;
  for (const auto& c : corp_.customers()) {
    for (const auto& f : c.follows) friends += f.userid == sender;
  }
  EXPECT_EQ(Post("stf_lily").reached, friends);
  EXPECT_EQ(run.events, friends);

  // Two customers like it, one comments.
  ASSERT_TRUE(corp_.LikeMoment(lily.moment_id, corp_.customers()[0].external_userid));
  ASSERT_TRUE(corp_.LikeMoment(lily.moment_id, corp_.customers()[3].external_userid));
  ASSERT_TRUE(corp_.CommentMoment(lily.moment_id, corp_.customers()[6].external_userid));
  clock_.Advance(5 * kMicrosPerMinute);
  EXPECT_EQ(Poll().events, 3);
  EXPECT_EQ(Poll().events, 0);  // read again: nothing new
  const wecom::MomentPost read = Post("stf_lily");
  EXPECT_EQ(read.likes, 2);
  EXPECT_EQ(read.comments, 1);
  const ContentItem item = app_->content().GetItem(ws_, "cnt_spf").value();
  EXPECT_EQ(item.likes, 2);
  EXPECT_EQ(item.comments, 1);
  const auto liked = app_->engine().GetCustomer(
      ws_, "external_userid:" + corp_.customers()[0].external_userid, 50);
  ASSERT_TRUE(liked.ok());
  bool seen = false;
  for (const Event& e : liked->timeline) seen |= e.name == "moment_liked";
  EXPECT_TRUE(seen);

  // A week later the post is no longer followed.
  clock_.Advance(8 * kMicrosPerDay);
  const int reads = corp_.calls("get_moment_comments");
  Poll();
  EXPECT_EQ(corp_.calls("get_moment_comments"), reads);
}

TEST_F(WecomMomentsTest, ATransientRefusalLeavesThePostForTheNextRun) {
  const Micros at = clock_.NowMicros();
  ASSERT_TRUE(PlanWecomMoments(*app_, ws_, {{"stf_lily", at, "cnt_spf", ContentKind::kKnowledge}},
                               {{"stf_lily", corp_.staff()[1]}})
                  .ok());
  corp_.FailNext("add_moment_task", 45009);
  EXPECT_EQ(Poll().submitted, 0);
  EXPECT_EQ(Post("stf_lily").state, "planned");
  EXPECT_EQ(Poll().submitted, 1);
  EXPECT_EQ(corp_.moments().size(), 1u);  // one task at WeCom, not two
}

}  // namespace
}  // namespace pond::app
