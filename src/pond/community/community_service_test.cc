// Routing by live group codes through the real engine and segment service: thresholds that name
// their rule, concurrent routes that never overfill, the rotation opening the next group exactly
// when all are full, balance routing, and membership rebuilt from events after a restart.
#include "pond/community/community_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "pond/base/time.h"
#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

using nlohmann::json;

class CommunityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    o_.data_dir = dir_.path().string();
    o_.clock = &clock_;
    Reopen();
  }
  void Reopen() {
    service_.reset();
    segments_.reset();
    rules_.reset();
    engine_.reset();
    engine_ = Engine::Open(o_).value();
    rules_ = LiveRules::Start(engine_.get()).value();
    segments_ = std::make_unique<SegmentService>(rules_.get());
    service_ = CommunityService::Start(engine_.get(), segments_.get()).value();
  }
  void Track(const std::string& id, const std::string& user, const std::string& name,
             const json& props, int64_t fen = 0) {
    Event e;
    e.message_id = id;
    e.user_id = user;
    e.name = name;
    e.timestamp = clock_.NowMicros();
    e.properties = props.dump();
    if (name == "order_paid") {
      e.order.emplace();
      e.order->order_id = props["order_id"];
      e.order->total_fen = fen;
      e.amount_fen = fen;
    }
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {e}).ok());
  }
  void Buyer(const std::string& user) {
    Track("pay-" + user, user, "order_paid", {{"order_id", "O-" + user}}, 9900);
  }
  void Group(const std::string& id, int capacity, GroupKind kind = GroupKind::kMembership) {
    ASSERT_TRUE(
        service_
            ->SaveGroup(kDefaultWorkspace, {id, id, kind, "stf_lily", capacity, "", "", "", false})
            .ok());
  }
  std::string Id(const std::string& user) {
    return engine_->GetCustomer(kDefaultWorkspace, user, 0)->summary.id;
  }

  testing::TempDir dir_;
  FakeClock clock_{ParseIso8601("2026-11-20T10:00:00+08:00").value()};
  EngineOptions o_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<LiveRules> rules_;
  std::unique_ptr<SegmentService> segments_;
  std::unique_ptr<CommunityService> service_;
};

TEST_F(CommunityServiceTest, TheThresholdRefusesWithItsRule) {
  Group("grp_vip_1", 500);
  ASSERT_TRUE(service_
                  ->SaveCode(kDefaultWorkspace, ParseGroupCode(R"({"id": "gcd_vip",
      "name": "VIP", "kind": "membership", "groups": ["grp_vip_1"], "auto_open": false})")
                                                    .value())
                  .ok());
  Track("hi", "fan", "page_viewed", json::object());
  Result<RouteResult> refused = service_->Route(kDefaultWorkspace, "gcd_vip", "fan");
  ASSERT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            Id("fan") + " does not meet the entry rule of gcd_vip: count(order_paid) >= 1");
  Buyer("fan");
  const RouteResult r = service_->Route(kDefaultWorkspace, "gcd_vip", "fan").value();
  EXPECT_EQ(r.group, "grp_vip_1");
  EXPECT_FALSE(r.again);
  EXPECT_TRUE(service_->Route(kDefaultWorkspace, "gcd_vip", "fan")->again);  // held for them
  // A rule of the code's own.
  GroupCode big = service_->GetCode(kDefaultWorkspace, "gcd_vip").value();
  big.rule = "sum(order_paid.amount) >= 100000";
  ASSERT_TRUE(service_->SaveCode(kDefaultWorkspace, big).ok());
  Buyer("small");
  EXPECT_NE(service_->Route(kDefaultWorkspace, "gcd_vip", "small")
                .status()
                .message()
                .find("sum(order_paid.amount) >= 100000"),
            std::string::npos);
  EXPECT_EQ(service_->Route(kDefaultWorkspace, "gcd_nope", "fan").status().code(),
            StatusCode::kNotFound);
  // A code may not mix kinds, nor name a group that does not exist.
  Group("grp_fun", 500, GroupKind::kInterest);
  big.groups = {"grp_vip_1", "grp_fun"};
  EXPECT_EQ(service_->SaveCode(kDefaultWorkspace, big).status().field(), "groups[1]");
  big.groups = {"grp_ghost"};
  EXPECT_EQ(service_->SaveCode(kDefaultWorkspace, big).status().field(), "groups[0]");
}

TEST_F(CommunityServiceTest, ConcurrentRoutesNeverOverfill) {
  Group("grp_a", 5);
  Group("grp_b", 5);
  ASSERT_TRUE(service_
                  ->SaveCode(kDefaultWorkspace, ParseGroupCode(R"({"id": "gcd_two",
      "name": "two", "kind": "membership", "groups": ["grp_a", "grp_b"], "auto_open": false})")
                                                    .value())
                  .ok());
  for (int i = 0; i < 16; ++i) Buyer("b" + std::to_string(i));
  std::atomic<int> routed{0}, full{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      auto r = service_->Route(kDefaultWorkspace, "gcd_two", "b" + std::to_string(i));
      if (r.ok()) ++routed;
      if (r.status().code() == StatusCode::kResourceExhausted) ++full;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(routed.load(), 10);
  EXPECT_EQ(full.load(), 6);
  const std::vector<GroupView> groups = service_->Groups(kDefaultWorkspace).value();
  for (const GroupView& g : groups) {
    EXPECT_EQ(g.members + g.held, 5) << g.group.id;
  }
  const auto alerts = service_->Alerts(kDefaultWorkspace, "gcd_two").value();
  ASSERT_EQ(alerts.size(), 6u);
  EXPECT_NE(alerts[0].find("all 2 groups of gcd_two are full"), std::string::npos);
}

TEST_F(CommunityServiceTest, TheRotationOpensTheNextGroupExactlyWhenAllAreFull) {
  Group("grp_r_1", 3);
  ASSERT_TRUE(service_
                  ->SaveCode(kDefaultWorkspace, ParseGroupCode(R"({"id": "gcd_r",
      "name": "rotating", "kind": "membership", "groups": ["grp_r_1"],
      "template": {"name": "护肤交流群", "owner": "stf_amy", "capacity": 3, "welcome": "欢迎"}})")
                                                    .value())
                  .ok());
  for (int i = 0; i < 16; ++i) Buyer("r" + std::to_string(i));
  for (int i = 0; i < 15; ++i) {
    const RouteResult r =
        service_->Route(kDefaultWorkspace, "gcd_r", "r" + std::to_string(i)).value();
    EXPECT_EQ(r.opened, i % 3 == 0 && i > 0) << i;  // the 4th, 7th, 10th and 13th open one
    EXPECT_EQ(service_->GetCode(kDefaultWorkspace, "gcd_r")->groups.size(),
              static_cast<size_t>(i / 3 + 1))
        << i;
    if (r.opened) {
      EXPECT_EQ(r.group, "grp_r_" + std::to_string(i / 3 + 1));
      EXPECT_EQ(r.group_name, "护肤交流群 " + std::to_string(i / 3 + 1));
      EXPECT_EQ(r.welcome, "欢迎");
      EXPECT_EQ(service_->GetGroup(kDefaultWorkspace, r.group)->group.owner, "stf_amy");
    }
  }
  // Five groups is all a WeCom group code serves: the 16th is refused, and the operator told.
  const auto refused = service_->Route(kDefaultWorkspace, "gcd_r", "r15");
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(refused.status().message().find("at most 5 groups"), std::string::npos);
  const std::vector<std::string> alerts = service_->Alerts(kDefaultWorkspace, "gcd_r").value();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].substr(0, 25), "2026-11-20T10:00:00+08:00");  // the workspace's zone

  // What the rotation did is in the log: the opened groups, the code and the alert come back
  // after a restart, as events, not as saved definitions.
  const std::vector<std::string> groups = service_->GetCode(kDefaultWorkspace, "gcd_r")->groups;
  EXPECT_EQ(engine_->ListObjects(kDefaultWorkspace, "community_group")->size(), 1u);
  Reopen();
  EXPECT_EQ(service_->GetCode(kDefaultWorkspace, "gcd_r")->groups, groups);
  EXPECT_EQ(service_->GetGroup(kDefaultWorkspace, "grp_r_5")->group.name, "护肤交流群 5");
  EXPECT_EQ(service_->GetGroup(kDefaultWorkspace, "grp_r_5")->members +
                service_->GetGroup(kDefaultWorkspace, "grp_r_5")->held,
            3);
  EXPECT_EQ(service_->Alerts(kDefaultWorkspace, "gcd_r").value(), alerts);

  // An operator who saves the code later decides its groups: the openings before do not return.
  clock_.Advance(kMicrosPerMinute);
  GroupCode fewer = service_->GetCode(kDefaultWorkspace, "gcd_r").value();
  fewer.groups = {"grp_r_1", "grp_r_2"};
  ASSERT_TRUE(service_->SaveCode(kDefaultWorkspace, fewer).ok());
  Reopen();
  EXPECT_EQ(service_->GetCode(kDefaultWorkspace, "gcd_r")->groups, fewer.groups);
  EXPECT_TRUE(service_->GetGroup(kDefaultWorkspace, "grp_r_5").ok());  // the group stays known
}

TEST_F(CommunityServiceTest, BalanceSpreadsAndMembershipComesFromEvents) {
  Group("grp_x", 10);
  Group("grp_y", 10);
  ASSERT_TRUE(service_
                  ->SaveCode(kDefaultWorkspace, ParseGroupCode(R"({"id": "gcd_bal",
      "name": "bal", "kind": "membership", "groups": ["grp_x", "grp_y"], "policy": "balance",
      "auto_open": false})")
                                                    .value())
                  .ok());
  std::map<std::string, int> where;
  for (int i = 0; i < 6; ++i) {
    Buyer("k" + std::to_string(i));
    ++where[service_->Route(kDefaultWorkspace, "gcd_bal", "k" + std::to_string(i))->group];
  }
  EXPECT_EQ(where["grp_x"], 3);
  EXPECT_EQ(where["grp_y"], 3);
  // k0 joins grp_x (WeCom's callback), k1 too and then leaves.
  Track("j0", "k0", "group_joined", {{"group_id", "grp_x"}});
  Track("j1", "k1", "group_joined", {{"group_id", "grp_x"}});
  Track("l1", "k1", "group_left", {{"group_id", "grp_x"}});
  EXPECT_EQ(service_->Members(kDefaultWorkspace, "grp_x").value(),
            std::vector<std::string>{Id("k0")});
  // A held place lapses after 24 hours.
  clock_.Advance(25 * kMicrosPerHour);
  EXPECT_EQ(service_->GetGroup(kDefaultWorkspace, "grp_y")->held, 0);
  Reopen();
  EXPECT_EQ(service_->GetGroup(kDefaultWorkspace, "grp_x")->members, 1);
  const RouteResult again = service_->Route(kDefaultWorkspace, "gcd_bal", "k0").value();
  EXPECT_TRUE(again.again);
  EXPECT_EQ(again.group, "grp_x");
  // Health through the service.
  Track("msg", "k0", "group_message", {{"group_id", "grp_x"}, {"is_ad", false}});
  const GroupHealth h = service_->Health(kDefaultWorkspace, "grp_x").value();
  EXPECT_EQ(h.members, 1);
  EXPECT_EQ(h.active_members, 1);
  EXPECT_EQ(service_->Health(kDefaultWorkspace, "grp_nope").status().code(), StatusCode::kNotFound);
}

TEST_F(CommunityServiceTest, AJourneysInvitationIsRoutedOnceEvenAcrossARestart) {
  Group("grp_j", 10);
  ASSERT_TRUE(service_
                  ->SaveCode(kDefaultWorkspace, ParseGroupCode(R"({"id": "gcd_j",
      "name": "j", "kind": "membership", "groups": ["grp_j"], "auto_open": false})")
                                                    .value())
                  .ok());
  Buyer("yes");
  Track("hi", "no", "page_viewed", json::object());
  // What an invite_to_group step writes (journey_advance.cc).
  Track("inv-yes", "yes", "group_invited", {{"group", "gcd_j"}});
  Track("inv-no", "no", "group_invited", {{"group", "gcd_j"}});
  Track("inv-direct", "yes", "group_invited", {{"group", "grp_j"}});  // a group named directly
  EXPECT_EQ(service_->RunDue().value(), 3);
  EXPECT_EQ(service_->RunDue().value(), 0);
  EXPECT_EQ(service_->GetGroup(kDefaultWorkspace, "grp_j")->held, 1);
  auto outcomes = [&](const std::string& user) {
    std::vector<std::string> out;
    const CustomerProfile p = engine_->GetCustomer(kDefaultWorkspace, user, 50).value();
    for (const Event& e : p.timeline) {
      if (e.name == kGroupInviteDecided) out.push_back(json::parse(e.properties)["outcome"]);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(outcomes("yes"), (std::vector<std::string>{"again", "routed"}));
  EXPECT_EQ(outcomes("no"), std::vector<std::string>{"refused"});
  // One more invitation, and a restart before it is decided: decided once, after.
  Buyer("late");
  Track("inv-late", "late", "group_invited", {{"group", "gcd_j"}});
  Reopen();
  EXPECT_EQ(service_->RunDue().value(), 1);
  EXPECT_EQ(service_->RunDue().value(), 0);
  EXPECT_EQ(outcomes("late"), std::vector<std::string>{"routed"});
  EXPECT_EQ(service_->GetGroup(kDefaultWorkspace, "grp_j")->held, 2);
}

TEST(CommunityGroupTest, DefinitionsNameTheField) {
  EXPECT_EQ(ParseGroup(R"({"id": "vip", "name": "x", "kind": "membership"})").status().field(),
            "id");
  EXPECT_EQ(ParseGroup(R"({"id": "grp_v", "name": "x", "kind": "vip"})").status().field(), "kind");
  EXPECT_EQ(ParseGroup(R"({"id": "grp_v", "name": "x", "kind": "interest", "capacity": 501})")
                .status()
                .field(),
            "capacity");
  EXPECT_EQ(ParseGroupCode(R"({"id": "gcd_v", "name": "x", "kind": "interest", "groups":
      ["grp_1", "grp_2", "grp_3", "grp_4", "grp_5", "grp_6"]})")
                .status()
                .field(),
            "groups");
  EXPECT_EQ(ParseGroupCode(R"({"id": "gcd_v", "name": "x", "kind": "interest"})").status().field(),
            "template");
  EXPECT_EQ(ParseGroupCode(R"({"id": "gcd_v", "name": "x", "kind": "interest", "policy": "random",
      "groups": ["grp_1"], "auto_open": false})")
                .status()
                .field(),
            "policy");
  const CommunityGroup g =
      ParseGroup(R"({"id": "grp_v", "name": "会员群", "kind": "membership"})").value();
  EXPECT_EQ(EntryRule(g), "count(order_paid) >= 1");
  EXPECT_EQ(ParseGroup(GroupJson(g).dump())->name, "会员群");
  for (
      const char* code :  // what is written reads back
      {R"({"id": "gcd_a", "name": "a", "kind": "interest", "groups": ["grp_1"], "auto_open": false})",
       R"({"id": "gcd_b", "name": "b", "kind": "interest", "template": {"name": "t"}})"}) {
    const GroupCode c = ParseGroupCode(code).value();
    EXPECT_EQ(ParseGroupCode(GroupCodeJson(c).dump()).value().id, c.id);
  }
}

}  // namespace
}  // namespace pond
