// A channel's customer acquisition link against the WeCom test corp: created with the channel's
// code as customer_channel, refused for an unknown channel, a second link, no staff or a staff
// member WeCom does not know; a friend who arrives through it has the channel as first touch.
#include "pond/channels/wecom/acquisition_links.h"

#include <gtest/gtest.h>

#include "pond/channels/wecom/wecom_service.h"
#include "pond/testing/temp_dir.h"
#include "pond/testing/wecom_test_corp.h"

namespace pond::wecom {
namespace {

TEST(AcquisitionLinkTest, AFriendThroughTheLinkArrivesInItsChannel) {
  testing::CorpShape shape;
  shape.staff = 2;
  shape.customers = 10;
  shape.groups = 0;
  testing::WecomTestCorp corp(shape);
  testing::TempDir dir;
  FakeClock clock(1'790'000'000LL * kMicrosPerSecond);
  EngineOptions o;
  o.data_dir = dir.path().string();
  o.clock = &clock;
  auto engine = Engine::Open(o).value();
  auto service =
      WecomService::Open(engine.get(), o.data_dir + "/wecom.key", [&](const std::string&) {
        return Result<outbound::WecomApiSettings>(outbound::WecomApiSettings{
            corp.url(), shape.corp_id, shape.secret, std::chrono::seconds(2)});
      }).value();
  const WecomConfig config{"QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", shape.corp_id};
  ASSERT_TRUE(service->configs().Put(kDefaultWorkspace, config).ok());
  Channel douyin;
  douyin.code = "douyin_ads";
  douyin.name = "抖音投放";
  douyin.kind = ChannelKind::kDouyin;
  ASSERT_TRUE(engine->CreateChannel(kDefaultWorkspace, douyin).ok());

  AcquisitionLink link;
  link.channel = "douyin_ads";
  link.staff = {corp.staff()[0]};
  auto made = service->CreateAcquisitionLink(kDefaultWorkspace, link);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made->name, "抖音投放");
  EXPECT_FALSE(made->link_id.empty());
  EXPECT_TRUE(made->url.starts_with("https://work.weixin.qq.com/ca/"));
  EXPECT_TRUE(made->url.ends_with("?customer_channel=douyin_ads")) << made->url;
  EXPECT_EQ(AcquisitionLinks(*engine, kDefaultWorkspace)->size(), 1u);

  EXPECT_EQ(service->CreateAcquisitionLink(kDefaultWorkspace, link).status().code(),
            StatusCode::kAlreadyExists);
  AcquisitionLink unknown = link;
  unknown.channel = "nope";
  EXPECT_EQ(service->CreateAcquisitionLink(kDefaultWorkspace, unknown).status().code(),
            StatusCode::kNotFound);
  AcquisitionLink nobody = link;
  nobody.staff.clear();
  EXPECT_EQ(service->CreateAcquisitionLink(kDefaultWorkspace, nobody).status().field(), "staff");
  Channel xhs;
  xhs.code = "xhs_profile";
  ASSERT_TRUE(engine->CreateChannel(kDefaultWorkspace, xhs).ok());
  AcquisitionLink stranger;
  stranger.channel = "xhs_profile";
  stranger.staff = {"not_staff"};
  auto refused = service->CreateAcquisitionLink(kDefaultWorkspace, stranger);
  EXPECT_NE(refused.status().message().find("wecom errcode 40003"), std::string::npos)
      << refused.status().ToString();
  EXPECT_EQ(AcquisitionLinks(*engine, kDefaultWorkspace)->size(), 1u);

  // A friend who clicked the link: WeCom's callback carries customer_channel as State.
  const std::string xml =
      "<xml><ToUserName><![CDATA[" + shape.corp_id +
      "]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1789999100"
      "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]>"
      "</Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[" +
      corp.staff()[0] +
      "]]></UserID><ExternalUserID><![CDATA[wmFromDouyin]]></ExternalUserID><State><![CDATA["
      "douyin_ads]]></State></xml>";
  const SealedCallback c = SealCallback(config, xml, "1789999100", "n0nce");
  ASSERT_TRUE(service->Receive(kDefaultWorkspace, c.query, c.body).ok());
  auto friend_profile = engine->GetCustomer(kDefaultWorkspace, "external_userid:wmFromDouyin", 0);
  ASSERT_TRUE(friend_profile.ok());
  EXPECT_EQ(friend_profile->summary.channel, "douyin_ads");
}

}  // namespace
}  // namespace pond::wecom
