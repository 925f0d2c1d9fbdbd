#include "pond/channels/wecom/corp_tags.h"

#include <nlohmann/json.hpp>

#include "pond/base/json_fields.h"
#include "pond/engine/engine.h"  // ValidateTag

namespace pond::wecom {

using nlohmann::json;

std::optional<std::string> PondTagFor(std::string_view group, std::string_view name) {
  if (name.find(':') != std::string_view::npos) return std::nullopt;
  std::string tag;
  if (group != kUngroupedTagGroup) {
    for (char c : group) {
      if (c == ':') {
        tag += "：";
      } else {
        tag += c;
      }
    }
    tag += ':';
  }
  tag += name;
  if (!ValidateTag(tag).ok()) return std::nullopt;
  return tag;
}

std::pair<std::string, std::string> WecomGroupAndName(std::string_view pond_tag) {
  const size_t colon = pond_tag.find(':');
  if (colon == std::string_view::npos) return {kUngroupedTagGroup, std::string(pond_tag)};
  return {std::string(pond_tag.substr(0, colon)), std::string(pond_tag.substr(colon + 1))};
}

void CorpTagBook::Add(const std::string& id, const std::string& group_id, const std::string& group,
                      const std::string& name) {
  group_by_name_[group] = group_id;
  std::optional<std::string> tag = PondTagFor(group, name);
  if (!tag) return;  // a WeCom tag pond cannot name: left alone
  by_id_[id] = CorpTag{id, group_id, *tag};
  id_by_tag_[*tag] = id;
}

Status CorpTagBook::Load(outbound::WecomApi& api) {
  ASSIGN_OR_RETURN(json answer,
                   api.Post("/cgi-bin/externalcontact/get_corp_tag_list", json::object()));
  by_id_.clear();
  id_by_tag_.clear();
  group_by_name_.clear();
  for (const json& g : answer.value("tag_group", json::array())) {
    if (!g.is_object() || g.value("deleted", false)) continue;
    for (const json& t : g.value("tag", json::array())) {
      if (!t.is_object() || t.value("deleted", false)) continue;
      Add(JsonString(t, "id"), JsonString(g, "group_id"), JsonString(g, "group_name"),
          JsonString(t, "name"));
    }
  }
  loaded_ = true;
  return Status::Ok();
}

const CorpTag* CorpTagBook::ById(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

const CorpTag* CorpTagBook::ByPondTag(std::string_view pond_tag) const {
  auto it = id_by_tag_.find(pond_tag);
  return it == id_by_tag_.end() ? nullptr : ById(it->second);
}

Result<std::string> CorpTagBook::Ensure(outbound::WecomApi& api, const std::string& pond_tag) {
  if (!loaded_) RETURN_IF_ERROR(Load(api));
  if (const CorpTag* t = ByPondTag(pond_tag)) return t->id;
  const auto [group, name] = WecomGroupAndName(pond_tag);
  json request = {{"tag", json::array({{{"name", name}}})}};
  if (auto g = group_by_name_.find(group); g != group_by_name_.end()) {
    request["group_id"] = g->second;
  } else {
    request["group_name"] = group;
  }
  ASSIGN_OR_RETURN(json answer, api.Post("/cgi-bin/externalcontact/add_corp_tag", request));
  const json g = answer.value("tag_group", json::object());
  for (const json& t : g.value("tag", json::array())) {
    if (t.is_object() && JsonString(t, "name") == name) {
      Add(JsonString(t, "id"), JsonString(g, "group_id"), JsonString(g, "group_name"), name);
    }
  }
  if (const CorpTag* t = ByPondTag(pond_tag)) return t->id;
  return Status::Unavailable("wecom add_corp_tag answered no tag named \"" + name + "\"");
}

}  // namespace pond::wecom
