// Corporate tags both ways against the WeCom test corp, through a real engine and the WeCom
// service: sync brings WeCom's tags; a tag changed in pond reaches the friendship in WeCom
// (created in the library when missing); a staff member's edit in WeCom, told by callback,
// changes pond and is not pushed back; changes made while pond was not pushing go out on start.
#include <gtest/gtest.h>

#include <algorithm>

#include "pond/channels/wecom/corp_tags.h"
#include "pond/channels/wecom/wecom_service.h"
#include "pond/testing/temp_dir.h"
#include "pond/testing/wecom_test_corp.h"

namespace pond::wecom {
namespace {

using testing::CorpShape;
using testing::WecomTestCorp;

TEST(CorpTagsTest, PondAndWecomNameTheSameTags) {
  EXPECT_EQ(PondTagFor("skin", "oily"), "skin:oily");
  EXPECT_EQ(PondTagFor("pond", "vip"), "vip");
  EXPECT_EQ(PondTagFor("会员:等级", "金卡"), "会员：等级:金卡");
  EXPECT_EQ(PondTagFor("skin", "a:b"), std::nullopt);
  EXPECT_EQ(PondTagFor("skin", ""), std::nullopt);
  EXPECT_EQ(PondTagFor("skin", std::string(70, 'x')), std::nullopt);
  EXPECT_EQ(WecomGroupAndName("skin:oily"), (std::pair<std::string, std::string>{"skin", "oily"}));
  EXPECT_EQ(WecomGroupAndName("vip"), (std::pair<std::string, std::string>{"pond", "vip"}));
}

class WecomTagsTest : public ::testing::Test {
 protected:
  WecomTagsTest() : corp_(Shape()) {
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    engine_ = Engine::Open(o).value();
    OpenService();
  }
  static CorpShape Shape() {
    CorpShape shape;
    shape.staff = 3;
    shape.customers = 200;
    shape.groups = 2;
    return shape;
  }
  void OpenService() {
    service_.reset();
    service_ =
        WecomService::Open(engine_.get(), dir_.path().string() + "/wecom.key",
                           [this](const std::string&) {
                             return Result<outbound::WecomApiSettings>(outbound::WecomApiSettings{
                                 corp_.url(), corp_.shape().corp_id, corp_.shape().secret,
                                 std::chrono::milliseconds(2000)});
                           })
            .value();
    ASSERT_TRUE(service_->configs().Put(kDefaultWorkspace, config_).ok());
  }
  void Sync() {
    auto r = service_->Sync(kDefaultWorkspace, {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::vector<std::string> PondTags(const std::string& external) {
    auto p = engine_->GetCustomer(kDefaultWorkspace, "external_userid:" + external, 0);
    return p.ok() ? p->tags : std::vector<std::string>{};
  }
  bool InWecom(const std::string& external, const std::string& staff, const std::string& group,
               const std::string& name) {
    const testing::CorpTag* t = corp_.FindTag(group, name);
    if (!t) return false;
    const auto on = corp_.TagsOn(external, staff);
    return std::find(on.begin(), on.end(), t->id) != on.end();
  }
  Result<Received> EditedInWecom(const std::string& external, const std::string& staff,
                                 const std::string& created) {
    const std::string xml =
        "<xml><ToUserName><![CDATA[" + config_.corp_id +
        "]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>" + created +
        "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_"
        "contact]]></Event><ChangeType><![CDATA[edit_external_contact]]></ChangeType><UserID><!"
        "[CDATA[" +
        staff + "]]></UserID><ExternalUserID><![CDATA[" + external + "]]></ExternalUserID></xml>";
    const SealedCallback c = SealCallback(config_, xml, created, "n0nce");
    return service_->Receive(kDefaultWorkspace, c.query, c.body);
  }

  WecomTestCorp corp_;
  testing::TempDir dir_;
  FakeClock clock_{1'790'000'000LL * kMicrosPerSecond};
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<WecomService> service_;
  const WecomConfig config_{"QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
                            "wwtestcorp0001"};
};

TEST_F(WecomTagsTest, SyncBringsTheTagsStaffPutOnTheirFriends) {
  Sync();
  int vip = 0, skin = 0;
  for (const auto& c : corp_.customers()) {
    bool has_vip = false;
    std::string skin_tag;
    for (const auto& f : c.follows) {
      for (const std::string& id : f.tag_ids) {
        has_vip |= id == "etTCtag1";
        if (id == "etTCtag3") skin_tag = "skin:oily";
        if (id == "etTCtag4") skin_tag = "skin:dry";
      }
    }
    const auto tags = PondTags(c.external_userid);
    EXPECT_EQ(std::count(tags.begin(), tags.end(), "客户等级:VIP") == 1, has_vip)
        << c.external_userid;
    if (!skin_tag.empty()) {
      EXPECT_NE(std::find(tags.begin(), tags.end(), skin_tag), tags.end()) << c.external_userid;
    }
    vip += has_vip;
    skin += !skin_tag.empty();
  }
  EXPECT_GT(vip, 20);  // the corp was seeded with tags to bring
  EXPECT_GT(skin, 20);
}

TEST_F(WecomTagsTest, APondTagReachesEveryFriendshipInWecomAndLeavesAgain) {
  Sync();
  // A customer who is a friend of two staff members.
  const testing::CorpCustomer* two = nullptr;
  for (const auto& c : corp_.customers()) {
    if (c.follows.size() == 2) two = &c;
  }
  ASSERT_NE(two, nullptr);
  const std::string& ext = two->external_userid;
  ASSERT_TRUE(engine_
                  ->ChangeTags(kDefaultWorkspace, "external_userid:" + ext, {"campaign:618", "vip"},
                               true, "api:key_1")
                  .ok());
  EXPECT_GE(service_->RunFollowUps(), 2);
  for (const auto& f : two->follows) {
    EXPECT_TRUE(InWecom(ext, f.userid, "campaign", "618")) << f.userid;  // created, then marked
    EXPECT_TRUE(InWecom(ext, f.userid, "pond", "vip")) << f.userid;
  }
  ASSERT_TRUE(engine_
                  ->ChangeTags(kDefaultWorkspace, "external_userid:" + ext, {"campaign:618"}, false,
                               "api:key_1")
                  .ok());
  service_->RunFollowUps();
  for (const auto& f : two->follows) {
    EXPECT_FALSE(InWecom(ext, f.userid, "campaign", "618")) << f.userid;
    EXPECT_TRUE(InWecom(ext, f.userid, "pond", "vip")) << f.userid;
  }
}

TEST_F(WecomTagsTest, AStaffMembersEditInWecomChangesPondAndIsNotPushedBack) {
  Sync();
  const auto& c = corp_.customers()[10];
  const std::string& staff = c.follows[0].userid;
  // In WeCom's client the staff member clears the customer's tags and marks them oily.
  for (const std::string& id : c.follows[0].tag_ids) {
    ASSERT_TRUE(corp_.MarkInWecom(c.external_userid, staff, id, false));
  }
  for (size_t i = 1; i < c.follows.size(); ++i) {
    for (const std::string& id : c.follows[i].tag_ids) {
      ASSERT_TRUE(corp_.MarkInWecom(c.external_userid, c.follows[i].userid, id, false));
    }
  }
  ASSERT_TRUE(corp_.MarkInWecom(c.external_userid, staff, "etTCtag3", true));
  const int marks_before = corp_.calls("mark_tag");
  ASSERT_TRUE(EditedInWecom(c.external_userid, staff, "1789999000").ok());
  service_->RunFollowUps();
  auto tags = PondTags(c.external_userid);
  EXPECT_NE(std::find(tags.begin(), tags.end(), "skin:oily"), tags.end());
  EXPECT_EQ(std::find(tags.begin(), tags.end(), "skin:dry"), tags.end());
  EXPECT_EQ(std::find(tags.begin(), tags.end(), "客户等级:VIP"), tags.end());
  service_->RunFollowUps();
  EXPECT_EQ(corp_.calls("mark_tag"), marks_before);  // WeCom's own change is not sent back

  // WeCom's retry of the callback changes nothing more.
  const StoreStats before = engine_->Stats(kDefaultWorkspace).value();
  ASSERT_TRUE(EditedInWecom(c.external_userid, staff, "1789999000").ok());
  service_->RunFollowUps();
  EXPECT_EQ(engine_->Stats(kDefaultWorkspace)->events, before.events);
}

TEST_F(WecomTagsTest, ChangesMadeWhilePondWasNotPushingGoOutOnStart) {
  Sync();
  ASSERT_TRUE(service_->CatchUpTags(kDefaultWorkspace).ok());  // the first start: no history
  EXPECT_EQ(service_->RunFollowUps(), 0);
  service_.reset();  // pond stops pushing; a tag is added meanwhile (a journey, say)
  const auto& c = corp_.customers()[20];
  ASSERT_TRUE(engine_
                  ->ChangeTags(kDefaultWorkspace, "external_userid:" + c.external_userid,
                               {"journey:welcome"}, true, "journey:jrn_1")
                  .ok());
  OpenService();
  ASSERT_TRUE(service_->CatchUpTags(kDefaultWorkspace).ok());
  EXPECT_GE(service_->RunFollowUps(), 1);
  EXPECT_TRUE(InWecom(c.external_userid, c.follows[0].userid, "journey", "welcome"));
  // Pushed once: a second start finds nothing left to push.
  OpenService();
  ASSERT_TRUE(service_->CatchUpTags(kDefaultWorkspace).ok());
  EXPECT_EQ(service_->RunFollowUps(), 0);
}

}  // namespace
}  // namespace pond::wecom
