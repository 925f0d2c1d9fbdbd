#include "pond/auth/audit.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"
#include "pond/base/utf8.h"
#include "pond/engine/engine.h"
#include "pond/engine/keys.h"

namespace pond::auth {
namespace {

using nlohmann::json;

constexpr char kKind[] = "audit";
constexpr size_t kMaxField = 500;

std::string Cut(const std::string& s) {
  return s.size() <= kMaxField ? s : std::string(Utf8Prefix(s, kMaxField / 4));
}

}  // namespace

Status AuditLog::Record(const std::string& ws, AuditEntry e) {
  e.at = engine_->clock().NowMicros();
  char stamp[24];
  std::snprintf(stamp, sizeof stamp, "%016lld", static_cast<long long>(e.at));
  e.id = "aud_" + std::string(stamp) + "_" + RandomHex(4);
  const json body = {{"at", e.at},
                     {"actor", Cut(e.actor)},
                     {"action", Cut(e.action)},
                     {"target", Cut(e.target)},
                     {"from", Cut(e.from)},
                     {"result", Cut(e.result)}};
  return engine_->PutObject(ws, {kKind, e.id, DumpJson(body), e.at});
}

void AuditLog::RecordOrWarn(const std::string& ws, AuditEntry entry) {
  const std::string action = entry.action;
  if (Status s = Record(ws, std::move(entry)); !s.ok()) {
    std::fprintf(stderr, "pond: audit entry for %s not written: %s\n", action.c_str(),
                 s.message().c_str());
  }
}

Result<AuditPage> AuditLog::List(const std::string& ws, size_t limit, const std::string& cursor,
                                 const std::string& action_prefix) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine_->ListObjects(ws, kKind));
  AuditPage page;
  // By id, so in time order: walk back from the newest.
  for (auto it = objects.rbegin(); it != objects.rend(); ++it) {
    const json j = json::parse(it->body, nullptr, false);
    if (!j.is_object()) continue;
    AuditEntry e{it->id,
                 j.value("at", int64_t{0}),
                 j.value("actor", ""),
                 j.value("action", ""),
                 j.value("target", ""),
                 j.value("from", ""),
                 j.value("result", "")};
    if (!action_prefix.empty() && !e.action.starts_with(action_prefix)) continue;
    ++page.total;
    if (!cursor.empty() && e.id >= cursor) continue;
    if (page.data.size() < limit) {
      page.data.push_back(std::move(e));
    } else if (page.next_cursor.empty()) {
      page.next_cursor = page.data.back().id;
    }
  }
  return page;
}

}  // namespace pond::auth
