// A broadcast on the wecom channel against the WeCom test corp: one task per staff member,
// results read back once the staff confirm them — sent, not a friend, over WeCom's one group
// message a day — and a task never confirmed closed as unsent after three days.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pond/channels/outbound/delivery_service.h"
#include "pond/channels/wecom/wecom_service.h"
#include "pond/engine/tenant_state.h"
#include "pond/testing/temp_dir.h"
#include "pond/testing/wecom_test_corp.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

class GroupSendTest : public ::testing::Test {
 protected:
  GroupSendTest() : corp_(Shape()) {
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    engine_ = Engine::Open(o).value();
    deliveries_ = outbound::DeliveryService::Start(engine_.get()).value();
    service_ = WecomService::Open(engine_.get(), o.data_dir + "/wecom.key",
                                  ApiSettingsOf(deliveries_.get()))
                   .value();
    auto settings = outbound::ParseChannelSettings(json({{"wecom",
                                                          {{"base_url", corp_.url()},
                                                           {"corp_id", corp_.shape().corp_id},
                                                           {"secret", corp_.shape().secret}}},
                                                         {"templates", {{"sale", "双十二会员价"}}}})
                                                       .dump());
    EXPECT_TRUE(settings.ok()) << settings.status().ToString();
    EXPECT_TRUE(deliveries_->SetSettings(kDefaultWorkspace, *settings).ok());
    EXPECT_TRUE(service_->Sync(kDefaultWorkspace, {}).ok());
  }
  static testing::CorpShape Shape() {
    testing::CorpShape shape;
    shape.staff = 3;
    shape.customers = 60;
    shape.groups = 0;
    return shape;
  }
  // A broadcast's send decisions: every customer from their owner, one also from a staff member
  // who is not their friend.
  void Broadcast(const std::string& name) {
    std::vector<Event> batch;
    for (const auto& c : corp_.customers()) {
      auto p = engine_->GetCustomer(kDefaultWorkspace, "external_userid:" + c.external_userid, 0);
      ASSERT_TRUE(p.ok());
      batch.push_back(Decision(name + ":" + c.external_userid, p->summary.id, p->summary.owner));
    }
    const auto& first = corp_.customers()[0];
    std::string stranger;
    for (const std::string& s : corp_.staff()) {
      bool friends = false;
      for (const auto& f : first.follows) friends |= f.userid == s;
      if (!friends) stranger = s;
    }
    batch.push_back(Decision(
        name + ":stranger",
        engine_->ResolveCustomer(kDefaultWorkspace, "external_userid:" + first.external_userid)
            .value(),
        stranger));
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, std::move(batch)).ok());
  }
  static Event Decision(const std::string& id, const std::string& customer,
                        const std::string& staff) {
    Event e;
    e.message_id = id;
    e.name = "message_sent";
    e.identities = {{IdentityKind::kCustomerId, customer}};
    e.properties = json({{"journey", "broadcast"},
                         {"step", "send"},
                         {"channel", "wecom"},
                         {"template", "sale"},
                         {"staff", staff}})
                       .dump();
    return e;
  }
  // The wecom_send_result events by status.
  std::map<std::string, int> Results() {
    std::map<std::string, int> out;
    std::vector<int64_t> seqs;
    (void)engine_->ReadState(kDefaultWorkspace, [&](const TenantState& state) {
      const uint32_t name = state.FindEventName(kWecomSendResult);
      if (name == kNoIndex) return;
      for (const Posting& p : state.EventsNamed(name)) seqs.push_back(state.events().seq[p.event]);
    });
    const std::vector<Event> events = engine_->LoadEvents(seqs).value();  // kept: not a temporary
    for (const Event& e : events) {
      ++out[json::parse(e.properties).value("status", "")];
    }
    return out;
  }
  int64_t Poll() {
    auto r = service_->PollGroupSends(kDefaultWorkspace);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : -1;
  }

  testing::WecomTestCorp corp_;
  testing::TempDir dir_;
  FakeClock clock_{1'790'000'000LL * kMicrosPerSecond};
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<outbound::DeliveryService> deliveries_;
  std::unique_ptr<WecomService> service_;
};

TEST_F(GroupSendTest, ResultsComeBackOnceTheStaffConfirmTheirTasks) {
  const int customers = static_cast<int>(corp_.customers().size());
  Broadcast("b1");
  ASSERT_TRUE(deliveries_->RunDue().ok());
  EXPECT_EQ(corp_.tasks(), 3);  // one per staff member, the stranger's send in its task
  EXPECT_EQ(Poll(), 1);         // nothing is sent before a confirmation: only the non-friend
  EXPECT_EQ(Results(), (std::map<std::string, int>{{"not_friend", 1}}));

  for (const std::string& s : corp_.staff()) corp_.ConfirmTasks(s);
  EXPECT_EQ(Poll(), customers);
  EXPECT_EQ(Poll(), 0);  // read again: nothing new
  EXPECT_EQ(Results(), (std::map<std::string, int>{{"not_friend", 1}, {"sent", customers}}));

  // A second broadcast the same day: WeCom sends each customer one group message a day.
  Broadcast("b2");
  ASSERT_TRUE(deliveries_->RunDue().ok());
  for (const std::string& s : corp_.staff()) corp_.ConfirmTasks(s);
  EXPECT_EQ(Poll(), customers + 1);
  EXPECT_EQ(Results(), (std::map<std::string, int>{
                           {"not_friend", 2}, {"sent", customers}, {"over_limit", customers}}));

  // The next day's broadcast is never confirmed: three days on, its customers are unsent.
  corp_.NextDay();
  Broadcast("b3");
  ASSERT_TRUE(deliveries_->RunDue().ok());
  EXPECT_EQ(Poll(), 1);
  clock_.Advance(kGroupSendOpenFor + kMicrosPerHour);
  EXPECT_EQ(Poll(), customers);
  EXPECT_EQ(Results()["unsent"], customers);
  EXPECT_EQ(Poll(), 0);  // closed
}

}  // namespace
}  // namespace pond::wecom
