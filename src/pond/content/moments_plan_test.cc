// The Moments planner over 90 days for three personas, checked by the library's validator and by
// an independent one written here; and the validator catching each kind of violation.
#include "pond/content/moments_plan.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "pond/base/time.h"

namespace pond {
namespace {

constexpr int kTz = 8 * 3600;

std::vector<ContentItem> Library() {
  const std::pair<ContentKind, int> sizes[] = {
      {ContentKind::kKnowledge, 40}, {ContentKind::kDailyLife, 40}, {ContentKind::kProductAd, 30},
      {ContentKind::kBuyerShow, 30}, {ContentKind::kPromotion, 15}, {ContentKind::kEmotional, 20}};
  std::vector<ContentItem> out;
  uint64_t seed = 7;
  for (const auto& [kind, n] : sizes) {
    for (int i = 0; i < n; ++i) {
      ContentItem item;
      item.id = std::string("cnt_") + ContentKindName(kind) + "_" + std::to_string(i);
      item.kind = kind;
      item.title = item.id;
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      item.views = static_cast<int64_t>(seed >> 54);  // 0–1023
      item.likes = static_cast<int64_t>((seed >> 40) % 64);
      item.comments = static_cast<int64_t>((seed >> 30) % 8);
      if (i % 10 == 9) item.personas = {"expert"};  // a few only the expert may post
      out.push_back(item);
    }
  }
  return out;
}

// An independent check of the default rules, written from the words, not the library.
std::vector<std::string> IndependentCheck(const std::vector<PlannedPost>& posts,
                                          const std::vector<ContentItem>& items,
                                          const Persona& persona, Micros from, int days) {
  std::vector<std::string> problems;
  std::map<std::string, ContentItem> lib;
  for (const ContentItem& i : items) lib[i.id] = i;
  std::map<int64_t, int> per_day, ads_per_day;
  std::map<std::string, int64_t> last;
  const PlannedPost* before = nullptr;
  std::map<ContentKind, int> kinds;
  for (const PlannedPost& p : posts) {
    const int64_t local = p.at / 1'000'000 + kTz;  // seconds, local
    const int64_t day = local / 86'400;
    const int minute = static_cast<int>(local % 86'400 / 60);
    const ContentItem& item = lib.at(p.item);
    const bool ad = item.kind == ContentKind::kProductAd || item.kind == ContentKind::kPromotion;
    ++per_day[day];
    ads_per_day[day] += ad;
    ++kinds[item.kind];
    if (!(minute >= 420 && minute <= 540) && !(minute >= 690 && minute <= 810) &&
        !(minute >= 1080 && minute <= 1350)) {
      problems.push_back("window " + p.item);
    }
    if (before) {
      const ContentItem& prev = lib.at(before->item);
      const bool prev_ad =
          prev.kind == ContentKind::kProductAd || prev.kind == ContentKind::kPromotion;
      if (ad && prev_ad) problems.push_back("two ads " + p.item);
      if (p.at - before->at < 2LL * 3600 * 1'000'000) problems.push_back("gap " + p.item);
      if (p.at <= before->at) problems.push_back("order " + p.item);
    }
    if (last.count(p.item) && day - last[p.item] < 14) problems.push_back("repeat " + p.item);
    if (!item.personas.empty() && item.personas[0] != persona.id) {
      problems.push_back("persona " + p.item);
    }
    last[p.item] = day;
    before = &p;
  }
  const int64_t first = (from / 1'000'000 + kTz) / 86'400;
  for (int64_t d = first; d < first + days; ++d) {
    if (per_day[d] < 3 || per_day[d] > 5) problems.push_back("count " + std::to_string(d));
    if (ads_per_day[d] > 3) problems.push_back("ads " + std::to_string(d));
  }
  for (int k = 0; k < kContentKinds; ++k) {
    const double share =
        static_cast<double>(kinds[static_cast<ContentKind>(k)]) / static_cast<double>(posts.size());
    if (std::abs(share - persona.mix[k]) > 0.15) problems.push_back("mix " + std::to_string(k));
  }
  return problems;
}

TEST(MomentsPlanTest, NinetyDaysForEachPersonaKeepEveryRule) {
  const std::vector<ContentItem> items = Library();
  const Micros from = ParseIso8601("2026-12-01T00:00:00+08:00").value();
  for (const std::string id : {"expert", "friend", "shopkeeper"}) {
    SCOPED_TRACE(id);
    MomentsRequest req;
    req.staff = "stf_" + id;
    req.persona = BuiltInPersona(id).value();
    req.from = from;
    req.days = 90;
    req.items = items;
    const MomentsPlan plan = PlanMoments(req, {}).value();
    EXPECT_TRUE(plan.shortfalls.empty()) << plan.shortfalls[0];
    EXPECT_EQ(plan.posts.size(), 90u * static_cast<size_t>(req.persona.posts_per_day));
    EXPECT_EQ(IndependentCheck(plan.posts, items, req.persona, from, 90),
              std::vector<std::string>{});
    const auto violations = ValidateMoments(plan.posts, items, req.persona, {}, from, 90, kTz);
    EXPECT_TRUE(violations.empty()) << violations[0].code << ": " << violations[0].message;
  }
}

TEST(MomentsPlanTest, TheBestPerformingItemOfAKindGoesFirst) {
  std::vector<ContentItem> items = Library();
  for (ContentItem& i : items) {
    if (i.id == "cnt_knowledge_3") {
      i.views = 1000;
      i.likes = 1000;  // by far the best knowledge tip
      i.comments = 300;
    }
  }
  MomentsRequest req;
  req.staff = "stf_a";
  req.persona = BuiltInPersona("expert").value();
  req.from = ParseIso8601("2026-12-01T00:00:00+08:00").value();
  req.days = 1;
  req.items = items;
  const MomentsPlan plan = PlanMoments(req, {}).value();
  ASSERT_FALSE(plan.posts.empty());
  EXPECT_EQ(plan.posts[0].item, "cnt_knowledge_3");  // knowledge has the largest target share
  EXPECT_EQ(FormatIso8601(plan.posts[0].at, kTz), "2026-12-01T07:00:00+08:00");
}

TEST(MomentsPlanTest, TooLittleContentIsReportedNotPadded) {
  std::vector<ContentItem> items;
  for (int i = 0; i < 10; ++i) {
    ContentItem item;
    item.id = "cnt_tip_" + std::to_string(i);
    item.title = item.id;
    items.push_back(item);  // knowledge only, 10 items
  }
  MomentsRequest req;
  req.staff = "stf_a";
  req.persona = BuiltInPersona("expert").value();
  req.from = ParseIso8601("2026-12-01T00:00:00+08:00").value();
  req.days = 5;
  req.items = items;
  const MomentsPlan plan = PlanMoments(req, {}).value();
  EXPECT_EQ(plan.posts.size(), 10u);  // each item once: none again within 14 days
  ASSERT_EQ(plan.shortfalls.size(), 3u);
  EXPECT_EQ(plan.shortfalls[0].substr(0, 21), "2026-12-03: 2 posts, ");
}

TEST(MomentsPlanTest, TheValidatorNamesEachBrokenRule) {
  const std::vector<ContentItem> items = Library();
  const Persona expert = BuiltInPersona("expert").value();
  auto at = [](const char* text) { return ParseIso8601(text).value(); };
  const std::vector<PlannedPost> posts = {
      // 12-01: an ad, an ad right after it, too close, and one at 03:00.
      {"s", at("2026-12-01T07:00:00+08:00"), "cnt_product_ad_0", ContentKind::kProductAd},
      {"s", at("2026-12-01T08:00:00+08:00"), "cnt_promotion_0", ContentKind::kPromotion},
      {"s", at("2026-12-01T12:00:00+08:00"), "cnt_knowledge_0", ContentKind::kKnowledge},
      {"s", at("2026-12-01T18:00:00+08:00"), "cnt_product_ad_1", ContentKind::kProductAd},
      {"s", at("2026-12-01T20:00:00+08:00"), "cnt_daily_life_9", ContentKind::kDailyLife},
      {"s", at("2026-12-01T22:00:00+08:00"), "cnt_product_ad_2", ContentKind::kProductAd},
      // 12-02: one post only, outside the windows, repeating an item, and an unknown one.
      {"s", at("2026-12-02T03:00:00+08:00"), "cnt_knowledge_0", ContentKind::kKnowledge},
      {"s", at("2026-12-02T12:00:00+08:00"), "cnt_nope", ContentKind::kKnowledge},
  };
  const auto v = ValidateMoments(posts, items, BuiltInPersona("friend").value(), {},
                                 at("2026-12-01T00:00:00+08:00"), 2, kTz);
  std::multiset<std::string> codes;
  for (const MomentsViolation& x : v) codes.insert(x.code);
  for (const char* code :
       {"ads_in_a_row", "too_close", "too_many_posts", "too_many_ads", "outside_window",
        "repeated_item", "unknown_item", "too_few_posts", "persona_fit"}) {
    EXPECT_TRUE(codes.count(code)) << code;
  }
  EXPECT_EQ(codes.count("persona_mix"), 0u);  // two days: too short to judge the mix
  for (const MomentsViolation& x : v) {
    if (x.code == "ads_in_a_row") {
      EXPECT_EQ(x.date, "2026-12-01");
      EXPECT_EQ(x.items, (std::vector<std::string>{"cnt_product_ad_0", "cnt_promotion_0"}));
    }
    if (x.code == "persona_fit") {
      EXPECT_EQ(x.items[0], "cnt_daily_life_9");
    }
    if (x.code == "outside_window") {
      EXPECT_NE(x.message.find("03:00"), std::string::npos);
    }
  }
  // A week of knowledge only: the mix is off.
  std::vector<PlannedPost> week;
  for (int d = 0; d < 7; ++d) {
    for (int k = 0; k < 3; ++k) {
      const Micros offset[] = {0, 5 * kMicrosPerHour, 12 * kMicrosPerHour};  // 07, 12, 19 h
      week.push_back({"s", at("2026-12-01T07:00:00+08:00") + d * kMicrosPerDay + offset[k],
                      "cnt_knowledge_" + std::to_string(d * 3 + k), ContentKind::kKnowledge});
    }
  }
  const auto mix = ValidateMoments(week, items, expert, {}, 0, 0, kTz);
  ASSERT_FALSE(mix.empty());
  EXPECT_EQ(mix.size(), 2u);  // knowledge 65 points over; product ads 20 under (tolerance 15)
  EXPECT_EQ(mix[0].code, "persona_mix");
  EXPECT_EQ(mix[0].message, "knowledge is 100% of the posts; the persona aims at 35%");
}

TEST(MomentsPlanTest, RulesAndPersonasAreChecked) {
  MomentsRules r;
  r.min_posts = 6;
  EXPECT_EQ(CheckRules(r).field(), "rules.posts");
  r = {};
  r.windows = {{"noon", 12 * 60, 13 * 60}};
  EXPECT_EQ(CheckRules(r).field(), "rules.windows");  // holds one post 2 hours apart
  r = {};
  r.windows = {{"bad", 23 * 60, 22 * 60}};
  EXPECT_EQ(CheckRules(r).field(), "rules.windows");
  Persona p = BuiltInPersona("expert").value();
  p.mix[0] = 0.9;
  EXPECT_EQ(CheckPersona(p, {}).field(), "persona.mix");
  p = BuiltInPersona("expert").value();
  p.posts_per_day = 9;
  EXPECT_EQ(CheckPersona(p, {}).field(), "persona.posts_per_day");
  EXPECT_EQ(BuiltInPersona("guru").status().code(), StatusCode::kNotFound);
  MomentsRequest req;
  req.persona = BuiltInPersona("friend").value();
  req.days = 0;
  EXPECT_EQ(PlanMoments(req, {}).status().field(), "days");
}

}  // namespace
}  // namespace pond
