// The API's behaviour on good and hostile input, through the real route table and a real
// engine on a temporary SQLite file (no sockets: tests/integration covers the wire).
#include "server/router.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <nlohmann/json.hpp>
#include <set>

#include "pond/base/base64.h"
#include "pond/channels/tracking_api.h"
#include "pond/testing/temp_dir.h"

namespace pond::server {
namespace {

std::string Gzip(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app::AppOptions o;
    o.engine.data_dir = dir_.path().string();
    app_ = app::App::Open(o).value();
    ASSERT_TRUE(app_->Start(app::kAllParts).ok());
    engine_ = &app_->engine();
    router_ = std::make_unique<Router>(*app_, metrics_);
    write_key_ = engine_->CreateApiKey(kDefaultWorkspace, KeyKind::kWrite)->secret;
    admin_ = engine_->CreateApiKey(kDefaultWorkspace, KeyKind::kAdmin)->secret;
  }

  HttpResponse Call(const std::string& method, const std::string& target, std::string body = "",
                    std::map<std::string, std::string> headers = {}) {
    HttpRequest r;
    r.method = method;
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    for (size_t at = q; at != std::string::npos;) {
      const size_t next = target.find('&', at + 1);
      const std::string pair = target.substr(at + 1, next - at - 1);
      const size_t eq = pair.find('=');
      r.query[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
      at = next;
    }
    r.headers = std::move(headers);
    r.body_size = body.size();
    r.body = std::move(body);
    r.body.append(JsonPadding(), ' ');
    return router_->Handle(r);
  }
  std::map<std::string, std::string> Basic(const std::string& key) {
    return {{"authorization", "Basic " + Base64Encode(key + ":")}};
  }
  std::map<std::string, std::string> Bearer() { return {{"authorization", "Bearer " + admin_}}; }
  int64_t StoredEvents() { return engine_->Stats(kDefaultWorkspace)->events; }
  static std::string Field(const HttpResponse& r) {
    auto j = nlohmann::json::parse(r.body);
    return j["error"].value("field", "");
  }

  testing::TempDir dir_;
  std::unique_ptr<app::App> app_;
  Engine* engine_ = nullptr;
  ServerMetrics metrics_;
  std::unique_ptr<Router> router_;
  std::string write_key_, admin_;
};

const char kGoodBatch[] =
    R"({"batch":[{"type":"track","userId":"u1","event":"friend_added","messageId":"m1"}]})";

TEST_F(RouterTest, AcceptsWriteKeyInBasicAuthOrBody) {
  EXPECT_EQ(Call("POST", "/v1/batch", kGoodBatch, Basic(write_key_)).status, 200);
  std::string with_key = R"({"writeKey":")" + write_key_ +
                         R"(","batch":[{"type":"track","userId":"u2","event":"e"}]})";
  HttpResponse r = Call("POST", "/v1/batch", with_key);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"success":true})");
  EXPECT_EQ(StoredEvents(), 2);
}

TEST_F(RouterTest, RejectsBadInputWithTheDocumentedStatusAndStoresNothing) {
  struct Case {
    std::string name;
    std::string target;
    std::string body;
    std::map<std::string, std::string> headers;
    int status;
    std::string field;
  };
  std::string big_event =
      R"({"batch":[{"type":"track","userId":"u","event":"e","properties":{"x":")" +
      std::string(40000, 'x') + R"("}}]})";
  std::string bomb = Gzip(R"({"batch":[)" + std::string(2'000'000, ' ') + "]}");
  auto gz = Basic(write_key_);
  gz["content-encoding"] = "gzip";
  auto br = Basic(write_key_);
  br["content-encoding"] = "br";
  std::vector<Case> cases = {
      {"no key", "/v1/batch", kGoodBatch, {}, 401, ""},
      {"bad key", "/v1/batch", kGoodBatch, Basic("pond_write_nope"), 401, ""},
      {"body key wrong", "/v1/track", R"({"writeKey":"x","userId":"u","event":"e"})", {}, 401, ""},
      {"invalid JSON", "/v1/batch", "{\"batch\":[", Basic(write_key_), 400, ""},
      {"no identity", "/v1/batch", R"({"batch":[{"type":"track","event":"e"}]})", Basic(write_key_),
       400, "batch[0].userId"},
      {"bad time", "/v1/track", R"({"userId":"u","event":"e","timestamp":"soon"})",
       Basic(write_key_), 400, "timestamp"},
      {"event too big", "/v1/batch", big_event, Basic(write_key_), 400, "batch[0]"},
      {"gzip bomb", "/v1/batch", bomb, gz, 400, "batch"},
      {"not gzip", "/v1/batch", kGoodBatch, gz, 400, ""},
      {"unknown encoding", "/v1/batch", kGoodBatch, br, 400, "Content-Encoding"},
      {"admin route without token", "/v1/customers", "", {}, 401, ""},
      {"admin route with write key",
       "/v1/customers",
       "",
       {{"authorization", "Bearer " + write_key_}},
       403,
       ""},
      {"bad order", "/v1/orders", R"({"order_id":"T","user_id":"u","amount":"1.001"})",
       Basic(write_key_), 400, "amount"},
  };
  for (const Case& c : cases) {
    std::string method = c.target == "/v1/customers" ? "GET" : "POST";
    HttpResponse r = Call(method, c.target, c.body, c.headers);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.contains("error")) << c.name << ": " << r.body;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty()) << c.name;
    EXPECT_EQ(Field(r), c.field) << c.name << ": " << r.body;
  }
  EXPECT_EQ(StoredEvents(), 0);
  EXPECT_EQ(engine_->Stats(kDefaultWorkspace)->customers, 0);
}

// A browser shows the error of a Bearer challenge; a Basic one would make it ask for a password.
TEST_F(RouterTest, ChallengesNameTheSchemeTheRouteTakes) {
  EXPECT_EQ(Call("POST", "/v1/batch", kGoodBatch, {}).headers["WWW-Authenticate"],
            "Basic realm=\"pond\"");
  HttpResponse admin = Call("GET", "/v1/customers", "", {{"authorization", "Bearer nope"}});
  EXPECT_EQ(admin.status, 401);
  EXPECT_EQ(admin.headers["WWW-Authenticate"], "Bearer realm=\"pond\"");
}

TEST_F(RouterTest, GzippedBatchIsAccepted) {
  auto h = Basic(write_key_);
  h["content-encoding"] = "gzip";
  HttpResponse r = Call("POST", "/v1/batch", Gzip(kGoodBatch), h);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(StoredEvents(), 1);
}

TEST_F(RouterTest, RetriedBatchIsIdempotent) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Call("POST", "/v1/batch", kGoodBatch, Basic(write_key_)).status, 200);
  }
  EXPECT_EQ(StoredEvents(), 1);
}

TEST_F(RouterTest, OrdersAndCustomerReads) {
  HttpResponse r = Call("POST", "/v1/orders",
                        R"({"orders":[{"order_id":"TB1","phone":"13800138000","amount":"169.00",
                           "items":[{"sku":"MASK","name":"面膜","price":"169"}]}]})",
                        Basic(write_key_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["accepted"], 1);
  HttpResponse list = Call("GET", "/v1/customers?query=13800138000", "", Bearer());
  ASSERT_EQ(list.status, 200) << list.body;
  auto lj = nlohmann::json::parse(list.body);
  ASSERT_EQ(lj["total"], 1);
  std::string id = lj["data"][0]["id"];
  HttpResponse one = Call("GET", "/v1/customers/" + id, "", Bearer());
  ASSERT_EQ(one.status, 200) << one.body;
  auto cj = nlohmann::json::parse(one.body);
  EXPECT_EQ(cj["spent_fen"], 16900);
  EXPECT_TRUE(cj["stage"].is_string());  // the lifecycle stage and the RFM cell (null: unscored)
  EXPECT_TRUE(cj.contains("rfm"));
  EXPECT_TRUE(lj["data"][0]["tags"].is_array());
  EXPECT_TRUE(lj["data"][0]["stage"].is_string());
  EXPECT_EQ(cj["orders"][0]["items"][0]["name"], "面膜");
  EXPECT_EQ(cj["identities"][0]["kind"], "phone");
  EXPECT_EQ(cj["timeline"][0]["event"], "order_paid");
  EXPECT_EQ(Call("GET", "/v1/customers/cus_999", "", Bearer()).status, 404);
  EXPECT_EQ(Field(Call("GET", "/v1/customers?limit=0", "", Bearer())), "limit");
  EXPECT_EQ(Field(Call("GET", "/v1/customers?cursor=zz", "", Bearer())), "cursor");
}

TEST_F(RouterTest, ChannelsCreateListAndSpend) {
  HttpResponse made =
      Call("POST", "/v1/channels", R"({"code":"card-2024","name":"包裹卡","kind":"package_card"})",
           Bearer());
  ASSERT_EQ(made.status, 201) << made.body;
  std::string id = nlohmann::json::parse(made.body)["id"];
  EXPECT_EQ(Call("POST", "/v1/channels", R"({"code":"card-2024"})", Bearer()).status, 409);
  EXPECT_EQ(Field(Call("POST", "/v1/channels", R"({"code":"x","kind":"tv"})", Bearer())), "kind");
  EXPECT_EQ(Field(Call("POST", "/v1/channels", R"({"code":7})", Bearer())), "code");
  EXPECT_EQ(Call("POST", "/v1/channels", "[", Bearer()).status, 400);
  EXPECT_EQ(Call("POST", "/v1/channels/" + id + "/spend",
                 R"({"day":"2024-03-01","amount":"500.00"})", Bearer())
                .status,
            200);
  HttpResponse spend = Call("GET", "/v1/channels/" + id + "/spend", "", Bearer());
  EXPECT_EQ(nlohmann::json::parse(spend.body)["data"][0]["amount_fen"], 50000);
  HttpResponse list = Call("GET", "/v1/channels", "", Bearer());
  EXPECT_EQ(nlohmann::json::parse(list.body)["total"], 1);
}

TEST_F(RouterTest, UnknownRoutesAndMethods) {
  EXPECT_EQ(Call("GET", "/v2/nothing").status, 404);
  EXPECT_EQ(Call("DELETE", "/v1/batch").status, 405);
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  HttpResponse m = Call("GET", "/metrics");
  EXPECT_NE(m.body.find("pond_events_ingested_total"), std::string::npos);
  EXPECT_NE(m.body.find("pond_submit_latency_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
}

// Every list the admin API reads without parameters answers {data, next_cursor, total}.
TEST_F(RouterTest, EveryListFollowsTheListConvention) {
  int lists = 0;
  for (const Route& route : Routes()) {
    const std::string path = route.pattern;
    if (std::string(route.method) != "GET" || route.auth != Auth::kAdmin ||
        path.find('{') != std::string::npos) {
      continue;
    }
    HttpResponse r = Call("GET", path, "", Bearer());
    if (r.status != 200 || r.content_type.find("json") == std::string::npos) continue;
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) continue;
    ++lists;
    EXPECT_TRUE(body.contains("next_cursor")) << path;
    EXPECT_TRUE(body.contains("total")) << path;
  }
  EXPECT_GE(lists, 15);
}

TEST_F(RouterTest, AListPagesWithItsCursorAndRefusesOneItNeverGave) {
  for (const char* id : {"cnt_a", "cnt_b", "cnt_c"}) {
    const std::string item =
        R"({"id": ")" + std::string(id) + R"(", "kind": "knowledge", "title": "t"})";
    ASSERT_EQ(Call("POST", "/v1/content/items", item, Bearer()).status, 200);
  }
  auto page = [&](const std::string& query) {
    HttpResponse r = Call("GET", "/v1/content/items?" + query, "", Bearer());
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    return nlohmann::json::parse(r.body);
  };
  const auto first = page("limit=2");
  EXPECT_EQ(first["data"].size(), 2u);
  EXPECT_EQ(first["total"], 3);
  ASSERT_TRUE(first["next_cursor"].is_string());
  const auto second = page("limit=2&cursor=" + first["next_cursor"].get<std::string>());
  ASSERT_EQ(second["data"].size(), 1u);
  EXPECT_TRUE(second["next_cursor"].is_null());
  std::set<std::string> ids;
  for (const auto* p : {&first, &second}) {
    for (const auto& item : (*p)["data"]) ids.insert(item["id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), 3u);
  for (const char* bad : {"x", "o", "o0", "o4", "o2x", "o-1", "o99999999999999"}) {
    HttpResponse r = Call("GET", std::string("/v1/content/items?cursor=") + bad, "", Bearer());
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(Field(r), "cursor") << bad;
  }
}

}  // namespace
}  // namespace pond::server

#include <fstream>
#include <sstream>

namespace pond::server {
namespace {

// The route table drives dispatch; docs/api.md must list every route it has.
TEST(RoutesTest, ApiDocsListEveryRoute) {
  std::ifstream in(std::string(POND_SOURCE_DIR) + "/docs/api.md");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string docs = ss.str();
  ASSERT_FALSE(docs.empty());
  for (const Route& r : Routes()) {
    std::string row = std::string("| ") + r.method + " | " + r.pattern + " |";
    EXPECT_NE(docs.find(row), std::string::npos) << "docs/api.md lacks " << row;
  }
}

}  // namespace
}  // namespace pond::server
