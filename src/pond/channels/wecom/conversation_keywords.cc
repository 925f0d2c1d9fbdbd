#include "pond/channels/wecom/conversation_keywords.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/base/utf8.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr char kKind[] = "conversation_keywords";
constexpr char kId[] = "table";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

const KeywordTable& DefaultKeywordTable() {
  static const KeywordTable table{{
      {"price", {"多少钱", "价格", "怎么卖", "什么价", "how much", "price", "cost"}},
      {"buy", {"怎么买", "哪里买", "下单", "购买", "链接发我", "how to buy", "buy", "order"}},
      {"discount", {"有优惠吗", "优惠", "折扣", "便宜", "活动价", "discount", "coupon", "deal"}},
      {"size", {"尺码", "大小", "多大", "规格", "size"}},
      {"shipping", {"发货", "快递", "几天到", "包邮", "shipping", "delivery"}},
      {"refund", {"退货", "退款", "换货", "refund", "return"}},
      {"stock", {"有货吗", "还有吗", "库存", "补货", "in stock", "stock"}},
  }};
  return table;
}

Result<KeywordTable> ParseKeywordTable(const json& j) {
  if (!j.is_object()) return FieldError("table", "{\"keywords\": [{\"keyword\", \"words\"}]}");
  const auto list = j.find("keywords");
  if (list == j.end() || !list->is_array() || list->size() > kMaxKeywords) {
    return FieldError("keywords", "a list of at most 50 {keyword, words}");
  }
  KeywordTable table;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string at = "keywords[" + std::to_string(i) + "]";
    const json& row = (*list)[i];
    if (!row.is_object()) return FieldError(at, "{keyword, words}");
    KeywordRule rule;
    RETURN_IF_ERROR(ReadJsonText(row, "keyword", 32, true, &rule.keyword));
    if (!std::all_of(rule.keyword.begin(), rule.keyword.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        })) {
      return FieldError(at + ".keyword", "a-z, 0-9 or '_'");
    }
    const auto words = row.find("words");
    if (words == row.end() || !words->is_array() || words->empty() ||
        words->size() > kMaxWordsPerKeyword) {
      return FieldError(at + ".words", "1 to 50 words or phrases");
    }
    for (size_t w = 0; w < words->size(); ++w) {
      const json& word = (*words)[w];
      if (!word.is_string() || word.get<std::string>().empty() ||
          word.get<std::string>().size() > kMaxWordBytes || !IsValidUtf8(word.get<std::string>())) {
        return FieldError(at + ".words[" + std::to_string(w) + "]",
                          "a word or phrase of 1 to 64 bytes of UTF-8");
      }
      rule.words.push_back(Lower(word.get<std::string>()));
    }
    table.rules.push_back(std::move(rule));
  }
  return table;
}

json KeywordTableJson(const KeywordTable& table) {
  json list = json::array();
  for (const KeywordRule& r : table.rules) {
    list.push_back({{"keyword", r.keyword}, {"words", r.words}});
  }
  return {{"keywords", list}};
}

std::vector<std::string> FindKeywords(const KeywordTable& table, std::string_view text) {
  std::vector<std::string> found;
  if (text.empty()) return found;
  const std::string lower = Lower(text);
  for (const KeywordRule& r : table.rules) {
    for (const std::string& w : r.words) {
      if (lower.find(w) != std::string::npos) {
        found.push_back(r.keyword);
        break;
      }
    }
  }
  return found;
}

Result<KeywordTable> LoadKeywordTable(Engine& engine, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine.ListObjects(ws, kKind));
  for (const StoredObject& o : objects) {
    if (o.id != kId) continue;
    return ParseKeywordTable(json::parse(o.body, nullptr, false));
  }
  return DefaultKeywordTable();
}

Status SaveKeywordTable(Engine& engine, const std::string& ws, const KeywordTable& table) {
  return engine.PutObject(
      ws, {kKind, kId, DumpJson(KeywordTableJson(table)), engine.clock().NowMicros()});
}

}  // namespace pond::wecom
