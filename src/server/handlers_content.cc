// Content (docs/content.md): the content library, the Moments planner and the script library.
#include "pond/app/moment_tasks.h"
#include "pond/base/time.h"
#include "pond/channels/wecom/moments.h"
#include "pond/content/moments_json.h"
#include "server/handler_util.h"

namespace pond::server {
namespace {

// {rules?} of a body, and {from, days} when `need_range`.
struct PlanFrame {
  MomentsRules rules;
  Micros from = 0;
  int days = 0;
};
Result<PlanFrame> ReadFrame(const json& body, bool need_range, int zone) {
  PlanFrame f;
  ASSIGN_OR_RETURN(f.rules, ParseMomentsRules(body.value("rules", json())));
  if (!need_range && !body.contains("from")) return f;
  ASSIGN_OR_RETURN(f.from, ParseLocalDate(body.value("from", json()), "from", zone));
  auto days = body.find("days");
  if (days == body.end() || !days->is_number_integer() || days->get<int64_t>() < 1 ||
      days->get<int64_t>() > 366) {
    return FieldError("days", "a whole number from 1 to 366");
  }
  f.days = static_cast<int>(days->get<int64_t>());
  return f;
}

}  // namespace

Result<json> ListContentItems(ApiContext& ctx, const HttpRequest& req) {
  auto items = ctx.content.Items(ctx.workspace, QueryParam(req, "kind"));
  if (!items.ok()) return items.status();
  json data = json::array();
  for (const ContentItem& item : *items) data.push_back(ContentItemJson(item));
  return ListPage(req, std::move(data));
}

Result<json> SaveContentItem(ApiContext& ctx, const HttpRequest& req) {
  auto item = ParseContentItem(req.Body());
  if (!item.ok()) return item.status();
  auto saved = ctx.content.SaveItem(ctx.workspace, *item);
  if (!saved.ok()) return saved.status();
  return ContentItemJson(*saved);
}

Result<json> GetContentItem(ApiContext& ctx, const HttpRequest& req) {
  auto item = ctx.content.GetItem(ctx.workspace, req.params.at("id"));
  if (!item.ok()) return item.status();
  return ContentItemJson(*item);
}

Result<json> DeleteContentItem(ApiContext& ctx, const HttpRequest& req) {
  Status s = ctx.content.DeleteItem(ctx.workspace, req.params.at("id"));
  if (!s.ok()) return s;
  return json({{"deleted", req.params.at("id")}});
}

// {staff: [{id, persona}], from, days, rules?}
Result<json> PlanMomentsHandler(ApiContext& ctx, const HttpRequest& req) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  auto zone = ctx.engine.UtcOffsetOf(ctx.workspace);
  if (!zone.ok()) return zone.status();
  auto frame = ReadFrame(*body, true, *zone);
  if (!frame.ok()) return frame.status();
  auto staff = body->find("staff");
  if (staff == body->end() || !staff->is_array() || staff->empty() || staff->size() > 100) {
    return FieldError("staff", "1 to 100 {id, persona}");
  }
  std::vector<ContentService::StaffPlan> plans;
  for (size_t i = 0; i < staff->size(); ++i) {
    const std::string at = "staff[" + std::to_string(i) + "]";
    const json& s = (*staff)[i];
    if (!s.is_object() || !s.contains("id") || !s["id"].is_string() ||
        s["id"].get<std::string>().empty()) {
      return FieldError(at + ".id", "is required");
    }
    auto persona = ParsePersona(s.value("persona", json("friend")), at + ".persona");
    if (!persona.ok()) return persona.status();
    if (Status c = CheckPersona(*persona, frame->rules, at + ".persona"); !c.ok()) {
      return c;
    }
    plans.push_back({s["id"].get<std::string>(), *persona});
  }
  auto result =
      ctx.content.PlanMoments(ctx.workspace, plans, frame->from, frame->days, frame->rules);
  if (!result.ok()) return result.status();
  json out = json::array();
  for (size_t i = 0; i < result->size(); ++i) {
    json posts = json::array();
    for (const PlannedPost& p : (*result)[i].posts) posts.push_back(PostJson(p, *zone));
    out.push_back({{"staff", plans[i].staff},
                   {"persona", PersonaJson(plans[i].persona)},
                   {"posts", posts},
                   {"shortfalls", (*result)[i].shortfalls}});
  }
  return json({{"plans", out}});
}

// {persona, posts, from?, days?, rules?}
Result<json> ValidateMomentsHandler(ApiContext& ctx, const HttpRequest& req) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  auto zone = ctx.engine.UtcOffsetOf(ctx.workspace);
  if (!zone.ok()) return zone.status();
  auto frame = ReadFrame(*body, false, *zone);
  if (!frame.ok()) return frame.status();
  auto persona = ParsePersona(body->value("persona", json("friend")), "persona");
  if (!persona.ok()) return persona.status();
  auto posts = ParsePlannedPosts(body->value("posts", json()), *zone);
  if (!posts.ok()) return posts.status();
  auto found = ctx.content.ValidateMoments(ctx.workspace, *posts, *persona, frame->from,
                                           frame->days, frame->rules);
  if (!found.ok()) return found.status();
  json data = json::array();
  for (const MomentsViolation& v : *found) data.push_back(ViolationJson(v));
  return json({{"ok", found->empty()}, {"violations", data}});
}

namespace {

struct PostsAndSenders {
  std::vector<PlannedPost> posts;
  std::map<std::string, std::string> senders;
};

// {posts: [{staff, at, item}], senders: {staff: wecom userid}}.
Result<PostsAndSenders> ReadPostsAndSenders(ApiContext& ctx, const HttpRequest& req) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  auto zone = ctx.engine.UtcOffsetOf(ctx.workspace);
  if (!zone.ok()) return zone.status();
  auto posts = ParsePlannedPosts(body->value("posts", json()), *zone);
  if (!posts.ok()) return posts.status();
  const json senders = body->value("senders", json::object());
  if (!senders.is_object()) return FieldError("senders", "{staff id: WeCom userid}");
  PostsAndSenders out{std::move(*posts), {}};
  for (const auto& [staff, userid] : senders.items()) {
    if (!userid.is_string()) {
      return FieldError("senders." + staff, "a WeCom userid (a string)");
    }
    out.senders[staff] = userid.get<std::string>();
  }
  return out;
}

}  // namespace

// WeCom's add_moment_task bodies for the posts.
Result<json> MomentTasksHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<PostsAndSenders> in = ReadPostsAndSenders(ctx, req);
  if (!in.ok()) return in.status();
  return app::MomentTasks(ctx.app, ctx.workspace, in->posts, in->senders);
}

// The posts published through WeCom when their time comes (docs/wecom.md, "Moments").
Result<json> PlanWecomMomentsHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<PostsAndSenders> in = ReadPostsAndSenders(ctx, req);
  if (!in.ok()) return in.status();
  return app::PlanWecomMoments(ctx.app, ctx.workspace, in->posts, in->senders);
}

Result<json> ListWecomMomentsHandler(ApiContext& ctx, const HttpRequest& req) {
  auto posts = wecom::MomentPosts(ctx.engine, ctx.workspace);
  if (!posts.ok()) return posts.status();
  auto zone = ctx.engine.UtcOffsetOf(ctx.workspace);
  if (!zone.ok()) return zone.status();
  json data = json::array();
  for (const wecom::MomentPost& p : *posts) {
    json j = wecom::MomentPostJson(p);
    j.erase("body");
    j.erase("at_us");
    j.erase("posted_at_us");
    j["at"] = FormatIso8601(p.at, *zone);
    if (p.posted_at) j["posted_at"] = FormatIso8601(p.posted_at, *zone);
    data.push_back(std::move(j));
  }
  return ListPage(req, std::move(data));
}

Result<json> SearchScriptsHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  auto hits = ctx.content.SearchScripts(ctx.workspace, QueryParam(req, "q"), QueryParam(req, "tag"),
                                        QueryParam(req, "stage"), *limit);
  if (!hits.ok()) return hits.status();
  json data = json::array();
  for (const auto& h : *hits) {
    json s = ScriptJson(h.script);
    if (!h.snippet.empty()) s["snippet"] = h.snippet;
    data.push_back(std::move(s));
  }
  // The search ranks at most `limit` hits: they are the one page.
  return OnePage(std::move(data));
}

Result<json> SaveScriptHandler(ApiContext& ctx, const HttpRequest& req) {
  auto script = ParseScript(req.Body());
  if (!script.ok()) return script.status();
  auto saved = ctx.content.SaveScript(ctx.workspace, *script);
  if (!saved.ok()) return saved.status();
  return ScriptJson(*saved);
}

Result<json> GetScriptHandler(ApiContext& ctx, const HttpRequest& req) {
  auto s = ctx.content.GetScript(ctx.workspace, req.params.at("id"));
  if (!s.ok()) return s.status();
  return ScriptJson(*s);
}

Result<json> DeleteScriptHandler(ApiContext& ctx, const HttpRequest& req) {
  Status s = ctx.content.DeleteScript(ctx.workspace, req.params.at("id"));
  if (!s.ok()) return s;
  return json({{"deleted", req.params.at("id")}});
}

// {customer, staff?, request_id?}
Result<json> UseScriptHandler(ApiContext& ctx, const HttpRequest& req) {
  ASSIGN_OR_RETURN(const json body, ParseJsonObject(req));
  ContentService::ScriptUse use;
  RETURN_IF_ERROR(ReadStringField(body, "customer", &use.customer_key));
  if (use.customer_key.empty()) {
    return FieldError("customer", "is required: the customer the script was used with");
  }
  RETURN_IF_ERROR(ReadStringField(body, "staff", &use.staff));
  RETURN_IF_ERROR(ReadStringField(body, "request_id", &use.request_id));
  ASSIGN_OR_RETURN(const Script s, ctx.content.UseScript(ctx.workspace, req.params.at("id"), use));
  return ScriptJson(s);
}

}  // namespace pond::server
