#include "pond/content/moments_json.h"

#include "pond/base/time.h"
#include "pond/base/utf8.h"

namespace pond {

using nlohmann::json;

namespace {

Status IntField(const json& j, const char* key, int lo, int hi, int* out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
    return FieldError(std::string("rules.") + key,
                      "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  *out = static_cast<int>(it->get<int64_t>());
  return Status::Ok();
}

Result<int> Minute(const json& w, const char* key, const std::string& at) {
  auto it = w.find(key);
  std::optional<int> m;
  if (it != w.end() && it->is_string()) m = ParseTimeOfDay(it->get<std::string>());
  if (!m) return FieldError(at + "." + key, "a time of day, HH:MM");
  return *m;
}

}  // namespace

Result<Persona> ParsePersona(const json& j, const std::string& field) {
  if (j.is_string()) {
    Result<Persona> p = BuiltInPersona(j.get<std::string>());
    if (!p.ok()) return FieldError(field, "expert, friend, shopkeeper or {id, posts_per_day, mix}");
    return p;
  }
  if (!j.is_object()) return FieldError(field, "a persona's name or {id, posts_per_day, mix}");
  Persona p;
  auto id = j.find("id");
  if (id == j.end() || !id->is_string() || id->get<std::string>().empty() ||
      id->get<std::string>().size() > 64) {
    return FieldError(field + ".id", "a name of 1 to 64 bytes");
  }
  p.id = id->get<std::string>();
  if (auto n = j.find("posts_per_day"); n != j.end()) {
    if (!n->is_number_integer() || n->get<int64_t>() < 1 || n->get<int64_t>() > 20) {
      return FieldError(field + ".posts_per_day", "a whole number from 1 to 20");
    }
    p.posts_per_day = static_cast<int>(n->get<int64_t>());
  }
  auto mix = j.find("mix");
  if (mix == j.end() || !mix->is_object()) {
    return FieldError(field + ".mix", "the share of each kind, e.g. {\"knowledge\": 0.4, …}");
  }
  for (const auto& [kind, share] : mix->items()) {
    auto k = ContentKindFromName(kind);
    if (!k) return FieldError(field + ".mix." + kind, "not a content kind");
    if (!share.is_number() || share.get<double>() < 0 || share.get<double>() > 1) {
      return FieldError(field + ".mix." + kind, "a share from 0 to 1");
    }
    p.mix[static_cast<int>(*k)] = share.get<double>();
  }
  return p;
}

Result<MomentsRules> ParseMomentsRules(const json& j) {
  MomentsRules r;
  if (j.is_null()) return r;
  if (!j.is_object()) return FieldError("rules", "must be an object");
  RETURN_IF_ERROR(IntField(j, "min_posts", 1, 20, &r.min_posts));
  RETURN_IF_ERROR(IntField(j, "max_posts", 1, 20, &r.max_posts));
  RETURN_IF_ERROR(IntField(j, "max_ads", 0, 20, &r.max_ads));
  RETURN_IF_ERROR(IntField(j, "min_gap_minutes", 0, 720, &r.min_gap_minutes));
  RETURN_IF_ERROR(IntField(j, "no_repeat_days", 0, 365, &r.no_repeat_days));
  if (auto w = j.find("windows"); w != j.end()) {
    if (!w->is_array() || w->empty() || w->size() > 12) {
      return FieldError("rules.windows", "1 to 12 windows {name, start, end}");
    }
    r.windows.clear();
    for (size_t i = 0; i < w->size(); ++i) {
      const std::string at = "rules.windows[" + std::to_string(i) + "]";
      const json& win = (*w)[i];
      if (!win.is_object()) return FieldError(at, "{name, start, end}");
      PostingWindow pw;
      pw.name = win.value("name", "");
      ASSIGN_OR_RETURN(pw.start_minute, Minute(win, "start", at));
      ASSIGN_OR_RETURN(pw.end_minute, Minute(win, "end", at));
      r.windows.push_back(pw);
    }
  }
  RETURN_IF_ERROR(CheckRules(r));
  return r;
}

Result<Micros> ParseLocalDate(const json& j, const std::string& field, int utc_offset_seconds) {
  const std::string text = j.is_string() ? j.get<std::string>() : "";
  Result<Micros> t = text.size() == 10 ? ParseIso8601(text + "T00:00:00", utc_offset_seconds)
                                       : Result<Micros>(Status::InvalidArgument(""));
  if (!t.ok()) return FieldError(field, "a date, YYYY-MM-DD");
  return *t;
}

Result<std::vector<PlannedPost>> ParsePlannedPosts(const json& j, int utc_offset_seconds) {
  if (!j.is_array() || j.size() > 10'000) return FieldError("posts", "a list of at most 10,000");
  std::vector<PlannedPost> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string at = "posts[" + std::to_string(i) + "]";
    const json& p = j[i];
    if (!p.is_object()) return FieldError(at, "{staff, at, item}");
    PlannedPost post;
    post.staff = p.value("staff", "");
    post.item = p.value("item", "");
    if (post.staff.empty()) return FieldError(at + ".staff", "is required");
    if (post.item.empty()) return FieldError(at + ".item", "is required");
    Result<Micros> when = ParseIso8601(p.value("at", ""), utc_offset_seconds);
    if (!when.ok()) return FieldError(at + ".at", "an ISO 8601 time");
    post.at = *when;
    out.push_back(std::move(post));
  }
  return out;
}

json PersonaJson(const Persona& p) {
  json mix = json::object();
  for (int k = 0; k < kContentKinds; ++k) {
    mix[ContentKindName(static_cast<ContentKind>(k))] = p.mix[k];
  }
  return {{"id", p.id}, {"posts_per_day", p.posts_per_day}, {"mix", mix}};
}

json PostJson(const PlannedPost& p, int utc_offset_seconds) {
  return {{"staff", p.staff},
          {"at", FormatIso8601(p.at, utc_offset_seconds)},
          {"item", p.item},
          {"kind", ContentKindName(p.kind)}};
}

json ViolationJson(const MomentsViolation& v) {
  return {{"code", v.code},
          {"staff", v.staff},
          {"date", v.date},
          {"items", v.items},
          {"message", v.message}};
}

json MomentTaskBody(const ContentItem& item, const std::string& sender) {
  std::string text = item.title;
  if (!item.text.empty()) text += "\n\n" + item.text;
  text.resize(Utf8Prefix(text, 2'000).size());  // WeCom counts characters: at most 2,000
  json attachments = json::array();
  for (size_t i = 0; i < item.media.size() && i < 9; ++i) {
    const std::string& m = item.media[i];
    if (m.starts_with("video:")) {
      attachments.push_back({{"msgtype", "video"}, {"video", {{"media_id", m.substr(6)}}}});
    } else {
      attachments.push_back({{"msgtype", "image"}, {"image", {{"media_id", m}}}});
    }
  }
  return {{"text", {{"content", text}}},
          {"attachments", attachments},
          {"visible_range", {{"sender_list", {{"user_list", {sender}}}}}}};
}

}  // namespace pond
