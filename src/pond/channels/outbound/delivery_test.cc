// Delivery through the real adapters to real servers on loopback: a signed webhook verified
// by the receiver (with the openssl command, not pond's code), retries against a server that
// fails and then recovers, dead letters after the retry budget and their retry, an SMS
// gateway, WeCom's token and add_msg_template shapes, and email to Debian's aiosmtpd.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "pond/channels/outbound/delivery_service.h"
#include "pond/engine/engine.h"
#include "pond/engine/tenant_state.h"
#include "pond/testing/http_test_server.h"
#include "pond/testing/temp_dir.h"

namespace pond::outbound {
namespace {

using nlohmann::json;
using testing::CannedResponse;
using testing::HttpTestServer;
using testing::RecordedRequest;

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    engine_ = Engine::Open(o).value();
    Event who;
    who.message_id = "who-ann";
    who.type = EventType::kIdentify;
    who.user_id = "ann";
    who.identities = {{IdentityKind::kPhone, "13800138000"},
                      {IdentityKind::kEmail, "ann@example.com"},
                      {IdentityKind::kExternalUserId, "wmANN"}};
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {who}).ok());
    ann_ = engine_->GetCustomer(kDefaultWorkspace, "ann")->summary.id;
    Restart();
  }
  void Restart() {
    service_.reset();
    auto started = DeliveryService::Start(engine_.get());  // stored settings parse again
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    service_ = std::move(*started);
  }
  void Configure(const std::string& json_text) {
    auto s = ParseChannelSettings(json_text);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE(service_->SetSettings(kDefaultWorkspace, *s).ok());
  }
  // What a journey's send step writes.
  void Decide(const std::string& id, const std::string& channel, const std::string& tmpl,
              const std::string& staff = "") {
    Event e;
    e.message_id = id;
    e.name = "message_sent";
    e.identities = {{IdentityKind::kCustomerId, ann_}};
    e.properties = json({{"journey", "welcome"},
                         {"step", "hello"},
                         {"channel", channel},
                         {"template", tmpl},
                         {"staff", staff},
                         {"variables", {{"name", "安"}, {"code", 42}}}})
                       .dump();
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {e}).ok());
  }
  int64_t Run() {
    auto n = service_->RunDue();
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }
  // The outcome events on ann's timeline, oldest first: "message_delivered:3" (attempts).
  std::string Outcomes() {
    auto p = engine_->GetCustomer(kDefaultWorkspace, "ann", 1000);
    std::string out;
    for (auto it = p->timeline.rbegin(); it != p->timeline.rend(); ++it) {
      if (it->name != kMessageDelivered && it->name != kMessageFailed) continue;
      if (!out.empty()) out += " ";
      out += it->name + ":" + std::to_string(json::parse(it->properties).value("attempts", 0));
    }
    return out;
  }

  testing::TempDir dir_;
  FakeClock clock_{1'780'000'000 * kMicrosPerSecond};
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<DeliveryService> service_;
  std::string ann_;
};

std::string OpensslHmac(const std::string& secret, const std::string& text) {
  testing::TempDir dir;
  std::string file = (dir.path() / "signed").string();
  std::ofstream(file, std::ios::binary) << text;
  std::string cmd = "openssl dgst -sha256 -hmac '" + secret + "' -r " + file;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[256] = {0};
  std::string out = fgets(buf, sizeof buf, p) ? buf : "";
  pclose(p);
  return out.substr(0, out.find(' '));
}

TEST_F(DeliveryTest, WebhookIsSignedJsonTheReceiverCanVerify) {
  HttpTestServer server([](const RecordedRequest&) { return CannedResponse{}; });
  Configure(R"({"webhook": {"url": ")" + server.url() + R"(/hook", "secret": "s3cret"},
                "templates": {"hi": "你好 {{name}}，券码 {{code}}"}})");
  Decide("m1", "webhook", "hi");
  EXPECT_EQ(Run(), 1);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const RecordedRequest& r = reqs[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/hook");
  EXPECT_EQ(r.headers.at("x-pond-delivery"), "m1");
  EXPECT_EQ(r.headers.at("x-pond-signature"),
            "sha256=" + OpensslHmac("s3cret", r.headers.at("x-pond-timestamp") + "." + r.body));
  json body = json::parse(r.body);
  EXPECT_EQ(body["customer_id"], ann_);
  EXPECT_EQ(body["template"], "hi");
  EXPECT_EQ(body["text"], "你好 安，券码 42");
  EXPECT_EQ(body["variables"]["code"], 42);
  EXPECT_EQ(Outcomes(), "message_delivered:1");
  EXPECT_EQ(Run(), 0);  // delivered once
  Restart();
  EXPECT_EQ(Run(), 0);  // and not again after a restart
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(DeliveryTest, RetriesWithBackoffUntilTheServerRecovers) {
  int calls = 0;
  HttpTestServer server([&](const RecordedRequest&) {
    return CannedResponse{++calls <= 2 ? 503 : 200, "{}"};
  });
  Configure(R"({"webhook": {"url": ")" + server.url() + R"("},
                "retry": {"attempts": 5, "first_delay_seconds": 10, "max_delay_seconds": 60}})");
  Decide("m2", "webhook", "any");
  EXPECT_EQ(Run(), 1);
  auto pending = service_->List(kDefaultWorkspace, "pending", 10).value();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].attempts, 1);
  EXPECT_EQ(pending[0].detail, "HTTP 503");
  // The first retry waits 10 s ± 20%: not yet at 7 s, due by 12 s.
  clock_.Advance(7 * kMicrosPerSecond);
  EXPECT_EQ(Run(), 0);
  clock_.Advance(5 * kMicrosPerSecond);
  EXPECT_EQ(Run(), 1);
  clock_.Advance(25 * kMicrosPerSecond);  // the second waits 20 s ± 20%
  EXPECT_EQ(Run(), 1);
  EXPECT_EQ(Outcomes(), "message_delivered:3");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  for (const auto& r : reqs) EXPECT_EQ(r.headers.at("x-pond-delivery"), "m2");  // one key
  EXPECT_TRUE(service_->List(kDefaultWorkspace, "pending", 10)->empty());
}

TEST_F(DeliveryTest, DeadLettersAfterTheBudgetAndRetriesOnRequest) {
  int status = 500;
  HttpTestServer server([&](const RecordedRequest&) { return CannedResponse{status, "{}"}; });
  Configure(R"({"webhook": {"url": ")" + server.url() + R"("},
                "retry": {"attempts": 3, "first_delay_seconds": 1, "max_delay_seconds": 1}})");
  Decide("m3", "webhook", "any");
  for (int i = 0; i < 5; ++i) {
    Run();
    clock_.Advance(2 * kMicrosPerSecond);
  }
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(Outcomes(), "message_failed:3");
  auto dead = service_->List(kDefaultWorkspace, "failed", 10).value();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].id, "m3");
  EXPECT_NE(dead[0].detail.find("gave up after 3 attempts: HTTP 500"), std::string::npos);
  Restart();  // dead letters are rebuilt from the log
  ASSERT_EQ(service_->List(kDefaultWorkspace, "failed", 10)->size(), 1u);
  EXPECT_EQ(Run(), 0);

  status = 200;
  ASSERT_TRUE(service_->Retry(kDefaultWorkspace, "m3").ok());
  EXPECT_EQ(service_->Retry(kDefaultWorkspace, "nope").code(), StatusCode::kNotFound);
  EXPECT_EQ(Run(), 1);
  EXPECT_EQ(Outcomes(), "message_failed:3 message_delivered:1");
  EXPECT_TRUE(service_->List(kDefaultWorkspace, "failed", 10)->empty());
  // A 4xx answer will not pass by waiting: dead at once.
  status = 400;
  Decide("m4", "webhook", "any");
  EXPECT_EQ(Run(), 1);
  EXPECT_EQ(Outcomes(), "message_failed:3 message_delivered:1 message_failed:1");
}

TEST_F(DeliveryTest, MissingTemplateOrAddressIsDeadLetteredWithTheReason) {
  Configure(R"({"sms": {"url": "http://127.0.0.1:9/sms"}, "templates": {"hi": "hi {{nobody}}"}})");
  Decide("m5", "sms", "unknown");
  Decide("m6", "sms", "hi");
  Run();
  auto dead = service_->List(kDefaultWorkspace, "failed", 10).value();
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_NE(dead[0].detail.find("template \"unknown\" is not defined"), std::string::npos);
  EXPECT_NE(dead[1].detail.find("no variable \"nobody\""), std::string::npos);
}

TEST_F(DeliveryTest, SmsGatewayGetsTheFilledRequest) {
  HttpTestServer server([](const RecordedRequest&) { return CannedResponse{}; });
  Configure(R"({"sms": {"url": ")" + server.url() + R"(/send",
                "content_type": "application/x-www-form-urlencoded",
                "body": "mobile={{phone}}&content={{text}}&ref={{id}}"},
                "templates": {"hi": "安 & co"}})");
  Decide("m7", "sms", "hi");
  Run();
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].body, "mobile=13800138000&content=%E5%AE%89%20%26%20co&ref=m7");
  EXPECT_EQ(reqs[0].headers.at("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(Outcomes(), "message_delivered:1");
}

TEST_F(DeliveryTest, WecomFetchesACachedTokenAndSendsTheDocumentedShape) {
  int tokens = 0;
  bool expire_once = true;
  HttpTestServer server([&](const RecordedRequest& r) {
    if (r.target.starts_with("/cgi-bin/gettoken?")) {
      EXPECT_EQ(r.method, "GET");
      EXPECT_EQ(r.target, "/cgi-bin/gettoken?corpid=ww123&corpsecret=sec%2Fret");
      return CannedResponse{200, R"({"errcode":0,"errmsg":"ok","access_token":"T)" +
                                     std::to_string(++tokens) + R"(","expires_in":7200})"};
    }
    EXPECT_EQ(r.method, "POST");
    EXPECT_TRUE(r.target.starts_with("/cgi-bin/externalcontact/add_msg_template?access_token="));
    if (expire_once) {
      expire_once = false;
      return CannedResponse{200, R"({"errcode":42001,"errmsg":"access_token expired"})"};
    }
    json body = json::parse(r.body);
    EXPECT_EQ(body["chat_type"], "single");
    EXPECT_EQ(body["external_userid"], json::array({"wmANN"}));
    EXPECT_EQ(body["sender"], "staff_li");
    EXPECT_EQ(body["text"]["content"], "你好 安");
    return CannedResponse{200, R"({"errcode":0,"errmsg":"ok","fail_list":[],"msgid":"msgX"})"};
  });
  Configure(
      R"({"wecom": {"base_url": ")" + server.url() +
      R"(", "corp_id": "ww123", "secret": "sec/ret"}, "templates": {"hi": "你好 {{name}}"}})");
  Decide("m8", "wecom", "hi", "staff_li");
  EXPECT_EQ(Run(), 1);
  Decide("m9", "wecom", "hi", "staff_li");
  EXPECT_EQ(Run(), 1);
  EXPECT_EQ(Outcomes(), "message_delivered:1 message_delivered:1");
  // One expired token refetched; the second message reused the cached one.
  EXPECT_EQ(tokens, 2);
  EXPECT_EQ(server.requests().size(), 5u);  // token, send (42001), token, send, send
}

// A broadcast on wecom: the messages due together become one add_msg_template task per sender
// (at most 10,000 customers each, each customer once), and WeCom's fail_list fails only those it
// names; the others are delivered with the task's msgid as their ref.
TEST_F(DeliveryTest, AWecomBroadcastIsOneTaskPerStaffMember) {
  std::map<std::string, size_t> customers_by_sender;
  HttpTestServer server([&](const RecordedRequest& r) {
    if (r.target.starts_with("/cgi-bin/gettoken?")) {
      return CannedResponse{200,
                            R"({"errcode":0,"errmsg":"ok","access_token":"T","expires_in":7200})"};
    }
    const json body = json::parse(r.body);
    const std::string sender = body["sender"];
    customers_by_sender[sender] += body["external_userid"].size();
    json fail = json::array();
    for (const json& c : body["external_userid"]) {
      if (c.get<std::string>().ends_with("7")) fail.push_back(c);  // no longer friends
    }
    return CannedResponse{
        200,
        json({{"errcode", 0}, {"errmsg", "ok"}, {"fail_list", fail}, {"msgid", "msg_" + sender}})
            .dump()};
  });
  Configure(R"({"wecom": {"base_url": ")" + server.url() +
            R"(", "corp_id": "ww123", "secret": "s"}, "templates": {"sale": "双十二会员价"}})");
  constexpr int kCustomers = 10'000;
  std::vector<Event> batch;
  for (int i = 0; i < kCustomers; ++i) {  // WeCom friends, then the broadcast's decisions
    Event friended;
    friended.message_id = "friend-" + std::to_string(i);
    friended.name = "friend_added";
    friended.identities = {{IdentityKind::kExternalUserId, "wm" + std::to_string(i)}};
    batch.push_back(std::move(friended));
  }
  ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, std::move(batch)).ok());
  batch.clear();
  for (int i = 0; i < kCustomers; ++i) {
    Event e;
    e.message_id = "bc-" + std::to_string(i);
    e.name = "message_sent";
    e.identities = {
        {IdentityKind::kCustomerId,
         engine_->ResolveCustomer(kDefaultWorkspace, "external_userid:wm" + std::to_string(i))
             .value()}};
    e.properties = json({{"journey", "broadcast"},
                         {"step", "send"},
                         {"channel", "wecom"},
                         {"template", "sale"},
                         {"staff", "staff_" + std::to_string(i % 3)}})
                       .dump();
    batch.push_back(std::move(e));
    if (batch.size() == 5'000) {
      ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, std::move(batch)).ok());
      batch.clear();
    }
  }
  EXPECT_EQ(Run(), kCustomers);
  const auto calls = server.requests();
  const auto tasks = std::count_if(calls.begin(), calls.end(), [](const RecordedRequest& r) {
    return r.target.starts_with("/cgi-bin/externalcontact/add_msg_template?");
  });
  EXPECT_EQ(tasks, 3);  // one per staff member
  EXPECT_EQ(customers_by_sender["staff_0"], 3'334u);
  EXPECT_EQ(customers_by_sender["staff_1"], 3'333u);
  int delivered = 0, failed = 0;
  std::string ref;
  auto p = engine_->GetCustomer(kDefaultWorkspace, "external_userid:wm3", 10);
  ASSERT_TRUE(p.ok());
  for (const Event& e : p->timeline) {
    if (e.name == "message_delivered") ref = json::parse(e.properties).value("ref", "");
  }
  EXPECT_EQ(ref, "msg_staff_0");
  engine_->ReadState(kDefaultWorkspace, [&](const TenantState& state) {
    const uint32_t d = state.FindEventName("message_delivered"),
                   f = state.FindEventName("message_failed");
    delivered = d == kNoIndex ? 0 : static_cast<int>(state.EventsNamed(d).size());
    failed = f == kNoIndex ? 0 : static_cast<int>(state.EventsNamed(f).size());
  });
  EXPECT_EQ(failed, kCustomers / 10);  // the ids ending in 7
  EXPECT_EQ(delivered, kCustomers - kCustomers / 10);
}

// Debian's aiosmtpd, started by the test; its Debugging handler prints what it receives.
TEST_F(DeliveryTest, EmailReachesARealSmtpServer) {
  if (access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3";
  HttpTestServer port_finder([](const RecordedRequest&) { return CannedResponse{}; });
  const int port = port_finder.port() + 1;  // a neighbour of a free port: usually free
  const std::string out = (dir_.path() / "smtp.out").string();
  pid_t pid = fork();
  if (pid == 0) {
    freopen(out.c_str(), "w", stdout);
    execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l",
          ("127.0.0.1:" + std::to_string(port)).c_str(), nullptr);
    _exit(127);
  }
  Configure(R"({"smtp": {"url": "smtp://127.0.0.1:)" + std::to_string(port) +
            R"(", "from": "brand@example.com"},
                "templates": {"hi": "你好 {{name}}\n欢迎加入"},
                "retry": {"attempts": 20, "first_delay_seconds": 1, "max_delay_seconds": 1}})");
  Decide("m10", "smtp", "hi");
  // The server needs a moment to start: the retry policy covers it, as it would in life.
  for (int i = 0; i < 40 && Outcomes().empty(); ++i) {
    Run();
    clock_.Advance(2 * kMicrosPerSecond);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(Outcomes().substr(0, 18), "message_delivered:");
  std::stringstream received;
  received << std::ifstream(out).rdbuf();
  const std::string text = received.str();
  EXPECT_NE(text.find("To: <ann@example.com>"), std::string::npos) << text;
  EXPECT_NE(text.find("Message-ID: <m10@pond>"), std::string::npos) << text;
  EXPECT_NE(text.find("X-Pond-Delivery: m10"), std::string::npos) << text;
  // "你好 安\n欢迎加入" in base64, as the body; the subject is its first line.
  EXPECT_NE(text.find("5L2g5aW9IOWuiQrmrKLov47liqDlhaU="), std::string::npos) << text;
  EXPECT_NE(text.find("Subject: =?UTF-8?B?5L2g5aW9IOWuiQ==?="), std::string::npos) << text;
}

TEST(ChannelSettingsTest, BadSettingsNameTheFieldAndSecretsAreMasked) {
  EXPECT_EQ(ParseChannelSettings(R"({"webhook": {"url": "ftp://x"}})").status().field(),
            "webhook.url");
  EXPECT_EQ(ParseChannelSettings(R"({"smtp": {"url": "http://x"}})").status().field(), "smtp.url");
  EXPECT_EQ(ParseChannelSettings(R"({"retry": {"attempts": 0}})").status().field(),
            "retry.attempts");
  EXPECT_EQ(ParseChannelSettings(R"({"fax": {}})").status().field(), "fax");
  EXPECT_EQ(ParseChannelSettings("[1]").status().field(), "channels");
  EXPECT_EQ(ParseChannelSettings(R"({"templates": {"t": 3}})").status().field(), "templates.t");
  auto s =
      ParseChannelSettings(R"({"webhook": {"url": "https://a.example/h", "secret": "abcdefgh"}})");
  ASSERT_TRUE(s.ok());
  json masked = ChannelSettingsJson(*s, false);
  EXPECT_EQ(masked["webhook"]["secret"], "••••efgh");
  EXPECT_EQ(ChannelSettingsJson(*s, true)["webhook"]["secret"], "abcdefgh");
  EXPECT_EQ(RenderTemplate("a {{ x }} b", R"({"x": "1"})").value(), "a 1 b");
}

TEST(RetryPolicyTest, DoublesWithJitterUpToTheCap) {
  RetryPolicy p;
  p.first_delay = 10 * kMicrosPerSecond;
  p.max_delay = 60 * kMicrosPerSecond;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    EXPECT_GE(p.DelayAfter(1, seed), 8 * kMicrosPerSecond);
    EXPECT_LE(p.DelayAfter(1, seed), 12 * kMicrosPerSecond);
    EXPECT_GE(p.DelayAfter(2, seed), 16 * kMicrosPerSecond);
    EXPECT_LE(p.DelayAfter(2, seed), 24 * kMicrosPerSecond);
    EXPECT_LE(p.DelayAfter(10, seed), 72 * kMicrosPerSecond);
  }
  EXPECT_NE(p.DelayAfter(1, 1), p.DelayAfter(1, 2));  // spread out
}

}  // namespace
}  // namespace pond::outbound
