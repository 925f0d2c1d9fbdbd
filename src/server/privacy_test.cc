// Personal data over HTTP (issue 26): masked for everyone by default, revealed only for roles
// that may see it and then audited; read keys read but change nothing; money and team changes
// land in the audit log. Through the real route table, engine and sessions.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pond/app/consent.h"
#include "pond/app/personal_data.h"
#include "pond/auth/accounts.h"
#include "pond/base/base64.h"
#include "pond/channels/tracking_api.h"
#include "pond/engine/tenant_state.h"
#include "pond/journey/politeness.h"
#include "pond/testing/temp_dir.h"
#include "server/router.h"

namespace pond::server {
namespace {

using auth::Role;
using nlohmann::json;

constexpr char kPhone[] = "13912345678";
constexpr char kName[] = "欧阳晴";

class PrivacyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app::AppOptions o;
    o.engine.data_dir = dir_.path().string();
    app_ = app::App::Open(o).value();
    ASSERT_TRUE(app_->Start(app::kAllParts).ok());
    router_ = std::make_unique<Router>(*app_, metrics_);
    admin_ = app_->engine().CreateApiKey(kDefaultWorkspace, KeyKind::kAdmin)->secret;
    read_ = app_->engine().CreateApiKey(kDefaultWorkspace, KeyKind::kRead)->secret;
    Event friend_added, identify;
    friend_added.type = EventType::kTrack;
    friend_added.name = "friend_added";
    friend_added.message_id = "m-friend";
    friend_added.user_id = "cust-a";
    friend_added.properties = R"({"staff_id":"stf_a"})";
    identify.type = EventType::kIdentify;
    identify.message_id = "m-identify";
    identify.user_id = "cust-a";
    identify.traits = std::string(R"({"phone":")") + kPhone + R"(","name":")" + kName +
                      R"(","city":"杭州","context":{"ip":"10.9.8.7"}})";
    identify.identities = {{IdentityKind::kPhone, kPhone}};
    ASSERT_TRUE(app_->engine().Submit(kDefaultWorkspace, {friend_added, identify}).ok());
    for (auto [role, name] :
         {std::pair{Role::kOwner, "owner"}, {Role::kAnalyst, "analyst"}, {Role::kStaff, "staff"}}) {
      auth::NewUser u{std::string(name) + "@brand.cn", "", name, "a-long-password", "", ""};
      if (role == Role::kStaff) u.staff_id = "stf_a";
      ASSERT_TRUE(app_->accounts().AddUser(kDefaultWorkspace, u).ok());
      sessions_[role] = app_->accounts().Login(u.login, u.password, "127.0.0.1").value();
    }
  }

  HttpResponse Call(const std::string& method, const std::string& path,
                    const std::string& authorization, std::string body = "") {
    HttpRequest r;
    r.method = method;
    r.path = path;
    if (auto q = path.find('?'); q != std::string::npos) {
      r.path = path.substr(0, q);
      const std::string query = path.substr(q + 1);
      const size_t eq = query.find('=');
      r.query[query.substr(0, eq)] = query.substr(eq + 1);
    }
    r.headers = {{"authorization", authorization}};
    r.remote_address = "10.0.0.7";
    r.body_size = body.size();
    r.body = std::move(body);
    r.body.append(JsonPadding(), ' ');
    return router_->Handle(r);
  }
  std::string As(Role role) { return "Bearer " + sessions_[role].token; }
  json Audit(const std::string& action) {
    HttpResponse r = Call("GET", "/v1/audit?action=" + action, "Bearer " + admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }

  testing::TempDir dir_;
  std::unique_ptr<app::App> app_;
  ServerMetrics metrics_;
  std::unique_ptr<Router> router_;
  std::string admin_, read_;
  std::map<Role, auth::Session> sessions_;
};

TEST_F(PrivacyTest, PersonalDataIsMaskedForEveryoneByDefault) {
  for (const std::string& who : {As(Role::kOwner), As(Role::kAnalyst), As(Role::kStaff),
                                 "Bearer " + admin_, "Bearer " + read_}) {
    for (const char* path : {"/v1/customers/cust-a", "/v1/customers"}) {
      HttpResponse r = Call("GET", path, who);
      ASSERT_EQ(r.status, 200) << path << " " << r.body;
      EXPECT_EQ(r.body.find(kPhone), std::string::npos) << path << " " << r.body;
      EXPECT_EQ(r.body.find(kName), std::string::npos) << path;
      EXPECT_EQ(r.body.find("10.9.8.7"), std::string::npos) << path;
      EXPECT_NE(r.body.find("139****5678"), std::string::npos) << path << " " << r.body;
      EXPECT_NE(r.body.find("杭州"), std::string::npos) << path;  // not personal: kept
    }
  }
  EXPECT_EQ(Audit("customer.")["total"], 0);
}

TEST_F(PrivacyTest, RevealIsForRolesThatMaySeeItAndIsAudited) {
  for (const std::string& who : {As(Role::kOwner), As(Role::kStaff), "Bearer " + admin_}) {
    HttpResponse r = Call("GET", "/v1/customers/cust-a?reveal=true", who);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find(kPhone), std::string::npos);
    EXPECT_NE(r.body.find(kName), std::string::npos);
  }
  json audit = Audit("customer.reveal");
  ASSERT_EQ(audit["total"], 3);
  EXPECT_EQ(audit["data"][0]["target"], "cust-a");
  EXPECT_EQ(audit["data"][0]["from"], "10.0.0.7");
  EXPECT_TRUE(audit["data"][0]["actor"].get<std::string>().starts_with("key_"));
  EXPECT_EQ(audit["data"][2]["actor"], sessions_[Role::kOwner].who.user_id);

  for (const std::string& who : {As(Role::kAnalyst), "Bearer " + read_}) {
    HttpResponse r = Call("GET", "/v1/customers/cust-a?reveal=true", who);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_NE(r.body.find("may not see personal data"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(kPhone), std::string::npos);
  }
  HttpResponse bad = Call("GET", "/v1/customers?reveal=yes", As(Role::kOwner));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"field\":\"reveal\""), std::string::npos) << bad.body;
  EXPECT_EQ(Audit("customer.reveal")["total"], 3);  // refusals revealed nothing
}

TEST_F(PrivacyTest, ReadKeysReadButChangeNothing) {
  EXPECT_EQ(Call("GET", "/v1/segments", "Bearer " + read_).status, 200);
  EXPECT_EQ(Call("GET", "/v1/reports/value", "Bearer " + read_).status, 200);
  HttpResponse w =
      Call("POST", "/v1/segments", "Bearer " + read_, R"j({"name":"x","rule":"has_tag(\"a\")"})j");
  EXPECT_EQ(w.status, 403) << w.body;
  EXPECT_EQ(Call("GET", "/v1/users", "Bearer " + read_).status, 403);
  const std::string batch = R"({"batch":[{"type":"track","event":"x","userId":"u9"}]})";
  HttpResponse ingest = Call("POST", "/v1/batch", "Basic " + Base64Encode(read_ + ":"), batch);
  EXPECT_EQ(ingest.status, 403) << ingest.body;
  EXPECT_FALSE(app_->engine().GetCustomer(kDefaultWorkspace, "u9").ok());
}

TEST_F(PrivacyTest, MoneyAndTeamChangesAreAudited) {
  HttpResponse approve =
      Call("POST", "/v1/distribution/withdrawals/wd_nope/approve", As(Role::kOwner), "{}");
  EXPECT_EQ(approve.status, 404) << approve.body;
  HttpResponse add = Call("POST", "/v1/users", "Bearer " + admin_,
                          R"({"login":"new@brand.cn","name":"N","role":"operator"})");
  ASSERT_EQ(add.status, 201) << add.body;
  json money = Audit("POST /v1/distribution");
  ASSERT_EQ(money["total"], 1);
  EXPECT_EQ(money["data"][0]["action"], "POST /v1/distribution/withdrawals/{id}/approve");
  EXPECT_EQ(money["data"][0]["target"], "id=wd_nope");
  EXPECT_EQ(money["data"][0]["result"], "404");
  EXPECT_EQ(money["data"][0]["actor"], sessions_[Role::kOwner].who.user_id);
  json team = Audit("POST /v1/users");
  ASSERT_EQ(team["total"], 1);
  EXPECT_EQ(team["data"][0]["result"], "ok");
  // The log is the owner's alone.
  EXPECT_EQ(Call("GET", "/v1/audit", As(Role::kAnalyst)).status, 403);
  EXPECT_EQ(Call("GET", "/v1/audit?cursor=zzz", "Bearer " + admin_).status, 400);
}

TEST_F(PrivacyTest, SignInsAreAuditedWithTheirAddress) {
  HttpResponse ok = Call("POST", "/v1/auth/login", "",
                         R"({"login":"owner@brand.cn","password":"a-long-password"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  HttpResponse bad =
      Call("POST", "/v1/auth/login", "", R"({"login":"owner@brand.cn","password":"wrong-one!"})");
  ASSERT_EQ(bad.status, 401);
  json logins = Audit("auth.login");
  ASSERT_EQ(logins["total"], 2);
  EXPECT_EQ(logins["data"][0]["action"], "auth.login_failed");
  EXPECT_EQ(logins["data"][0]["result"], "401");
  EXPECT_EQ(logins["data"][0]["target"].get<std::string>().find("owner@brand.cn"),
            std::string::npos);  // the login is masked
  EXPECT_EQ(logins["data"][1]["action"], "auth.login");
  EXPECT_EQ(logins["data"][1]["from"], "10.0.0.7");
}

// Consent: an opt-out word in a message, or the API, is an `unsubscribed` event on the
// customer (journeys honour it: JourneyRuntimeTest covers the suppression).
TEST_F(PrivacyTest, OptOutByMessageOrByApi) {
  const std::string write = app_->engine().CreateApiKey(kDefaultWorkspace, KeyKind::kWrite)->secret;
  const std::string basic = "Basic " + Base64Encode(write + ":");
  auto count = [&](const std::string& user, const std::string& event) {
    auto p = app_->engine().GetCustomer(kDefaultWorkspace, user);
    int n = 0;
    for (const Event& e : p->timeline) n += e.name == event;
    return n;
  };
  for (const char* text : {" 退订 ", "TD", "Unsubscribe"}) {
    const std::string user = std::string("u-") + std::to_string(std::hash<std::string>{}(text));
    const std::string body = R"({"userId":")" + user +
                             R"(","event":"message_received","messageId":"m-)" + user +
                             R"(","properties":{"kind":"text","text":")" + text + R"("}})";
    ASSERT_EQ(Call("POST", "/v1/track", basic, body).status, 200);
    ASSERT_EQ(Call("POST", "/v1/track", basic, body).status, 200);  // a retry adds nothing
    EXPECT_EQ(count(user, "unsubscribed"), 1) << text;
  }
  const std::string question =
      R"({"userId":"u-question","event":"message_received","properties":{"text":"退订了吗？"}})";
  ASSERT_EQ(Call("POST", "/v1/track", basic, question).status, 200);
  EXPECT_EQ(count("u-question", "unsubscribed"), 0);

  HttpResponse off =
      Call("POST", "/v1/customers/cust-a/consent", As(Role::kStaff), R"({"marketing":false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(count("cust-a", "unsubscribed"), 1);
  EXPECT_EQ(Call("POST", "/v1/customers/cust-a/consent", As(Role::kOwner), R"({"marketing":true})")
                .status,
            200);
  EXPECT_EQ(count("cust-a", "subscribed"), 1);
  HttpResponse bad =
      Call("POST", "/v1/customers/cust-a/consent", As(Role::kOwner), R"({"marketing":"no"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("\"field\":\"marketing\""), std::string::npos) << bad.body;
  EXPECT_EQ(
      Call("POST", "/v1/customers/cust-a/consent", As(Role::kAnalyst), R"({"marketing":false})")
          .status,
      403);
  EXPECT_EQ(Call("POST", "/v1/customers/nobody/consent", As(Role::kOwner), R"({"marketing":false})")
                .status,
            404);
}

TEST_F(PrivacyTest, OptOutPerChannel) {
  const std::string id = app_->engine().ResolveCustomer(kDefaultWorkspace, "cust-a").value();
  auto problem = [&](const char* channel) {
    std::string why;
    EXPECT_TRUE(app_->engine()
                    .ReadState(kDefaultWorkspace,
                               [&](const TenantState& state) {
                                 why = ConsentProblem(state, state.ParseCustomerId(id), channel);
                               })
                    .ok());
    return why;
  };
  auto consent = [&](const std::string& body) {
    return Call("POST", "/v1/customers/" + id + "/consent", As(Role::kStaff), body);
  };
  EXPECT_EQ(problem("sms"), "");
  HttpResponse sms = consent(R"({"marketing":false,"channel":"sms"})");
  ASSERT_EQ(sms.status, 200) << sms.body;
  EXPECT_EQ(json::parse(sms.body)["channel"], "sms");
  EXPECT_EQ(problem("sms"), "unsubscribed");
  EXPECT_EQ(problem("wecom"), "");
  EXPECT_EQ(problem("smtp"), "");

  HttpResponse fax = consent(R"({"marketing":false,"channel":"fax"})");
  EXPECT_EQ(fax.status, 400);
  EXPECT_NE(fax.body.find("\"field\":\"channel\""), std::string::npos) << fax.body;
  EXPECT_EQ(problem("smtp"), "");  // the refused call changed nothing

  // 退订 in a WeCom chat opts out of WeCom.
  const std::string write = app_->engine().CreateApiKey(kDefaultWorkspace, KeyKind::kWrite)->secret;
  ASSERT_EQ(Call("POST", "/v1/track", "Basic " + Base64Encode(write + ":"),
                 R"({"userId":"cust-a","event":"message_received","messageId":"m-td",)"
                 R"("properties":{"staff_id":"stf_a","text":"退订"}})")
                .status,
            200);
  EXPECT_EQ(problem("wecom"), "unsubscribed");
  EXPECT_EQ(problem("smtp"), "");

  ASSERT_EQ(consent(R"({"marketing":true,"channel":"sms"})").status, 200);
  EXPECT_EQ(problem("sms"), "");
  EXPECT_EQ(problem("wecom"), "unsubscribed");
  ASSERT_EQ(consent(R"({"marketing":false})").status, 200);  // every channel
  EXPECT_EQ(problem("smtp"), "unsubscribed");
  ASSERT_EQ(consent(R"({"marketing":true})").status, 200);  // every channel back
  for (const char* channel : {"sms", "wecom", "smtp", "webhook", "outbox"}) {
    EXPECT_EQ(problem(channel), "") << channel;
  }
}

TEST_F(PrivacyTest, ErasureIsTheOwnersAndAudited) {
  const std::string id = app_->engine().ResolveCustomer(kDefaultWorkspace, "cust-a").value();
  const std::string path = "/v1/customers/" + id;
  for (const std::string& who : {As(Role::kAnalyst), As(Role::kStaff), "Bearer " + read_}) {
    EXPECT_EQ(Call("DELETE", path, who).status, 403);
  }
  HttpResponse by_phone =
      Call("DELETE", std::string("/v1/customers/phone:") + kPhone, As(Role::kOwner));
  EXPECT_EQ(by_phone.status, 400);
  EXPECT_NE(by_phone.body.find("\"field\":\"id\""), std::string::npos) << by_phone.body;
  EXPECT_EQ(Call("DELETE", "/v1/customers/cus_09999999", As(Role::kOwner)).status, 404);
  ASSERT_TRUE(app_->engine().ResolveCustomer(kDefaultWorkspace, "cust-a").ok());  // untouched

  HttpResponse erased = Call("DELETE", path, As(Role::kOwner));
  ASSERT_EQ(erased.status, 200) << erased.body;
  const json answer = json::parse(erased.body);
  EXPECT_EQ(answer["customer"], id);
  EXPECT_EQ(answer["identities"], 2);  // userId and phone

  HttpResponse shown = Call("GET", path + "?reveal=true", As(Role::kOwner));
  ASSERT_EQ(shown.status, 200) << shown.body;
  for (const char* gone : {kPhone, kName, "杭州", "10.9.8.7", "cust-a"}) {
    EXPECT_EQ(shown.body.find(gone), std::string::npos) << gone << " in " << shown.body;
  }
  EXPECT_NE(shown.body.find("customer_erased"), std::string::npos);
  EXPECT_EQ(Call("GET", std::string("/v1/customers/phone:") + kPhone, As(Role::kOwner)).status,
            404);

  const json audit = Audit("DELETE");
  ASSERT_GE(audit["data"].size(), 1u);
  EXPECT_EQ(audit["data"][0]["action"], "DELETE /v1/customers/{id}");
  EXPECT_EQ(audit["data"][0]["target"], "id=" + id);
  EXPECT_EQ(audit["data"][0]["result"], "ok");
}

TEST(ConsentTest, OptOutWordsAreTheWholeMessage) {
  for (const char* yes :
       {"退订", " TD", "td\n", "T", "\u3000取消订阅\u3000", "STOP", "unsubscribe"}) {
    EXPECT_TRUE(app::IsOptOutText(yes)) << yes;
  }
  for (const char* no : {"退订了吗", "", "tdd", "don't stop", "请不要退订"}) {
    EXPECT_FALSE(app::IsOptOutText(no)) << no;
  }
}

TEST(PersonalDataTest, MasksByKind) {
  EXPECT_EQ(app::MaskPhone("13800138000"), "138****8000");
  EXPECT_EQ(app::MaskPhone("5551234"), "*****34");
  EXPECT_EQ(app::MaskName("欧阳晴"), "欧**");
  EXPECT_EQ(app::MaskName("小"), "小*");
  EXPECT_EQ(app::MaskName("Jonathan"), "J***");
  EXPECT_EQ(app::MaskEmail("jane@example.com"), "j***@example.com");
  EXPECT_EQ(app::MaskText("o6_bmjrPTlm6_2sgVt7hMZOPfL2M"), "o6_b…2M");
  EXPECT_EQ(app::MaskText("浙江省杭州市西湖区文三路"), "浙江省杭…三路");
  EXPECT_EQ(app::MaskIdentity(IdentityKind::kUserId, "u-42"), "u-42");
  json j = json::parse(R"({"Phone":13800138000,"city":"杭州","context":{"traits":
      {"name":"小满","email":"a@b.cn"}},"list":[{"mobile":"13900000000"}],"name":["甲乙","丙"]})");
  app::MaskPersonalData(&j);
  EXPECT_EQ(j["Phone"], "138****8000");
  EXPECT_EQ(j["city"], "杭州");
  EXPECT_EQ(j["context"]["traits"]["name"], "小*");
  EXPECT_EQ(j["context"]["traits"]["email"], "a***@b.cn");
  EXPECT_EQ(j["list"][0]["mobile"], "139****0000");
  EXPECT_EQ(j["name"][0], "甲*");
  EXPECT_TRUE(app::IsPersonalKey("UnionId"));
  EXPECT_FALSE(app::IsPersonalKey("skin"));
}

}  // namespace
}  // namespace pond::server
