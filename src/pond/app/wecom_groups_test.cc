// Group codes as WeCom join ways against the WeCom test corp, through the real HTTP client: the
// demo world's club code published and moved on by a rotation, a group WeCom opens itself taken
// into its code, and a dismissed group letting its members go.
#include "pond/app/wecom_groups.h"

#include <gtest/gtest.h>

#include "pond/app/demo.h"
#include "pond/app/wecom_sync.h"
#include "pond/app/wecom_test_app.h"
#include "pond/channels/wecom/chat_sends.h"
#include "pond/channels/wecom/join_ways.h"
#include "pond/channels/wecom/wecom_callback.h"
#include "pond/community/community_service.h"
#include "pond/model/event_names.h"
#include "pond/testing/temp_dir.h"
#include "pond/testing/wecom_test_corp.h"

namespace pond::app {
namespace {

testing::CorpShape SmallCorp() {
  testing::CorpShape shape;
  shape.staff = 3;
  shape.customers = 400;
  shape.groups = 2;
  return shape;
}

class WecomGroupCodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AppOptions o;
    o.engine.data_dir = dir_.path().string();
    o.engine.clock = &clock_;
    app_ = App::Open(o).value();
    ASSERT_TRUE(app_->Start(kAllParts).ok());
    ASSERT_TRUE(ConnectToTestCorp(*app_, ws_, corp_).ok());
  }
  CommunityService& community() { return app_->community(); }
  // The chats of the code's groups with room, in the code's order, as pond sees them.
  std::vector<std::string> ChatsWithRoom(const std::string& code_id) {
    std::vector<std::string> out;
    const GroupCode code = community().GetCode(ws_, code_id).value();
    for (const std::string& g : code.groups) {
      const GroupView v = community().GetGroup(ws_, g).value();
      if (!v.group.chat_id.empty() && v.members + v.held < v.group.capacity) {
        out.push_back(v.group.chat_id);
      }
    }
    return out;
  }
  // WeCom posts change_external_chat for `chat`; the worker's follow-ups run.
  void ChatCallback(const std::string& chat, const std::string& change) {
    const wecom::WecomConfig config{"QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
                                    corp_.shape().corp_id};
    ASSERT_TRUE(app_->wecom().configs().Put(ws_, config).ok());
    const std::string inner =
        "<xml><ToUserName><![CDATA[" + config.corp_id +
        "]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1767225600"
        "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]>"
        "</Event><ChatId><![CDATA[" +
        chat + "]]></ChatId><ChangeType><![CDATA[" + change + "]]></ChangeType></xml>";
    const wecom::SealedCallback c = wecom::SealCallback(config, inner, "1767225600", "n0nce");
    Result<wecom::Received> r = app_->wecom().Receive(ws_, c.query, c.body);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->events.empty());
    EXPECT_GE(app_->wecom().RunFollowUps(), 1);
  }
  const testing::CorpJoinWay* WayFor(const std::vector<testing::CorpJoinWay>& ways,
                                     const std::string& state) {
    for (const auto& w : ways) {
      if (w.state == state) return &w;
    }
    return nullptr;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  testing::WecomTestCorp corp_{SmallCorp()};
  std::unique_ptr<App> app_;
  const std::string ws_ = kDefaultWorkspace;
};

TEST_F(WecomGroupCodeTest, TheDemoClubCodeIsAJoinWayThatARotationMovesOn) {
  sim::DemoParams params = sim::DefaultDemoParams();
  params.customers = 1'500;
  params.days = 45;
  params.seed = 5;
  clock_.Set(params.end_micros - static_cast<Micros>(params.days + 1) * kMicrosPerDay);
  ASSERT_TRUE(RunDemoWorld(*app_, clock_, params).ok());
  GroupCode club = community().GetCode(ws_, "gcd_club").value();
  ASSERT_GE(club.groups.size(), 1u);

  // Without WeCom groups the code is pond's alone: no join way.
  ASSERT_TRUE(app_->wecom().KeepJoinWays(ws_).ok());
  EXPECT_TRUE(corp_.join_ways().empty());

  // The brand's staff open the club's groups in WeCom; an operator binds each to its chat.
  for (const std::string& id : club.groups) {
    CommunityGroup g = community().GetGroup(ws_, id).value().group;
    g.chat_id = corp_.CreateChat(corp_.staff()[0], g.name);
    ASSERT_TRUE(community().SaveGroup(ws_, g).ok());
  }
  // The first group with room (else the last) has room for two more: a rotation is near.
  club = community().GetCode(ws_, "gcd_club").value();
  std::string filling = club.groups.back();
  for (const std::string& id : club.groups) {
    const GroupView v = community().GetGroup(ws_, id).value();
    if (v.members + v.held < v.group.capacity) {
      filling = id;
      break;
    }
  }
  CommunityGroup f = community().GetGroup(ws_, filling).value().group;
  const GroupView before = community().GetGroup(ws_, filling).value();
  f.capacity = static_cast<int>(before.members + before.held) + 2;
  ASSERT_TRUE(community().SaveGroup(ws_, f).ok());

  ASSERT_TRUE(app_->wecom().KeepJoinWays(ws_).ok());
  std::vector<testing::CorpJoinWay> ways = corp_.join_ways();
  ASSERT_EQ(ways.size(), 1u);
  const testing::CorpJoinWay* way = WayFor(ways, "gcd_club");
  ASSERT_NE(way, nullptr);
  EXPECT_EQ(way->scene, 2);
  EXPECT_EQ(way->auto_create_room, 1);
  EXPECT_EQ(way->room_base_name, "会员俱乐部");
  EXPECT_EQ(way->chat_id_list, ChatsWithRoom("gcd_club"));
  ASSERT_FALSE(way->chat_id_list.empty());
  EXPECT_EQ(way->chat_id_list[0], f.chat_id);
  const std::vector<wecom::JoinWay> kept = wecom::JoinWays(app_->engine(), ws_).value();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].config_id, way->config_id);
  EXPECT_NE(kept[0].qr_code.find(way->config_id), std::string::npos) << kept[0].qr_code;

  // Nothing changed: WeCom is not asked again.
  ASSERT_TRUE(app_->wecom().KeepJoinWays(ws_).ok());
  EXPECT_EQ(corp_.calls("update_join_way"), 0);

  // Two customers routed by the code fill that group: the rotation moves on.
  std::vector<std::string> customers;
  ASSERT_TRUE(app_->engine()
                  .ReadState(ws_,
                             [&](const TenantState& state) {
                               const CustomerColumns& c = state.customers();
                               for (uint32_t i = 0; i < c.size(); ++i) {
                                 if (c.merged_into[i] == kNoIndex) {
                                   customers.push_back(TenantState::CustomerId(i));
                                 }
                               }
                             })
                  .ok());
  int routed = 0;
  for (const std::string& c : customers) {
    Result<RouteResult> r = community().Route(ws_, "gcd_club", c);
    if (r.ok() && !r->again) {
      EXPECT_EQ(r->group, f.id);
      ++routed;
    }
    if (routed == 2) break;
  }
  ASSERT_EQ(routed, 2);
  std::vector<std::string> now = ChatsWithRoom("gcd_club");
  EXPECT_EQ(std::find(now.begin(), now.end(), f.chat_id), now.end());
  if (now.empty()) {  // every WeCom group is full: a staff member opens the next one
    CommunityGroup next;
    next.id = "grp_club_wx";
    next.name = "会员俱乐部 WeCom";
    next.kind = GroupKind::kMembership;
    next.capacity = 60;
    next.chat_id = corp_.CreateChat(corp_.staff()[1], next.name);
    ASSERT_TRUE(community().SaveGroup(ws_, next).ok());
    club = community().GetCode(ws_, "gcd_club").value();
    club.groups.push_back(next.id);
    if (club.groups.size() > 5) club.groups.erase(club.groups.begin());
    ASSERT_TRUE(community().SaveCode(ws_, club).ok());
    now = ChatsWithRoom("gcd_club");
  }

  ASSERT_TRUE(app_->wecom().KeepJoinWays(ws_).ok());
  EXPECT_EQ(corp_.calls("update_join_way"), 1);
  ways = corp_.join_ways();
  way = WayFor(ways, "gcd_club");
  ASSERT_NE(way, nullptr);
  EXPECT_EQ(way->chat_id_list, now);
  EXPECT_EQ(corp_.calls("add_join_way"), 1);  // the same join way, updated
}

TEST_F(WecomGroupCodeTest, AGroupWecomOpensJoinsItsCodeAndADismissedOneLetsItsMembersGo) {
  // A code over one WeCom group; WeCom opens the next itself when it is full.
  CommunityGroup first;
  first.id = "grp_vip_1";
  first.name = "VIP 群1";
  first.owner = corp_.staff()[0];
  first.chat_id = corp_.CreateChat(corp_.staff()[0], first.name);
  ASSERT_TRUE(community().SaveGroup(ws_, first).ok());
  GroupCode code;
  code.id = "gcd_vip";
  code.name = "VIP 群活码";
  code.groups = {first.id};
  code.group_template = {"VIP 群", corp_.staff()[0], 200, "欢迎！"};
  ASSERT_TRUE(community().SaveCode(ws_, code).ok());
  ASSERT_TRUE(app_->wecom().KeepJoinWays(ws_).ok());
  ASSERT_EQ(corp_.join_ways().size(), 1u);
  const std::string config = corp_.join_ways()[0].config_id;
  EXPECT_EQ(corp_.join_ways()[0].room_base_id, 2);

  // 199 customers scan the code (WeCom takes no one by QR code from 200 members); the 200th
  // lands in a group WeCom opens, "VIP 群2".
  std::string opened;
  for (int i = 0; i < 200; ++i) {
    opened = corp_.JoinByWay(config, corp_.customers()[static_cast<size_t>(i)].external_userid);
  }
  ASSERT_NE(opened, first.chat_id);
  ASSERT_FALSE(opened.empty());
  // WeCom's create callback, followed up: the group is read, saved and taken into the code.
  ChatCallback(opened, "create");
  const std::string opened_id = wecom::GroupIdForChat(opened);
  const GroupView view = community().GetGroup(ws_, opened_id).value();
  EXPECT_EQ(view.group.name, "VIP 群2");
  EXPECT_EQ(view.group.kind, GroupKind::kInterest);  // the code's kind
  EXPECT_EQ(view.group.capacity, 200);               // the code's template
  EXPECT_EQ(view.members, 1);
  EXPECT_EQ(community().GetCode(ws_, "gcd_vip").value().groups,
            (std::vector<std::string>{first.id, opened_id}));
  // Again (WeCom retries a callback it thinks was lost): nothing more.
  ChatCallback(opened, "create");
  EXPECT_EQ(community().GetGroup(ws_, opened_id).value().members, 1);

  // The owner dismisses the new group: its member leaves, nobody is routed there again.
  ChatCallback(opened, "dismiss");
  const GroupView gone = community().GetGroup(ws_, opened_id).value();
  EXPECT_TRUE(gone.group.dismissed);
  EXPECT_EQ(gone.members, 0);
  // The join way no longer lists it.
  const std::vector<testing::CorpJoinWay> ways = corp_.join_ways();
  for (const std::string& chat : ways[0].chat_id_list) EXPECT_NE(chat, opened);
}

TEST_F(WecomGroupCodeTest, AGroupSendIsATaskPerOwnerAndEachSentGroupsCampaignCountsOnce) {
  // The test corp's day 1 is 2025-01-02: the group health looks at the 14 days before now.
  clock_.Set((1'735'660'800LL + 2 * 86'400) * kMicrosPerSecond);
  ASSERT_TRUE(app_->wecom().Sync(ws_, WecomSyncOptions(*app_, ws_)).ok());
  const auto& g0 = corp_.groups()[0];
  const auto& g1 = corp_.groups()[1];
  ASSERT_NE(g0.owner, g1.owner);
  const std::string id0 = wecom::GroupIdForChat(g0.chat_id),
                    id1 = wecom::GroupIdForChat(g1.chat_id);
  const int tasks_before = corp_.tasks();
  Result<wecom::ChatSend> sent = SendToGroups(*app_, ws_, "weekend-1", {id0, id1}, "周末活动");
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->tasks.size(), 2u);  // one per owner
  EXPECT_EQ(corp_.tasks(), tasks_before + 2);
  // The same id again: what was done, and nothing sent twice.
  EXPECT_EQ(SendToGroups(*app_, ws_, "weekend-1", {id0, id1}, "周末活动")->tasks.size(), 2u);
  EXPECT_EQ(corp_.tasks(), tasks_before + 2);

  // Nothing is sent before the owner confirms; then group 0's customers each get the touch, and
  // its health counts one campaign.
  EXPECT_EQ(app_->wecom().PollGroupSends(ws_).value(), 0);
  corp_.ConfirmTasks(g0.owner);
  int64_t members = 0;
  for (const auto& m : g0.members) members += m.type == 2;
  EXPECT_EQ(app_->wecom().PollGroupSends(ws_).value(), members);
  EXPECT_EQ(app_->wecom().PollGroupSends(ws_).value(), 0);
  EXPECT_EQ(community().Health(ws_, id0)->campaigns, 1);
  EXPECT_EQ(community().Health(ws_, id1)->campaigns, 0);
  // A second send to group 0 the same day is over WeCom's daily limit: not sent.
  ASSERT_TRUE(SendToGroups(*app_, ws_, "weekend-2", {id0}, "再提醒一次").ok());
  corp_.ConfirmTasks(g0.owner);
  EXPECT_EQ(app_->wecom().PollGroupSends(ws_).value(), 0);
  const std::vector<wecom::ChatSend> sends = wecom::ChatSends(app_->engine(), ws_).value();
  for (const wecom::ChatSend& s : sends) {
    if (s.id == "weekend-2") {
      EXPECT_EQ(s.failed, 1);
    }
    if (s.id == "weekend-1") {
      EXPECT_EQ(s.sent, 1);
    }
  }
  EXPECT_EQ(community().Health(ws_, id0)->campaigns, 1);

  // A group pond alone knows, or one WeCom dismissed, is refused by its place in the list.
  CommunityGroup local;
  local.id = "grp_local";
  local.name = "线下群";
  ASSERT_TRUE(community().SaveGroup(ws_, local).ok());
  const Status refused = SendToGroups(*app_, ws_, "x", {id1, "grp_local"}, "hi").status();
  EXPECT_NE(refused.ToString().find("groups[1]"), std::string::npos) << refused.ToString();
  EXPECT_EQ(SendToGroups(*app_, ws_, "y", {id0}, "").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(WecomGroupCodeTest, AJoinWayWhoseQrCodeWasNotReadIsNotMadeTwice) {
  CommunityGroup g;
  g.id = "grp_qr";
  g.name = "QR";
  g.chat_id = corp_.CreateChat(corp_.staff()[0], g.name);
  ASSERT_TRUE(community().SaveGroup(ws_, g).ok());
  GroupCode code;
  code.id = "gcd_qr";
  code.name = "QR code";
  code.groups = {g.id};
  code.auto_open = false;
  ASSERT_TRUE(community().SaveCode(ws_, code).ok());
  corp_.FailNext("get_join_way", 45009);  // made at WeCom, then its QR code cannot be read
  EXPECT_EQ(app_->wecom().KeepJoinWays(ws_).code(), StatusCode::kUnavailable);
  ASSERT_TRUE(app_->wecom().KeepJoinWays(ws_).ok());
  EXPECT_EQ(corp_.calls("add_join_way"), 1);
  const std::vector<wecom::JoinWay> kept = wecom::JoinWays(app_->engine(), ws_).value();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_NE(kept[0].qr_code.find(kept[0].config_id), std::string::npos) << kept[0].qr_code;
}

TEST_F(WecomGroupCodeTest, WecomsRefusalIsTheErrorAndStoresNoJoinWay) {
  CommunityGroup g;
  g.id = "grp_ghost";
  g.name = "Ghost";
  g.chat_id = "wrNOSUCHCHAT";
  ASSERT_TRUE(community().SaveGroup(ws_, g).ok());
  GroupCode code;
  code.id = "gcd_ghost";
  code.name = "Ghost code";
  code.groups = {g.id};
  code.auto_open = false;
  ASSERT_TRUE(community().SaveCode(ws_, code).ok());
  const Status s = app_->wecom().KeepJoinWays(ws_);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("40050"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("gcd_ghost"), std::string::npos) << s.ToString();
  EXPECT_TRUE(wecom::JoinWays(app_->engine(), ws_).value().empty());
}

}  // namespace
}  // namespace pond::app
