// The chat archive pulled into pond (issue 28; docs/conversations.md, "Archive"): pages of
// GetChatData from the seq cursor, each message's random key opened with the brand's RSA key of
// its publickey_ver, the message opened with DecryptData, mapped (archive_message.h) and
// submitted through the engine. The cursor is an object ("wecom_archive"/"progress") saved
// after each page's events are stored (texts tagged with the workspace's keyword table,
// conversation_keywords.h), so a restart (after a crash, too) resumes exactly there:
// at worst the last page is read again, and its messageIds store nothing twice. An item that
// cannot be used — a key for an unknown version, one that does not open, a message the SDK
// cannot decrypt, JSON that is not a message, a text over the limit — is counted as rejected
// with its reason (the last 20 kept with their seq and msgid) and never stops the loop.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "pond/channels/wecom/archive_keys.h"
#include "pond/channels/wecom/finance_sdk.h"
#include "pond/engine/engine.h"

namespace pond::wecom {

struct ArchiveProgress {
  uint64_t seq = 0;                  // the last seq read: the next page starts after it
  int64_t messages = 0;              // items read
  int64_t events = 0;                // new events stored
  int64_t skipped = 0;               // messages pond does not keep (staff to staff, switch)
  int64_t rejected = 0;              // items that could not be used
  std::vector<std::string> rejects;  // the last 20: "seq N msgid M: reason"
  Micros updated_at = 0;
};
nlohmann::json ArchiveProgressJson(const ArchiveProgress& p);
Result<ArchiveProgress> LoadArchiveProgress(Engine& engine, const std::string& ws);

struct ArchivePull {
  unsigned limit = kMaxChatDataLimit;  // per page
  std::string proxy, passwd;
  int timeout_seconds = 10;
  int max_pages = 0;  // 0: until a page comes back short (caught up)
  // Told after every page; false stops there (as a crash would).
  std::function<bool(const ArchiveProgress&)> on_page;
};

// Pulls from the cursor on. The SDK's error on GetChatData ends the run with it (the cursor
// stays where the last stored page left it).
Result<ArchiveProgress> PullArchive(Engine& engine, FinanceSdk& sdk, const ArchiveKeys& keys,
                                    const std::string& ws, const ArchivePull& pull);

// Decrypted messages, one JSON object a line (what archive tools write): mapped and stored in
// batches; a line that is not a message is rejected with its line number and reason.
struct ArchiveImport {
  int64_t lines = 0, events = 0, skipped = 0, rejected = 0;
  std::vector<std::string> rejects;  // the first 20: "line N: reason"
};
Result<ArchiveImport> ImportArchiveLines(Engine& engine, const std::string& ws, std::istream& in);

}  // namespace pond::wecom
