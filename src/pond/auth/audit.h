// The audit log (docs/privacy.md, "Audit"): who read personal data unmasked, signed in, changed
// the team or its keys, or decided about money — what, when, from where. Append-only: nothing
// in pond changes or deletes an entry. Kept in the store (sealed, like all objects) as objects
// of kind "audit" whose ids sort in time order.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/status.h"

namespace pond {
class Engine;
}

namespace pond::auth {

struct AuditEntry {
  std::string id;  // "aud_<16-digit micros>_<hex>": sorts by time
  Micros at = 0;
  std::string actor;   // "usr_…" (a user), "key_…" (an API key), "cli" (a command on the box)
  std::string action;  // "customer.reveal", "auth.login", "POST /v1/users", …
  std::string target;  // what it was about: a customer, a user, a withdrawal ("" when none)
  std::string from;    // the caller's address ("" for the CLI)
  std::string result;  // "ok", or the error's HTTP status and code ("403 permission_denied")
};

struct AuditPage {
  std::vector<AuditEntry> data;  // newest first
  std::string next_cursor;       // "" at the end
  size_t total = 0;              // entries that match, all pages
};

class AuditLog {
 public:
  explicit AuditLog(Engine* engine) : engine_(engine) {}

  // Fills in id and time. A text field longer than 500 bytes keeps its first 125 characters.
  Status Record(const std::string& ws, AuditEntry entry);
  // For an entry about something already done, which a failure to record must not undo: the
  // failure is written to stderr ("pond: audit entry for <action> not written: …").
  void RecordOrWarn(const std::string& ws, AuditEntry entry);

  // Newest first; `action_prefix` ("customer." or "POST /v1/distribution") filters when set.
  // `cursor` is the last id of the previous page.
  Result<AuditPage> List(const std::string& ws, size_t limit, const std::string& cursor,
                         const std::string& action_prefix);

 private:
  Engine* engine_;
};

}  // namespace pond::auth
