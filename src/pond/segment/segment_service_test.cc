// Saved segments through the real engine (SQLite in a temp dir, a fake clock): membership kept
// on every event and timer, the events it emits, persistence, and the errors.
#include "pond/segment/segment_service.h"

#include <gtest/gtest.h>

#include "pond/segment/rfm.h"
#include "pond/segment/score_service.h"
#include "pond/segment/tag_service.h"
#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

constexpr Micros kDayMicros = 86'400'000'000LL;

class SegmentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    service_.reset();
    rules_.reset();
    engine_.reset();
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    engine_ = Engine::Open(o).value();
    auto s = LiveRules::Start(engine_.get());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    rules_ = std::move(*s);
    service_ = std::make_unique<SegmentService>(rules_.get());
    tags_ = std::make_unique<TagService>(rules_.get());
    scores_ = std::make_unique<ScoreService>(rules_.get());
  }
  void Track(const std::string& user, const std::string& name, const std::string& props = "{}") {
    Event e;
    e.message_id = "m" + std::to_string(++seq_);
    e.user_id = user;
    e.name = name;
    e.properties = props;
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {e}).ok());
  }
  void Order(const std::string& user, int64_t fen) {
    Event e;
    e.message_id = "m" + std::to_string(++seq_);
    e.user_id = user;
    e.name = "order_paid";
    e.order.emplace();
    e.order->order_id = "o" + std::to_string(seq_);
    e.order->total_fen = fen;
    e.amount_fen = fen;
    ASSERT_TRUE(engine_->Submit(kDefaultWorkspace, {e}).ok());
  }
  Result<SegmentInfo> Save(const std::string& name, const std::string& rule,
                           const std::string& id = "") {
    SegmentSpec spec;
    spec.name = name;
    auto parsed = ParseRule(rule);
    if (!parsed.ok()) return parsed.status();
    spec.rule = std::move(*parsed);
    return id.empty() ? service_->Create(kDefaultWorkspace, std::move(spec))
                      : service_->Update(kDefaultWorkspace, id, std::move(spec));
  }
  int64_t Count(const std::string& segment) {
    return service_->Get(kDefaultWorkspace, segment)->customers;
  }
  // The segment events in a customer's timeline, oldest first: "entered:name".
  std::string SegmentEvents(const std::string& user) {
    auto p = engine_->GetCustomer(kDefaultWorkspace, user);
    std::string out;
    for (auto it = p->timeline.rbegin(); it != p->timeline.rend(); ++it) {
      if (!it->name.starts_with("segment_")) continue;
      out += it->name.substr(8) + ":" +
             (it->properties.find("buyers") != std::string::npos ? "buyers" : "recent") + " ";
    }
    return out;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<LiveRules> rules_;
  std::unique_ptr<SegmentService> service_;
  std::unique_ptr<TagService> tags_;
  std::unique_ptr<ScoreService> scores_;
  int seq_ = 0;
};

TEST_F(SegmentServiceTest, MembersFollowEventsAndTimeAndEmitEnteredAndLeft) {
  Order("ann", 10000);
  Track("bob", "friend_added");
  ASSERT_TRUE(Save("buyers", "count(order_paid) >= 1").ok());
  auto recent = Save("recent", "count(order_paid, 30d) >= 1");
  ASSERT_TRUE(recent.ok()) << recent.status().ToString();
  EXPECT_EQ(recent->customers, 1);
  EXPECT_TRUE(recent->id.starts_with("seg_"));

  clock_.Advance(10 * kDayMicros);
  Order("bob", 5000);  // bob enters both
  EXPECT_EQ(Count("buyers"), 2);
  EXPECT_EQ(Count("recent"), 2);

  clock_.Advance(25 * kDayMicros);  // ann's order is 35 days old, bob's 25
  rules_->Tick();
  EXPECT_EQ(Count("recent"), 1);
  clock_.Advance(6 * kDayMicros);
  rules_->Tick();
  EXPECT_EQ(Count("recent"), 0);
  EXPECT_EQ(Count("buyers"), 2);

  ASSERT_TRUE(rules_->Flush().ok());
  // Initial members emit nothing; later changes do, through the engine.
  EXPECT_EQ(SegmentEvents("ann"), "left:recent ");
  EXPECT_EQ(SegmentEvents("bob"), "entered:buyers entered:recent left:recent ");
  // Flushed events change no segment (no rule may count them).
  EXPECT_EQ(Count("buyers"), 2);
}

// Membership is the later of the customer's last join and last leave of that group_id, kept live
// as events arrive, the same after a restart, and for one customer as for all.
TEST_F(SegmentServiceTest, InGroupFollowsTheLastJoinOrLeaveOfThatGroup) {
  const std::string a = R"({"group_id": "grp_a"})", b = R"({"group_id": "grp_b"})";
  Track("ann", "group_joined", a);
  Track("bob", "group_joined", a);
  Track("bob", "group_left", a);
  Track("cat", "group_joined", b);
  Track("dan", "group_left", a);
  Track("dan", "group_joined", a);
  auto in_a = Save("in a", R"(in_group("grp_a"))");
  ASSERT_TRUE(in_a.ok()) << in_a.status().ToString();
  EXPECT_EQ(in_a->customers, 2);  // ann, dan
  Track("bob", "group_joined", a);
  Track("ann", "group_left", a);
  Track("ann", "group_left", b);  // another group's leave changes nothing of grp_a
  EXPECT_EQ(Count("in a"), 2);    // bob, dan
  auto only_a = ParseRule(R"(in_group("grp_a") and not in_group("grp_b"))").value();
  EXPECT_EQ(service_->Preview(kDefaultWorkspace, *only_a, 10)->count, 2);
  Track("bob", "group_joined", b);
  EXPECT_EQ(service_->Preview(kDefaultWorkspace, *only_a, 10)->count, 1);
  EXPECT_EQ(
      service_->Preview(kDefaultWorkspace, *ParseRule(R"(in_group("grp_z"))").value(), 10)->count,
      0);
  Reopen();
  EXPECT_EQ(Count("in a"), 2);
}

TEST_F(SegmentServiceTest, SegmentsSurviveARestartAndRecomputeFromTheState) {
  Order("ann", 10000);
  Track("bob", "message_received", R"({"keyword":"price"})");
  Track("cat", "message_received", R"({"keyword":"size"})");
  ASSERT_TRUE(Save("buyers", "count(order_paid) >= 1").ok());
  ASSERT_TRUE(
      Save("asked price", R"(count(message_received where property.keyword == "price") >= 1)")
          .ok());
  ASSERT_TRUE(Save("both", R"(in_segment("buyers") or in_segment("asked price"))").ok());
  EXPECT_EQ(Count("asked price"), 1);
  EXPECT_EQ(Count("both"), 2);
  Track("cat", "message_received", R"({"keyword":"price"})");  // the filter sees new events
  EXPECT_EQ(Count("asked price"), 2);
  EXPECT_EQ(Count("both"), 3);

  Reopen();
  auto list = service_->List(kDefaultWorkspace);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].name, "asked price");
  EXPECT_EQ((*list)[0].customers, 2);
  EXPECT_EQ((*list)[1].name, "both");  // by name
  EXPECT_EQ((*list)[1].customers, 3);
  // References are kept as ids, shown as such.
  EXPECT_NE((*list)[1].rule.find("in_segment(\"seg_"), std::string::npos);

  auto page = service_->Members(kDefaultWorkspace, "both", 2, "");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->data.size(), 2u);
  ASSERT_TRUE(page->next_cursor.has_value());
  auto rest = service_->Members(kDefaultWorkspace, "both", 2, *page->next_cursor);
  ASSERT_EQ(rest->data.size(), 1u);
  EXPECT_FALSE(rest->next_cursor.has_value());
  EXPECT_GT(rest->data[0].id, page->data[1].id);
}

TEST_F(SegmentServiceTest, LifecycleStagesFollowTheFunnelAndTime) {
  auto stage_of = [&](const std::string& user) {
    auto p = engine_->GetCustomer(kDefaultWorkspace, user);
    uint32_t dense = static_cast<uint32_t>(std::stoul(p->summary.id.substr(4)) - 1);
    auto stages = scores_->Stages(kDefaultWorkspace).value();
    for (const auto& s : stages) {
      if (scores_->StageBitmap(kDefaultWorkspace, s.stage)->contains(dense)) return s.stage;
    }
    return std::string("?");
  };
  Track("ann", "channel_scanned");
  EXPECT_EQ(stage_of("ann"), "lead");
  Track("ann", "friend_added");
  EXPECT_EQ(stage_of("ann"), "friend");
  Track("ann", "message_received");
  EXPECT_EQ(stage_of("ann"), "engaged");
  clock_.Advance(15 * kDayMicros);  // no interaction in 14 days: a friend again
  rules_->Tick();
  EXPECT_EQ(stage_of("ann"), "friend");
  Order("ann", 9900);
  EXPECT_EQ(stage_of("ann"), "customer");
  Order("ann", 16900);
  EXPECT_EQ(stage_of("ann"), "repeat");
  clock_.Advance(61 * kDayMicros);  // 61 days since the last order, 76 since the last message
  rules_->Tick();
  EXPECT_EQ(stage_of("ann"), "dormant");
  Track("ann", "friend_deleted");
  EXPECT_EQ(stage_of("ann"), "lost");
  Track("bob", "page_viewed");
  EXPECT_EQ(stage_of("bob"), "none");

  auto stages = scores_->Stages(kDefaultWorkspace);
  ASSERT_TRUE(stages.ok());
  EXPECT_EQ(stages->front().stage, "lost");
  EXPECT_EQ(stages->front().customers, 1);
  EXPECT_EQ(stages->back().stage, "none");
  EXPECT_EQ(stages->back().customers, 1);

  // Every move was an event, in order.
  ASSERT_TRUE(rules_->Flush().ok());
  auto p = engine_->GetCustomer(kDefaultWorkspace, "ann");
  std::string moves;
  for (auto it = p->timeline.rbegin(); it != p->timeline.rend(); ++it) {
    if (it->name != "stage_changed") continue;
    const std::string& props = it->properties;
    size_t to = props.find("\"to\":\"");
    ASSERT_NE(to, std::string::npos) << props;
    moves += props.substr(to + 6, props.find('"', to + 6) - to - 6) + " ";
  }
  EXPECT_EQ(moves, "lead friend engaged friend customer repeat dormant lost ");
  // A rule can ask for a stage; an unknown stage is an error that lists the stages.
  EXPECT_EQ(service_->Preview(kDefaultWorkspace, **ParseRule(R"(stage == "lost")"), 10)->count, 1);
  auto bad = service_->Preview(kDefaultWorkspace, **ParseRule(R"(stage == "vip")"), 10);
  EXPECT_NE(bad.status().message().find("lost, dormant, advocate"), std::string::npos);
}

TEST_F(SegmentServiceTest, RfmIsRecomputedAMinuteAfterOrdersAndMovesSegments) {
  // Five buyers, each better than the last in R, F and M: one per quintile.
  for (int i = 1; i <= 5; ++i) {
    for (int k = 0; k < i; ++k) Order("b" + std::to_string(i), 1000 * i);
    clock_.Advance(kDayMicros);
  }
  ASSERT_TRUE(Save("champions", R"(rfm == "Champions")").ok());
  EXPECT_EQ(Count("champions"), 0);  // computed at start, before these orders
  clock_.Advance(61'000'000);        // a minute after the orders
  rules_->Tick();
  EXPECT_EQ(Count("champions"), 1);  // b5: R 5, F 5, M 5
  auto rfm = scores_->Rfm(kDefaultWorkspace);
  EXPECT_EQ(rfm->scored, 5);
  EXPECT_EQ(rfm->cells[RfmCellFromName("Lost").value()].customers, 1);  // b1: R 1, FM 1
  ASSERT_TRUE(rules_->Flush().ok());
  auto p = engine_->GetCustomer(kDefaultWorkspace, "b5");
  bool entered = false;
  for (const Event& e : p->timeline) entered |= e.name == "segment_entered";
  EXPECT_TRUE(entered);
  // Nothing new: no recomputation before the hour.
  auto before = scores_->Rfm(kDefaultWorkspace)->computed_at;
  clock_.Advance(120'000'000);
  rules_->Tick();
  EXPECT_EQ(scores_->Rfm(kDefaultWorkspace)->computed_at, before);
}

TEST_F(SegmentServiceTest, QuestionnaireAnswersBecomeTagsAndANewerAnswerReplacesTheGroup) {
  ASSERT_TRUE(tags_
                  ->SetAnswerTags(kDefaultWorkspace, {{"skin", "肤质", "油性", "skin:oily"},
                                                      {"skin", "肤质", "干性", "skin:dry"},
                                                      {"", "关心", "价格", "price:sensitive"}})
                  .ok());
  EXPECT_EQ(tags_->SetAnswerTags(kDefaultWorkspace, {{"", "", "x", "a"}}).field(),
            "rows[0].question");
  EXPECT_EQ(tags_->SetAnswerTags(kDefaultWorkspace, {{"", "q", "x", "pond:x"}}).field(),
            "rows[0].tag");
  auto tags = [&] { return engine_->GetCustomer(kDefaultWorkspace, "ann")->tags; };
  Track("ann", "questionnaire_submitted",
        R"({"questionnaire":"skin","answers":{"肤质":"油性","关心":["价格","成分"]}})");
  ASSERT_TRUE(rules_->Flush().ok());
  EXPECT_EQ(tags(), (std::vector<std::string>{"price:sensitive", "skin:oily"}));
  Track("ann", "questionnaire_submitted", R"({"questionnaire":"skin","answers":{"肤质":"干性"}})");
  ASSERT_TRUE(rules_->Flush().ok());
  EXPECT_EQ(tags(), (std::vector<std::string>{"price:sensitive", "skin:dry"}));
  // Another questionnaire's 肤质 does not count for rows bound to "skin".
  Track("bob", "questionnaire_submitted", R"({"questionnaire":"intro","answers":{"肤质":"油性"}})");
  ASSERT_TRUE(rules_->Flush().ok());
  EXPECT_TRUE(engine_->GetCustomer(kDefaultWorkspace, "bob")->tags.empty());
  // The table survives a restart.
  Reopen();
  EXPECT_EQ(tags_->AnswerTags(kDefaultWorkspace)->size(), 3u);
}

TEST_F(SegmentServiceTest, AutomaticTagsFollowTheirRulesAndBelongToThem) {
  auto tags = [&](const std::string& user) {
    return engine_->GetCustomer(kDefaultWorkspace, user)->tags;
  };
  using Tags = std::vector<std::string>;
  auto rule_row = [](const std::string& tag, const std::string& rule) {
    return TagService::TagRuleSpec{tag, ParseRule(rule).value()};
  };
  auto set = [&](std::vector<TagService::TagRuleSpec> rows) {
    return tags_->SetTagRules(kDefaultWorkspace, std::move(rows));
  };
  Order("amy", 10000);
  Order("amy", 20000);
  Order("ben", 5000);
  // Set by hand before a rule owned it: ben loses it once the rule says otherwise.
  ASSERT_TRUE(engine_->ChangeTags(kDefaultWorkspace, "ben", {"value:repeat"}, true, "api").ok());
  std::vector<TagService::TagRuleSpec> rows;
  rows.push_back(rule_row("value:repeat", "count(order_paid, 30d) >= 2"));
  rows.push_back(rule_row("intent:strong", R"(intent == "strong")"));
  ASSERT_TRUE(set(std::move(rows)).ok());
  ASSERT_TRUE(rules_->Flush().ok());
  EXPECT_EQ(tags("amy"), Tags{"value:repeat"});
  EXPECT_EQ(tags("ben"), Tags{});
  auto timeline = engine_->GetCustomer(kDefaultWorkspace, "amy")->timeline;
  ASSERT_FALSE(timeline.empty());
  EXPECT_EQ(timeline.front().name, "tag_added");
  EXPECT_NE(timeline.front().properties.find("rule:count(order_paid, 30d) >= 2"),
            std::string::npos);
  EXPECT_EQ(tags_->TagRules(kDefaultWorkspace)->front().customers, 1);

  // Events move the tag; so does time.
  clock_.Advance(kDayMicros);
  Order("ben", 7000);
  ASSERT_TRUE(rules_->Flush().ok());
  EXPECT_EQ(tags("ben"), Tags{"value:repeat"});
  clock_.Advance(30 * kDayMicros);
  rules_->Tick();
  ASSERT_TRUE(rules_->Flush().ok());
  EXPECT_EQ(tags("amy"), Tags{});
  EXPECT_EQ(tags("ben"), Tags{});  // only one of his orders is within 30 days now
  Order("ben", 3000);
  ASSERT_TRUE(rules_->Flush().ok());
  EXPECT_EQ(tags("ben"), Tags{"value:repeat"});

  // The tag is the rule's: not by hand, not in bulk, not from answers.
  EXPECT_EQ(CheckManualTags(*engine_, kDefaultWorkspace, {"vip", "value:repeat"}).field(),
            "tags[1]");
  TagService::BulkTagRequest bulk;
  bulk.add = {"value:repeat"};
  bulk.customers = {"amy"};
  EXPECT_EQ(tags_->BulkTag(kDefaultWorkspace, bulk).status().field(), "add[0]");
  EXPECT_EQ(tags_->SetAnswerTags(kDefaultWorkspace, {{"", "q", "a", "intent:strong"}}).field(),
            "rows[0]");

  // Refused tables change nothing.
  auto refused = [&](std::vector<TagService::TagRuleSpec> bad) {
    Status s = set(std::move(bad));
    EXPECT_EQ(tags_->TagRules(kDefaultWorkspace)->size(), 2u);
    return s;
  };
  ASSERT_TRUE(Save("buyers", "count(order_paid) >= 1").ok());
  rows.clear();
  rows.push_back(rule_row("vip", R"(in_segment("buyers"))"));
  EXPECT_EQ(refused(std::move(rows)).field(), "rules[0].rule");
  rows.clear();
  rows.push_back(rule_row("a", R"(has_tag("b"))"));
  rows.push_back(rule_row("b", R"(not has_tag("a"))"));
  Status loop = refused(std::move(rows));
  EXPECT_EQ(loop.field(), "rules[0].rule");
  EXPECT_NE(loop.message().find("automatic tag"), std::string::npos);
  rows.clear();
  rows.push_back(rule_row("a", "count(order_paid) >= 1"));
  rows.push_back(rule_row("a", "count(order_paid) >= 2"));
  EXPECT_EQ(refused(std::move(rows)).field(), "rules[1].tag");
  rows.clear();
  rows.push_back(rule_row("pond:x", "count(order_paid) >= 1"));
  EXPECT_EQ(refused(std::move(rows)).field(), "rules[0].tag");

  // While pond is stopped ben's orders age out; at start the tag catches up.
  service_.reset();
  clock_.Advance(2 * kDayMicros);
  Reopen();
  ASSERT_TRUE(rules_->Flush().ok());
  EXPECT_EQ(tags("ben"), Tags{});
  EXPECT_EQ(tags_->TagRules(kDefaultWorkspace)->size(), 2u);
}

TEST_F(SegmentServiceTest, ExclusiveTagGroupsKeepOneTagAndClosedGroupsRefuseOtherValues) {
  using Tags = std::vector<std::string>;
  auto tags = [&](const std::string& user) {
    return engine_->GetCustomer(kDefaultWorkspace, user)->tags;
  };
  ASSERT_TRUE(
      tags_
          ->SetTagGroups(kDefaultWorkspace, {{"skin", "肤质", true, {"oily", "dry", "combination"}},
                                             {"interest", "兴趣", false, {}}})
          .ok());
  Track("cat", "tag_added", R"({"tag":"skin:oily"})");
  Track("cat", "tag_added", R"({"tag":"interest:mask"})");
  Track("cat", "tag_added", R"({"tag":"interest:serum"})");  // not exclusive: both stay
  ASSERT_TRUE(rules_->Flush().ok());
  EXPECT_EQ(tags("cat"), (Tags{"interest:mask", "interest:serum", "skin:oily"}));
  Track("cat", "tag_added", R"({"tag":"skin:dry"})");
  ASSERT_TRUE(rules_->Flush().ok());
  EXPECT_EQ(tags("cat"), (Tags{"interest:mask", "interest:serum", "skin:dry"}));
  auto timeline = engine_->GetCustomer(kDefaultWorkspace, "cat")->timeline;
  EXPECT_EQ(timeline.front().name, "tag_removed");
  EXPECT_NE(timeline.front().properties.find("group:skin"), std::string::npos);

  // Values outside a closed group are refused where tags are set by hand; removing one is fine.
  EXPECT_EQ(CheckManualTags(*engine_, kDefaultWorkspace, {"skin:dry", "skin:greasy"}).field(),
            "tags[1]");
  EXPECT_TRUE(CheckManualTags(*engine_, kDefaultWorkspace, {"skin:greasy"}, "tags", false).ok());
  EXPECT_TRUE(CheckManualTags(*engine_, kDefaultWorkspace, {"interest:anything", "vip"}).ok());
  std::vector<TagService::TagRuleSpec> rules;
  rules.push_back({"skin:unknown", ParseRule("count(order_paid) >= 1").value()});
  EXPECT_EQ(tags_->SetTagRules(kDefaultWorkspace, std::move(rules)).field(), "rules[0]");

  // The listing: declared groups in order with their tags, then groups only seen in tags.
  Track("dan", "tag_added", R"({"tag":"city:sh"})");
  auto groups = tags_->TagGroups(kDefaultWorkspace).value();
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].group.label, "肤质");
  ASSERT_EQ(groups[0].tags.size(), 1u);
  EXPECT_EQ(groups[0].tags[0].tag, "skin:dry");
  EXPECT_EQ(groups[1].tags.size(), 2u);
  EXPECT_FALSE(groups[2].declared);
  EXPECT_EQ(groups[2].group.name, "city");

  // Bad definitions change nothing.
  EXPECT_EQ(tags_->SetTagGroups(kDefaultWorkspace, {{"a:b", "", false, {}}}).field(),
            "groups[0].name");
  EXPECT_EQ(tags_->SetTagGroups(kDefaultWorkspace, {{"pond", "", false, {}}}).field(),
            "groups[0].name");
  EXPECT_EQ(tags_->SetTagGroups(kDefaultWorkspace, {{"x", "", false, {"a", "a"}}}).field(),
            "groups[0].values[1]");
  EXPECT_EQ(
      tags_->SetTagGroups(kDefaultWorkspace, {{"x", "", false, {}}, {"x", "", false, {}}}).field(),
      "groups[1].name");
  Reopen();
  EXPECT_EQ(tags_->TagGroups(kDefaultWorkspace)->front().group.values.size(), 3u);
}

TEST_F(SegmentServiceTest, AWorkspaceIntentTableScoresByEventAndPropertyAndDecays) {
  IntentSettings intent;
  intent.half_life_days = 7;
  intent.weak = 10;
  intent.strong = 30;
  intent.rows.push_back(ParseIntentRow("message_received", 5, "points[0]").value());
  intent.rows.push_back(
      ParseIntentRow(R"(message_received where property.keyword == "price")", 30, "points[1]")
          .value());
  ASSERT_TRUE(scores_->SetIntent(kDefaultWorkspace, intent).ok());
  ASSERT_TRUE(Save("hot", R"(intent == "strong")").ok());
  ASSERT_TRUE(Save("warm", R"(intent == "weak")").ok());
  Track("lea", "message_received", R"({"keyword":"price"})");  // 5 + 30
  Track("max", "message_received", R"({"keyword":"size"})");   // 5
  Track("max", "message_received", "{}");                      // 10 in all
  EXPECT_EQ(Count("hot"), 1);
  EXPECT_EQ(Count("warm"), 1);
  // A week later lea's 35 is 17.5: weak.
  clock_.Advance(7 * kDayMicros);
  rules_->Tick();
  EXPECT_EQ(Count("hot"), 0);
  EXPECT_EQ(Count("warm"), 1);
  EXPECT_EQ(service_->Preview(kDefaultWorkspace, *ParseRule("intent between 17 and 18").value(), 5)
                ->count,
            1);

  // The table survives a restart, with the property filter as written.
  Reopen();
  auto saved = scores_->Intent(kDefaultWorkspace).value();
  ASSERT_EQ(saved.rows.size(), 2u);
  EXPECT_EQ(saved.rows[1].filter_key, R"(message_received where property.keyword == "price")");
  EXPECT_EQ(Count("warm"), 1);

  // Bad tables are refused with the field.
  IntentSettings bad = intent;
  bad.strong = 5;
  EXPECT_EQ(scores_->SetIntent(kDefaultWorkspace, bad).field(), "strong");
  bad = intent;
  bad.half_life_days = 0;
  EXPECT_EQ(scores_->SetIntent(kDefaultWorkspace, bad).field(), "half_life_days");
  EXPECT_EQ(ParseIntentRow("message_received where", 5, "points[3]").status().field(),
            "points[3].event");
  EXPECT_EQ(ParseIntentRow("segment_entered", 5, "points[0]").status().field(), "points[0].event");
  EXPECT_EQ(ParseIntentRow("page_viewed", 0, "points[0]").status().field(), "points[0].points");
  EXPECT_EQ(scores_->Intent(kDefaultWorkspace)->strong, 30);
}

TEST_F(SegmentServiceTest, AWorkspaceCanReplaceItsLifecycleStages) {
  auto stage_of = [&](const std::string& user) {
    auto p = engine_->GetCustomer(kDefaultWorkspace, user);
    const auto stages = scores_->Stages(kDefaultWorkspace).value();
    for (const auto& s : stages) {
      const uint32_t dense = static_cast<uint32_t>(std::stoul(p->summary.id.substr(4)) - 1);
      if (scores_->StageBitmap(kDefaultWorkspace, s.stage)->contains(dense)) return s.stage;
    }
    return std::string("?");
  };
  Order("vic", 50000);
  ASSERT_TRUE(Save("repeaters", R"(stage == "repeat")").ok());
  std::vector<StageRule> stages = {{"vip", "sum(order_paid.amount) >= 1000"},
                                   {"buyer", "count(order_paid) >= 1"}};
  // A saved segment names a stage that would be gone: refused, nothing changes.
  Status refused = scores_->SetStages(kDefaultWorkspace, stages);
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("repeaters"), std::string::npos);
  EXPECT_EQ(stage_of("vic"), "customer");
  ASSERT_TRUE(
      service_->Delete(kDefaultWorkspace, service_->Get(kDefaultWorkspace, "repeaters")->id).ok());

  ASSERT_TRUE(Save("vips", R"(stage == "vip")").ok() == false);  // not a stage yet
  ASSERT_TRUE(scores_->SetStages(kDefaultWorkspace, stages).ok());
  EXPECT_EQ(stage_of("vic"), "buyer");
  ASSERT_TRUE(Save("vips", R"(stage == "vip")").ok());
  Order("vic", 60000);
  EXPECT_EQ(stage_of("vic"), "vip");
  EXPECT_EQ(Count("vips"), 1);
  ASSERT_TRUE(rules_->Flush().ok());
  auto timeline = engine_->GetCustomer(kDefaultWorkspace, "vic")->timeline;
  bool moved = false;
  for (const Event& e : timeline) {
    moved |= e.name == "stage_changed" && e.properties.find(R"("to":"vip")") != std::string::npos;
  }
  EXPECT_TRUE(moved);
  auto listed = scores_->Stages(kDefaultWorkspace).value();
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].rule, "sum(order_paid.amount) >= 1000");
  EXPECT_EQ(listed[2].stage, "none");

  Reopen();
  EXPECT_EQ(stage_of("vic"), "vip");
  EXPECT_EQ(Count("vips"), 1);

  EXPECT_EQ(scores_->SetStages(kDefaultWorkspace, {{"none", "count(order_paid) >= 1"}}).field(),
            "stages[0].stage");
  EXPECT_EQ(scores_->SetStages(kDefaultWorkspace, {{"a", R"(stage == "vip")"}}).field(),
            "stages[0].rule");
  EXPECT_EQ(scores_->SetStages(kDefaultWorkspace, {{"a", "count(order_paid >= 1"}}).field(),
            "stages[0].rule");
  EXPECT_EQ(scores_->Stages(kDefaultWorkspace)->size(), 3u);
}

TEST_F(SegmentServiceTest, RefusesBadDefinitionsAndChangesNothing) {
  ASSERT_TRUE(Save("a", "count(order_paid) >= 1").ok());
  auto b = Save("b", R"(in_segment("a"))");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Save("", "count(order_paid) >= 1").status().field(), "name");
  EXPECT_EQ(Save("a", "count(order_paid) >= 2").status().code(), StatusCode::kAlreadyExists);
  auto unknown = Save("c", R"(in_segment("nope"))");
  EXPECT_EQ(unknown.status().field(), "rule");
  EXPECT_NE(unknown.status().message().find("no such segment"), std::string::npos);
  // a naming b while b names a: a cycle.
  auto a_id = service_->Get(kDefaultWorkspace, "a")->id;
  auto cycle = Save("a", R"(in_segment("b"))", a_id);
  EXPECT_NE(cycle.status().message().find("cycle"), std::string::npos);
  EXPECT_EQ(service_->Get(kDefaultWorkspace, "a")->rule, "count(order_paid) >= 1");
  // b uses a: a cannot go first.
  EXPECT_EQ(service_->Delete(kDefaultWorkspace, a_id).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->Delete(kDefaultWorkspace, "seg_missing").code(), StatusCode::kNotFound);
  EXPECT_TRUE(service_->Delete(kDefaultWorkspace, b->id).ok());
  EXPECT_TRUE(service_->Delete(kDefaultWorkspace, a_id).ok());
  Reopen();
  EXPECT_TRUE(service_->List(kDefaultWorkspace)->empty());
  EXPECT_EQ(service_->List("nope").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace pond
