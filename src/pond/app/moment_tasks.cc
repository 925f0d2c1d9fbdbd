#include "pond/app/moment_tasks.h"

#include "pond/channels/wecom/moments.h"
#include "pond/content/content_service.h"
#include "pond/content/moments_json.h"

namespace pond::app {

using nlohmann::json;

Result<json> MomentTasks(App& app, const std::string& ws, const std::vector<PlannedPost>& posts,
                         const std::map<std::string, std::string>& senders) {
  ASSIGN_OR_RETURN(const int zone, app.engine().UtcOffsetOf(ws));
  json tasks = json::array();
  for (size_t i = 0; i < posts.size(); ++i) {
    const PlannedPost& p = posts[i];
    Result<ContentItem> item = app.content().GetItem(ws, p.item);
    if (!item.ok()) {
      return FieldError("posts[" + std::to_string(i) + "].item", item.status().message());
    }
    const auto sender = senders.find(p.staff);
    json post = PostJson(p, zone);
    post["kind"] = ContentKindName(item->kind);
    post["request"] = {
        {"method", "POST"},
        {"path", "/cgi-bin/externalcontact/add_moment_task"},
        {"body", MomentTaskBody(*item, sender == senders.end() ? p.staff : sender->second)}};
    tasks.push_back(std::move(post));
  }
  return json{{"tasks", tasks}};
}

Result<json> PlanWecomMoments(App& app, const std::string& ws,
                              const std::vector<PlannedPost>& posts,
                              const std::map<std::string, std::string>& senders) {
  ASSIGN_OR_RETURN(json tasks, MomentTasks(app, ws, posts, senders));
  std::vector<wecom::MomentPost> planned;
  for (size_t i = 0; i < posts.size(); ++i) {
    const json& task = tasks["tasks"][i];  // MomentTasks made it with the same sender
    wecom::MomentPost p;
    p.staff = posts[i].staff;
    p.item = posts[i].item;
    p.at = posts[i].at;
    const auto sender = senders.find(p.staff);
    p.sender = sender == senders.end() ? p.staff : sender->second;
    p.body = task["request"]["body"].dump();
    planned.push_back(std::move(p));
  }
  ASSIGN_OR_RETURN(int64_t added, wecom::PlanMomentPosts(app.engine(), ws, planned));
  return json{{"planned", added}, {"posts", posts.size()}};
}

}  // namespace pond::app
