#include "pond/content/content_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/engine/event_replay.h"
#include "pond/engine/keys.h"
#include "pond/engine/tenant_state.h"
#include "pond/model/event_names.h"

namespace pond {
namespace {

using nlohmann::json;

constexpr char kItemKind[] = "content_item";
constexpr char kScriptKind[] = "script";
const std::vector<std::string> kObserved = {kContentViewed, "content_liked", "content_commented",
                                            kMomentPosted,  kMomentLiked,    kMomentCommented,
                                            kScriptUsed};

Status NotFound(const char* what, const std::string& id) {
  return Status::NotFound(std::string(what) + " \"" + id + "\" not found");
}

}  // namespace

Result<std::unique_ptr<ContentService>> ContentService::Start(Engine* engine) {
  std::unique_ptr<ContentService> service(new ContentService(engine));
  // Items and scripts are definitions; OnReset counts the events already stored.
  RETURN_IF_ERROR(engine->LoadThenObserve(
      service.get(), [&](const pond::Workspace& ws) { return service->Load(ws.id); }));
  return service;
}

ContentService::~ContentService() { engine_->RemoveObserver(this); }

ContentService::Workspace& ContentService::WorkspaceFor(const std::string& ws) {
  return workspaces_.For(ws);
}

Status ContentService::Load(const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> items, engine_->ListObjects(ws, kItemKind));
  ASSIGN_OR_RETURN(std::vector<StoredObject> scripts, engine_->ListObjects(ws, kScriptKind));
  ASSIGN_OR_RETURN(std::unique_ptr<ScriptIndex> index, ScriptIndex::Open());
  std::map<std::string, ContentItem> item_map;
  for (const StoredObject& o : items) {
    ASSIGN_OR_RETURN(ContentItem item, ParseContentItem(o.body));
    item_map[item.id] = std::move(item);
  }
  std::map<std::string, Script> script_map;
  for (const StoredObject& o : scripts) {
    ASSIGN_OR_RETURN(Script s, ParseScript(o.body));
    RETURN_IF_ERROR(index->Put(s));
    script_map[s.id] = std::move(s);
  }
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  w.items = std::move(item_map);
  w.scripts = std::move(script_map);
  w.index = std::move(index);
  return Status::Ok();
}

// --- events ---------------------------------------------------------------------------------

void ContentService::Workspace::Note(const Event& e) {
  json p = json::parse(e.properties, nullptr, false);
  if (!p.is_object()) return;
  if (e.name == kScriptUsed) {
    if (const std::string script = JsonString(p, "script_id"); !script.empty()) ++used[script];
    return;
  }
  const std::string item = JsonString(p, "content_id");
  if (item.empty()) return;
  if (e.name == kMomentPosted) {
    const std::string staff = JsonString(p, "staff_id");
    if (staff.empty()) return;
    // WeCom's posts are recorded on each customer who can see them: one post per moment_id.
    if (const std::string moment = JsonString(p, "moment_id");
        !moment.empty() && !moments.insert(moment).second) {
      return;
    }
    std::vector<PlannedPost>& list = posted[staff];
    list.push_back({staff, e.timestamp, item, ContentKind::kKnowledge});
    if (list.size() > 1000) list.erase(list.begin(), list.begin() + 500);  // the recent ones
    return;
  }
  auto& counts = performance[item];
  ++counts[e.name == kContentViewed                              ? 0
           : e.name == "content_liked" || e.name == kMomentLiked ? 1
                                                                 : 2];
}

void ContentService::OnApplied(const std::string& ws, const TenantState& state,
                               const AppliedEvent& applied) {
  const std::string& name = state.EventName(applied.name);
  if (std::find(kObserved.begin(), kObserved.end(), name) == kObserved.end()) return;
  std::lock_guard lock(mu_);
  WorkspaceFor(ws).Note(applied.event);
}

void ContentService::OnReset(const std::string& ws, const TenantState& state) {
  BeginReplay(ws);
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  w.performance.clear();
  w.posted.clear();
  w.moments.clear();
  w.used.clear();
  NoteReplay(ws,
             ForEachLoadedChunk(engine_, EventRefs(state, kObserved, 0), [&](const auto& chunk) {
               for (const auto& [e, customer] : chunk) w.Note(e);
             }));
}

Script ContentService::Workspace::WithUses(const Script& s) const {
  Script out = s;
  if (auto it = used.find(s.id); it != used.end()) out.uses += it->second;
  return out;
}

ContentItem ContentService::WithPerformance(const Workspace& w, const ContentItem& item) const {
  ContentItem out = item;
  if (auto it = w.performance.find(item.id); it != w.performance.end()) {
    out.views = it->second[0];
    out.likes = it->second[1];
    out.comments = it->second[2];
  }
  return out;
}

// --- the library ----------------------------------------------------------------------------

Result<ContentItem> ContentService::SaveItem(const std::string& ws, const ContentItem& item) {
  RETURN_IF_ERROR(engine_->PutObject(
      ws, {kItemKind, item.id, DumpJson(ContentItemJson(item)), engine_->clock().NowMicros()}));
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  w.items[item.id] = item;
  return WithPerformance(w, item);
}

Result<std::vector<ContentItem>> ContentService::Items(const std::string& ws,
                                                       const std::string& kind) {
  std::optional<ContentKind> wanted;
  if (!kind.empty()) {
    wanted = ContentKindFromName(kind);
    if (!wanted) {
      return FieldError("kind",
                        "one of knowledge, daily_life, product_ad, buyer_show, promotion, "
                        "emotional");
    }
  }
  std::lock_guard lock(mu_);
  const Workspace& w = WorkspaceFor(ws);
  std::vector<ContentItem> out;
  for (const auto& [id, item] : w.items) {
    if (!wanted || item.kind == *wanted) out.push_back(WithPerformance(w, item));
  }
  std::stable_sort(out.begin(), out.end(), [](const ContentItem& a, const ContentItem& b) {
    return a.Score() > b.Score();
  });
  return out;
}

Result<ContentItem> ContentService::GetItem(const std::string& ws, const std::string& id) {
  std::lock_guard lock(mu_);
  const Workspace& w = WorkspaceFor(ws);
  auto it = w.items.find(id);
  if (it == w.items.end()) return NotFound("content item", id);
  return WithPerformance(w, it->second);
}

Status ContentService::DeleteItem(const std::string& ws, const std::string& id) {
  ASSIGN_OR_RETURN(bool deleted, engine_->DeleteObject(ws, kItemKind, id));
  if (!deleted) return NotFound("content item", id);
  std::lock_guard lock(mu_);
  WorkspaceFor(ws).items.erase(id);
  return Status::Ok();
}

// --- Moments --------------------------------------------------------------------------------

Result<std::vector<MomentsPlan>> ContentService::PlanMoments(const std::string& ws,
                                                             const std::vector<StaffPlan>& staff,
                                                             Micros from, int days,
                                                             const MomentsRules& rules) {
  if (staff.empty() || staff.size() > 100) return FieldError("staff", "1 to 100 staff accounts");
  std::vector<MomentsRequest> requests;
  {
    ASSIGN_OR_RETURN(const int zone, engine_->UtcOffsetOf(ws));
    std::lock_guard lock(mu_);
    const Workspace& w = WorkspaceFor(ws);
    std::vector<ContentItem> items;  // the library with its performance, once for every account
    for (const auto& [id, item] : w.items) items.push_back(WithPerformance(w, item));
    for (const StaffPlan& s : staff) {
      MomentsRequest r;
      r.staff = s.staff;
      r.persona = s.persona;
      r.from = from;
      r.days = days;
      r.tz_offset_seconds = zone;
      r.items = items;
      if (auto p = w.posted.find(s.staff); p != w.posted.end()) {
        for (PlannedPost post : p->second) {
          if (post.at >= from) continue;
          if (auto item = w.items.find(post.item); item != w.items.end()) {
            post.kind = item->second.kind;
          }
          r.recent.push_back(post);
        }
      }
      requests.push_back(std::move(r));
    }
  }
  std::vector<MomentsPlan> out;
  for (const MomentsRequest& r : requests) {
    ASSIGN_OR_RETURN(MomentsPlan plan, pond::PlanMoments(r, rules));
    out.push_back(std::move(plan));
  }
  return out;
}

Result<std::vector<MomentsViolation>> ContentService::ValidateMoments(
    const std::string& ws, const std::vector<PlannedPost>& posts, const Persona& persona,
    Micros from, int days, const MomentsRules& rules) {
  RETURN_IF_ERROR(CheckRules(rules));
  RETURN_IF_ERROR(CheckPersona(persona, rules));
  std::vector<ContentItem> items;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, item] : WorkspaceFor(ws).items) items.push_back(item);
  }
  ASSIGN_OR_RETURN(const int zone, engine_->UtcOffsetOf(ws));
  return pond::ValidateMoments(posts, items, persona, rules, from, days, zone);
}

// --- scripts --------------------------------------------------------------------------------

Result<Script> ContentService::SaveScript(const std::string& ws, const Script& given) {
  std::lock_guard save(use_mu_);  // the stored count it keeps is read and written at once
  Script s = given;
  {
    std::lock_guard lock(mu_);
    const Workspace& w = WorkspaceFor(ws);
    auto it = w.scripts.find(s.id);
    s.uses = it == w.scripts.end() ? 0 : it->second.uses;
  }
  RETURN_IF_ERROR(engine_->PutObject(
      ws, {kScriptKind, s.id, DumpJson(ScriptJson(s)), engine_->clock().NowMicros()}));
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  if (!w.index) return Status::Unavailable("the script index is not loaded");
  RETURN_IF_ERROR(w.index->Put(s));
  w.scripts[s.id] = s;
  return w.WithUses(s);
}

Result<Script> ContentService::GetScript(const std::string& ws, const std::string& id) {
  std::lock_guard lock(mu_);
  const Workspace& w = WorkspaceFor(ws);
  auto it = w.scripts.find(id);
  if (it == w.scripts.end()) return NotFound("script", id);
  return w.WithUses(it->second);
}

Status ContentService::DeleteScript(const std::string& ws, const std::string& id) {
  ASSIGN_OR_RETURN(bool deleted, engine_->DeleteObject(ws, kScriptKind, id));
  if (!deleted) return NotFound("script", id);
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  w.scripts.erase(id);
  if (w.index) RETURN_IF_ERROR(w.index->Remove(id));
  return Status::Ok();
}

Result<std::vector<ContentService::ScriptHit>> ContentService::SearchScripts(
    const std::string& ws, const std::string& query, const std::string& tag,
    const std::string& stage, size_t limit) {
  std::lock_guard lock(mu_);
  const Workspace& w = WorkspaceFor(ws);
  auto keep = [&](const Script& s) {
    return (tag.empty() || std::find(s.tags.begin(), s.tags.end(), tag) != s.tags.end()) &&
           (stage.empty() || s.stage.empty() || s.stage == stage);
  };
  std::vector<ScriptHit> out;
  if (query.empty()) {
    for (const auto& [id, s] : w.scripts) {
      if (keep(s)) out.push_back({w.WithUses(s), ""});
    }
    std::stable_sort(out.begin(), out.end(), [](const ScriptHit& a, const ScriptHit& b) {
      return a.script.uses > b.script.uses;
    });
    if (out.size() > limit) out.resize(limit);
    return out;
  }
  if (!w.index) return Status::Unavailable("the script index is not loaded");
  // Filters apply after ranking: ask for every match, they are few.
  ASSIGN_OR_RETURN(std::vector<ScriptIndex::Hit> hits, w.index->Search(query, 10'000));
  for (const ScriptIndex::Hit& h : hits) {
    auto it = w.scripts.find(h.id);
    if (it == w.scripts.end() || !keep(it->second)) continue;
    out.push_back({w.WithUses(it->second), h.snippet});
    if (out.size() == limit) break;
  }
  return out;
}

Result<Script> ContentService::UseScript(const std::string& ws, const std::string& id,
                                         const ScriptUse& use) {
  RETURN_IF_ERROR(GetScript(ws, id).status());
  if (use.staff.size() > 64) return FieldError("staff", "at most 64 characters");
  if (use.request_id.size() > 128) return FieldError("request_id", "at most 128 characters");
  ASSIGN_OR_RETURN(const std::string customer, engine_->ResolveCustomer(ws, use.customer_key));
  const Micros now = engine_->clock().NowMicros();
  json props = {{"script_id", id}};
  if (!use.staff.empty()) props["staff"] = use.staff;
  // Without a request id every call is a use; with one, a retry is the same event.
  const std::string message_id =
      "scr:use:" + id + ":" + (use.request_id.empty() ? RandomId("u") : use.request_id);
  std::vector<Event> used;
  used.push_back(ServiceEvent(kScriptUsed, message_id, customer, now, DumpJson(props)));
  RETURN_IF_ERROR(engine_->Submit(ws, std::move(used)).status());
  return GetScript(ws, id);  // the event is applied (and counted) by now
}

}  // namespace pond
