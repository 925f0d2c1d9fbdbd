// POST /v1/wecom/sync through the real route table, engine and WeCom client, against the WeCom
// test corp: refused before the API is configured, then a background run whose progress
// GET /v1/wecom/sync shows, ending with the corp's friendships and groups in pond.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "pond/channels/tracking_api.h"
#include "pond/channels/wecom/wecom_events.h"
#include "pond/testing/temp_dir.h"
#include "pond/testing/wecom_test_corp.h"
#include "server/router.h"

namespace pond::server {
namespace {

using nlohmann::json;

TEST(WecomSyncHttpTest, ABackgroundSyncReadsTheCorpAndShowsItsProgress) {
  testing::CorpShape shape;
  shape.staff = 4;
  shape.customers = 300;
  shape.groups = 5;
  testing::WecomTestCorp corp(shape);
  testing::TempDir dir;
  app::AppOptions o;
  o.engine.data_dir = dir.path().string();
  auto app = app::App::Open(o).value();
  ASSERT_TRUE(app->Start(app::kAllParts).ok());
  ServerMetrics metrics;
  Router router(*app, metrics);
  const std::string admin =
      "Bearer " + app->engine().CreateApiKey(kDefaultWorkspace, KeyKind::kAdmin)->secret;
  auto call = [&](const std::string& method, const std::string& path, std::string body = "") {
    HttpRequest r;
    r.method = method;
    r.path = path.substr(0, path.find('?'));
    if (const size_t q = path.find('?'); q != std::string::npos) {
      std::string rest = path.substr(q + 1);
      while (!rest.empty()) {
        const std::string pair = rest.substr(0, rest.find('&'));
        rest = rest.size() > pair.size() ? rest.substr(pair.size() + 1) : "";
        r.query[pair.substr(0, pair.find('='))] = pair.substr(pair.find('=') + 1);
      }
    }
    r.headers = {{"authorization", admin}};
    r.body_size = body.size();
    r.body = std::move(body);
    r.body.append(JsonPadding(), ' ');
    return router.Handle(r);
  };

  EXPECT_EQ(json::parse(call("GET", "/v1/wecom/sync").body)["state"], "never");
  HttpResponse unconfigured = call("POST", "/v1/wecom/sync");
  EXPECT_EQ(unconfigured.status, 412) << unconfigured.body;
  EXPECT_NE(unconfigured.body.find("not configured"), std::string::npos) << unconfigured.body;

  ASSERT_EQ(call("PUT", "/v1/settings/channels",
                 R"({"wecom": {"base_url": ")" + corp.url() + R"(", "corp_id": ")" + shape.corp_id +
                     R"(", "secret": ")" + shape.secret + R"("}})")
                .status,
            200);
  HttpResponse started = call("POST", "/v1/wecom/sync");
  ASSERT_EQ(started.status, 202) << started.body;

  json progress;
  for (int i = 0; i < 400; ++i) {
    progress = json::parse(call("GET", "/v1/wecom/sync").body);
    if (!progress["running"].get<bool>()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(progress["state"], "done") << progress.dump();
  EXPECT_EQ(progress["staff"], shape.staff);
  EXPECT_EQ(progress["contacts"], corp.follow_pairs());
  EXPECT_EQ(progress["groups"], shape.groups);
  EXPECT_FALSE(progress.contains("staff_list"));

  const json staff = json::parse(call("GET", "/v1/staff").body);
  ASSERT_EQ(staff["data"].size(), static_cast<size_t>(shape.staff)) << staff.dump();
  EXPECT_EQ(staff["data"][0]["kind"], "wecom");

  const auto& g = corp.groups()[0];
  HttpResponse group = call("GET", "/v1/groups/" + wecom::GroupIdForChat(g.chat_id));
  ASSERT_EQ(group.status, 200) << group.body;
  EXPECT_NE(group.body.find(g.name), std::string::npos) << group.body;
  const auto& c = corp.customers()[3];
  HttpResponse customer = call("GET", "/v1/customers/external_userid:" + c.external_userid);
  ASSERT_EQ(customer.status, 200) << customer.body;
  EXPECT_EQ(json::parse(customer.body)["owner"], c.follows[0].userid);

  // A staff member's customers handed over, within the messaging settings' daily limit (20).
  HttpResponse handover =
      call("POST", "/v1/wecom/handover", R"({"from": "staff01", "to": "staff02"})");
  ASSERT_EQ(handover.status, 200) << handover.body;
  EXPECT_EQ(json::parse(handover.body)["requested"], 20);
  EXPECT_EQ(corp.transfers()["staff02"], 20);
  HttpResponse same = call("POST", "/v1/wecom/handover", R"({"from": "staff01", "to": "staff01"})");
  EXPECT_EQ(same.status, 400);
  EXPECT_NE(same.body.find("\"field\":\"to\""), std::string::npos) << same.body;
  HttpResponse flag = call("POST", "/v1/wecom/handover",
                           R"({"from": "staff01", "to": "staff02", "resigned": "yes"})");
  EXPECT_EQ(flag.status, 400);

  // Moments handed to WeCom: bad requests name the field and plan nothing.
  ASSERT_EQ(call("POST", "/v1/content/items",
                 R"({"id": "cnt_spf", "kind": "knowledge", "title": "防晒", "text": "涂"})")
                .status,
            200);
  for (const auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
           {R"({"posts": [{"staff": "s1", "at": "2026-12-09T08:00:00", "item": "cnt_nope"}]})",
            "posts[0].item"},
           {R"({"posts": [{"staff": "s1", "at": "2026-12-09T08:00:00", "item": "cnt_spf"}],
                "senders": ["staff01"]})",
            "senders"},
           {R"({"posts": [{"staff": "s1", "at": "2026-12-09T08:00:00", "item": "cnt_spf"}],
                "senders": {"s1": 7}})",
            "senders.s1"},
           {R"({"posts": "all of them"})", "posts"}}) {
    HttpResponse bad = call("POST", "/v1/wecom/moments", body);
    EXPECT_EQ(bad.status, 400) << body << " " << bad.body;
    EXPECT_NE(bad.body.find("\"field\":\"" + field + "\""), std::string::npos) << bad.body;
  }
  EXPECT_EQ(call("POST", "/v1/wecom/moments", "{not json").status, 400);
  EXPECT_TRUE(json::parse(call("GET", "/v1/wecom/moments").body)["data"].empty());
  HttpResponse planned =
      call("POST", "/v1/wecom/moments",
           R"({"posts": [{"staff": "s1", "at": "2026-12-09T08:00:00", "item": "cnt_spf"}],
          "senders": {"s1": "staff01"}})");
  ASSERT_EQ(planned.status, 200) << planned.body;
  EXPECT_EQ(json::parse(planned.body)["planned"], 1);
  const json listed = json::parse(call("GET", "/v1/wecom/moments").body);
  ASSERT_EQ(listed["data"].size(), 1u);
  EXPECT_EQ(listed["data"][0]["state"], "planned");
  EXPECT_EQ(listed["data"][0]["sender"], "staff01");
  EXPECT_FALSE(listed["data"][0].contains("body"));

  // The conversation keyword table: the default, a bad one refused naming the field, a new one.
  EXPECT_EQ(json::parse(call("GET", "/v1/conversations/keywords").body)["keywords"][0]["keyword"],
            "price");
  HttpResponse bad_table = call("PUT", "/v1/conversations/keywords",
                                R"({"keywords": [{"keyword": "trial", "words": [7]}]})");
  EXPECT_EQ(bad_table.status, 400);
  EXPECT_NE(bad_table.body.find("keywords[0].words[0]"), std::string::npos) << bad_table.body;
  ASSERT_EQ(call("PUT", "/v1/conversations/keywords",
                 R"({"keywords": [{"keyword": "trial", "words": ["小样"]}]})")
                .status,
            200);
  const json table = json::parse(call("GET", "/v1/conversations/keywords").body);
  ASSERT_EQ(table["keywords"].size(), 1u);
  EXPECT_EQ(table["keywords"][0]["keyword"], "trial");

  // The chat archive: not configured, so nothing to pull.
  const json archive = json::parse(call("GET", "/v1/wecom/archive").body);
  EXPECT_EQ(archive["configured"], false);
  EXPECT_EQ(archive["seq"], 0);
  HttpResponse pull = call("POST", "/v1/wecom/archive/pull");
  EXPECT_EQ(pull.status, 412) << pull.body;
  EXPECT_NE(pull.body.find("not configured"), std::string::npos) << pull.body;

  // The replies report: nothing asked yet; a range backwards names `to`; CSV on request.
  const json replies = json::parse(call("GET", "/v1/reports/replies").body);
  EXPECT_EQ(replies["all"]["turns"], 0);
  HttpResponse backwards = call("GET", "/v1/reports/replies?from=2026-12-09&to=2026-12-01");
  EXPECT_EQ(backwards.status, 400);
  EXPECT_NE(backwards.body.find("\"field\":\"to\""), std::string::npos) << backwards.body;
  EXPECT_EQ(call("GET", "/v1/reports/replies?from=yesterday").status, 400);
  HttpResponse csv = call("GET", "/v1/reports/replies?format=csv");
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.rfind("staff,turns,", 0), 0u) << csv.body;
}

}  // namespace
}  // namespace pond::server
