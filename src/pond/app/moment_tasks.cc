#include "pond/app/moment_tasks.h"

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

}  // namespace pond::app
