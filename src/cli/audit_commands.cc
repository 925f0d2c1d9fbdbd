// `pond audit`: the audit log, newest first; and the entries the CLI's own team and key
// changes write (actor "cli": whoever holds the data dir).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "pond/app/account_views.h"
#include "pond/auth/audit.h"
#include "pond/base/time.h"
#include "pond/engine/engine.h"

namespace pond::cli {

void RecordCliAudit(Engine& engine, const std::string& ws, const std::string& action,
                    const std::string& target) {
  auth::AuditEntry e;
  e.actor = "cli";
  e.action = action;
  e.target = target;
  e.result = "ok";
  auth::AuditLog(&engine).RecordOrWarn(ws, std::move(e));
}

int RunAudit(const Common& common, int limit, const std::string& action_prefix) {
  auto engine = OpenEngine(common, false);
  if (!engine.ok()) return Fail(engine.status());
  auto page = auth::AuditLog(engine->get())
                  .List(common.workspace, static_cast<size_t>(limit), "", action_prefix);
  if (!page.ok()) return Fail(page.status());
  if (common.json) {
    nlohmann::json data = nlohmann::json::array();
    for (const auth::AuditEntry& e : page->data) data.push_back(app::AuditEntryJson(e));
    std::printf("%s\n", nlohmann::json{{"data", data}, {"total", page->total}}.dump().c_str());
    return 0;
  }
  auto zone = (*engine)->UtcOffsetOf(common.workspace);
  if (!zone.ok()) return Fail(zone.status());
  Table t({"time (" + FormatUtcOffset(*zone) + ")", "actor", "action", "target", "from", "result"});
  for (const auth::AuditEntry& e : page->data) {
    t.Add({FormatIso8601(e.at, *zone), e.actor, e.action, e.target, e.from, e.result});
  }
  t.Print();
  std::printf("%zu of %zu entries\n", page->data.size(), page->total);
  return 0;
}

}  // namespace pond::cli
