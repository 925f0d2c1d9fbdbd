// The words customers use that say what they want (docs/conversations.md, "Keywords"): a
// per-workspace table of keywords, each with the words and phrases that mean it, Chinese and
// English ("price": 多少钱, 价格, how much …). A message from the chat archive whose text
// mentions them carries `keyword` (the first, in table order) and `keywords` (all), which
// intent rows, segments and journey triggers can name:
//   message_received where property.keyword == "price"
// Stored as the object "conversation_keywords"/"table"; a workspace without one uses the default.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "pond/engine/engine.h"

namespace pond::wecom {

inline constexpr size_t kMaxKeywords = 50;
inline constexpr size_t kMaxWordsPerKeyword = 50;
inline constexpr size_t kMaxWordBytes = 64;

struct KeywordRule {
  std::string keyword;             // a-z, 0-9, '_'; at most 32
  std::vector<std::string> words;  // matched anywhere in the text; ASCII letters in any case
};

struct KeywordTable {
  std::vector<KeywordRule> rules;
};

// price, buy, discount, size, shipping, refund, stock.
const KeywordTable& DefaultKeywordTable();

// {"keywords": [{"keyword": "price", "words": ["多少钱", "how much"]}]}: errors name the field
// ("keywords[1].words[0]") and the limit.
Result<KeywordTable> ParseKeywordTable(const nlohmann::json& j);
nlohmann::json KeywordTableJson(const KeywordTable& table);

// The keywords `text` mentions, in table order, each once.
std::vector<std::string> FindKeywords(const KeywordTable& table, std::string_view text);

Result<KeywordTable> LoadKeywordTable(Engine& engine, const std::string& ws);
Status SaveKeywordTable(Engine& engine, const std::string& ws, const KeywordTable& table);

}  // namespace pond::wecom
