// The JSON of the Moments planner: personas and rules read back with the field named on error,
// and WeCom's add_moment_task body built exactly as its documentation shows.
#include "pond/content/moments_json.h"

#include <gtest/gtest.h>

#include "pond/model/workspace.h"

namespace pond {
namespace {

using nlohmann::json;

TEST(MomentsJsonTest, PersonasAndRulesNameTheField) {
  EXPECT_EQ(ParsePersona(json("expert"), "persona")->posts_per_day, 4);
  EXPECT_EQ(ParsePersona(json("guru"), "staff[0].persona").status().field(), "staff[0].persona");
  EXPECT_EQ(
      ParsePersona(json::parse(R"({"id": "x", "mix": {"poster": 1}})"), "persona").status().field(),
      "persona.mix.poster");
  const Persona own = ParsePersona(json::parse(R"({"id": "founder", "posts_per_day": 3,
                                   "mix": {"knowledge": 0.5, "daily_life": 0.5}})"),
                                   "persona")
                          .value();
  EXPECT_DOUBLE_EQ(own.mix[static_cast<int>(ContentKind::kDailyLife)], 0.5);
  EXPECT_EQ(ParseMomentsRules(json::parse(R"({"max_ads": -1})")).status().field(), "rules.max_ads");
  EXPECT_EQ(ParseMomentsRules(json::parse(R"({"windows": [{"start": "7am", "end": "09:00"}]})"))
                .status()
                .field(),
            "rules.windows[0].start");
  EXPECT_EQ(ParseMomentsRules(json()).value().max_posts, 5);
  EXPECT_EQ(ParseLocalDate(json("2026-02-30"), "from", kDefaultUtcOffsetSeconds).status().field(),
            "from");
  EXPECT_EQ(ParsePlannedPosts(json::parse(R"([{"staff": "s", "item": "cnt_a"}])"),
                              kDefaultUtcOffsetSeconds)
                .status()
                .field(),
            "posts[0].at");
}

TEST(MomentsJsonTest, TheWecomMomentTaskBody) {
  ContentItem item;
  item.id = "cnt_spf";
  item.title = "防晒小知识";
  item.text = "一元硬币大小";
  item.media = {"MEDIA_1", "video:MEDIA_2"};
  EXPECT_EQ(MomentTaskBody(item, "lily").dump(),
            json::parse(R"({"text": {"content": "防晒小知识\n\n一元硬币大小"},
                            "attachments": [{"msgtype": "image", "image": {"media_id": "MEDIA_1"}},
                                            {"msgtype": "video", "video": {"media_id": "MEDIA_2"}}],
                            "visible_range": {"sender_list": {"user_list": ["lily"]}}})")
                .dump());
  item.text = std::string(3'000, 'a');
  item.title = "标";
  const std::string content = MomentTaskBody(item, "lily")["text"]["content"];
  EXPECT_EQ(content.size(), 3u + 2 + 1'997);  // 2,000 characters: 标, two newlines, 1,997 a
}

}  // namespace
}  // namespace pond
