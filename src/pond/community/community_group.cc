#include "pond/community/community_group.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"

namespace pond {
namespace {

using nlohmann::json;

constexpr const char* kKinds[] = {"interest", "membership", "activity", "training"};

Status Id(const json& j, const char* prefix, std::string* out) {
  RETURN_IF_ERROR(ReadJsonText(j, "id", 64, true, out));
  const std::string p = prefix;
  if (!out->starts_with(p) || out->size() == p.size() ||
      !std::all_of(out->begin() + static_cast<long>(p.size()), out->end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      })) {
    return FieldError("id", "\"" + p + "\" then a-z, 0-9, '_' or '-'");
  }
  return Status::Ok();
}

Status Kind(const json& j, GroupKind* out) {
  std::string kind;
  RETURN_IF_ERROR(ReadJsonText(j, "kind", 32, true, &kind));
  for (int i = 0; i < 4; ++i) {
    if (kind == kKinds[i]) {
      *out = static_cast<GroupKind>(i);
      return Status::Ok();
    }
  }
  return FieldError("kind", "one of interest, membership, activity, training");
}

Status Capacity(const json& j, const std::string& key, int* out) {
  auto it = j.find(key.substr(key.rfind('.') + 1));
  if (it == j.end()) return Status::Ok();
  if (!it->is_number_integer() || it->get<int64_t>() < 1 ||
      it->get<int64_t>() > kWecomGroupCapacity) {
    return FieldError(key, "from 1 to 500 (WeCom's external group limit)");
  }
  *out = static_cast<int>(it->get<int64_t>());
  return Status::Ok();
}

}  // namespace

const char* GroupKindName(GroupKind kind) { return kKinds[static_cast<int>(kind)]; }

static std::string DefaultRule(GroupKind kind) {
  return kind == GroupKind::kMembership ? "count(order_paid) >= 1" : "";
}

std::string EntryRule(const CommunityGroup& g) {
  return g.rule.empty() ? DefaultRule(g.kind) : g.rule;
}

std::string EntryRule(const GroupCode& c) { return c.rule.empty() ? DefaultRule(c.kind) : c.rule; }

Result<CommunityGroup> ParseGroup(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return FieldError("group", "must be a JSON object");
  CommunityGroup g;
  RETURN_IF_ERROR(Id(j, "grp_", &g.id));
  RETURN_IF_ERROR(ReadJsonText(j, "name", 200, true, &g.name));
  RETURN_IF_ERROR(Kind(j, &g.kind));
  RETURN_IF_ERROR(ReadJsonText(j, "owner", 64, false, &g.owner));
  RETURN_IF_ERROR(Capacity(j, "capacity", &g.capacity));
  RETURN_IF_ERROR(ReadJsonText(j, "rule", 4'000, false, &g.rule));
  RETURN_IF_ERROR(ReadJsonText(j, "welcome", 2'000, false, &g.welcome));
  RETURN_IF_ERROR(ReadJsonText(j, "chat_id", 64, false, &g.chat_id));
  if (!std::all_of(g.chat_id.begin(), g.chat_id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
      })) {
    return FieldError("chat_id", "WeCom's chat id: A-Z, a-z, 0-9, '_' or '-'");
  }
  if (auto d = j.find("dismissed"); d != j.end()) {
    if (!d->is_boolean()) return FieldError("dismissed", "true or false");
    g.dismissed = d->get<bool>();
  }
  return g;
}

nlohmann::json GroupJson(const CommunityGroup& g) {
  json j({{"id", g.id},
          {"name", g.name},
          {"kind", GroupKindName(g.kind)},
          {"owner", g.owner},
          {"capacity", g.capacity},
          {"rule", g.rule},
          {"entry_rule", EntryRule(g)},
          {"welcome", g.welcome}});
  if (!g.chat_id.empty()) j["chat_id"] = g.chat_id;
  if (g.dismissed) j["dismissed"] = true;
  return j;
}

Result<GroupCode> ParseGroupCode(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return FieldError("code", "must be a JSON object");
  GroupCode c;
  RETURN_IF_ERROR(Id(j, "gcd_", &c.id));
  RETURN_IF_ERROR(ReadJsonText(j, "name", 200, true, &c.name));
  RETURN_IF_ERROR(Kind(j, &c.kind));
  auto groups = j.find("groups");
  if (groups != j.end()) {
    if (!groups->is_array() || groups->size() > kGroupsPerCode) {
      return FieldError("groups", "a list of at most 5 group ids (a WeCom group code's limit)");
    }
    for (size_t i = 0; i < groups->size(); ++i) {
      const json& g = (*groups)[i];
      if (!g.is_string() || !g.get<std::string>().starts_with("grp_")) {
        return FieldError("groups[" + std::to_string(i) + "]", "a group id, grp_…");
      }
      c.groups.push_back(g.get<std::string>());
    }
  }
  std::string policy = "fill_first";
  RETURN_IF_ERROR(ReadJsonText(j, "policy", 32, false, &policy));
  if (policy != "fill_first" && policy != "balance") {
    return FieldError("policy", "fill_first or balance");
  }
  c.policy = policy == "balance" ? RoutePolicy::kBalance : RoutePolicy::kFillFirst;
  RETURN_IF_ERROR(ReadJsonText(j, "rule", 4'000, false, &c.rule));
  if (auto a = j.find("auto_open"); a != j.end()) {
    if (!a->is_boolean()) return FieldError("auto_open", "true or false");
    c.auto_open = a->get<bool>();
  }
  if (auto t = j.find("template"); t != j.end()) {
    if (!t->is_object()) return FieldError("template", "{name, owner, capacity, welcome}");
    RETURN_IF_ERROR(ReadJsonText(*t, "template.name", 180, true, &c.group_template.name));
    RETURN_IF_ERROR(ReadJsonText(*t, "template.owner", 64, false, &c.group_template.owner));
    RETURN_IF_ERROR(Capacity(*t, "template.capacity", &c.group_template.capacity));
    RETURN_IF_ERROR(ReadJsonText(*t, "template.welcome", 2'000, false, &c.group_template.welcome));
  } else if (c.auto_open) {
    return FieldError("template", "is required when auto_open (the groups it opens)");
  }
  if (c.groups.empty() && !c.auto_open) {
    return FieldError("groups", "at least one group, or auto_open with a template");
  }
  return c;
}

nlohmann::json GroupCodeJson(const GroupCode& c) {
  json j = {{"id", c.id},
            {"name", c.name},
            {"kind", GroupKindName(c.kind)},
            {"groups", c.groups},
            {"policy", c.policy == RoutePolicy::kBalance ? "balance" : "fill_first"},
            {"rule", c.rule},
            {"entry_rule", EntryRule(c)},
            {"auto_open", c.auto_open}};
  if (!c.group_template.name.empty()) {  // ParseGroupCode reads back what it writes
    j["template"] = {{"name", c.group_template.name},
                     {"owner", c.group_template.owner},
                     {"capacity", c.group_template.capacity},
                     {"welcome", c.group_template.welcome}};
  }
  return j;
}

}  // namespace pond
