// Printing rules as canonical text and JSON, and reading the JSON form.
#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"
#include "pond/base/json_writer.h"
#include "pond/segment/rule.h"
#include "pond/segment/rule_number.h"

namespace pond {
namespace {

using nlohmann::json;

constexpr std::pair<RuleOp, std::string_view> kOps[] = {
    {RuleOp::kEq, "=="},
    {RuleOp::kNe, "!="},
    {RuleOp::kGt, ">"},
    {RuleOp::kGe, ">="},
    {RuleOp::kLt, "<"},
    {RuleOp::kLe, "<="},
    {RuleOp::kBetween, "between"},
    {RuleOp::kIn, "in"},
    {RuleOp::kWithin, "within"},
    {RuleOp::kOlderThan, "older_than"},
    {RuleOp::kExists, "exists"},
};

std::string ValueText(const RuleValue& v) {
  if (v.type != RuleValue::Type::kString) return v.text;
  std::string out;
  AppendJsonString(&out, v.text);
  return out;
}

std::string EventRefText(const RuleNode& n) {
  std::string out = n.name;
  if (!n.field.empty()) out += "." + n.field;
  for (size_t i = 0; i < n.where.size(); ++i) {
    out += i == 0 ? " where " : " and ";
    out += "property." + n.where[i].property + " " + std::string(RuleOpText(n.where[i].op)) + " " +
           ValueText(n.where[i].value);
  }
  return out;
}

std::string ComparisonText(const RuleNode& n) {
  switch (n.op) {
    case RuleOp::kBetween:
      return " between " + ValueText(n.values[0]) + " and " + ValueText(n.values[1]);
    case RuleOp::kIn: {
      std::string out = " in [";
      for (size_t i = 0; i < n.values.size(); ++i) out += (i ? ", " : "") + ValueText(n.values[i]);
      return out + "]";
    }
    case RuleOp::kExists:
      return " exists";
    case RuleOp::kWithin:
    case RuleOp::kOlderThan:
      return " " + std::string(RuleOpText(n.op)) + " " + FormatDuration(n.duration_seconds);
    default:
      return " " + std::string(RuleOpText(n.op)) + " " + ValueText(n.values[0]);
  }
}

// `parent_binds_tighter`: an `or` inside an `and` (or any compound inside `not`) needs
// parentheses to keep its meaning.
std::string Text(const RuleNode& n, bool in_and) {
  switch (n.kind) {
    case RuleKind::kAnd:
    case RuleKind::kOr: {
      const char* sep = n.kind == RuleKind::kAnd ? " and " : " or ";
      std::string out;
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) out += sep;
        out += Text(*n.children[i], n.kind == RuleKind::kAnd);
      }
      return n.kind == RuleKind::kOr && in_and ? "(" + out + ")" : out;
    }
    case RuleKind::kNot: {
      const RuleNode& c = *n.children[0];
      bool compound = c.kind == RuleKind::kAnd || c.kind == RuleKind::kOr;
      return "not " + (compound ? "(" + Text(c, false) + ")" : Text(c, false));
    }
    case RuleKind::kHasTag:
    case RuleKind::kInSegment:
    case RuleKind::kInGroup: {
      const char* fn = n.kind == RuleKind::kHasTag      ? "has_tag"
                       : n.kind == RuleKind::kInSegment ? "in_segment"
                                                        : "in_group";
      std::string out = std::string(fn) + "(";
      AppendJsonString(&out, n.name);
      return out + ")";
    }
    case RuleKind::kTrait:
      return "trait." + n.name + ComparisonText(n);
    case RuleKind::kCount:
    case RuleKind::kSum: {
      std::string out =
          std::string(n.kind == RuleKind::kCount ? "count(" : "sum(") + EventRefText(n);
      if (n.window_seconds) out += ", " + FormatDuration(n.window_seconds);
      return out + ")" + ComparisonText(n);
    }
    case RuleKind::kLast:
    case RuleKind::kFirst:
      return std::string(n.kind == RuleKind::kLast ? "last(" : "first(") + EventRefText(n) + ")" +
             ComparisonText(n);
    case RuleKind::kAttribute:
      return n.name + ComparisonText(n);
  }
  return "";
}

json ValueJson(const RuleValue& v) {
  switch (v.type) {
    case RuleValue::Type::kString:
      return v.text;
    case RuleValue::Type::kBool:
      return v.boolean;
    case RuleValue::Type::kNumber:
      return json::parse(v.text, nullptr, false);
  }
  return nullptr;
}

json Json(const RuleNode& n) {
  json j;
  auto comparison = [&](json* out) {
    (*out)["op"] = std::string(RuleOpText(n.op));
    if (n.op == RuleOp::kWithin || n.op == RuleOp::kOlderThan) {
      (*out)["duration"] = FormatDuration(n.duration_seconds);
    } else if (n.op == RuleOp::kBetween || n.op == RuleOp::kIn) {
      json arr = json::array();
      for (const RuleValue& v : n.values) arr.push_back(ValueJson(v));
      (*out)["value"] = arr;
    } else if (n.op != RuleOp::kExists) {
      (*out)["value"] = ValueJson(n.values[0]);
    }
  };
  auto event_ref = [&](const char* key) {
    j[key] = n.name;
    if (!n.field.empty()) j["field"] = n.field;
    if (!n.where.empty()) {
      json where = json::array();
      for (const PropertyFilter& f : n.where) {
        where.push_back({{"property", f.property},
                         {"op", std::string(RuleOpText(f.op))},
                         {"value", ValueJson(f.value)}});
      }
      j["where"] = where;
    }
  };
  switch (n.kind) {
    case RuleKind::kAnd:
    case RuleKind::kOr: {
      json arr = json::array();
      for (const auto& c : n.children) arr.push_back(Json(*c));
      j[n.kind == RuleKind::kAnd ? "and" : "or"] = arr;
      break;
    }
    case RuleKind::kNot:
      j["not"] = Json(*n.children[0]);
      break;
    case RuleKind::kHasTag:
      j["has_tag"] = n.name;
      break;
    case RuleKind::kInSegment:
      j["in_segment"] = n.name;
      break;
    case RuleKind::kInGroup:
      j["in_group"] = n.name;
      break;
    case RuleKind::kTrait:
      j["trait"] = n.name;
      comparison(&j);
      break;
    case RuleKind::kCount:
    case RuleKind::kSum:
      event_ref(n.kind == RuleKind::kCount ? "count" : "sum");
      if (n.window_seconds) j["window"] = FormatDuration(n.window_seconds);
      comparison(&j);
      break;
    case RuleKind::kLast:
    case RuleKind::kFirst:
      event_ref(n.kind == RuleKind::kLast ? "last" : "first");
      comparison(&j);
      break;
    case RuleKind::kAttribute:
      j["attribute"] = n.name;
      comparison(&j);
      break;
  }
  return j;
}

// --- reading JSON ------------------------------------------------------------------------

Status JsonValue(const json& j, const std::string& path, RuleValue* v) {
  if (j.is_string()) {
    v->type = RuleValue::Type::kString;
    v->text = j.get<std::string>();
  } else if (j.is_boolean()) {
    v->type = RuleValue::Type::kBool;
    v->boolean = j.get<bool>();
    v->text = v->boolean ? "true" : "false";
  } else if (j.is_number()) {
    Result<std::string> canonical = CanonicalRuleNumber(j.get<double>());
    if (!canonical.ok()) return FieldError(path, std::string(canonical.status().message()));
    v->type = RuleValue::Type::kNumber;
    v->number = j.get<double>();
    v->text = std::move(*canonical);
  } else {
    return FieldError(path, "must be a string, a number or true/false");
  }
  return Status::Ok();
}

Result<RuleOp> JsonOp(const json& j, const std::string& path, bool simple_only) {
  auto it = j.find("op");
  if (it == j.end() || !it->is_string()) return FieldError(path + ".op", "required");
  for (const auto& [op, text] : kOps) {
    if (*it == text) {
      if (simple_only && op > RuleOp::kLe) break;
      return op;
    }
  }
  return FieldError(path + ".op", "unknown operator " + it->dump());
}

Status JsonComparison(const json& j, const std::string& path, RuleNode* n, bool allow_time) {
  ASSIGN_OR_RETURN(n->op, JsonOp(j, path, false));
  if (n->op == RuleOp::kWithin || n->op == RuleOp::kOlderThan) {
    if (!allow_time) return FieldError(path + ".op", "within/older_than is not allowed here");
    auto d = j.find("duration");
    if (d == j.end() || !d->is_string())
      return FieldError(path + ".duration", "required, like \"7d\"");
    Result<int64_t> s = ParseDuration(d->get<std::string>());
    if (!s.ok()) return FieldError(path + ".duration", "not a duration like \"7d\"");
    n->duration_seconds = *s;
    return Status::Ok();
  }
  if (n->op == RuleOp::kExists) return Status::Ok();
  auto v = j.find("value");
  if (v == j.end()) return FieldError(path + ".value", "required");
  if (n->op == RuleOp::kBetween || n->op == RuleOp::kIn) {
    if (!v->is_array() || v->empty() || (n->op == RuleOp::kBetween && v->size() != 2)) {
      return FieldError(path + ".value", n->op == RuleOp::kBetween ? "must be [low, high]"
                                                                   : "must be a non-empty list");
    }
    for (size_t i = 0; i < v->size(); ++i) {
      RuleValue rv;
      RETURN_IF_ERROR(JsonValue((*v)[i], path + ".value[" + std::to_string(i) + "]", &rv));
      n->values.push_back(std::move(rv));
    }
    return Status::Ok();
  }
  RuleValue rv;
  RETURN_IF_ERROR(JsonValue(*v, path + ".value", &rv));
  n->values.push_back(std::move(rv));
  return Status::Ok();
}

Result<std::string> JsonName(const json& j, const char* key, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) {
    return FieldError(path + "." + key, "must be a non-empty string");
  }
  return it->get<std::string>();
}

Result<std::unique_ptr<RuleNode>> FromJson(const json& j, const std::string& path, int depth) {
  if (depth > 64) return FieldError(path, "nested deeper than 64 levels");
  if (!j.is_object()) return FieldError(path, "must be an object");
  auto n = std::make_unique<RuleNode>();
  for (const char* key : {"and", "or"}) {
    if (!j.contains(key)) continue;
    n->kind = key[0] == 'a' ? RuleKind::kAnd : RuleKind::kOr;
    const json& arr = j[key];
    if (!arr.is_array() || arr.empty())
      return FieldError(path + "." + key, "must be a non-empty list");
    for (size_t i = 0; i < arr.size(); ++i) {
      ASSIGN_OR_RETURN(
          auto c, FromJson(arr[i], path + "." + key + "[" + std::to_string(i) + "]", depth + 1));
      n->children.push_back(std::move(c));
    }
    if (n->children.size() == 1) return std::move(n->children[0]);
    return n;
  }
  if (j.contains("not")) {
    n->kind = RuleKind::kNot;
    ASSIGN_OR_RETURN(auto c, FromJson(j["not"], path + ".not", depth + 1));
    n->children.push_back(std::move(c));
    return n;
  }
  for (auto [key, kind] :
       {std::pair{"has_tag", RuleKind::kHasTag}, std::pair{"in_segment", RuleKind::kInSegment},
        std::pair{"in_group", RuleKind::kInGroup}}) {
    if (!j.contains(key)) continue;
    n->kind = kind;
    ASSIGN_OR_RETURN(n->name, JsonName(j, key, path));
    return n;
  }
  if (j.contains("trait")) {
    n->kind = RuleKind::kTrait;
    ASSIGN_OR_RETURN(n->name, JsonName(j, "trait", path));
    RETURN_IF_ERROR(JsonComparison(j, path, n.get(), true));
    return n;
  }
  if (j.contains("attribute")) {
    n->kind = RuleKind::kAttribute;
    ASSIGN_OR_RETURN(n->name, JsonName(j, "attribute", path));
    bool known = false;
    for (const char* a : kRuleAttributes) known |= n->name == a;
    if (!known) return FieldError(path + ".attribute", "unknown attribute \"" + n->name + "\"");
    RETURN_IF_ERROR(JsonComparison(j, path, n.get(), false));
    return n;
  }
  for (auto [key, kind] :
       {std::pair{"count", RuleKind::kCount}, std::pair{"sum", RuleKind::kSum},
        std::pair{"last", RuleKind::kLast}, std::pair{"first", RuleKind::kFirst}}) {
    if (!j.contains(key)) continue;
    n->kind = kind;
    ASSIGN_OR_RETURN(n->name, JsonName(j, key, path));
    if (kind == RuleKind::kSum) {
      ASSIGN_OR_RETURN(n->field, JsonName(j, "field", path));
    }
    if (auto w = j.find("where"); w != j.end()) {
      if (!w->is_array()) return FieldError(path + ".where", "must be a list");
      for (size_t i = 0; i < w->size(); ++i) {
        std::string fp = path + ".where[" + std::to_string(i) + "]";
        const json& f = (*w)[i];
        if (!f.is_object()) return FieldError(fp, "must be an object");
        PropertyFilter pf;
        ASSIGN_OR_RETURN(pf.property, JsonName(f, "property", fp));
        ASSIGN_OR_RETURN(pf.op, JsonOp(f, fp, true));
        if (!f.contains("value")) return FieldError(fp + ".value", "required");
        RETURN_IF_ERROR(JsonValue(f["value"], fp + ".value", &pf.value));
        n->where.push_back(std::move(pf));
      }
    }
    if (kind == RuleKind::kCount || kind == RuleKind::kSum) {
      if (auto w = j.find("window"); w != j.end()) {
        Result<int64_t> s = w->is_string() ? ParseDuration(w->get<std::string>())
                                           : Result<int64_t>(Status::InvalidArgument(""));
        if (!s.ok()) return FieldError(path + ".window", "not a duration like \"90d\"");
        n->window_seconds = *s;
      }
      ASSIGN_OR_RETURN(n->op, JsonOp(j, path, true));
      if (!j.contains("value") || !j["value"].is_number()) {
        return FieldError(path + ".value", "must be a number");
      }
      RuleValue rv;
      RETURN_IF_ERROR(JsonValue(j["value"], path + ".value", &rv));
      n->values.push_back(std::move(rv));
    } else {
      RETURN_IF_ERROR(JsonComparison(j, path, n.get(), true));
      if (n->op != RuleOp::kWithin && n->op != RuleOp::kOlderThan) {
        return FieldError(path + ".op", "must be within or older_than");
      }
    }
    return n;
  }
  return FieldError(path,
                    "no condition (and, or, not, has_tag, in_segment, in_group, trait, "
                    "attribute, count, sum, last, first)");
}

}  // namespace

std::string_view RuleOpText(RuleOp op) {
  for (const auto& [o, text] : kOps) {
    if (o == op) return text;
  }
  return "?";
}

std::string ToText(const RuleNode& rule) { return Text(rule, false); }

std::string ToJson(const RuleNode& rule) { return DumpJson(Json(rule)); }

Result<std::unique_ptr<RuleNode>> ParseRuleJson(std::string_view text) {
  if (text.size() > 64 * 1024) return FieldError("rule", "longer than 64 KB");
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return FieldError("rule", "not valid JSON");
  return FromJson(j, "rule", 0);
}

}  // namespace pond
