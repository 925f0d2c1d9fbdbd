// Tag groups: labels, closed value lists and exclusivity for the part of a tag before the colon.
#include <map>
#include <nlohmann/json.hpp>

#include "pond/engine/keys.h"
#include "pond/segment/segment_workspace.h"

namespace pond {
namespace {

constexpr char kTagGroupsKind[] = "tag_groups";

std::string GroupOf(std::string_view tag) {
  const size_t colon = tag.find(':');
  return colon == std::string_view::npos ? std::string() : std::string(tag.substr(0, colon));
}

Result<std::vector<TagService::TagGroup>> ReadGroups(Engine& engine, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> tables, engine.ListObjects(ws, kTagGroupsKind));
  std::vector<TagService::TagGroup> groups;
  for (const StoredObject& o : tables) {
    nlohmann::json rows = nlohmann::json::parse(o.body, nullptr, false);
    if (!rows.is_array()) return Status::Internal("stored tag groups are not a JSON list");
    for (const auto& r : rows) {
      groups.push_back({r.value("name", ""), r.value("label", ""), r.value("exclusive", false),
                        r.value("values", std::vector<std::string>())});
    }
  }
  return groups;
}

}  // namespace

Status LoadTagGroups(Engine* engine, LiveRules::Workspace& w) {
  ASSIGN_OR_RETURN(w.tag_groups, ReadGroups(*engine, w.id));
  return Status::Ok();
}

Status CheckTagGroupValues(Engine& engine, const std::string& ws,
                           const std::vector<std::string>& tags, const std::string& field) {
  ASSIGN_OR_RETURN(std::vector<TagService::TagGroup> groups, ReadGroups(engine, ws));
  for (size_t i = 0; i < tags.size(); ++i) {
    const std::string group = GroupOf(tags[i]);
    for (const TagService::TagGroup& g : groups) {
      if (g.name != group || g.values.empty()) continue;
      const std::string value = tags[i].substr(group.size() + 1);
      if (std::find(g.values.begin(), g.values.end(), value) != g.values.end()) continue;
      std::string listed;
      for (const std::string& v : g.values) listed += (listed.empty() ? "" : ", ") + v;
      return FieldError(field + "[" + std::to_string(i) + "]",
                        "the tag group \"" + g.name + "\" has the values " + listed);
    }
  }
  return Status::Ok();
}

void LiveRules::Workspace::RemoveOthersOfGroup(const TenantState& state, uint32_t c,
                                               const std::string& tag, const std::string& by) {
  const std::string group = GroupOf(tag);
  if (group.empty()) return;
  for (const std::string& other : state.TagsOf(c)) {
    if (other != tag && GroupOf(other) == group) {
      pending.push_back(TagChangeEvent(TenantState::CustomerId(c), other, false, by));
    }
  }
}

void LiveRules::Workspace::KeepGroupExclusive(const TenantState& state, const Event& e,
                                              uint32_t c) {
  const std::string tag = TagOfEvent(e);
  const std::string group = GroupOf(tag);
  for (const TagService::TagGroup& g : tag_groups) {
    if (!group.empty() && g.name == group && g.exclusive) {
      RemoveOthersOfGroup(state, c, tag, "group:" + group);
    }
  }
}

Status TagService::SetTagGroups(const std::string& ws, std::vector<TagGroup> groups) {
  if (groups.size() > kMaxTagGroups) {
    return FieldError("groups", "at most " + std::to_string(kMaxTagGroups));
  }
  std::set<std::string> names;
  nlohmann::json body = nlohmann::json::array();
  for (size_t i = 0; i < groups.size(); ++i) {
    const std::string at = "groups[" + std::to_string(i) + "]";
    TagGroup& g = groups[i];
    // A group name is what a tag "name:x" starts with.
    if (g.name.find(':') != std::string::npos || !ValidateTag(g.name + ":x").ok()) {
      return FieldError(at + ".name", "1 to 62 characters, no colon, not \"pond\"");
    }
    if (!names.insert(g.name).second)
      return FieldError(at + ".name", "\"" + g.name + "\" is listed twice");
    if (g.label.size() > 128) return FieldError(at + ".label", "at most 128 bytes");
    if (g.values.size() > kMaxTagGroupValues) {
      return FieldError(at + ".values", "at most " + std::to_string(kMaxTagGroupValues));
    }
    std::set<std::string> values;
    for (size_t k = 0; k < g.values.size(); ++k) {
      const std::string vat = at + ".values[" + std::to_string(k) + "]";
      if (Status s = ValidateTag(g.name + ":" + g.values[k]); !s.ok() || g.values[k].empty()) {
        return FieldError(vat, "\"" + g.name + ":" + g.values[k] + "\" is not a tag");
      }
      if (!values.insert(g.values[k]).second) return FieldError(vat, "listed twice");
    }
    body.push_back(
        {{"name", g.name}, {"label", g.label}, {"exclusive", g.exclusive}, {"values", g.values}});
  }
  RETURN_IF_ERROR(
      engine_->PutObject(ws, {kTagGroupsKind, "table", body.dump(), engine_->clock().NowMicros()}));
  std::lock_guard lock(rules_->mu());
  rules_->WorkspaceFor(ws).tag_groups = std::move(groups);
  return Status::Ok();
}

Result<std::vector<TagService::TagGroupView>> TagService::TagGroups(const std::string& ws) {
  std::vector<TagGroupView> out;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
    std::map<std::string, std::vector<TagCount>> seen;  // by group, tags in name order
    for (size_t t = 0; t < state.tag_names().size(); ++t) {
      const std::string& tag = state.tag_names()[t];
      const std::string group = GroupOf(tag);
      if (group.empty() || group == "pond") continue;
      const auto n = static_cast<int64_t>((state.tag_bitmaps()[t] & state.live()).cardinality());
      if (n > 0) seen[group].push_back({tag, n});
    }
    for (auto& [group, tags] : seen) {
      std::sort(tags.begin(), tags.end(),
                [](const TagCount& a, const TagCount& b) { return a.tag < b.tag; });
    }
    std::lock_guard lock(rules_->mu());
    for (const TagGroup& g : rules_->WorkspaceFor(ws).tag_groups) {
      out.push_back({g, true, seen[g.name]});
      seen.erase(g.name);
    }
    for (auto& [group, tags] : seen) out.push_back({{group, "", false, {}}, false, tags});
  }));
  return out;
}

}  // namespace pond
