// The API's behaviour on good and hostile input, through the real route table and a real
// engine on a temporary SQLite file (no sockets: tests/integration covers the wire).
#include "server/router.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include "pond/channels/segment.h"
#include "pond/testing/base64.h"
#include "pond/testing/temp_dir.h"

namespace pond::server {
namespace {

using ::pond::testing::Base64;

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
    EngineOptions o;
    o.data_dir = dir_.path().string();
    engine_ = Engine::Open(o).value();
    segments_ = SegmentService::Start(engine_.get()).value();
    journeys_ = JourneyRuntime::Start(engine_.get(), segments_.get()).value();
    deliveries_ = outbound::DeliveryService::Start(engine_.get()).value();
    tasks_ = TaskService::Start(engine_.get()).value();
    distribution_ = DistributionService::Start(engine_.get(), segments_.get()).value();
    fission_ = FissionService::Start(engine_.get()).value();
    content_ = ContentService::Start(engine_.get()).value();
    community_ = CommunityService::Start(engine_.get(), segments_.get()).value();
    wecom_ = wecom::WecomService::Open(engine_.get(), dir_.path().string() + "/wecom.key",
                                       wecom::ApiSettingsOf(deliveries_.get()))
                 .value();
    router_ = std::make_unique<Router>(
        Services{*engine_, *segments_, *journeys_, *deliveries_, *tasks_, *distribution_, *fission_,
                 *content_, *community_, *wecom_},
        metrics_);
    write_key_ = engine_->CreateApiKey(kDefaultWorkspace, KeyKind::kWrite)->secret;
    admin_ = engine_->CreateApiKey(kDefaultWorkspace, KeyKind::kAdmin)->secret;
  }

  HttpResponse Call(const std::string& method, const std::string& target, std::string body = "",
                    std::map<std::string, std::string> headers = {}) {
    HttpRequest r;
    r.method = method;
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) {
      std::string query = target.substr(q + 1);
      size_t eq = query.find('=');
      r.query[query.substr(0, eq)] = query.substr(eq + 1);
    }
    r.headers = std::move(headers);
    r.body_size = body.size();
    r.body = std::move(body);
    r.body.append(JsonPadding(), ' ');
    return router_->Handle(r);
  }
  std::map<std::string, std::string> Basic(const std::string& key) {
    return {{"authorization", "Basic " + Base64(key + ":")}};
  }
  std::map<std::string, std::string> Bearer() { return {{"authorization", "Bearer " + admin_}}; }
  int64_t StoredEvents() { return engine_->Stats(kDefaultWorkspace)->events; }
  static std::string Field(const HttpResponse& r) {
    auto j = nlohmann::json::parse(r.body);
    return j["error"].value("field", "");
  }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<SegmentService> segments_;
  std::unique_ptr<JourneyRuntime> journeys_;
  std::unique_ptr<outbound::DeliveryService> deliveries_;
  std::unique_ptr<TaskService> tasks_;
  std::unique_ptr<DistributionService> distribution_;
  std::unique_ptr<FissionService> fission_;
  std::unique_ptr<ContentService> content_;
  std::unique_ptr<CommunityService> community_;
  std::unique_ptr<wecom::WecomService> wecom_;
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
