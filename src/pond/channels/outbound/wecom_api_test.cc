// WeCom's API client against a local server that answers in WeCom's documented wire format:
// the token cached and refreshed, live codes, profiles, welcome messages, and WeCom's refusals
// surfaced with their errcode and errmsg.
#include "pond/channels/outbound/wecom_api.h"

#include <gtest/gtest.h>

#include "pond/testing/http_test_server.h"

namespace pond::outbound {
namespace {

using nlohmann::json;
using testing::CannedResponse;
using testing::HttpTestServer;
using testing::RecordedRequest;

class WecomApiTest : public ::testing::Test {
 protected:
  // Answers gettoken with T1, T2, …; everything else with `next` (then errcode 0).
  CannedResponse Answer(const RecordedRequest& r) {
    if (r.target.starts_with("/cgi-bin/gettoken?")) {
      EXPECT_EQ(r.target, "/cgi-bin/gettoken?corpid=ww123&corpsecret=s3cret");
      return {200, R"({"errcode":0,"errmsg":"ok","access_token":"T)" + std::to_string(++tokens_) +
                       R"(","expires_in":7200})"};
    }
    std::string body = next_.empty() ? R"({"errcode":0,"errmsg":"ok"})" : next_.front();
    if (!next_.empty()) next_.erase(next_.begin());
    return {200, body};
  }
  HttpTestServer server_{[this](const RecordedRequest& r) { return Answer(r); }};
  FakeClock clock_{1'700'000'000LL * kMicrosPerSecond};
  WecomApi api_{{server_.url(), "ww123", "s3cret", std::chrono::milliseconds(2000)}, &clock_};
  int tokens_ = 0;
  std::vector<std::string> next_;
};

TEST_F(WecomApiTest, LiveCodesAreCreatedWithTheChannelAsState) {
  next_ = {R"({"errcode":0,"errmsg":"ok","config_id":"42b34949e138eb6e027c123cba77fAAA",
              "qr_code":"http://p.qpic.cn/wwhead/duc2TvpEgSdicZ9RrdUtBkv2UiaA/0"})"};
  const auto way = api_.AddContactWay("xhs_note", {"lily", "amy"}, true).value();
  EXPECT_EQ(way.config_id, "42b34949e138eb6e027c123cba77fAAA");
  EXPECT_EQ(way.qr_code, "http://p.qpic.cn/wwhead/duc2TvpEgSdicZ9RrdUtBkv2UiaA/0");
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(requests[1].target, "/cgi-bin/externalcontact/add_contact_way?access_token=T1");
  const json body = json::parse(requests[1].body);
  EXPECT_EQ(body["type"], 2);   // several staff members
  EXPECT_EQ(body["scene"], 2);  // a QR code
  EXPECT_EQ(body["state"], "xhs_note");
  EXPECT_EQ(body["skip_verify"], true);
  EXPECT_EQ(body["user"], json::array({"lily", "amy"}));
  EXPECT_EQ(api_.AddContactWay(std::string(31, 's'), {"lily"}, true).status().field(), "state");
  EXPECT_EQ(api_.AddContactWay("x", {}, true).status().field(), "users");
}

TEST_F(WecomApiTest, TheTokenIsCachedAndFetchedAgainWhenWecomSaysSo) {
  next_ = {R"({"errcode":0,"errmsg":"ok","external_contact":{"external_userid":"wmA","name":"安",
              "unionid":"oAAAAAAA"},"follow_user":[{"userid":"lily","state":"xhs_note"}]})",
           R"({"errcode":0,"errmsg":"ok","external_contact":{"external_userid":"wmB"}})",
           R"({"errcode":42001,"errmsg":"access_token expired"})",
           R"({"errcode":0,"errmsg":"ok","external_contact":{"external_userid":"wmC"}})"};
  const json a = api_.GetExternalContact("wmA").value();
  EXPECT_EQ(a["external_contact"]["unionid"], "oAAAAAAA");
  EXPECT_EQ(api_.GetExternalContact("wmB").value()["external_contact"]["external_userid"], "wmB");
  EXPECT_EQ(tokens_, 1);  // cached
  EXPECT_EQ(api_.GetExternalContact("wmC").value()["external_contact"]["external_userid"], "wmC");
  EXPECT_EQ(tokens_, 2);                     // 42001: fetched again, and the call repeated once
  clock_.Advance(7'000 * kMicrosPerSecond);  // within 5 minutes of expires_in
  (void)api_.GetExternalContact("wmD");
  EXPECT_EQ(tokens_, 3);
  const auto requests = server_.requests();
  EXPECT_EQ(requests[1].target, "/cgi-bin/externalcontact/get?access_token=T1&external_userid=wmA");
}

TEST_F(WecomApiTest, WecomsRefusalsAreSurfacedNotSwallowed) {
  next_ = {R"({"errcode":41051,"errmsg":"externaluser has started chatting"})",
           R"({"errcode":45033,"errmsg":"api concurrent out of limit"})"};
  const Status welcome = api_.SendWelcome("WELCOMECODE", "欢迎！");
  EXPECT_EQ(welcome.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(welcome.message(), "wecom errcode 41051: externaluser has started chatting");
  EXPECT_EQ(json::parse(server_.requests()[1].body),
            json::parse(R"({"welcome_code":"WELCOMECODE","text":{"content":"欢迎！"}})"));
  EXPECT_EQ(api_.SendWelcome("W2", "hi").code(), StatusCode::kUnavailable);  // a frequency limit
  // A wrong secret, and a server that is not there.
  server_.set_handler([](const RecordedRequest&) {
    return CannedResponse{200, R"({"errcode":40001,"errmsg":"invalid credential"})"};
  });
  WecomApi wrong({server_.url(), "ww123", "bad", std::chrono::milliseconds(2000)}, &clock_);
  EXPECT_EQ(wrong.SendWelcome("W", "hi").message(), "wecom errcode 40001: invalid credential");
  WecomApi gone({"http://127.0.0.1:1", "ww123", "s", std::chrono::milliseconds(500)}, &clock_);
  EXPECT_EQ(gone.SendWelcome("W", "hi").code(), StatusCode::kUnavailable);
  WecomApi unset({server_.url(), "", "", std::chrono::milliseconds(500)}, &clock_);
  EXPECT_EQ(unset.SendWelcome("W", "hi").code(), StatusCode::kFailedPrecondition);
}

TEST_F(WecomApiTest, WecomsFrequencyLimitIsKeptOnPondsSide) {
  WecomApiSettings settings{server_.url(), "ww123", "s3cret", std::chrono::milliseconds(2000)};
  settings.calls_per_minute = 3;
  settings.calls_per_hour = 5;
  WecomApi api(settings, &clock_);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(api.GetExternalContact("wm" + std::to_string(i)).ok());
  const Status fourth = api.GetExternalContact("wm3").status();
  EXPECT_EQ(fourth.code(), StatusCode::kUnavailable);
  EXPECT_NE(fourth.message().find("3 calls this minute"), std::string::npos) << fourth.message();
  EXPECT_TRUE(api.SendWelcome("W", "hi").ok());  // another API counts apart
  const size_t sent = server_.requests().size();
  EXPECT_EQ(sent, 5u);  // the token, 3 profiles, 1 welcome: the refused call never left
  clock_.Advance(61 * kMicrosPerSecond);
  EXPECT_TRUE(api.GetExternalContact("wm4").ok());
  EXPECT_TRUE(api.GetExternalContact("wm5").ok());
  EXPECT_NE(api.GetExternalContact("wm6").status().message().find("5 calls this hour"),
            std::string::npos);
}

}  // namespace
}  // namespace pond::outbound
