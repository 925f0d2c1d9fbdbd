// Moments (客户朋友圈, issue 27; docs/wecom.md, "Moments"): the posts of the Moments plan
// published from the staff accounts, and what customers do with them read back as events.
//   add_moment_task          a planned post once its time has come: WeCom's jobid
//   get_moment_task_result   until the job is done (status 3): the moment_id, or WeCom's refusal
//   get_moment_task          whether the sender has posted it in WeCom's client (publish_status)
//   get_moment_send_result   who can see it: moment_posted {moment_id, staff_id, content_id} on
//                            each of those customers (the touch "a Moments post they saw")
//   get_moment_comments      for 7 days after: moment_liked / moment_commented {moment_id,
//                            staff_id, content_id} on each customer who liked or commented
// A post is kept as an object ("wecom_moment", by its key) with the step it has reached; the
// events' messageIds come from the moment, the customer and WeCom's time, so reading again
// stores nothing new. A transient refusal leaves the post where it was for the next run; any
// other errcode fails the post with WeCom's errcode and errmsg.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/channels/outbound/wecom_api.h"
#include "pond/engine/engine.h"

namespace pond::wecom {

inline constexpr Micros kMomentFollowed = 7 * kMicrosPerDay;  // likes read this long after

struct MomentPost {
  std::string key;     // MomentKey(staff, at, item)
  std::string staff;   // the staff account
  std::string sender;  // its WeCom userid
  std::string item;    // the content item
  Micros at = 0;       // when to publish
  std::string body;    // the add_moment_task request (JSON)
  // planned → submitted (jobid) → created (moment_id) → posted; or failed (error).
  std::string state = "planned";
  std::string jobid, moment_id, error;
  Micros posted_at = 0;  // when pond saw the sender had posted it
  int64_t reached = 0, likes = 0, comments = 0;
};

std::string MomentKey(const std::string& staff, Micros at, const std::string& item);
nlohmann::json MomentPostJson(const MomentPost& p);

Result<std::vector<MomentPost>> MomentPosts(Engine& engine, const std::string& ws);
// Keeps posts to publish; a post kept already (the same key) stays as it is. How many are new.
Result<int64_t> PlanMomentPosts(Engine& engine, const std::string& ws,
                                const std::vector<MomentPost>& posts);

struct MomentsRun {
  int64_t submitted = 0, created = 0, posted = 0, failed = 0;
  int64_t events = 0;  // new events stored
};
// One pass over the workspace's posts at the engine's time.
Result<MomentsRun> RunMoments(Engine& engine, outbound::WecomApi& api, const std::string& ws);

}  // namespace pond::wecom
