// The route policy (issue 26): every route names what it needs, and every role gets the answer
// the policy table gives: through the real route table, a real engine and real sessions.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "pond/auth/accounts.h"
#include "pond/base/base64.h"
#include "pond/channels/tracking_api.h"
#include "pond/testing/temp_dir.h"
#include "server/router.h"

namespace pond::server {
namespace {

using auth::Need;
using auth::Role;

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app::AppOptions o;
    o.engine.data_dir = dir_.path().string();
    app_ = app::App::Open(o).value();
    ASSERT_TRUE(app_->Start(app::kAllParts).ok());
    router_ = std::make_unique<Router>(*app_, metrics_);
    admin_ = app_->engine().CreateApiKey(kDefaultWorkspace, KeyKind::kAdmin)->secret;
    // Two staff members, each the owner of one customer.
    Event a, b;
    for (auto [e, id, staff] : {std::tuple{&a, "cust-a", "stf_a"}, {&b, "cust-b", "stf_b"}}) {
      e->type = EventType::kTrack;
      e->name = "friend_added";
      e->message_id = std::string("m-") + id;
      e->user_id = id;
      e->properties = std::string(R"({"staff_id":")") + staff + "\"}";
    }
    ASSERT_TRUE(app_->engine().Submit(kDefaultWorkspace, {a, b}).ok());
    const std::pair<Role, const char*> roles[] = {{Role::kOwner, "owner"},
                                                  {Role::kOperator, "operator"},
                                                  {Role::kAnalyst, "analyst"},
                                                  {Role::kStaff, "staff"},
                                                  {Role::kDistributor, "distributor"}};
    for (auto [role, name] : roles) {
      auth::NewUser u{std::string(name) + "@brand.cn", "", name, "a-long-password", "", ""};
      if (role == Role::kStaff) u.staff_id = "stf_a";
      if (role == Role::kDistributor) u.distributor_id = "dst_1";
      ASSERT_TRUE(app_->accounts().AddUser(kDefaultWorkspace, u).ok());
      auto s = app_->accounts().Login(u.login, u.password, "127.0.0.1");
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      sessions_[role] = *s;
    }
  }

  HttpResponse Call(const std::string& method, const std::string& path,
                    std::map<std::string, std::string> headers, std::string body = "") {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.headers = std::move(headers);
    r.remote_address = "127.0.0.1";
    r.body_size = body.size();
    r.body = std::move(body);
    r.body.append(JsonPadding(), ' ');
    return router_->Handle(r);
  }
  std::map<std::string, std::string> As(Role role) {
    return {{"authorization", "Bearer " + sessions_[role].token}};
  }
  static std::string Fill(std::string pattern) {
    for (size_t at; (at = pattern.find('{')) != std::string::npos;) {
      pattern.replace(at, pattern.find('}', at) - at + 1, "x");
    }
    return pattern;
  }

  testing::TempDir dir_;
  std::unique_ptr<app::App> app_;
  ServerMetrics metrics_;
  std::unique_ptr<Router> router_;
  std::string admin_;
  std::map<Role, auth::Session> sessions_;
};

// A route is public only if it is on this list: a new route cannot become public by accident.
TEST_F(PolicyTest, OnlyTheseRoutesArePublic) {
  const std::set<std::string> expected = {"GET /healthz",
                                          "GET /metrics",
                                          "GET /v1/routes",
                                          "GET /wecom/callback/{workspace}",
                                          "POST /wecom/callback/{workspace}",
                                          "POST /v1/auth/login"};
  std::set<std::string> found;
  for (const Route& r : Routes()) {
    if (r.need == Need::kPublic) found.insert(std::string(r.method) + " " + r.pattern);
    EXPECT_NE(auth::NeedName(r.need), "?") << r.pattern;
  }
  EXPECT_EQ(found, expected);
}

// Every role against every route: refused (403) exactly where the policy table says, never
// unauthenticated; allowed routes may still answer 400 or 404 for the made-up ids used here.
TEST_F(PolicyTest, EveryRoleAgainstEveryRoute) {
  int checked = 0;
  for (const Route& r : Routes()) {
    // Public routes need nothing; logging out would end the sessions the rest of the walk uses.
    if (r.need == Need::kPublic || std::string(r.pattern) == "/v1/auth/logout") continue;
    for (auto& [role, session] : sessions_) {
      const HttpResponse resp = Call(r.method, Fill(r.pattern), As(role));
      const bool allowed = auth::Allows(role, r.need);
      const std::string where = std::string(auth::RoleName(role)) + " " + r.method + " " +
                                r.pattern + " -> " + std::to_string(resp.status) + " " +
                                resp.body.substr(0, 160);
      EXPECT_NE(resp.status, 401) << where;
      if (allowed) {
        EXPECT_NE(resp.status, 403) << where;
      } else {
        EXPECT_EQ(resp.status, 403) << where;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 500);
}

TEST_F(PolicyTest, StaffSeeOnlyTheirOwnCustomers) {
  EXPECT_EQ(Call("GET", "/v1/customers/cust-a", As(Role::kStaff)).status, 200);
  // Another staff member's customer is absent, not forbidden: ids cannot be probed.
  EXPECT_EQ(Call("GET", "/v1/customers/cust-b", As(Role::kStaff)).status, 404);
  EXPECT_EQ(Call("GET", "/v1/customers/cust-b/tags", As(Role::kStaff)).status, 404);
  EXPECT_EQ(
      Call("POST", "/v1/customers/cust-b/tags", As(Role::kStaff), R"({"tags":["vip"]})").status,
      404);
  EXPECT_EQ(Call("GET", "/v1/customers/cust-b", As(Role::kOperator)).status, 200);
  auto list = nlohmann::json::parse(Call("GET", "/v1/customers", As(Role::kStaff)).body);
  ASSERT_EQ(list["data"].size(), 1u);
  EXPECT_EQ(list["total"], 1);
  auto all = nlohmann::json::parse(Call("GET", "/v1/customers", As(Role::kOwner)).body);
  EXPECT_EQ(all["total"], 2);
}

TEST_F(PolicyTest, SessionsByCookieNeedTheCsrfTokenToChangeAnything) {
  const auth::Session& s = sessions_[Role::kOperator];
  std::map<std::string, std::string> cookie = {{"cookie", "theme=dark; pond_session=" + s.token}};
  EXPECT_EQ(Call("GET", "/v1/me", cookie).status, 200);
  const std::string body = R"({"name":"vip buyers","rule":"count(order_paid, 90d) >= 1"})";
  EXPECT_EQ(Call("POST", "/v1/segments", cookie, body).status, 403);
  auto wrong = cookie;
  wrong["x-csrf-token"] = std::string(s.csrf_token.size(), '0');
  EXPECT_EQ(Call("POST", "/v1/segments", wrong, body).status, 403);
  auto right = cookie;
  right["x-csrf-token"] = s.csrf_token;
  EXPECT_EQ(Call("POST", "/v1/segments", right, body).status, 201);
  // A bearer token is not sent by a browser on its own: no CSRF token needed.
  EXPECT_EQ(Call("POST", "/v1/segments", As(Role::kOperator),
                 R"({"name":"second","rule":"count(order_paid, 90d) >= 2"})")
                .status,
            201);
}

TEST_F(PolicyTest, SignInAndOutOverHttp) {
  HttpResponse in = Call("POST", "/v1/auth/login", {},
                         R"({"login":"Analyst@brand.cn","password":"a-long-password"})");
  ASSERT_EQ(in.status, 200) << in.body;
  auto j = nlohmann::json::parse(in.body);
  const std::string token = j["token"];
  EXPECT_EQ(j["user"]["role"], "analyst");
  EXPECT_EQ(j["user"]["personal_data"], "masked");
  const std::string cookie = in.headers["Set-Cookie"];
  EXPECT_NE(cookie.find("pond_session=" + token), std::string::npos);
  for (const char* attr : {"HttpOnly", "Secure", "SameSite=Strict", "Path=/"}) {
    EXPECT_NE(cookie.find(attr), std::string::npos) << attr;
  }
  std::map<std::string, std::string> bearer = {{"authorization", "Bearer " + token}};
  auto me = nlohmann::json::parse(Call("GET", "/v1/me", bearer).body);
  EXPECT_EQ(me["login"], "analyst@brand.cn");
  EXPECT_EQ(Call("POST", "/v1/auth/logout", bearer).status, 200);
  EXPECT_EQ(Call("GET", "/v1/me", bearer).status, 401);

  // Bad sign-ins: each the documented status, none a session.
  EXPECT_EQ(
      Call("POST", "/v1/auth/login", {}, R"({"login":"analyst@brand.cn","password":"nope-nope"})")
          .status,
      401);
  EXPECT_EQ(Call("POST", "/v1/auth/login", {}, R"({"login":"analyst@brand.cn"})").status, 400);
  EXPECT_EQ(Call("POST", "/v1/auth/login", {}, R"({"login":7,"password":"x"})").status, 400);
  EXPECT_EQ(Call("POST", "/v1/auth/login", {}, "not json").status, 400);
  HttpResponse big = Call("POST", "/v1/auth/login", {},
                          R"({"login":"a@b.cn","password":")" + std::string(5000, 'x') + "\"}");
  EXPECT_EQ(big.status, 400);
  EXPECT_NE(big.body.find("payload_too_large"), std::string::npos);
  // An API key is not a user.
  EXPECT_EQ(Call("GET", "/v1/me", {{"authorization", "Bearer " + admin_}}).status, 401);
  // A session cannot send events: that is a write key's job.
  EXPECT_EQ(
      Call("POST", "/v1/track", As(Role::kOwner), R"({"userId":"u","event":"page_viewed"})").status,
      403);
}

TEST_F(PolicyTest, TheOwnerManagesTheTeam) {
  auto owner = As(Role::kOwner);
  HttpResponse made = Call("POST", "/v1/users", owner,
                           R"({"login":"13800138000","role":"staff","staff_id":"stf_b"})");
  ASSERT_EQ(made.status, 201) << made.body;
  auto j = nlohmann::json::parse(made.body);
  const std::string id = j["user"]["id"];
  const std::string password = j["password"];
  EXPECT_EQ(j["user"].count("password_hash"), 0u);
  auto users = nlohmann::json::parse(Call("GET", "/v1/users", owner).body);
  EXPECT_EQ(users["total"], 6);
  EXPECT_EQ(users.dump().find("argon2"), std::string::npos);
  auto s = app_->accounts().Login("13800138000", password, "127.0.0.1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Call("POST", "/v1/users/" + id + "/disable", owner).status, 200);
  EXPECT_EQ(Call("GET", "/v1/me", {{"authorization", "Bearer " + s->token}}).status, 401);
  EXPECT_EQ(
      Call("POST", "/v1/users", As(Role::kOperator), R"({"login":"x@brand.cn","role":"owner"})")
          .status,
      403);
  EXPECT_EQ(Call("POST", "/v1/users", owner, R"({"login":"y@brand.cn","role":"root"})").status,
            400);
}

}  // namespace
}  // namespace pond::server
