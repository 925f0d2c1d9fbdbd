// Journey definitions: what parses, and where each mistake is reported.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pond/journey/journey.h"
#include "pond/model/workspace.h"

namespace pond {
namespace {

constexpr char kWelcome[] = R"J({
  "id": "welcome", "name": "新好友欢迎",
  "trigger": {"event": "friend_added where property.state == \"card-tb\""},
  "entry": "once",
  "goal": {"event": "order_paid"},
  "steps": [
    {"id": "hello", "send": {"channel": "wecom", "template": "welcome",
                             "variables": {"name": "trait.name", "code": "property.state"}}},
    {"id": "ask", "wait_for": {"event": "questionnaire_submitted", "timeout": "2d",
                               "on_timeout": "remind"}},
    {"id": "oily", "branch": {"if": "has_tag(\"skin:oily\")", "then": "oily_tip", "else": "ab"}},
    {"id": "oily_tip", "send": {"channel": "outbox", "template": "oily"}, "next": "done"},
    {"id": "ab", "split": [{"weight": 50, "next": "coupon"}, {"weight": 50, "next": "done"}]},
    {"id": "coupon", "tag": "promo:coupon", "next": "done"},
    {"id": "remind", "wait": {"until": "10:00", "weekdays": ["sat", "sun"]}},
    {"id": "nudge", "task": {"title": "问一下肤质", "due": "24h"}, "next": "ask"},
    {"id": "done", "exit": true}
  ]})J";

TEST(JourneyParserTest, ParsesEveryStepKind) {
  Result<JourneyDef> d = ParseJourney(kWelcome, kDefaultUtcOffsetSeconds);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->id, "welcome");
  EXPECT_EQ(d->trigger.kind, TriggerKind::kEvent);
  EXPECT_EQ(d->trigger.event, "friend_added");
  ASSERT_EQ(d->trigger.where.size(), 1u);
  EXPECT_EQ(d->trigger.where[0].value.text, "card-tb");
  EXPECT_EQ(d->goal_event, "order_paid");
  ASSERT_EQ(d->steps.size(), 9u);
  EXPECT_EQ(d->steps[0].kind, StepKind::kSend);
  EXPECT_EQ(d->steps[0].variables.size(), 2u);
  EXPECT_EQ(d->steps[1].kind, StepKind::kWaitFor);
  EXPECT_EQ(d->steps[1].duration, 2 * 86'400'000'000LL);
  EXPECT_EQ(d->steps[2].kind, StepKind::kBranch);
  EXPECT_EQ(d->steps[4].arms.size(), 2u);
  EXPECT_EQ(d->steps[6].until_minute_of_day, 600);
  EXPECT_EQ(d->steps[6].until_weekdays, (std::vector<int>{6, 0}));
  EXPECT_EQ(StepKindName(d->steps[7].kind), "task");
}

TEST(JourneyParserTest, OtherTriggersAndEntryPolicies) {
  auto d = ParseJourney(R"({"id": "recall", "trigger": {"schedule": {"at": "09:30",
      "segment": "dormant-60", "weekdays": ["mon"]}}, "entry": {"once_per_days": 30},
      "steps": [{"id": "s", "send": {"channel": "sms", "template": "recall"}}]})",
                        kDefaultUtcOffsetSeconds);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->trigger.kind, TriggerKind::kSchedule);
  EXPECT_EQ(d->trigger.minute_of_day, 9 * 60 + 30);
  EXPECT_EQ(d->entry, EntryPolicy::kOncePerDays);
  EXPECT_EQ(d->entry_days, 30);
  d = ParseJourney(R"({"id": "vip", "trigger": {"segment_entered": "VIP"}, "entry": "every_time",
      "steps": [{"id": "t", "tag": "vip"}]})",
                   kDefaultUtcOffsetSeconds);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->trigger.kind, TriggerKind::kSegmentEntered);
  EXPECT_EQ(d->entry, EntryPolicy::kEveryTime);
}

// Replaces the first occurrence of `from` in the welcome journey.
std::string Welcome(const std::string& from, const std::string& to) {
  std::string s = kWelcome;
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

TEST(JourneyParserTest, MistakesNameTheirPath) {
  struct Case {
    std::string json;
    const char* field;
    const char* says;
  } cases[] = {
      {"[]", "journey", "JSON object"},
      {"{not json", "journey", "JSON object"},
      {R"({"trigger": {"event": "x"}, "steps": []})", "id", "required"},
      {Welcome(R"("id": "welcome")", R"("id": "Welcome!")"), "id", "a-z"},
      {Welcome(R"("trigger": {"event")", R"("trigger": {"evnt")"), "trigger", "one of"},
      {Welcome("friend_added where", "friend_added wher"), "trigger.event", "event name"},
      {Welcome(R"("entry": "once")", R"("entry": "twice")"), "entry", "every_time"},
      {Welcome(R"("channel": "wecom")", R"("channel": "fax")"), "steps[0].send.channel", "wecom"},
      {Welcome(R"("name": "trait.name")", R"("name": "name")"), "steps[0].send.variables.name",
       "trait.KEY"},
      {Welcome(R"("timeout": "2d")", R"("timeout": "2 days")"), "steps[1].wait_for.timeout",
       "duration"},
      {Welcome(R"("timeout": "2d")", R"("timeout": "400d")"), "steps[1].wait_for.timeout",
       "at most a year"},
      {Welcome(R"(has_tag(\"skin:oily\"))", R"(has_tag(\"skin:oily\")"), "steps[2].branch.if",
       "line 1"},
      {Welcome(R"({"weight": 50, "next": "coupon"})", R"({"weight": 0, "next": "coupon"})"),
       "steps[4].split[0].weight", "1 to 10000"},
      {Welcome(R"("tag": "promo:coupon")", R"("tag": "pond:x")"), "steps[5].tag", "pond"},
      {Welcome(R"("until": "10:00")", R"("until": "25:00")"), "steps[6].wait.until", "HH:MM"},
      {Welcome(R"(["sat", "sun"])", R"(["saturday"])"), "steps[6].wait.weekdays[0]", "mon"},
      {Welcome(R"("due": "24h")", R"("due": 24)"), "steps[7].task.due", "duration"},
      {Welcome(R"("exit": true)", R"("exit": true, "send": {})"), "steps[8]", "one action"},
      {Welcome(R"("exit": true)", R"("exti": true)"), "steps[8].exti", "unknown"},
      {Welcome(R"("id": "done")", R"("id": "hello")"), "steps[8].id", "used twice"},
      {Welcome(R"("next": "done"})", R"("next": "nowhere"})"), "steps[3].next", "no step"},
      {Welcome(R"("on_timeout": "remind")", R"("on_timeout": "gone")"),
       "steps[1].wait_for.on_timeout", "no step"},
  };
  for (Case& c : cases) {
    SCOPED_TRACE(c.json.substr(0, 120));
    Result<JourneyDef> d = ParseJourney(c.json, kDefaultUtcOffsetSeconds);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().field(), c.field) << d.status().ToString();
    EXPECT_NE(d.status().message().find(c.says), std::string::npos) << d.status().ToString();
  }
}

TEST(JourneyParserTest, ALoopWithoutAWaitIsRefused) {
  auto d = ParseJourney(R"({"id": "spam", "trigger": {"event": "friend_added"},
      "steps": [{"id": "a", "send": {"channel": "outbox", "template": "x"}},
                {"id": "b", "tag": "t", "next": "a"}]})",
                        kDefaultUtcOffsetSeconds);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("loop without a wait"), std::string::npos);
  // The same loop with a wait in it is a legitimate reminder cycle.
  d = ParseJourney(R"({"id": "remind", "trigger": {"event": "friend_added"},
      "steps": [{"id": "a", "send": {"channel": "outbox", "template": "x"}},
                {"id": "w", "wait": "7d"},
                {"id": "b", "tag": "t", "next": "a"}]})",
                   kDefaultUtcOffsetSeconds);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
}

TEST(JourneyParserTest, HostileInputIsRefusedCleanly) {
  EXPECT_FALSE(ParseJourney(std::string(300 * 1024, ' '), kDefaultUtcOffsetSeconds).ok());
  std::string many = R"({"id": "big", "trigger": {"event": "x"}, "steps": [)";
  for (int i = 0; i < 101; ++i) {
    many += std::string(i ? "," : "") + R"({"id": "s)" + std::to_string(i) + R"(", "wait": "1d"})";
  }
  many += "]}";
  EXPECT_EQ(ParseJourney(many, kDefaultUtcOffsetSeconds).status().field(), "steps");
  std::string deep = R"({"id": "d", "trigger": {"event": "x"}, "steps": [{"id": "b", "branch":
      {"if": ")" + std::string(5000, '(') +
                     R"(", "then": "b"}}]})";
  EXPECT_EQ(ParseJourney(deep, kDefaultUtcOffsetSeconds).status().field(), "steps[0].branch.if");
  EXPECT_FALSE(ParseJourney(R"({"id": "x", "trigger": {"event": "x"}, "steps": [{"id": "a",
      "wait": "-5d"}]})",
                            kDefaultUtcOffsetSeconds)
                   .ok());
}

TEST(JourneyParserTest, TheShippedSopLibraryIsValid) {
  const std::filesystem::path dir = std::filesystem::path(POND_SOURCE_DIR) / "docs" / "sop";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    Result<JourneyDef> d = ParseJourney(text.str(), kDefaultUtcOffsetSeconds);
    EXPECT_TRUE(d.ok()) << entry.path() << ": " << d.status().ToString();
    if (d.ok()) {
      EXPECT_EQ(d->id + ".json", entry.path().filename().string());
    }
    ++files;
  }
  EXPECT_EQ(files, 7);  // welcome, follow-up, care, repurchase, recall, birthday, refund save
}

}  // namespace
}  // namespace pond
