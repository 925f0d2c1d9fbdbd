// The script library (话术库, docs/content.md): question → answer scripts that staff paste into
// chats, with tags and the customer stage they suit, found by full-text search that works for
// Chinese (SQLite FTS5 with the pond_cjk tokenizer) and counted when used.
//
//   {"id": "scr_price", "question": "为什么比旗舰店贵？", "answer": "我们是正品直供…",
//    "tags": ["价格", "异议"], "stage": "lead"}
#pragma once

#include <sqlite3.h>

#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "pond/base/status.h"

namespace pond {

struct Script {
  std::string id;  // "scr_…"
  std::string question;
  std::string answer;
  std::vector<std::string> tags;
  std::string stage;  // a lifecycle stage it suits ("" = any)
  int64_t uses = 0;
};

// Errors name the field ("question", "tags[1]").
Result<Script> ParseScript(std::string_view json);
nlohmann::json ScriptJson(const Script& script);

// The search index: an in-memory SQLite FTS5 table over question, answer and tags, filled from
// the stored scripts at start. Thread-safe.
class ScriptIndex {
 public:
  static Result<std::unique_ptr<ScriptIndex>> Open();
  ~ScriptIndex();

  Status Put(const Script& script);  // insert or replace
  Status Remove(const std::string& id);

  struct Hit {
    std::string id;
    double rank = 0;      // bm25, lower is better (question weighs 3, tags 2, answer 1)
    std::string snippet;  // the best few words, matches in 【】
  };
  // Every whitespace-separated term must match (AND); a term is matched as a phrase, so
  // FTS5's query syntax in user text is just text. At most 200 bytes.
  Result<std::vector<Hit>> Search(std::string_view query, size_t limit);

 private:
  explicit ScriptIndex(sqlite3* db) : db_(db) {}
  Status Exec(const char* sql);
  sqlite3* db_;
  std::mutex mu_;
};

}  // namespace pond
