// The Moments planner's JSON (docs/content.md, "API"): personas, rules, calendars and
// violations, shared by the API and the CLI. Errors name the field ("rules.windows[1].start").
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pond/content/moments_plan.h"

namespace pond {

// "expert" or {"id", "posts_per_day", "mix": {"knowledge": 0.3, …}} (kinds not named: 0).
Result<Persona> ParsePersona(const nlohmann::json& j, const std::string& field);
// {"min_posts", "max_posts", "max_ads", "min_gap_minutes", "no_repeat_days",
//  "windows": [{"name", "start": "07:00", "end": "09:00"}]}: what is absent keeps its default.
Result<MomentsRules> ParseMomentsRules(const nlohmann::json& j);
// Local time is the workspace's zone, `utc_offset_seconds` east of UTC.
// "2026-12-01": local midnight.
Result<Micros> ParseLocalDate(const nlohmann::json& j, const std::string& field,
                              int utc_offset_seconds);
// [{"staff", "at", "item"}] (at: ISO 8601, local time when it names no offset).
Result<std::vector<PlannedPost>> ParsePlannedPosts(const nlohmann::json& j, int utc_offset_seconds);

nlohmann::json PersonaJson(const Persona& p);
nlohmann::json PostJson(const PlannedPost& p, int utc_offset_seconds);  // at in local time
nlohmann::json ViolationJson(const MomentsViolation& v);

// The body of WeCom's externalcontact/add_moment_task for one planned post of `item` by the
// staff member whose WeCom userid is `sender`: {"text": {"content"}, "attachments": [{"msgtype":
// "image", "image": {"media_id"}}…], "visible_range": {"sender_list": {"user_list": [sender]}}}.
// The text is the title, a blank line and the text, cut to WeCom's 2,000 characters; each media
// reference is an image's media_id ("video:<id>" for a video), at most 9.
nlohmann::json MomentTaskBody(const ContentItem& item, const std::string& sender);

}  // namespace pond
