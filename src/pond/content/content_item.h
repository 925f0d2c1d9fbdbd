// The content library (docs/content.md): what a persona account posts to Moments, with its
// kind, topics, the personas it suits and how it performed. Stored as JSON:
//
//   {"id": "cnt_spf_tip", "kind": "knowledge", "title": "防晒霜要涂多少？",
//    "text": "一元硬币大小…", "topics": ["防晒", "护肤"], "personas": ["expert"],
//    "media": ["img/spf.jpg"]}
//
// Performance (views, likes, comments) comes from events, not from the stored item.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pond/base/status.h"

namespace pond {

// The kinds operators plan with. Product ads and promotions are the commercial ones ("ads").
enum class ContentKind { kKnowledge, kDailyLife, kProductAd, kBuyerShow, kPromotion, kEmotional };
inline constexpr int kContentKinds = 6;
// "knowledge", "daily_life", "product_ad", "buyer_show", "promotion", "emotional".
const char* ContentKindName(ContentKind kind);
std::optional<ContentKind> ContentKindFromName(std::string_view name);
inline bool IsAd(ContentKind kind) {
  return kind == ContentKind::kProductAd || kind == ContentKind::kPromotion;
}

struct ContentItem {
  std::string id;  // "cnt_…"
  ContentKind kind = ContentKind::kKnowledge;
  std::string title;
  std::string text;
  std::vector<std::string> topics;
  std::vector<std::string> personas;  // empty: suits every persona
  std::vector<std::string> media;     // references (paths, URLs, WeCom media ids)
  // From events (content_viewed, content_liked, content_commented with properties.content_id).
  int64_t views = 0, likes = 0, comments = 0;

  bool Suits(const std::string& persona) const;
  // How well it performed: engagement per view with a prior of 100 views at 2%, so that an item
  // seen by few is neither top nor bottom (likes count 1, comments 3).
  double Score() const;
};

// Errors name the field ("kind", "topics[2]", "title").
Result<ContentItem> ParseContentItem(std::string_view json);
nlohmann::json ContentItemJson(const ContentItem& item);  // with its performance

}  // namespace pond
