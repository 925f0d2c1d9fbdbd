// Journeys running through the real engine (SQLite in a temp dir) on a fake clock: each step
// kind, goals, entry policies, versions, restarts, and politeness (caps, quiet hours, consent,
// staff limits), each checked by the events the journey wrote.
#include "pond/journey/journey_runtime.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pond/base/time.h"
#include "pond/journey/sop_library.h"
#include "pond/store/sqlite/sqlite_store.h"
#include "pond/testing/failing_store.h"
#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

// 10:00 in the workspace's zone (+08:00): outside the default quiet hours.
Micros At(const char* local) { return ParseIso8601(local, 8 * 3600).value(); }

class JourneyRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(At("2024-03-01 10:00:00"));
    Reopen();
  }
  void Reopen() {
    runtime_.reset();
    segments_.reset();
    rules_.reset();
    engine_.reset();
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    o.store = store_.get();
    engine_ = Engine::Open(o).value();
    rules_ = LiveRules::Start(engine_.get()).value();
    segments_ = std::make_unique<SegmentService>(rules_.get());
    auto r = JourneyRuntime::Start(engine_.get(), segments_.get());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    runtime_ = std::move(*r);
  }
  void CreateSegment(const std::string& name, const std::string& rule) {
    SegmentSpec spec;
    spec.name = name;
    spec.rule = ParseRule(rule).value();
    ASSERT_TRUE(segments_->Create(kDefaultWorkspace, std::move(spec)).ok());
  }
  void Activate(const std::string& json) {
    JourneyStore store(engine_.get());
    auto made = store.Create(kDefaultWorkspace, json);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    ASSERT_TRUE(store.SetStatus(kDefaultWorkspace, made->id, JourneyStatus::kActive).ok());
    ASSERT_TRUE(runtime_->Reload(kDefaultWorkspace).ok());
  }
  void Track(const std::string& user, const std::string& name, const std::string& props = "{}") {
    Event e;
    e.message_id = "m" + std::to_string(++seq_);
    e.user_id = user;
    e.name = name;
    e.properties = props;
    auto r = engine_->Submit(kDefaultWorkspace, {e});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void Friend(const std::string& user, const std::string& staff = "staff_a") {
    Track(user, "friend_added", R"({"staff_id":")" + staff + R"("})");
  }
  int64_t Run() {
    auto n = runtime_->RunDue();
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }
  // The customer's journey events, oldest first: "message_sent:hello" (by step), with the
  // template for sends and the reason for suppressions.
  std::string Journal(const std::string& user) {
    auto p = engine_->GetCustomer(kDefaultWorkspace, user, 1000);
    if (!p.ok()) return p.status().ToString();
    std::string out;
    for (auto it = p->timeline.rbegin(); it != p->timeline.rend(); ++it) {
      if (!it->message_id.starts_with("jrn:")) continue;
      auto props = nlohmann::json::parse(it->properties);
      if (!out.empty()) out += " ";
      out += it->name + ":" + props.value("step", "");
      if (props.contains("reason")) out += "(" + props["reason"].get<std::string>() + ")";
      if (props.contains("outcome")) out += "(" + props["outcome"].get<std::string>() + ")";
      if (props.contains("arm")) out += "(arm" + props["arm"].dump() + ")";
    }
    return out;
  }
  std::string StepOf(const std::string& journey, const std::string& customer_key) {
    auto p = engine_->GetCustomer(kDefaultWorkspace, customer_key);
    auto instances = runtime_->Instances(kDefaultWorkspace, journey, 1000);
    for (const InstanceView& v : instances.value()) {
      if (v.customer == p->summary.id) return v.step;
    }
    return "(none)";
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<testing::FailingStore> store_;  // null: the engine's own SQLite store
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<LiveRules> rules_;
  std::unique_ptr<SegmentService> segments_;
  std::unique_ptr<JourneyRuntime> runtime_;
  int seq_ = 0;
};

constexpr char kWelcome[] = R"({
  "id": "welcome", "name": "welcome", "trigger": {"event": "friend_added"},
  "goal": {"event": "order_paid"},
  "steps": [
    {"id": "hello", "send": {"channel": "wecom", "template": "hi", "marketing": false,
                             "variables": {"name": "trait.name", "staff": "property.staff_id"}}},
    {"id": "answered", "wait_for": {"event": "questionnaire_submitted", "timeout": "2d",
                                    "on_timeout": "remind"}},
    {"id": "thanks", "send": {"channel": "outbox", "template": "thanks", "marketing": false},
     "next": "done"},
    {"id": "remind", "send": {"channel": "outbox", "template": "remind", "marketing": false}},
    {"id": "done", "exit": true}
  ]})";

TEST_F(JourneyRuntimeTest, ARefusedCommitIsPlannedAgainAndSendsExactlyOnce) {
  store_ =
      std::make_unique<testing::FailingStore>(OpenSqliteStore(dir_.File("failing.db")).value());
  Reopen();
  Activate(kWelcome);
  Friend("ann");
  Friend("bob");

  store_->fail = true;  // the disk refuses the round's commit: nothing of it is kept
  auto refused = runtime_->RunDue();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(Journal("ann"), "");
  store_->fail = false;

  EXPECT_EQ(Run(), 2);  // both enter again and each hello is sent: two steps
  EXPECT_EQ(Journal("ann"), "journey_entered: message_sent:hello");
  EXPECT_EQ(Journal("bob"), "journey_entered: message_sent:hello");
  EXPECT_EQ(Run(), 0);
  Reopen();  // and the store holds what memory held
  EXPECT_EQ(Run(), 0);
  EXPECT_EQ(Journal("ann"), "journey_entered: message_sent:hello");
}

TEST_F(JourneyRuntimeTest, SendsWaitsForAnAnswerOrTimesOutAndExits) {
  Activate(kWelcome);
  Friend("ann");
  Friend("bob");
  Run();
  EXPECT_EQ(Journal("ann"), "journey_entered: message_sent:hello");
  EXPECT_EQ(StepOf("welcome", "ann"), "answered");

  clock_.Advance(kMicrosPerHour);
  Track("ann", "questionnaire_submitted");
  Run();
  EXPECT_EQ(Journal("ann"),
            "journey_entered: message_sent:hello journey_step:answered(event) "
            "message_sent:thanks journey_exited:done(exit)");
  EXPECT_EQ(StepOf("welcome", "ann"), "(none)");

  // bob does not answer: the timeout goes to remind, exactly at two days.
  clock_.Advance(2 * kMicrosPerDay - 2 * kMicrosPerHour);
  Run();
  EXPECT_EQ(StepOf("welcome", "bob"), "answered");
  clock_.Advance(kMicrosPerHour);
  Run();
  EXPECT_EQ(Journal("bob"),
            "journey_entered: message_sent:hello journey_step:answered(timeout) "
            "message_sent:remind journey_exited:done(exit)");

  auto stats = runtime_->Stats(kDefaultWorkspace, "welcome");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->entered, 2);
  EXPECT_EQ(stats->exited, 2);
  EXPECT_EQ(stats->messages, 4);
  EXPECT_EQ(stats->live, 0);
}

TEST_F(JourneyRuntimeTest, SendVariablesComeFromTraitsAndTheTriggerEvent) {
  Activate(kWelcome);
  Event e;
  e.message_id = "ident";
  e.type = EventType::kIdentify;
  e.user_id = "ann";
  e.traits = R"({"name":"安"})";
  ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {e}).ok());
  Friend("ann", "staff_7");
  Run();
  auto p = engine_->GetCustomer(kDefaultWorkspace, "ann");
  bool found = false;
  for (const Event& t : p->timeline) {
    if (t.name != "message_sent") continue;
    auto props = nlohmann::json::parse(t.properties);
    EXPECT_EQ(props["variables"]["name"], "安");
    EXPECT_EQ(props["variables"]["staff"], "staff_7");
    EXPECT_EQ(props["staff"], "staff_7");  // wecom goes out through the owner
    EXPECT_EQ(props["marketing"], false);
    found = true;
  }
  EXPECT_TRUE(found);
}

TEST_F(JourneyRuntimeTest, GoalEndsTheJourneyAsAConversion) {
  Activate(kWelcome);
  Friend("ann");
  Run();
  Track("ann", "order_paid");
  Run();
  EXPECT_EQ(Journal("ann"), "journey_entered: message_sent:hello journey_converted:answered");
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "welcome")->converted, 1);
  clock_.Advance(3 * kMicrosPerDay);
  Run();  // the timeout of a converted instance never fires
  EXPECT_EQ(Journal("ann"), "journey_entered: message_sent:hello journey_converted:answered");
}

TEST_F(JourneyRuntimeTest, WaitsForADurationAndForALocalTimeAcrossMidnight) {
  Activate(R"({"id": "care", "name": "care", "trigger": {"event": "order_paid"},
    "steps": [{"id": "three_days", "wait": "3d"},
              {"id": "morning", "wait": {"until": "10:00"}},
              {"id": "tip", "send": {"channel": "outbox", "template": "tip"}}]})");
  clock_.Set(At("2024-03-01 23:30:00"));  // 15:30 UTC: the local day is already the 1st
  Track("ann", "order_paid");
  Run();
  EXPECT_EQ(StepOf("care", "ann"), "three_days");
  clock_.Set(At("2024-03-04 23:29:59"));
  Run();
  EXPECT_EQ(StepOf("care", "ann"), "three_days");
  clock_.Set(At("2024-03-04 23:30:00"));
  Run();
  EXPECT_EQ(StepOf("care", "ann"), "morning");
  EXPECT_EQ(Journal("ann"), "journey_entered: journey_step:three_days");
  clock_.Set(At("2024-03-05 09:59:59"));
  Run();
  EXPECT_EQ(StepOf("care", "ann"), "morning");
  clock_.Set(At("2024-03-05 10:00:00"));
  Run();
  EXPECT_EQ(Journal("ann"),
            "journey_entered: journey_step:three_days message_sent:tip "
            "journey_exited:(completed)");
}

TEST_F(JourneyRuntimeTest, BranchSplitTagTaskWebhookAndInviteEachWriteTheirEvent) {
  Activate(R"J({"id": "all", "name": "all", "trigger": {"event": "signed_up"},
    "steps": [{"id": "vip", "branch": {"if": "has_tag(\"vip\")", "then": "gift", "else": "ab"}},
              {"id": "gift", "tag": "gift:sent", "next": "done"},
              {"id": "ab", "split": [{"weight": 1, "next": "a"}, {"weight": 1, "next": "b"}]},
              {"id": "a", "task": {"title": "call", "due": "24h"}, "next": "hook"},
              {"id": "b", "invite_to_group": "grp_1", "next": "hook"},
              {"id": "hook", "webhook": "http://127.0.0.1:9/hook"},
              {"id": "drop", "untag": "new"},
              {"id": "done", "exit": true}]})J");
  Track("ann", "visited");
  ASSERT_TRUE(engine_->ChangeTags(kDefaultWorkspace, "ann", {"vip"}, true, "test").ok());
  Track("ann", "signed_up");
  for (int i = 0; i < 20; ++i) {
    Track("u" + std::to_string(i), "visited");
    ASSERT_TRUE(
        engine_->ChangeTags(kDefaultWorkspace, "u" + std::to_string(i), {"new"}, true, "test")
            .ok());
    Track("u" + std::to_string(i), "signed_up");
  }
  Run();
  EXPECT_EQ(Journal("ann"),
            "journey_entered: journey_step:vip(then) tag_added:gift journey_exited:done(exit)");
  auto ann = engine_->GetCustomer(kDefaultWorkspace, "ann");
  EXPECT_NE(std::find(ann->tags.begin(), ann->tags.end(), "gift:sent"), ann->tags.end());
  int arms[2] = {0, 0};
  for (int i = 0; i < 20; ++i) {
    const std::string u = "u" + std::to_string(i);
    std::string j = Journal(u);
    const bool a = j.find("(arm0)") != std::string::npos;
    ++arms[a ? 0 : 1];
    EXPECT_EQ(j, std::string("journey_entered: journey_step:vip(else) journey_step:ab(arm") +
                     (a ? "0) task_created:a" : "1) group_invited:b") +
                     " journey_step:hook tag_removed:drop journey_exited:done(exit)");
    EXPECT_TRUE(engine_->GetCustomer(kDefaultWorkspace, u)->tags.empty()) << u;
  }
  EXPECT_GT(arms[0], 0);  // 20 draws of a fair split: both arms taken
  EXPECT_GT(arms[1], 0);
}

TEST_F(JourneyRuntimeTest, EntryPoliciesOnceOncePerDaysAndEveryTime) {
  auto journey = [](const char* id, const char* entry) {
    return std::string(R"({"id": ")") + id + R"(", "name": "x", "trigger": {"event": "ping"},
      "entry": )" +
           entry + R"(, "steps": [{"id": "w", "wait": "1h"}]})";
  };
  Activate(journey("once", "\"once\""));
  Activate(journey("weekly", "{\"once_per_days\": 7}"));
  Activate(journey("always", "\"every_time\""));
  Track("ann", "ping");
  Track("ann", "ping");  // already in all three: one instance per journey and customer
  Run();
  clock_.Advance(2 * kMicrosPerHour);
  Run();  // all ended
  Track("ann", "ping");
  Run();
  clock_.Advance(7 * kMicrosPerDay);
  Run();  // the third round ended
  Track("ann", "ping");
  Run();
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "once")->entered, 1);
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "weekly")->entered, 2);
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "always")->entered, 3);
}

TEST_F(JourneyRuntimeTest, RunningInstancesFinishOnTheVersionTheyStarted) {
  Activate(R"({"id": "v", "name": "v", "trigger": {"event": "ping"}, "entry": "every_time",
    "steps": [{"id": "w", "wait": "1d"}, {"id": "old", "send": {"channel": "outbox",
              "template": "one"}}]})");
  Track("ann", "ping");
  Run();
  JourneyStore store(engine_.get());
  ASSERT_TRUE(store
                  .Update(kDefaultWorkspace, "v",
                          R"({"id": "v", "name": "v", "trigger": {"event": "ping"},
    "steps": [{"id": "w", "wait": "1d"}, {"id": "new", "send": {"channel": "outbox",
              "template": "two"}}]})")
                  .ok());
  ASSERT_TRUE(runtime_->Reload(kDefaultWorkspace).ok());
  Track("bob", "ping");
  Run();
  clock_.Advance(kMicrosPerDay);
  Run();
  EXPECT_EQ(Journal("ann"), "journey_entered: message_sent:old journey_exited:(completed)");
  EXPECT_EQ(Journal("bob"), "journey_entered: message_sent:new journey_exited:(completed)");
}

TEST_F(JourneyRuntimeTest, ATimerDueAcrossARestartFiresExactlyOnce) {
  Activate(R"({"id": "r", "name": "r", "trigger": {"event": "ping"},
    "steps": [{"id": "w", "wait": "1d"}, {"id": "s", "send": {"channel": "outbox",
              "template": "t"}}, {"id": "w2", "wait": "1d"}]})");
  Track("ann", "ping");
  Run();
  Reopen();  // the instance is rebuilt from the log, its timer from the instance
  EXPECT_EQ(StepOf("r", "ann"), "w");
  clock_.Advance(kMicrosPerDay);
  Run();
  Reopen();
  Run();  // due again only if the first firing were lost
  EXPECT_EQ(Journal("ann"), "journey_entered: message_sent:s");
  EXPECT_EQ(StepOf("r", "ann"), "w2");
  // Two runtimes deciding the same firing (a crash between submit and apply looks like this
  // to the store): the messageIds make the second a duplicate.
  clock_.Advance(kMicrosPerDay);
  auto second = JourneyRuntime::Start(engine_.get(), segments_.get());
  ASSERT_TRUE(second.ok());
  // Both see the same due timer; the first submits, the second's events are duplicates.
  Run();
  ASSERT_TRUE((*second)->RunDue().ok());
  EXPECT_EQ(Journal("ann"), "journey_entered: message_sent:s journey_exited:(completed)");
}

TEST_F(JourneyRuntimeTest, EventsStoredWithoutARunningRuntimeAreCaughtUpOnce) {
  constexpr char kPing[] = R"({"id": "p", "name": "p", "trigger": {"event": "ping"},
    "goal": {"event": "order_paid"},
    "steps": [{"id": "s", "send": {"channel": "outbox", "template": "t", "marketing": false}},
              {"id": "w", "wait_for": {"event": "answer", "timeout": "3d"}},
              {"id": "s2", "send": {"channel": "outbox", "template": "t2", "marketing": false}}]})";
  Activate(kPing);
  Track("ann", "ping");
  // The runtime stops (or crashes) before it submits what the event started ...
  Reopen();
  // ... and events arrive while none runs (an import, another process).
  runtime_.reset();
  Track("bob", "ping");
  runtime_ = JourneyRuntime::Start(engine_.get(), segments_.get()).value();
  Run();
  EXPECT_EQ(Journal("ann"), "journey_entered: message_sent:s");
  EXPECT_EQ(Journal("bob"), "journey_entered: message_sent:s");
  // An answer stored while stopped moves its instance once, after the restart.
  runtime_.reset();
  clock_.Advance(kMicrosPerHour);
  Track("ann", "answer");
  Reopen();
  Run();
  Reopen();
  Run();
  EXPECT_EQ(Journal("ann"),
            "journey_entered: message_sent:s journey_step:w(event) message_sent:s2 "
            "journey_exited:(completed)");
  EXPECT_EQ(StepOf("p", "bob"), "w");
  // An answer from before the instance reached its wait does not count when caught up.
  Track("cy", "answer");
  Track("cy", "ping");
  Reopen();
  Run();
  EXPECT_EQ(StepOf("p", "cy"), "w");
}

TEST_F(JourneyRuntimeTest, HistoryAndStaleEventsEnterNothing) {
  Track("ann", "ping");  // stored before the journey was activated
  clock_.Advance(kMicrosPerMinute);
  Activate(R"({"id": "p", "name": "p", "trigger": {"event": "ping"},
    "steps": [{"id": "s", "send": {"channel": "outbox", "template": "t"}}]})");
  Reopen();
  Run();
  EXPECT_EQ(Journal("ann"), "");
  // An event two days old when it arrives (an import of history) enters nothing either.
  Event old;
  old.message_id = "old-ping";
  old.user_id = "bob";
  old.name = "ping";
  old.properties = "{}";
  old.timestamp = clock_.NowMicros() - 2 * kMicrosPerDay;
  ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {old}).ok());
  Track("cy", "ping");
  Run();
  EXPECT_EQ(Journal("bob"), "");
  EXPECT_EQ(Journal("cy"), "journey_entered: message_sent:s journey_exited:(completed)");
}

TEST_F(JourneyRuntimeTest, AMonthlyCapCountsTheLocalCalendarMonth) {
  Activate(R"({"id": "promo", "name": "p", "trigger": {"event": "ping"}, "entry": "every_time",
    "steps": [{"id": "offer", "send": {"channel": "outbox", "template": "offer"}}]})");
  PolitenessSettings p;
  p.quiet_start_minute = p.quiet_end_minute = 0;
  p.default_cap = {5, 35, 2};  // two a month, whatever the day and week allow
  ASSERT_TRUE(runtime_->SetPoliteness(kDefaultWorkspace, p).ok());
  for (const char* at : {"2024-03-01 10:00:00", "2024-03-02 10:00:00", "2024-03-31 23:59:00",
                         "2024-04-01 00:01:00"}) {
    clock_.Set(At(at));
    Track("ann", "ping");
    Run();
  }
  const auto stats = runtime_->Stats(kDefaultWorkspace, "promo").value();
  EXPECT_EQ(stats.messages, 3);  // March 1st and 2nd; then April 1st, a new local month
  EXPECT_EQ(stats.suppressed.at("cap_month"), 1);
}

TEST(MonthlyCapTest, WecomFollowsWecomsRuleOfAsManyAsTheMonthHasDays) {
  const FrequencyCap none;
  const Micros feb = ParseIso8601("2024-02-10T12:00:00+08:00").value();
  const Micros jul = ParseIso8601("2025-07-10T12:00:00+08:00").value();
  EXPECT_EQ(MonthlyCap(none, "wecom", feb, 8 * 3600), 29);  // a leap year
  EXPECT_EQ(MonthlyCap(none, "wecom", jul, 8 * 3600), 31);
  EXPECT_EQ(MonthlyCap(none, "sms", jul, 8 * 3600), 0);
  EXPECT_EQ(MonthlyCap({1, 3, 4}, "wecom", jul, 8 * 3600), 4);  // the company's stricter setting
  // 2024-03-01 00:30 in Shanghai is still February in UTC.
  const Micros early = ParseIso8601("2024-03-01T00:30:00+08:00").value();
  EXPECT_EQ(LocalMonthStart(early, 8 * 3600), ParseIso8601("2024-03-01T00:00:00+08:00").value());
}

TEST_F(JourneyRuntimeTest, QuietHoursDeferMarketingToTheirEndInTheWorkspaceZone) {
  Activate(R"({"id": "promo", "name": "p", "trigger": {"event": "ping"},
    "steps": [{"id": "offer", "send": {"channel": "outbox", "template": "offer"}}]})");
  // 22:30 local is 14:30 UTC: quiet in the workspace's zone although daytime in UTC.
  clock_.Set(At("2024-03-01 22:30:00"));
  Track("ann", "ping");
  Run();
  EXPECT_EQ(StepOf("promo", "ann"), "offer");
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "promo")->deferred.at("quiet_hours"), 1);
  clock_.Set(At("2024-03-02 07:59:59"));
  Run();
  EXPECT_EQ(Journal("ann"), "journey_entered:");
  clock_.Set(At("2024-03-02 08:00:00"));
  Run();
  EXPECT_EQ(Journal("ann"), "journey_entered: message_sent:offer journey_exited:(completed)");
}

TEST_F(JourneyRuntimeTest, CapsSuppressMarketingBeyondTheDailyAndWeeklyLimits) {
  auto promo = [](const std::string& id) {
    return R"({"id": ")" + id + R"(", "name": "p", "trigger": {"event": "ping"},
      "entry": "every_time",
      "steps": [{"id": "offer", "send": {"channel": "outbox", "template": "offer"}}]})";
  };
  Activate(promo("p1"));
  Activate(promo("p2"));
  Track("ann", "ping");  // both journeys send at once: one passes the daily cap of 1
  Run();
  auto p1 = runtime_->Stats(kDefaultWorkspace, "p1").value();
  auto p2 = runtime_->Stats(kDefaultWorkspace, "p2").value();
  EXPECT_EQ(p1.messages + p2.messages, 1);
  EXPECT_EQ(p1.suppressed["cap_day"] + p2.suppressed["cap_day"], 1);
  // Days 2 and 3 send one each (3 in the week), day 4 hits the weekly cap.
  for (int day = 1; day <= 3; ++day) {
    clock_.Advance(kMicrosPerDay);
    Track("ann", "ping");
    Run();
  }
  p1 = runtime_->Stats(kDefaultWorkspace, "p1").value();
  p2 = runtime_->Stats(kDefaultWorkspace, "p2").value();
  EXPECT_EQ(p1.messages + p2.messages, 3);
  EXPECT_EQ(p1.suppressed["cap_week"] + p2.suppressed["cap_week"], 2);
  // Service messages are not capped.
  Activate(R"({"id": "svc", "name": "s", "trigger": {"event": "ping"},
    "steps": [{"id": "note", "send": {"channel": "outbox", "template": "n", "marketing": false}}]})");
  Track("ann", "ping");
  Run();
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "svc")->messages, 1);
}

TEST_F(JourneyRuntimeTest, ConsentUnsubscribedAndDeletedFriendsGetNothing) {
  Activate(R"({"id": "c", "name": "c", "trigger": {"event": "ping"},
    "steps": [{"id": "hi", "send": {"channel": "wecom", "template": "t", "marketing": false}},
              {"id": "mail", "send": {"channel": "smtp", "template": "t", "marketing": false}}]})");
  Friend("ann");
  Track("ann", "unsubscribed");
  Friend("bob");
  Track("bob", "friend_deleted", R"({"staff_id":"staff_a"})");
  Friend("cat");
  Track("ann", "ping");
  Track("bob", "ping");
  Track("cat", "ping");
  Run();
  EXPECT_EQ(Journal("ann"),
            "journey_entered: message_suppressed:hi(unsubscribed) "
            "message_suppressed:mail(unsubscribed) journey_exited:(completed)");
  EXPECT_EQ(Journal("bob"),
            "journey_entered: message_suppressed:hi(not_friend) message_sent:mail "
            "journey_exited:(completed)");
  EXPECT_EQ(Journal("cat"),
            "journey_entered: message_sent:hi message_sent:mail journey_exited:(completed)");
  auto stats = runtime_->Stats(kDefaultWorkspace, "c").value();
  EXPECT_EQ(stats.suppressed["unsubscribed"], 2);
  EXPECT_EQ(stats.suppressed["not_friend"], 1);
}

TEST_F(JourneyRuntimeTest, StaffLimitsQueueTheOverflowForTheNextMinuteAndDay) {
  PolitenessSettings p;
  p.staff.messages_per_minute = 2;
  p.staff.messages_per_day = 3;
  ASSERT_TRUE(runtime_->SetPoliteness(kDefaultWorkspace, p).ok());
  Activate(R"({"id": "s", "name": "s", "trigger": {"event": "ping"},
    "steps": [{"id": "hi", "send": {"channel": "wecom", "template": "t", "marketing": false}}]})");
  for (int i = 0; i < 4; ++i) {
    Friend("u" + std::to_string(i));
    Track("u" + std::to_string(i), "ping");
  }
  Run();
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "s")->messages, 2);
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "s")->deferred.at("staff_minute"), 2);
  clock_.Advance(kMicrosPerMinute);
  Run();
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "s")->messages, 3);  // the day's limit
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "s")->deferred.at("staff_day"), 1);
  clock_.Set(At("2024-03-02 00:00:00"));
  Run();
  auto stats = runtime_->Stats(kDefaultWorkspace, "s").value();
  EXPECT_EQ(stats.messages, 4);  // deferred, never dropped
  EXPECT_TRUE(stats.suppressed.empty());
  // The settings are stored.
  Reopen();
  EXPECT_EQ(runtime_->Politeness(kDefaultWorkspace)->staff.messages_per_minute, 2);
}

TEST_F(JourneyRuntimeTest, ScheduleAndSegmentTriggersEnterMembers) {
  CreateSegment("members", "count(joined_club) >= 1");
  Track("ann", "joined_club");
  Track("bob", "ping");
  ASSERT_TRUE(rules_->Flush().ok());  // ann's segment_entered, before any journey
  Activate(R"({"id": "daily", "name": "d", "trigger": {"schedule": {"at": "11:00",
    "segment": "members"}}, "entry": "every_time", "steps": [{"id": "w", "wait": "1h"}]})");
  Activate(R"({"id": "joined", "name": "j", "trigger": {"segment_entered": "members"},
    "steps": [{"id": "w", "wait": "1h"}]})");
  Run();
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "daily")->entered, 0);  // 10:00: not yet
  Track("bob", "joined_club");                                         // bob enters the segment
  ASSERT_TRUE(rules_->Flush().ok());
  Run();
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "joined")->entered, 1);
  clock_.Set(At("2024-03-01 11:00:00"));
  Run();
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "daily")->entered, 2);
  Run();  // the slot fires once
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "daily")->entered, 2);
  clock_.Set(At("2024-03-02 11:00:00"));
  Run();
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "daily")->entered, 4);
}

TEST_F(JourneyRuntimeTest, ABroadcastSendsOnceAtItsTimeObeyingQuietHoursAndCaps) {
  CreateSegment("club", "count(joined_club) >= 1");
  Track("ann", "joined_club");
  Track("bob", "joined_club");
  Track("cy", "joined_club");
  ASSERT_TRUE(rules_->Flush().ok());
  // cy already had today's marketing message: the broadcast is suppressed for her.
  Activate(R"({"id": "earlier", "name": "e", "trigger": {"event": "ping"},
    "steps": [{"id": "s", "send": {"channel": "outbox", "template": "t"}}]})");
  Track("cy", "ping");
  Run();
  // At 23:00, inside the quiet hours: the sends wait for 08:00.
  Activate(R"({"id": "bc", "name": "双十二预告", "trigger": {"once": {
    "at": "2024-03-01T23:00:00+08:00", "segment": "club"}},
    "steps": [{"id": "promo", "send": {"channel": "outbox", "template": "d12"}}]})");
  clock_.Set(At("2024-03-01 22:59:00"));
  Run();
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "bc")->entered, 0);  // not before its time
  clock_.Set(At("2024-03-01 23:00:00"));
  Run();
  auto stats = runtime_->Stats(kDefaultWorkspace, "bc").value();
  EXPECT_EQ(stats.entered, 3);
  EXPECT_EQ(stats.messages, 0);
  EXPECT_EQ(stats.deferred.at("quiet_hours"), 3);
  Reopen();  // fires once: a restart does not enter anyone again
  clock_.Set(At("2024-03-02 08:00:00"));
  Run();
  stats = runtime_->Stats(kDefaultWorkspace, "bc").value();
  EXPECT_EQ(stats.entered, 3);
  EXPECT_EQ(stats.messages, 2);  // ann and bob at 08:00
  // cy had a marketing message 22 hours before: the daily cap (any 24 hours) holds this one.
  EXPECT_EQ(stats.suppressed.at("cap_day"), 1);
  EXPECT_EQ(stats.live, 0);
  EXPECT_EQ(Journal("ann"), "journey_entered: message_sent:promo journey_exited:(completed)");
}

TEST_F(JourneyRuntimeTest, ABroadcastMoreThanAnHourLateIsNotSent) {
  CreateSegment("club", "count(joined_club) >= 1");
  Track("ann", "joined_club");
  ASSERT_TRUE(rules_->Flush().ok());
  Activate(R"({"id": "bc", "name": "b", "trigger": {"once": {
    "at": "2024-03-01T08:30:00+08:00", "segment": "club"}},
    "steps": [{"id": "promo", "send": {"channel": "outbox", "template": "d12"}}]})");
  Run();  // 10:00: 90 minutes late (pond was down)
  EXPECT_EQ(runtime_->Stats(kDefaultWorkspace, "bc")->entered, 0);
}

TEST_F(JourneyRuntimeTest, TheBuiltInSopLibraryTurnsOnAndRunsOnTheOutbox) {
  EXPECT_EQ(SopLibrary().size(), 7u);  // the same files as docs/sop (TheShippedSopLibraryIsValid)
  auto on = TurnOnSopLibrary(engine_.get(), segments_.get(), kDefaultWorkspace, true);
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_EQ(on->journeys, 7);
  EXPECT_EQ(on->segments_created, 3);
  ASSERT_TRUE(runtime_->Reload(kDefaultWorkspace).ok());
  auto again = TurnOnSopLibrary(engine_.get(), segments_.get(), kDefaultWorkspace, true);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->segments_created, 0);  // made once
  // A new friend walks the welcome SOP, on the outbox.
  clock_.Advance(kMicrosPerMinute);
  Friend("ann");
  Run();
  clock_.Advance(10 * kMicrosPerMinute);
  Run();
  auto p = engine_->GetCustomer(kDefaultWorkspace, "ann", 100);
  int outbox_sends = 0;
  for (const Event& e : p->timeline) {
    if (e.name != "message_sent") continue;
    EXPECT_NE(e.properties.find(R"("channel":"outbox")"), std::string::npos) << e.properties;
    ++outbox_sends;
  }
  EXPECT_EQ(outbox_sends, 2);  // hello and the questionnaire
  EXPECT_EQ(StepOf("welcome", "ann"), "answered");
}

TEST_F(JourneyRuntimeTest, PausingStopsStepsAndResumingCatchesUp) {
  Activate(R"({"id": "p", "name": "p", "trigger": {"event": "ping"},
    "steps": [{"id": "w", "wait": "1h"}, {"id": "s", "send": {"channel": "outbox",
              "template": "t", "marketing": false}}]})");
  Track("ann", "ping");
  Run();
  JourneyStore store(engine_.get());
  ASSERT_TRUE(store.SetStatus(kDefaultWorkspace, "p", JourneyStatus::kPaused).ok());
  ASSERT_TRUE(runtime_->Reload(kDefaultWorkspace).ok());
  clock_.Advance(2 * kMicrosPerHour);
  Track("bob", "ping");
  Run();
  EXPECT_EQ(Journal("ann"), "journey_entered:");
  EXPECT_EQ(Journal("bob"), "");
  ASSERT_TRUE(store.SetStatus(kDefaultWorkspace, "p", JourneyStatus::kActive).ok());
  ASSERT_TRUE(runtime_->Reload(kDefaultWorkspace).ok());
  Run();
  EXPECT_EQ(Journal("ann"), "journey_entered: message_sent:s journey_exited:(completed)");
}

}  // namespace
}  // namespace pond
