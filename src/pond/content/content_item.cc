#include "pond/content/content_item.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"

namespace pond {
namespace {

using nlohmann::json;

constexpr const char* kKindNames[kContentKinds] = {"knowledge",  "daily_life", "product_ad",
                                                   "buyer_show", "promotion",  "emotional"};

bool IsItemId(const std::string& id) {
  if (id.size() < 5 || id.size() > 64 || !id.starts_with("cnt_")) return false;
  return std::all_of(id.begin() + 4, id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Status Strings(const json& j, const char* key, size_t max, std::vector<std::string>* out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_array() || it->size() > max) {
    return FieldError(key, "a list of at most " + std::to_string(max) + " strings");
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 200) {
      return FieldError(std::string(key) + "[" + std::to_string(i) + "]",
                        "a string of 1 to 200 bytes");
    }
    out->push_back(v.get<std::string>());
  }
  return Status::Ok();
}

}  // namespace

const char* ContentKindName(ContentKind kind) { return kKindNames[static_cast<int>(kind)]; }

std::optional<ContentKind> ContentKindFromName(std::string_view name) {
  for (int i = 0; i < kContentKinds; ++i) {
    if (name == kKindNames[i]) return static_cast<ContentKind>(i);
  }
  return std::nullopt;
}

bool ContentItem::Suits(const std::string& persona) const {
  return personas.empty() || std::find(personas.begin(), personas.end(), persona) != personas.end();
}

double ContentItem::Score() const {
  constexpr double kPriorViews = 100, kPriorRate = 0.02;
  const double engaged = static_cast<double>(likes) + 3.0 * static_cast<double>(comments);
  return (engaged + kPriorViews * kPriorRate) / (static_cast<double>(views) + kPriorViews);
}

Result<ContentItem> ParseContentItem(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return FieldError("item", "must be a JSON object");
  ContentItem item;
  RETURN_IF_ERROR(ReadJsonText(j, "id", 64, true, &item.id));
  if (!IsItemId(item.id)) {
    return FieldError("id", "\"cnt_\" then 1 to 60 of a-z, 0-9, '_' or '-'");
  }
  std::string kind;
  RETURN_IF_ERROR(ReadJsonText(j, "kind", 32, true, &kind));
  auto k = ContentKindFromName(kind);
  if (!k) {
    return FieldError("kind",
                      "one of knowledge, daily_life, product_ad, buyer_show, promotion, emotional");
  }
  item.kind = *k;
  RETURN_IF_ERROR(ReadJsonText(j, "title", 200, true, &item.title));
  RETURN_IF_ERROR(ReadJsonText(j, "text", 10'000, false, &item.text));
  RETURN_IF_ERROR(Strings(j, "topics", 20, &item.topics));
  RETURN_IF_ERROR(Strings(j, "personas", 20, &item.personas));
  RETURN_IF_ERROR(Strings(j, "media", 9, &item.media));  // a Moments post holds 9 pictures
  return item;
}

nlohmann::json ContentItemJson(const ContentItem& item) {
  return json({{"id", item.id},
               {"kind", ContentKindName(item.kind)},
               {"title", item.title},
               {"text", item.text},
               {"topics", item.topics},
               {"personas", item.personas},
               {"media", item.media},
               {"performance",
                {{"views", item.views},
                 {"likes", item.likes},
                 {"comments", item.comments},
                 {"score", item.Score()}}}});
}

}  // namespace pond
