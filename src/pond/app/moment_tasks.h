// The Moments calendar handed to WeCom: each planned post with the add_moment_task request
// that publishes it from its staff account (docs/content.md).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pond/app/app.h"
#include "pond/content/moments_plan.h"

namespace pond::app {

// {tasks: [{staff, at, item, kind, request: {method, path, body}}]}. `senders` maps a staff
// account to its WeCom userid (absent: the staff id itself). An unknown item is an error naming
// posts[i].item. REQUIRES: content started.
Result<nlohmann::json> MomentTasks(App& app, const std::string& ws,
                                   const std::vector<PlannedPost>& posts,
                                   const std::map<std::string, std::string>& senders);

// The posts handed to WeCom to publish when their time comes (channels/wecom/moments.h), each
// with the add_moment_task body MomentTasks shows: {planned: new posts, posts: all asked for}.
// A post asked for again (the same staff, time and item) is kept as it is.
Result<nlohmann::json> PlanWecomMoments(App& app, const std::string& ws,
                                        const std::vector<PlannedPost>& posts,
                                        const std::map<std::string, std::string>& senders);

}  // namespace pond::app
