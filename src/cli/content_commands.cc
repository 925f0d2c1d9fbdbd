// `pond plan moments` and `pond scripts …` (docs/content.md). Tables for people; --json prints
// what the API returns, and `--check -` reads that JSON back, so the two compose with a pipe.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "pond/base/time.h"
#include "pond/content/content_service.h"
#include "pond/content/moments_json.h"

namespace pond::cli {
namespace {

using nlohmann::json;

constexpr size_t kMaxInput = 64 << 20;

Result<std::vector<ContentItem>> ReadItems(const std::string& file) {
  ASSIGN_OR_RETURN(std::string text, ReadInput(file, kMaxInput));
  json j = json::parse(text, nullptr, false);
  if (j.is_object() && j.contains("data")) j = j["data"];  // what GET /v1/content/items returns
  if (!j.is_array()) return FieldError(file, "a JSON array of content items");
  std::vector<ContentItem> items;
  for (size_t i = 0; i < j.size(); ++i) {
    Result<ContentItem> item = ParseContentItem(j[i].dump());
    if (!item.ok()) {
      return FieldError(file + "[" + std::to_string(i) + "]." + item.status().field(),
                        item.status().message());
    }
    if (auto p = j[i].find("performance"); p != j[i].end() && p->is_object()) {
      item->views = p->value("views", int64_t{0});
      item->likes = p->value("likes", int64_t{0});
      item->comments = p->value("comments", int64_t{0});
    }
    items.push_back(std::move(*item));
  }
  return items;
}

void PrintPlans(const Common& common, int zone, const std::vector<std::string>& staff,
                const Persona& persona, const std::vector<MomentsPlan>& plans,
                const std::vector<ContentItem>& items) {
  if (common.json) {
    json out = json::array();
    for (size_t i = 0; i < plans.size(); ++i) {
      json posts = json::array();
      for (const PlannedPost& p : plans[i].posts) posts.push_back(PostJson(p, zone));
      out.push_back({{"staff", staff[i]},
                     {"persona", PersonaJson(persona)},
                     {"posts", posts},
                     {"shortfalls", plans[i].shortfalls}});
    }
    std::printf("%s\n", json({{"plans", out}}).dump(2).c_str());
    return;
  }
  std::map<std::string, std::string> titles;
  for (const ContentItem& i : items) titles[i.id] = i.title;
  Table t({"when", "staff", "kind", "item", "title"});
  for (const MomentsPlan& plan : plans) {
    for (const PlannedPost& p : plan.posts) {
      const std::string at = FormatIso8601(p.at, zone);
      t.Add({at.substr(0, 10) + " " + at.substr(11, 5), p.staff, ContentKindName(p.kind), p.item,
             titles[p.item]});
    }
  }
  t.Print();
  for (const MomentsPlan& plan : plans) {
    for (const std::string& s : plan.shortfalls) std::printf("short: %s\n", s.c_str());
  }
}

int Check(const Common& common, int zone, const MomentsArgs& a, const Persona& persona,
          const std::vector<ContentItem>& items) {
  auto text = ReadInput(a.check, kMaxInput);
  if (!text.ok()) return Fail(text.status());
  json j = json::parse(*text, nullptr, false);
  json posts = json::array();
  if (j.is_object() && j.contains("plans") && j["plans"].is_array()) {
    for (const json& plan : j["plans"]) {
      for (const json& p : plan.value("posts", json::array())) posts.push_back(p);
    }
  } else if (j.is_object()) {
    posts = j.value("posts", json());
  }
  auto parsed = ParsePlannedPosts(posts, zone);
  if (!parsed.ok()) return Fail(parsed.status());
  Micros from = 0;
  if (!a.from.empty()) {
    auto f = ParseLocalDate(json(a.from), "--from", zone);
    if (!f.ok()) return Fail(f.status());
    from = *f;
  }
  const auto found =
      ValidateMoments(*parsed, items, persona, {}, from, a.from.empty() ? 0 : a.days, zone);
  if (common.json) {
    json data = json::array();
    for (const MomentsViolation& v : found) data.push_back(ViolationJson(v));
    std::printf("%s\n", json({{"ok", found.empty()}, {"violations", data}}).dump(2).c_str());
  } else if (found.empty()) {
    std::printf("%zu posts keep every rule\n", parsed->size());
  } else {
    Table t({"rule", "staff", "date", "what"});
    for (const MomentsViolation& v : found) t.Add({v.code, v.staff, v.date, v.message});
    t.Print();
  }
  return found.empty() ? 0 : 1;
}

}  // namespace

int RunPlanMoments(const Common& common, const MomentsArgs& a) {
  auto persona = ParsePersona(json(a.persona), "--persona");
  if (!persona.ok()) return Fail(persona.status());
  std::vector<ContentItem> items;
  std::unique_ptr<app::App> app;
  if (!a.items.empty()) {
    auto read = ReadItems(a.items);
    if (!read.ok()) return Fail(read.status());
    items = std::move(*read);
  } else {
    auto opened = OpenApp(common, app::kContent);
    if (!opened.ok()) return Fail(opened.status());
    app = std::move(*opened);
    auto listed = app->content().Items(common.workspace, "");
    if (!listed.ok()) return Fail(listed.status());
    items = std::move(*listed);
  }
  auto zone = WorkspaceZone(common);
  if (!zone.ok()) return Fail(zone.status());
  if (!a.check.empty()) return Check(common, *zone, a, *persona, items);
  auto from = ParseLocalDate(json(a.from), "--from", *zone);
  if (!from.ok()) return Fail(from.status());
  std::vector<MomentsPlan> plans;
  for (const std::string& staff : a.staff) {
    MomentsRequest r;
    r.staff = staff;
    r.persona = *persona;
    r.from = *from;
    r.days = a.days;
    r.items = items;
    auto plan = pond::PlanMoments(r, {});
    if (!plan.ok()) return Fail(plan.status());
    plans.push_back(std::move(*plan));
  }
  PrintPlans(common, *zone, a.staff, *persona, plans, items);
  return 0;
}

int RunScripts(const Common& common, const ScriptArgs& a) {
  auto app = OpenApp(common, app::kContent);
  if (!app.ok()) return Fail(app.status());
  ContentService& c = (*app)->content();
  if (a.action == "import") {
    auto text = ReadInput(a.file, kMaxInput);
    if (!text.ok()) return Fail(text.status());
    json j = json::parse(*text, nullptr, false);
    if (!j.is_array()) return Fail(FieldError(a.file, "a JSON array of scripts"));
    for (size_t i = 0; i < j.size(); ++i) {
      auto s = ParseScript(j[i].dump());
      if (!s.ok()) {
        return Fail(FieldError(a.file + "[" + std::to_string(i) + "]." + s.status().field(),
                               s.status().message()));
      }
      if (auto saved = c.SaveScript(common.workspace, *s); !saved.ok()) return Fail(saved.status());
    }
    std::printf("%zu scripts imported\n", j.size());
    return 0;
  }
  auto hits = c.SearchScripts(common.workspace, a.query, a.tag, a.stage, a.limit);
  if (!hits.ok()) return Fail(hits.status());
  if (common.json) {
    json data = json::array();
    for (const auto& h : *hits) {
      json s = ScriptJson(h.script);
      if (!h.snippet.empty()) s["snippet"] = h.snippet;
      data.push_back(std::move(s));
    }
    std::printf("%s\n", json({{"data", data}, {"total", hits->size()}}).dump(2).c_str());
    return 0;
  }
  Table t({"id", "question", "answer", "uses"});
  for (const auto& h : *hits) {
    t.Add({h.script.id, h.script.question, h.script.answer, WithCommas(h.script.uses)});
  }
  t.Print();
  return 0;
}

}  // namespace pond::cli
