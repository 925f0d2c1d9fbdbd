// The WeCom connector against a real engine and a local server answering in WeCom's documented
// wire format: a channel's live code, a new friend's welcome message and profile (whose unionid
// merges the friend with their first scan), WeCom's retries stored once, forged and broken
// callbacks refused with their reason and nothing stored, and WeCom's refusals kept visible.
#include "pond/channels/wecom/wecom_service.h"

#include <gtest/gtest.h>

#include "pond/channels/wecom/wecom_crypto.h"
#include "pond/testing/http_test_server.h"
#include "pond/testing/temp_dir.h"

namespace pond::wecom {
namespace {

using nlohmann::json;
using testing::CannedResponse;
using testing::HttpTestServer;
using testing::RecordedRequest;

const WecomConfig kConfig{"QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
                          "ww1436e0e65a779aee"};

std::string AddContact(const std::string& external, const std::string& state,
                       const std::string& welcome_code, const std::string& created) {
  return "<xml><ToUserName><![CDATA[" + kConfig.corp_id +
         "]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>" + created +
         "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_"
         "contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><!"
         "[CDATA[lily]]></UserID><ExternalUserID><![CDATA[" +
         external + "]]></ExternalUserID><State><![CDATA[" + state +
         "]]></State><WelcomeCode><![CDATA[" + welcome_code + "]]></WelcomeCode></xml>";
}

class WecomServiceTest : public ::testing::Test {
 protected:
  WecomServiceTest() {
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    engine_ = Engine::Open(o).value();
    service_ =
        WecomService::Open(engine_.get(), o.data_dir + "/wecom.key", [this](const std::string&) {
          return Result<outbound::WecomApiSettings>(outbound::WecomApiSettings{
              server_.url(), kConfig.corp_id, "s3cret", std::chrono::milliseconds(2000)});
        }).value();
    EXPECT_TRUE(service_->configs().Put(kDefaultWorkspace, kConfig).ok());
  }

  // WeCom's API: a token, then each path's documented answer, or `refuse` when set.
  CannedResponse Answer(const RecordedRequest& r) {
    if (r.target.starts_with("/cgi-bin/gettoken?")) {
      return {200, R"({"errcode":0,"errmsg":"ok","access_token":"T1","expires_in":7200})"};
    }
    if (!refuse_.empty()) return {200, refuse_};
    if (r.target.starts_with("/cgi-bin/externalcontact/add_contact_way?")) {
      return {200, R"({"errcode":0,"errmsg":"ok","config_id":"cfg_xhs",)"
                   R"("qr_code":"https://wework.qpic.cn/wwpic/xhs/0"})"};
    }
    if (r.target.starts_with("/cgi-bin/externalcontact/get?")) {
      const std::string who = r.target.substr(r.target.rfind('=') + 1);
      return {200, R"({"errcode":0,"errmsg":"ok","external_contact":{"external_userid":")" + who +
                       R"(","name":"安安","type":1,"gender":2,"unionid":"oUNION)" + who +
                       R"("},"follow_user":[{"userid":"lily","state":"xhs_note"}]})"};
    }
    return {200, R"({"errcode":0,"errmsg":"ok"})"};
  }

  Result<Received> Deliver(const std::string& inner, const std::string& timestamp = "1700000100") {
    const SealedCallback c = SealCallback(kConfig, inner, timestamp, "n0nce");
    return service_->Receive(kDefaultWorkspace, c.query, c.body);
  }

  std::vector<RecordedRequest> Calls(const std::string& path) {
    std::vector<RecordedRequest> out;
    for (const RecordedRequest& r : server_.requests()) {
      if (r.target.starts_with(path + "?")) out.push_back(r);
    }
    return out;
  }

  testing::TempDir dir_;
  FakeClock clock_{1'700'000'400LL * kMicrosPerSecond};
  HttpTestServer server_{[this](const RecordedRequest& r) { return Answer(r); }};
  std::string refuse_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<WecomService> service_;
};

TEST_F(WecomServiceTest, ANewFriendIsWelcomedAndTheirProfileMergesTheirFirstScan) {
  ASSERT_TRUE(engine_->CreateChannel(kDefaultWorkspace, {"", "xhs_note", "小红书笔记"}).ok());
  LiveCode code;
  code.channel = "xhs_note";
  code.staff = {"lily"};
  code.welcome = "欢迎来到小美的护肤群！";
  const LiveCode made = service_->CreateLiveCode(kDefaultWorkspace, code).value();
  EXPECT_EQ(made.qr_code, "https://wework.qpic.cn/wwpic/xhs/0");
  const auto ways = Calls("/cgi-bin/externalcontact/add_contact_way");
  ASSERT_EQ(ways.size(), 1u);
  EXPECT_EQ(json::parse(ways[0].body), json::parse(R"({"type":1,"scene":2,"state":"xhs_note",
                                                       "skip_verify":true,"user":["lily"]})"));
  EXPECT_EQ(service_->CreateLiveCode(kDefaultWorkspace, code).status().code(),
            StatusCode::kAlreadyExists);
  code.channel = "nowhere";
  EXPECT_EQ(service_->CreateLiveCode(kDefaultWorkspace, code).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(service_->LiveCodes(kDefaultWorkspace)->at(0).config_id, "cfg_xhs");
  // Another staff member takes the code over; a one-person code stays one person's.
  LiveCode change = made;
  change.staff = {"amy"};
  change.skip_verify = false;
  EXPECT_EQ(service_->UpdateLiveCode(kDefaultWorkspace, change)->staff,
            std::vector<std::string>{"amy"});
  const auto updates = Calls("/cgi-bin/externalcontact/update_contact_way");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(json::parse(updates[0].body),
            json::parse(R"({"config_id":"cfg_xhs","skip_verify":false,"user":["amy"]})"));
  change.staff = {"amy", "lily"};
  EXPECT_EQ(service_->UpdateLiveCode(kDefaultWorkspace, change).status().field(), "staff");
  change.staff = {"lily"};
  change.skip_verify = true;
  ASSERT_TRUE(service_->UpdateLiveCode(kDefaultWorkspace, change).ok());
  EXPECT_EQ(Calls("/cgi-bin/externalcontact/update_contact_way").size(), 2u);

  // Their first scan: a device, and the unionid the live code's page saw.
  Event scan;
  scan.message_id = "scan-1";
  scan.name = "channel_scanned";
  scan.anonymous_id = "dev-1";
  scan.timestamp = 1'700'000'000LL * kMicrosPerSecond;
  scan.properties = R"({"channel":"xhs_note"})";
  scan.identities = {{IdentityKind::kUnionId, "oUNIONwmANAN"}};
  ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {scan}).ok());
  const std::string scanned =
      engine_->ResolveCustomer(kDefaultWorkspace, "anonymous_id:dev-1").value();

  const Received first = Deliver(AddContact("wmANAN", "xhs_note", "WC-1", "1700000100")).value();
  EXPECT_EQ(first.events, std::vector<std::string>{"friend_added"});
  EXPECT_EQ(first.stored, 1);
  const Received retry = Deliver(AddContact("wmANAN", "xhs_note", "WC-1", "1700000100")).value();
  EXPECT_EQ(retry.stored, 0);  // WeCom's retry: stored once, followed up once
  EXPECT_EQ(service_->RunFollowUps(), 1);
  EXPECT_EQ(service_->RunFollowUps(), 0);

  const auto welcomes = Calls("/cgi-bin/externalcontact/send_welcome_msg");
  ASSERT_EQ(welcomes.size(), 1u);
  EXPECT_EQ(json::parse(welcomes[0].body),
            json::parse(R"({"welcome_code":"WC-1","text":{"content":"欢迎来到小美的护肤群！"}})"));
  const auto gets = Calls("/cgi-bin/externalcontact/get");
  ASSERT_EQ(gets.size(), 1u);
  EXPECT_EQ(gets[0].target, "/cgi-bin/externalcontact/get?access_token=T1&external_userid=wmANAN");

  // One customer: the scan, the friendship from the callback, the profile's traits.
  const auto profile = engine_->GetCustomer(kDefaultWorkspace, "external_userid:wmANAN").value();
  EXPECT_EQ(profile.summary.id, engine_->ResolveCustomer(kDefaultWorkspace, scanned).value());
  EXPECT_EQ(profile.summary.channel, "xhs_note");
  EXPECT_EQ(profile.summary.owner, "lily");
  const json traits = json::parse(profile.summary.traits);
  EXPECT_EQ(traits["name"], "安安");
  EXPECT_EQ(traits["gender"], "female");

  const auto activity = service_->Activity(kDefaultWorkspace, 10);
  ASSERT_GE(activity.size(), 4u);
  EXPECT_EQ(activity[0].kind, "profile");
  EXPECT_TRUE(activity[0].ok);
  EXPECT_EQ(activity[1].kind, "welcome");
  EXPECT_TRUE(activity[1].ok);
}

TEST_F(WecomServiceTest, BrokenAndForgedCallbacksAreRefusedWithTheirReasonAndStoreNothing) {
  const std::string inner = AddContact("wmBAD", "xhs_note", "", "1700000200");
  const SealedCallback good = SealCallback(kConfig, inner, "1700000200", "n0nce");
  const std::string encrypted =
      good.body.substr(good.body.find("<Encrypt><![CDATA[") + 18,
                       good.body.find("]]></Encrypt>") - good.body.find("<Encrypt><![CDATA[") - 18);
  auto post = [&](const std::string& ciphertext, const std::string& signature_over) {
    const CallbackQuery q{Signature(kConfig.token, "1700000200", "n0nce", signature_over),
                          "1700000200", "n0nce"};
    return service_->Receive(kDefaultWorkspace, q,
                             "<xml><Encrypt><![CDATA[" + ciphertext + "]]></Encrypt></xml>");
  };
  // A wrong signature.
  EXPECT_EQ(post(encrypted, encrypted + "x").status().code(), StatusCode::kUnauthenticated);
  // Another corp's message, correctly signed.
  WecomConfig other = kConfig;
  other.corp_id = "wwSOMEONEELSE";
  const SealedCallback theirs = SealCallback(other, inner, "1700000200", "n0nce");
  const Status wrong_corp =
      service_->Receive(kDefaultWorkspace, theirs.query, theirs.body).status();
  EXPECT_EQ(wrong_corp.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(wrong_corp.message().find("another corp"), std::string::npos);
  // A truncated ciphertext, signed as it is.
  const std::string truncated = encrypted.substr(0, encrypted.size() - 24);
  EXPECT_EQ(post(truncated, truncated).status().code(), StatusCode::kInvalidArgument);
  // Malformed outer XML, and a body without <Encrypt>.
  const CallbackQuery q = good.query;
  EXPECT_EQ(service_->Receive(kDefaultWorkspace, q, "<xml><Encrypt>").status().field(), "xml");
  EXPECT_EQ(service_->Receive(kDefaultWorkspace, q, "<xml></xml>").status().field(), "xml");
  // Malformed inner XML, correctly sealed.
  EXPECT_EQ(Deliver("<xml><Event>change_external_contact</Event>").status().field(), "xml");
  // A workspace without settings.
  EXPECT_EQ(service_->Receive("elsewhere", q, good.body).status().code(), StatusCode::kNotFound);

  EXPECT_EQ(engine_->Stats(kDefaultWorkspace)->events, 0);
  const auto activity = service_->Activity(kDefaultWorkspace, 20);
  ASSERT_EQ(activity.size(), 6u);
  for (const WecomActivity& a : activity) {
    EXPECT_EQ(a.kind, "refused");
    EXPECT_FALSE(a.ok);
    EXPECT_FALSE(a.detail.empty());
  }
  // And the good one goes in.
  EXPECT_EQ(service_->Receive(kDefaultWorkspace, good.query, good.body)->stored, 1);
}

TEST_F(WecomServiceTest, WecomsRefusalsAreKeptAndPassingTroubleIsRetried) {
  refuse_ = R"({"errcode":-1,"errmsg":"system busy"})";
  ASSERT_EQ(Deliver(AddContact("wmBUSY", "xhs_note", "", "1700000300"))->stored, 1);
  EXPECT_EQ(service_->RunFollowUps(), 1);
  auto activity = service_->Activity(kDefaultWorkspace, 1);
  EXPECT_EQ(activity[0].detail, "wmBUSY: wecom errcode -1: system busy (will retry)");
  EXPECT_EQ(service_->RunFollowUps(), 0);  // the retry waits
  refuse_.clear();
  clock_.Advance(31 * kMicrosPerSecond);
  EXPECT_EQ(service_->RunFollowUps(), 1);
  EXPECT_TRUE(engine_->GetCustomer(kDefaultWorkspace, "unionid:oUNIONwmBUSY").ok());
  // A refusal that will not pass is kept with WeCom's errcode and errmsg, not retried.
  refuse_ = R"({"errcode":84061,"errmsg":"not external contact"})";
  ASSERT_EQ(Deliver(AddContact("wmGONE", "xhs_note", "", "1700000302"))->stored, 1);
  EXPECT_EQ(service_->RunFollowUps(), 1);
  activity = service_->Activity(kDefaultWorkspace, 1);
  EXPECT_EQ(activity[0].detail, "wmGONE: wecom errcode 84061: not external contact");
  EXPECT_FALSE(activity[0].ok);
}

}  // namespace
}  // namespace pond::wecom
