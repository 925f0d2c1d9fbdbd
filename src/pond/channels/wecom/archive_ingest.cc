#include "pond/channels/wecom/archive_ingest.h"

#include <istream>
#include <nlohmann/json.hpp>

#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/channels/wecom/archive_message.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr char kKind[] = "wecom_archive";
constexpr char kProgressId[] = "progress";
constexpr size_t kRejectsKept = 20;
constexpr size_t kImportBatch = 1000;
constexpr size_t kMaxLine = 1 << 20;  // bytes: a longer line is refused, not parsed

void NoteReject(std::vector<std::string>* rejects, std::string why, bool keep_last) {
  if (rejects->size() == kRejectsKept) {
    if (!keep_last) return;
    rejects->erase(rejects->begin());
  }
  rejects->push_back(std::move(why));
}

// Stores `events`; when the batch is refused as a whole, each on its own, counting the refused.
Result<int64_t> Store(Engine& engine, const std::string& ws, std::vector<Event> events,
                      const std::function<void(const Event&, const Status&)>& refused) {
  if (events.empty()) return int64_t{0};
  Result<SubmitResult> all = engine.Submit(ws, events);
  if (all.ok()) return all->accepted;
  if (all.status().code() != StatusCode::kInvalidArgument) return all.status();
  int64_t stored = 0;
  for (Event& e : events) {
    Result<SubmitResult> one = engine.Submit(ws, {e});
    if (one.ok()) {
      stored += one->accepted;
    } else if (one.status().code() == StatusCode::kInvalidArgument) {
      refused(e, one.status());
    } else {
      return one.status();
    }
  }
  return stored;
}

}  // namespace

json ArchiveProgressJson(const ArchiveProgress& p) {
  return {{"seq", p.seq},
          {"messages", p.messages},
          {"events", p.events},
          {"skipped", p.skipped},
          {"rejected", p.rejected},
          {"rejects", p.rejects},
          {"updated_at_us", p.updated_at}};
}

Result<ArchiveProgress> LoadArchiveProgress(Engine& engine, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine.ListObjects(ws, kKind));
  ArchiveProgress p;
  for (const StoredObject& o : objects) {
    if (o.id != kProgressId) continue;
    const json j = json::parse(o.body, nullptr, false);
    if (!j.is_object()) continue;
    p.seq = j.value("seq", uint64_t{0});
    p.messages = j.value("messages", int64_t{0});
    p.events = j.value("events", int64_t{0});
    p.skipped = j.value("skipped", int64_t{0});
    p.rejected = j.value("rejected", int64_t{0});
    for (const json& r : j.value("rejects", json::array())) {
      if (r.is_string()) p.rejects.push_back(r.get<std::string>());
    }
    p.updated_at = j.value("updated_at_us", Micros{0});
  }
  return p;
}

Result<ArchiveProgress> PullArchive(Engine& engine, FinanceSdk& sdk, const ArchiveKeys& keys,
                                    const std::string& ws, const ArchivePull& pull) {
  ASSIGN_OR_RETURN(ArchiveProgress p, LoadArchiveProgress(engine, ws));
  ASSIGN_OR_RETURN(const KeywordTable keywords, LoadKeywordTable(engine, ws));
  for (int page = 0; pull.max_pages == 0 || page < pull.max_pages; ++page) {
    ASSIGN_OR_RETURN(std::string text, sdk.GetChatData(p.seq, pull.limit, pull.proxy, pull.passwd,
                                                       pull.timeout_seconds));
    const json answer = json::parse(text, nullptr, false);
    if (!answer.is_object()) return Status::Unavailable("GetChatData answered no JSON");
    if (const int64_t errcode = answer.value("errcode", int64_t{0}); errcode != 0) {
      return Status::FailedPrecondition("chat archive errcode " + std::to_string(errcode) + ": " +
                                        JsonString(answer, "errmsg"));
    }
    const json items = answer.value("chatdata", json::array());
    std::vector<Event> events;
    uint64_t last = p.seq;
    for (const json& item : items) {
      if (!item.is_object()) continue;
      const uint64_t seq = item.value("seq", uint64_t{0});
      last = std::max(last, seq);
      ++p.messages;
      const std::string msgid = JsonString(item, "msgid");
      auto reject = [&](const std::string& why) {
        ++p.rejected;
        NoteReject(&p.rejects, "seq " + std::to_string(seq) + " msgid " + msgid + ": " + why, true);
      };
      const int version = item.value("publickey_ver", 0);
      Result<std::string> key = keys.OpenRandomKey(version, JsonString(item, "encrypt_random_key"));
      if (!key.ok()) {
        reject(key.status().message());
        continue;
      }
      Result<std::string> plain = sdk.DecryptData(*key, JsonString(item, "encrypt_chat_msg"));
      if (!plain.ok()) {
        reject(plain.status().message());
        continue;
      }
      Result<std::vector<Event>> mapped =
          MapArchiveMessage(json::parse(*plain, nullptr, false), &keywords);
      if (!mapped.ok()) {
        reject(mapped.status().message());
        continue;
      }
      if (mapped->empty()) ++p.skipped;
      for (Event& e : *mapped) events.push_back(std::move(e));
    }
    ASSIGN_OR_RETURN(int64_t stored,
                     Store(engine, ws, std::move(events), [&](const Event& e, const Status& s) {
                       ++p.rejected;
                       NoteReject(&p.rejects, e.message_id + ": " + s.message(), true);
                     }));
    p.events += stored;
    p.seq = last;
    p.updated_at = engine.clock().NowMicros();
    RETURN_IF_ERROR(
        engine.PutObject(ws, {kKind, kProgressId, DumpJson(ArchiveProgressJson(p)), p.updated_at}));
    if (pull.on_page && !pull.on_page(p)) break;
    if (items.size() < pull.limit) break;  // caught up
  }
  return p;
}

Result<ArchiveImport> ImportArchiveLines(Engine& engine, const std::string& ws, std::istream& in) {
  ArchiveImport out;
  ASSIGN_OR_RETURN(const KeywordTable keywords, LoadKeywordTable(engine, ws));
  std::vector<Event> batch;
  auto flush = [&]() -> Status {
    ASSIGN_OR_RETURN(int64_t stored,
                     Store(engine, ws, std::move(batch), [&](const Event& e, const Status& s) {
                       ++out.rejected;
                       NoteReject(&out.rejects, e.message_id + ": " + s.message(), false);
                     }));
    out.events += stored;
    batch.clear();
    return Status::Ok();
  };
  std::string line;
  while (std::getline(in, line)) {
    ++out.lines;
    if (line.empty() || line == "\r") continue;
    auto reject = [&](const std::string& why) {
      ++out.rejected;
      NoteReject(&out.rejects, "line " + std::to_string(out.lines) + ": " + why, false);
    };
    if (line.size() > kMaxLine) {
      reject("longer than 1 MiB");
      continue;
    }
    Result<std::vector<Event>> mapped =
        MapArchiveMessage(json::parse(line, nullptr, false), &keywords);
    if (!mapped.ok()) {
      reject(mapped.status().message());
      continue;
    }
    if (mapped->empty()) ++out.skipped;
    for (Event& e : *mapped) batch.push_back(std::move(e));
    if (batch.size() >= kImportBatch) RETURN_IF_ERROR(flush());
  }
  RETURN_IF_ERROR(flush());
  return out;
}

}  // namespace pond::wecom
