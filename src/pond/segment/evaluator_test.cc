// Each kind of condition against a small hand-built world, through both evaluation paths:
// EvaluateAll (bitmaps and postings) and EvaluateCustomer (one customer's events).
#include "pond/segment/evaluator.h"

#include <gtest/gtest.h>

#include <map>

#include "pond/base/time.h"
#include "pond/segment/compiled_rule.h"

namespace pond {
namespace {

constexpr Micros kDayMicros = 86'400'000'000LL;

Micros At(const char* iso) { return ParseIso8601(iso).value(); }

class SmallWorld {
 public:
  // 2024-06-30 12:00 in Shanghai.
  const Micros now = At("2024-06-30T12:00:00+08:00");

  SmallWorld() {
    Identify("u1", R"({"city":"上海","age":30,"birthday":"1990-07-03"})");
    Identify("u2", R"({"city":"北京","age":"24","signup":"2024-05-01T10:00:00+08:00"})");
    Identify("u3", R"({"city":"上海","age":36,"birthday":"1988-06-29"})");
    Track("u4", "channel_scanned", 0, R"({"channel":"card-01"})");
    state.RegisterChannel("card-01", ChannelKind::kPackageCard);
    Track("u1", "tag_added", 1, R"({"tag":"skin:oily"})");
    Track("u3", "tag_added", 1, R"({"tag":"skin:dry"})");
    Track("u3", "tag_added", 1, R"({"tag":"skin:oily"})");
    Track("u3", "tag_removed", 1, R"({"tag":"skin:oily"})");
    Order("u1", "A1", 10000, 60);
    Order("u1", "A2", 25000, 10);
    Order("u1", "A2", 25000, 9);  // the same order again: counts once, adds nothing
    Order("u2", "B1", 50000, 200);
    Track("u1", "friend_added", 3, R"({"staff_id":"stf_1","channel":"xhs"})");
    Track("u3", "friend_added", 40, R"({"staff_id":"stf_2"})");
    Track("u1", "message_received", 5, R"({"keyword":"price"})");
    Track("u2", "message_received", 2, R"({"keyword":"shipping"})");
    Track("u2", "message_received", 20, R"({"keyword":"price"})");
  }

  void Identify(const std::string& user, const std::string& traits) {
    Event e = Base(user, 100);
    e.type = EventType::kIdentify;
    e.name.clear();
    e.traits = traits;
    Apply(e);
  }
  void Track(const std::string& user, const std::string& name, int days_ago,
             const std::string& properties = "{}") {
    Event e = Base(user, days_ago);
    e.name = name;
    e.properties = properties;
    Apply(e);
  }
  void Order(const std::string& user, const std::string& id, int64_t fen, int days_ago) {
    Event e = Base(user, days_ago);
    e.name = "order_paid";
    e.amount_fen = fen;
    e.order.emplace();
    e.order->order_id = id;
    e.order->total_fen = fen;
    Apply(e);
  }

  uint32_t Dense(const std::string& user) const {
    return state.FindByIdentity(IdentityKind::kUserId, user);
  }

  EvalContext Context(const CompiledRule& rule) {
    filters.clear();
    for (const EventFilter& f : rule.filters) {
      Roaring& m = filters[f.key];
      for (size_t i = 0; i < applied.size(); ++i) {
        if (applied[i].name == f.event && MatchesFilters(applied[i].properties, f.filters)) {
          m.add(static_cast<uint32_t>(i));
        }
      }
    }
    EvalContext ctx;
    ctx.state = &state;
    ctx.now = now;
    ctx.filter_matches = [this](const std::string& key) -> const Roaring* {
      auto it = filters.find(key);
      return it == filters.end() ? nullptr : &it->second;
    };
    ctx.segment_members = [this](const std::string& id) -> const Roaring* {
      return id == "seg_vip" ? &vip : nullptr;
    };
    return ctx;
  }

  TenantState state{"default"};
  std::vector<Event> applied;
  std::map<std::string, Roaring> filters;
  Roaring vip;

 private:
  Event Base(const std::string& user, int days_ago) {
    Event e;
    e.seq = static_cast<int64_t>(applied.size()) + 1;
    e.message_id = "m" + std::to_string(e.seq);
    e.user_id = user;
    e.timestamp = now - days_ago * kDayMicros;
    return e;
  }
  void Apply(Event& e) {
    state.Apply(e, nullptr);
    applied.push_back(e);
  }
};

std::string Members(SmallWorld& w, const Roaring& r) {
  std::string out;
  for (const char* u : {"u1", "u2", "u3", "u4"}) {
    if (r.contains(w.Dense(u))) out += out.empty() ? u : std::string(",") + u;
  }
  return out;
}

TEST(EvaluatorTest, EveryConditionKindAgreesOnBothPaths) {
  SmallWorld w;
  w.vip.add(w.Dense("u2"));
  struct Case {
    const char* rule;
    const char* members;
  } cases[] = {
      {R"(has_tag("skin:oily"))", "u1"},  // u3's was removed
      {R"(not has_tag("skin:oily"))", "u2,u3,u4"},
      {R"(has_tag("never:used"))", ""},
      {R"(trait.city == "上海")", "u1,u3"},
      {R"(trait.city != "上海")", "u2"},  // u4 has no city: a missing trait matches nothing
      {R"(trait.city in ["北京", "广州"])", "u2"},
      {"trait.city exists", "u1,u2,u3"},
      {"trait.age between 25 and 35", "u1"},
      {"trait.age >= 24", "u1,u2,u3"},  // "24" (a string from a CSV) compares as a number
      {R"(trait.age == "30")", "u1"},
      {"trait.birthday within 7d", "u1"},  // 07-03 is in 3 days; 06-29 was yesterday
      {"trait.birthday within 2d", ""},
      {"trait.signup within 61d", "u2"},
      {"trait.signup within 60d", ""},  // 60 days and 2 hours ago
      {"trait.signup older_than 30d", "u2"},
      {"trait.signup older_than 90d", ""},
      {"count(order_paid, 90d) >= 2", "u1"},
      {"count(order_paid) >= 1", "u1,u2"},
      {"count(order_paid) == 1", "u2"},
      {"count(order_paid) == 2", "u1"},            // A2 sent twice is one order
      {"count(order_paid, 90d) < 1", "u2,u3,u4"},  // no events at all counts as zero
      {"sum(order_paid.amount, 365d) >= 300", "u1,u2"},
      {"sum(order_paid.amount, 90d) >= 350.00", "u1"},
      {"sum(order_paid.amount, 90d) >= 350.01", ""},
      {"sum(order_paid.amount, 90d) <= 0", "u2,u3,u4"},
      {"last(order_paid) older_than 30d", "u2"},
      {"last(order_paid) within 30d", "u1"},
      {"first(order_paid) within 30d", ""},
      {"first(friend_added) within 7d", "u1"},
      {"first(friend_added) older_than 30d", "u3"},
      {"last(never_seen) within 30d", ""},
      {R"(count(message_received where property.keyword == "price", 14d) >= 1)", "u1"},
      {R"(count(message_received where property.keyword == "price") >= 1)", "u1,u2"},
      {R"(count(message_received where property.keyword != "price", 14d) >= 1)", "u2"},
      // Intent: buyers (u1, u2) have none; u3's friend_added (10 points) is 40 days old, two
      // half-lives: 2.5; u4 scanned a code today: 5.
      {"intent >= 5", "u4"},
      {"intent < 3", "u3"},
      {"intent between 2.5 and 2.5", "u3"},
      {R"(intent == "none")", "u3,u4"},
      {R"(intent != "none")", ""},
      {"intent > 100", ""},
      // Channels: u4 scanned a registered package card, u1 came from an unregistered code.
      {R"(channel == "card-01")", "u4"},
      {R"(channel == "xhs")", "u1"},
      {R"(channel == "none")", "u2,u3"},
      {R"(channel != "xhs")", "u2,u3,u4"},
      {R"(channel in ["xhs", "card-01"])", "u1,u4"},
      {R"(channel_kind == "package_card")", "u4"},
      {R"(channel_kind == "other")", "u1"},
      {R"(channel_kind in ["none", "other"])", "u1,u2,u3"},
      {R"(owner == "stf_2")", "u3"},
      {R"(owner == "none")", "u2,u4"},
      {R"(owner != "stf_1")", "u2,u3,u4"},
      {R"(in_segment("seg_vip"))", "u2"},
      {R"(in_segment("seg_none"))", ""},
      {R"((has_tag("skin:oily") or trait.city == "北京") and not count(order_paid, 90d) >= 2)",
       "u2"},
      {R"(trait.city == "上海" or count(order_paid) >= 1)", "u1,u2,u3"},
      {R"(not (trait.city == "上海" or has_tag("skin:dry")))", "u2,u4"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    auto parsed = ParseRule(c.rule);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    auto rule = CompileRule(**parsed);
    ASSERT_TRUE(rule.ok()) << rule.status().message();
    EvalContext ctx = w.Context(*rule);
    EXPECT_EQ(Members(w, EvaluateAll(rule->root, ctx)), c.members);
    Roaring one_by_one;
    for (const char* u : {"u1", "u2", "u3", "u4"}) {
      Micros next = kNever;
      if (EvaluateCustomer(rule->root, ctx, w.Dense(u), &next)) one_by_one.add(w.Dense(u));
      EXPECT_GT(next, ctx.now);
    }
    EXPECT_EQ(Members(w, one_by_one), c.members);
  }
}

TEST(EvaluatorTest, SaysWhenATimeConditionCouldNextFlip) {
  SmallWorld w;
  auto next_for = [&](const char* text, const char* user) {
    auto rule = CompileRule(**ParseRule(text));
    Micros next = kNever;
    EvaluateCustomer(rule->root, w.Context(*rule), w.Dense(user), &next);
    return next;
  };
  // u1's older order (60 days ago) leaves the 90-day window in 30 days.
  EXPECT_EQ(next_for("count(order_paid, 90d) >= 2", "u1"), w.now + 30 * kDayMicros + 1);
  // Its last order (10 days ago) becomes older than 30 days in 20 days.
  EXPECT_EQ(next_for("last(order_paid) older_than 30d", "u1"), w.now + 20 * kDayMicros + 1);
  // Birthdays move at the next local midnight: 2024-07-01 00:00 in Shanghai.
  EXPECT_EQ(next_for("trait.birthday within 7d", "u1"), At("2024-07-01T00:00:00+08:00"));
  // u3's friend_added (40 days old) halves again at 42 days.
  EXPECT_EQ(next_for("intent < 3", "u3"), w.now + 2 * kDayMicros);
  // Nothing about time: no timer.
  EXPECT_EQ(next_for(R"(has_tag("skin:oily"))", "u1"), kNever);
  EXPECT_EQ(next_for("count(order_paid) >= 1", "u1"), kNever);
  // An and that is false because of a timeless condition needs no timer.
  EXPECT_EQ(next_for(R"(has_tag("nope") and count(order_paid, 90d) >= 2)", "u1"), kNever);
}

TEST(EvaluatorTest, CompilingRefusesWhatCannotBeEvaluated) {
  struct Case {
    const char* rule;
    const char* message;
  } cases[] = {
      {"count(order_paid) >= 1.5", "whole number"},
      {"sum(order_paid.quantity) >= 3", "not \"quantity\""},
      {"sum(order_paid.amount) >= 1.234", "yuan"},
      {"count(segment_entered) >= 1", "produced by segments"},
      {R"(intent == "hot")", "intent compares"},
      {R"(channel_kind == "tiktok")", "no channel kind \"tiktok\""},
      {R"(owner > "a")", "owner compares with ==, != or in"},
      {R"(channel == 3)", "channel compares with strings"},
      {R"(intent in ["strong"])", "intent compares"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    auto parsed = ParseRule(c.rule);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    auto rule = CompileRule(**parsed);
    ASSERT_FALSE(rule.ok());
    EXPECT_EQ(rule.status().field(), "rule");
    EXPECT_NE(rule.status().message().find(c.message), std::string::npos)
        << rule.status().message();
  }
}

}  // namespace
}  // namespace pond
