#include "pond/content/script_library.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/content/cjk_tokenizer.h"

namespace pond {
namespace {

using nlohmann::json;

// One statement, finalized on every path.
struct Statement {
  sqlite3_stmt* st = nullptr;
  ~Statement() { sqlite3_finalize(st); }
};

Status SqlError(sqlite3* db, const char* what) {
  return Status::Internal(std::string(what) + ": " + sqlite3_errmsg(db));
}

void Bind(sqlite3_stmt* st, int at, const std::string& text) {
  sqlite3_bind_text(st, at, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

}  // namespace

Result<Script> ParseScript(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return FieldError("script", "must be a JSON object");
  Script s;
  RETURN_IF_ERROR(ReadJsonText(j, "id", 64, true, &s.id));
  if (!s.id.starts_with("scr_") || s.id.size() < 5 ||
      !std::all_of(s.id.begin() + 4, s.id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      })) {
    return FieldError("id", "\"scr_\" then 1 to 60 of a-z, 0-9, '_' or '-'");
  }
  RETURN_IF_ERROR(ReadJsonText(j, "question", 1'000, true, &s.question));
  RETURN_IF_ERROR(ReadJsonText(j, "answer", 5'000, true, &s.answer));
  RETURN_IF_ERROR(ReadJsonText(j, "stage", 32, false, &s.stage));
  if (auto it = j.find("tags"); it != j.end()) {
    if (!it->is_array() || it->size() > 20)
      return FieldError("tags", "a list of at most 20 strings");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& t = (*it)[i];
      if (!t.is_string() || t.get<std::string>().empty() || t.get<std::string>().size() > 64) {
        return FieldError("tags[" + std::to_string(i) + "]", "a string of 1 to 64 bytes");
      }
      s.tags.push_back(t.get<std::string>());
    }
  }
  if (auto it = j.find("uses"); it != j.end() && it->is_number_integer()) {
    s.uses = std::max<int64_t>(0, it->get<int64_t>());
  }
  return s;
}

nlohmann::json ScriptJson(const Script& s) {
  return json({{"id", s.id},
               {"question", s.question},
               {"answer", s.answer},
               {"tags", s.tags},
               {"stage", s.stage},
               {"uses", s.uses}});
}

Result<std::unique_ptr<ScriptIndex>> ScriptIndex::Open() {
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
    sqlite3_close(db);
    return Status::Internal("cannot open the script index");
  }
  std::unique_ptr<ScriptIndex> index(new ScriptIndex(db));
  RETURN_IF_ERROR(RegisterCjkTokenizer(db));
  RETURN_IF_ERROR(
      index->Exec("CREATE VIRTUAL TABLE scripts USING fts5(id UNINDEXED, question, answer, tags, "
                  "tokenize = 'pond_cjk')"));
  return index;
}

ScriptIndex::~ScriptIndex() { sqlite3_close(db_); }

Status ScriptIndex::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    Status s = Status::Internal(std::string("script index: ") + (error ? error : "?"));
    sqlite3_free(error);
    return s;
  }
  return Status::Ok();
}

Status ScriptIndex::Put(const Script& script) {
  RETURN_IF_ERROR(Remove(script.id));
  std::lock_guard lock(mu_);
  Statement ins;
  if (sqlite3_prepare_v2(db_, "INSERT INTO scripts(id, question, answer, tags) VALUES (?,?,?,?)",
                         -1, &ins.st, nullptr) != SQLITE_OK) {
    return SqlError(db_, "script index");
  }
  std::string tags;
  for (const std::string& t : script.tags) tags += (tags.empty() ? "" : " ") + t;
  Bind(ins.st, 1, script.id);
  Bind(ins.st, 2, script.question);
  Bind(ins.st, 3, script.answer);
  Bind(ins.st, 4, tags);
  if (sqlite3_step(ins.st) != SQLITE_DONE) return SqlError(db_, "script index");
  return Status::Ok();
}

Status ScriptIndex::Remove(const std::string& id) {
  std::lock_guard lock(mu_);
  Statement del;
  if (sqlite3_prepare_v2(db_, "DELETE FROM scripts WHERE id = ?", -1, &del.st, nullptr) !=
      SQLITE_OK) {
    return SqlError(db_, "script index");
  }
  Bind(del.st, 1, id);
  if (sqlite3_step(del.st) != SQLITE_DONE) return SqlError(db_, "script index");
  return Status::Ok();
}

Result<std::vector<ScriptIndex::Hit>> ScriptIndex::Search(std::string_view query, size_t limit) {
  if (query.size() > 200) return FieldError("q", "at most 200 bytes");
  // Each term a quoted phrase ("" inside doubled); terms with no token (punctuation) dropped.
  std::string match;
  size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && (query[i] == ' ' || query[i] == '\t' || query[i] == '\n')) ++i;
    size_t j = i;
    while (j < query.size() && query[j] != ' ' && query[j] != '\t' && query[j] != '\n') ++j;
    const std::string_view term = query.substr(i, j - i);
    i = j;
    if (term.empty() || CjkTokens(term, true).empty()) continue;
    std::string quoted = "\"";
    for (char c : term) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    match += (match.empty() ? "" : " ") + quoted + "\"";
  }
  if (query.find_first_not_of(" \t\n") == std::string_view::npos) {
    return FieldError("q", "is required");
  }
  if (match.empty()) return std::vector<Hit>{};  // only punctuation: nothing to find
  std::lock_guard lock(mu_);
  Statement q;
  if (sqlite3_prepare_v2(db_,
                         "SELECT id, bm25(scripts, 0.0, 3.0, 1.0, 2.0), "
                         "snippet(scripts, -1, '【', '】', '…', 16) FROM scripts "
                         "WHERE scripts MATCH ? ORDER BY 2, id LIMIT ?",
                         -1, &q.st, nullptr) != SQLITE_OK) {
    return SqlError(db_, "script search");
  }
  Bind(q.st, 1, match);
  sqlite3_bind_int64(q.st, 2, static_cast<sqlite3_int64>(limit));
  std::vector<Hit> out;
  int rc;
  while ((rc = sqlite3_step(q.st)) == SQLITE_ROW) {
    auto text = [&](int col) {
      const auto* p = sqlite3_column_text(q.st, col);
      return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
    };
    out.push_back({text(0), sqlite3_column_double(q.st, 1), text(2)});
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "script search");
  return out;
}

}  // namespace pond
