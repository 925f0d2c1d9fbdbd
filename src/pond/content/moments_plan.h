// The Moments planner (朋友圈排期, docs/content.md): a calendar of posts for one staff account's
// persona over a date range, within the rules operators follow, and a validator that lists each
// rule a calendar (planned or hand-made) breaks.
//
// Default rules: 3–5 posts a day, at most 3 ads (product ads and promotions) a day and never
// two ads one after the other (also across midnight), posts only inside the posting windows
// (morning commute 07:00–09:00, lunch 11:30–13:30, evening 18:00–22:30), at least 2 hours
// between posts, no item posted again within 14 days, items that suit the persona, and over a
// week or more the persona's mix of kinds within 15 points of its target shares.
//
// How it plans. Each day gets the persona's number of posts at times spread over the windows
// (the earliest times 2 hours apart, then an even pick among them). Each post takes the kind
// furthest below its target share so far that the ad rules allow and that has an item not used
// in the last 14 days; of that kind, the best-performing item (ContentItem::Score), then by id.
// A day that cannot get its minimum (too little content) is reported, not padded.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/status.h"
#include "pond/content/content_item.h"
#include "pond/model/workspace.h"

namespace pond {

struct PostingWindow {
  std::string name;      // "morning", "lunch", "evening"
  int start_minute = 0;  // minutes after local midnight, inclusive
  int end_minute = 0;    // inclusive
};

struct MomentsRules {
  int min_posts = 3;
  int max_posts = 5;
  int max_ads = 3;
  int min_gap_minutes = 120;
  int no_repeat_days = 14;
  std::vector<PostingWindow> windows = {{"morning", 7 * 60, 9 * 60},
                                        {"lunch", 11 * 60 + 30, 13 * 60 + 30},
                                        {"evening", 18 * 60, 22 * 60 + 30}};
  double mix_tolerance = 0.15;  // share points a kind may stray from the persona's target
  int mix_min_days = 7;         // the mix is checked over calendars this long or longer
};

// A persona (人设): how many posts a day, and the share of each kind it aims for.
struct Persona {
  std::string id;
  int posts_per_day = 4;
  std::array<double, kContentKinds> mix{};  // by ContentKind; sums to 1
};
// "expert" (专家: knowledge first), "friend" (闺蜜: daily life first), "shopkeeper" (店主: more
// buyer shows and ads, still within the ad rules). Unknown id: NotFound.
Result<Persona> BuiltInPersona(const std::string& id);
// Errors name the field ("rules.windows", "persona.mix").
Status CheckRules(const MomentsRules& rules);
Status CheckPersona(const Persona& persona, const MomentsRules& rules,
                    const std::string& field = "persona");

struct PlannedPost {
  std::string staff;
  Micros at = 0;
  std::string item;
  ContentKind kind = ContentKind::kKnowledge;
};

struct MomentsRequest {
  std::string staff;
  Persona persona;
  Micros from = 0;  // local midnight of the first day
  int days = 7;
  int tz_offset_seconds = kDefaultUtcOffsetSeconds;  // the workspace's zone
  std::vector<ContentItem> items;
  std::vector<PlannedPost> recent;  // the account's posts before `from` (no repeats across)
};

struct MomentsPlan {
  std::vector<PlannedPost> posts;       // by time
  std::vector<std::string> shortfalls;  // "2026-12-03: 2 posts (content ran out: …)"
};

Result<MomentsPlan> PlanMoments(const MomentsRequest& request, const MomentsRules& rules);

struct MomentsViolation {
  std::string code;  // too_few_posts, too_many_posts, too_many_ads, ads_in_a_row,
                     // outside_window, too_close, repeated_item, unknown_item, persona_fit,
                     // persona_mix
  std::string staff;
  std::string date;  // local "YYYY-MM-DD" ("" for the whole range)
  std::vector<std::string> items;
  std::string message;
};

// Each broken rule of `posts` (any number of staff accounts, any order). Days from `from` for
// `days` must each hold min_posts; with days = 0 the range is the posts' own first to last day.
std::vector<MomentsViolation> ValidateMoments(const std::vector<PlannedPost>& posts,
                                              const std::vector<ContentItem>& items,
                                              const Persona& persona, const MomentsRules& rules,
                                              Micros from, int days, int tz_offset_seconds);

}  // namespace pond
