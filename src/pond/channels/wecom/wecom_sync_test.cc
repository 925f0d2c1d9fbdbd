// Sync against the WeCom test corp (pond/testing/wecom_test_corp.h) through the real HTTP
// client: the whole corp arrives once, unionids merge into profiles pond already had, a second
// run adds nothing, and an expired token, WeCom's frequency limit, a dead upstream and a run
// stopped half-way all end with the same counts.
#include "pond/channels/wecom/wecom_sync.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "pond/engine/tenant_state.h"
#include "pond/model/event_names.h"
#include "pond/testing/temp_dir.h"
#include "pond/testing/wecom_test_corp.h"

namespace pond::wecom {
namespace {

using nlohmann::json;
using testing::CorpShape;
using testing::WecomTestCorp;

CorpShape SmallCorp() {
  CorpShape shape;
  shape.staff = 12;
  shape.customers = 2'500;
  shape.groups = 30;
  return shape;
}

class WecomSyncTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    engine_.reset();
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    engine_ = Engine::Open(o).value();
  }
  outbound::WecomApi Api() {
    outbound::WecomApiSettings s;
    s.base_url = corp_.url();
    s.corp_id = corp_.shape().corp_id;
    s.secret = corp_.shape().secret;
    return outbound::WecomApi(s, &clock_);
  }
  SyncOptions Options() {
    SyncOptions o;
    o.sleep = [this](std::chrono::milliseconds ms) { waits_.push_back(ms.count()); };
    o.save_group = [this](const SyncedGroup& g) {
      groups_[g.id] = g;
      return Status::Ok();
    };
    return o;
  }
  Result<SyncProgress> Sync(SyncOptions o) {
    outbound::WecomApi api = Api();
    return SyncCorp(*engine_, api, kDefaultWorkspace, corp_.shape().corp_id, o);
  }
  // What pond holds: live customers, friendships and group memberships, by the state.
  struct Counts {
    int64_t customers = 0, friendships = 0, joined = 0, events = 0;
    bool operator==(const Counts&) const = default;
  };
  Counts Held() {
    Counts c;
    EXPECT_TRUE(engine_
                    ->ReadState(kDefaultWorkspace,
                                [&](const TenantState& state) {
                                  c.customers = state.live_customers();
                                  const CustomerColumns& cs = state.customers();
                                  for (size_t i = 0; i < cs.size(); ++i) {
                                    if (cs.merged_into[i] != kNoIndex) continue;
                                    c.friendships += static_cast<int64_t>(cs.friends[i].size());
                                  }
                                  const uint32_t joined = state.FindEventName(kGroupJoined);
                                  if (joined != kNoIndex) {
                                    c.joined =
                                        static_cast<int64_t>(state.EventsNamed(joined).size());
                                  }
                                  c.events = static_cast<int64_t>(state.events().size());
                                })
                    .ok());
    return c;
  }
  int64_t CorpMemberships() {
    int64_t n = 0;
    for (const auto& g : corp_.groups()) {
      for (const auto& m : g.members) n += m.type == 2;
    }
    return n;
  }

  WecomTestCorp corp_{SmallCorp()};
  testing::TempDir dir_;
  FakeClock clock_{1'790'000'000LL * kMicrosPerSecond};  // 2026
  std::unique_ptr<Engine> engine_;
  std::vector<int64_t> waits_;
  std::map<std::string, SyncedGroup> groups_;
};

TEST_F(WecomSyncTest, TheWholeCorpArrivesOnceAndUnionidsMergeIntoKnownProfiles) {
  // A customer pond knew from the mini program, by unionid, before WeCom was connected.
  const auto& known = corp_.customers()[5];
  ASSERT_FALSE(known.unionid.empty());
  Event mp;
  mp.message_id = "mp-login-5";
  mp.type = EventType::kIdentify;
  mp.user_id = "mp-user-5";
  mp.identities = {{IdentityKind::kUnionId, known.unionid}};
  ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {mp}).ok());

  auto first = Sync(Options());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->phase, "done");
  EXPECT_EQ(first->staff_list, corp_.staff());
  // Every staff member with customer contact is a staff account, and no one else.
  std::vector<std::string> accounts;
  const std::vector<StaffAccount> saved = engine_->ListStaffAccounts(kDefaultWorkspace).value();
  for (const StaffAccount& a : saved) {
    EXPECT_EQ(a.wecom_userid, a.id);
    accounts.push_back(a.id);
  }
  std::sort(accounts.begin(), accounts.end());
  std::vector<std::string> staff = corp_.staff();
  std::sort(staff.begin(), staff.end());
  EXPECT_EQ(accounts, staff);
  EXPECT_EQ(first->contacts, corp_.follow_pairs());
  EXPECT_EQ(first->groups, static_cast<int64_t>(corp_.groups().size()));
  EXPECT_EQ(first->group_members, CorpMemberships());
  EXPECT_EQ(first->retries, 0);

  const Counts held = Held();
  EXPECT_EQ(held.customers, static_cast<int64_t>(corp_.customers().size()));
  EXPECT_EQ(held.friendships, corp_.follow_pairs());
  EXPECT_EQ(held.joined, CorpMemberships());
  EXPECT_EQ(engine_->ResolveCustomer(kDefaultWorkspace, "external_userid:" + known.external_userid)
                .value(),
            engine_->ResolveCustomer(kDefaultWorkspace, "mp-user-5").value());

  // Each customer's owner, channel and name as WeCom has them.
  for (size_t i : {size_t{0}, size_t{17}, size_t{999}, corp_.customers().size() - 1}) {
    const auto& c = corp_.customers()[i];
    auto p = engine_->GetCustomer(kDefaultWorkspace, "external_userid:" + c.external_userid);
    ASSERT_TRUE(p.ok()) << c.external_userid;
    EXPECT_EQ(p->summary.owner, c.follows[0].userid);
    EXPECT_EQ(p->summary.channel, c.follows[0].state);
    EXPECT_EQ(json::parse(p->summary.traits).value("name", ""), c.name);
  }
  ASSERT_EQ(groups_.size(), corp_.groups().size());
  const auto& g0 = corp_.groups()[0];
  const SyncedGroup& synced = groups_.at(GroupIdForChat(g0.chat_id));
  EXPECT_EQ(synced.name, g0.name);
  EXPECT_EQ(synced.owner, g0.owner);
  EXPECT_EQ(synced.customers, static_cast<int64_t>(g0.members.size()) - 1);

  const int pages = corp_.calls("batch/get_by_user");
  EXPECT_EQ(pages, static_cast<int>((corp_.follow_pairs() + 99) / 100));
  auto second = Sync(Options());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->events_stored, 0);
  EXPECT_EQ(second->contacts, corp_.follow_pairs());
  EXPECT_EQ(Held(), held);
  EXPECT_EQ(engine_->ListStaffAccounts(kDefaultWorkspace).value().size(), staff.size());
}

TEST_F(WecomSyncTest, AnExpiredTokenAndWecomsFrequencyLimitAreWaitedOut) {
  SyncOptions o = Options();
  int pages = 0;
  o.on_progress = [&](const SyncProgress&) {
    if (++pages == 3) {
      corp_.ExpireTokens();
      corp_.FailNext("batch/get_by_user", 45009, 2);
    }
    return true;
  };
  auto r = Sync(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->phase, "done");
  EXPECT_EQ(r->retries, 2);
  EXPECT_EQ(waits_, (std::vector<int64_t>{1000, 2000}));  // backing off
  EXPECT_EQ(corp_.tokens_issued(), 2);                    // fetched again once, when refused
  EXPECT_EQ(Held().friendships, corp_.follow_pairs());
}

TEST_F(WecomSyncTest, ARunStoppedHalfWayResumesAfterARestartWithTheSameCounts) {
  SyncOptions o = Options();
  int pages = 0;
  o.on_progress = [&](const SyncProgress&) { return ++pages < 9; };
  auto stopped = Sync(o);
  ASSERT_TRUE(stopped.ok()) << stopped.status().ToString();
  EXPECT_EQ(stopped->phase, "customers");
  EXPECT_GT(stopped->contacts, 0);
  EXPECT_LT(stopped->contacts, corp_.follow_pairs());
  const int64_t stored_before = stopped->events_stored;

  Reopen();  // as after a crash: the progress and the events are what the store kept
  auto resumed = LoadSyncProgress(*engine_, kDefaultWorkspace);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->phase, "customers");
  EXPECT_EQ(resumed->cursor, stopped->cursor);
  const int calls_before = corp_.calls("batch/get_by_user");
  auto done = Sync(Options());
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->phase, "done");
  EXPECT_EQ(done->contacts, corp_.follow_pairs());
  // It went on from the saved cursor rather than starting again: no page was read twice.
  EXPECT_GT(calls_before, 0);
  EXPECT_EQ(corp_.calls("batch/get_by_user"), static_cast<int>((corp_.follow_pairs() + 99) / 100));
  EXPECT_GT(done->events_stored, stored_before);
  const Counts held = Held();
  EXPECT_EQ(held.customers, static_cast<int64_t>(corp_.customers().size()));
  EXPECT_EQ(held.friendships, corp_.follow_pairs());
  EXPECT_EQ(held.joined, CorpMemberships());
}

TEST_F(WecomSyncTest, ProgressLostInACrashOnlyCostsRereadingPagesThatStoreNothing) {
  SyncOptions o = Options();
  int pages = 0;
  o.on_progress = [&](const SyncProgress&) { return ++pages < 12; };
  ASSERT_TRUE(Sync(o).ok());
  // The crash came after the events were stored but before the progress was: it is gone.
  ASSERT_TRUE(engine_->DeleteObject(kDefaultWorkspace, kSyncProgressKind, "progress").ok());
  auto done = Sync(Options());
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->phase, "done");
  const Counts held = Held();
  EXPECT_EQ(held.customers, static_cast<int64_t>(corp_.customers().size()));
  EXPECT_EQ(held.friendships, corp_.follow_pairs());
  EXPECT_EQ(held.joined, CorpMemberships());
}

TEST_F(WecomSyncTest, ADeadUpstreamFailsTheRunWhichResumesOnceItIsBack) {
  corp_.BreakAfter(7);
  auto failed = Sync(Options());
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(failed.status().message().find("HTTP 503"), std::string::npos)
      << failed.status().ToString();
  auto saved = LoadSyncProgress(*engine_, kDefaultWorkspace).value();
  EXPECT_EQ(saved.phase, "customers");
  EXPECT_NE(saved.error.find("HTTP 503"), std::string::npos);
  EXPECT_EQ(SyncProgressJson(saved)["state"], "failed");
  EXPECT_EQ(waits_.size(), 5u);  // six tries, five waits

  corp_.Mend();
  auto done = Sync(Options());
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->error, "");
  EXPECT_EQ(Held().friendships, corp_.follow_pairs());
}

TEST_F(WecomSyncTest, WecomsRefusalsEndTheRunWithTheirErrcode) {
  corp_.FailNext("groupchat/list", 84061, 1);
  auto r = Sync(Options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("wecom errcode 84061"), std::string::npos)
      << r.status().ToString();
  EXPECT_TRUE(waits_.empty());  // not a transient refusal: no waiting
  EXPECT_EQ(LoadSyncProgress(*engine_, kDefaultWorkspace)->phase, "groups");

  outbound::WecomApiSettings wrong;
  wrong.base_url = corp_.url();
  wrong.corp_id = corp_.shape().corp_id;
  wrong.secret = "not-the-secret";
  outbound::WecomApi api(wrong, &clock_);
  auto refused = SyncCorp(*engine_, api, kDefaultWorkspace, wrong.corp_id, Options());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("40001"), std::string::npos);
}

// The test corp keeps WeCom's limits, so that a client that breaks them fails here too.
TEST_F(WecomSyncTest, TheTestCorpKeepsWecomsLimits) {
  outbound::WecomApi api = Api();
  std::vector<std::string> many(101, corp_.staff()[0]);
  auto too_many = api.Post("/cgi-bin/externalcontact/batch/get_by_user", {{"userid_list", many}});
  EXPECT_NE(too_many.status().message().find("40032"), std::string::npos);
  auto unknown =
      api.Post("/cgi-bin/externalcontact/batch/get_by_user", {{"userid_list", {"nobody"}}});
  EXPECT_NE(unknown.status().message().find("40031"), std::string::npos);
  auto forged = api.Post("/cgi-bin/externalcontact/batch/get_by_user",
                         {{"userid_list", {corp_.staff()[0]}}, {"cursor", "C50_deadbeef"}});
  EXPECT_NE(forged.status().message().find("40035"), std::string::npos);
  auto page = api.Post("/cgi-bin/externalcontact/batch/get_by_user",
                       {{"userid_list", {corp_.staff()[0]}}, {"limit", 1000}});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ((*page)["external_contact_list"].size(), 100u);  // more than 100 is taken as 100
  auto groups = api.Post("/cgi-bin/externalcontact/groupchat/list", {{"limit", 1001}});
  EXPECT_NE(groups.status().message().find("40035"), std::string::npos);
  auto chat = api.Post("/cgi-bin/externalcontact/groupchat/get", {{"chat_id", "wrNope"}});
  EXPECT_NE(chat.status().message().find("40050"), std::string::npos);
}

}  // namespace
}  // namespace pond::wecom
