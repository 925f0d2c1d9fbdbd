#include "pond/channels/wecom/group_send_results.h"

#include <map>
#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"
#include "pond/engine/event_replay.h"
#include "pond/engine/tenant_state.h"
#include "pond/model/event_names.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr char kWatermarkId[] = "watermark";
constexpr size_t kEventsPerSubmit = 5'000;

struct Task {
  std::string staff;
  Micros made_at = 0;
  bool done = false;
};

const char* StatusName(int64_t status) {
  switch (status) {
    case 1:
      return "sent";
    case 2:
      return "not_friend";
    case 3:
      return "over_limit";  // the customer had a group message from the corp that day
  }
  return "unsent";
}

Status SubmitAll(Engine& engine, const std::string& ws, std::vector<Event> events,
                 int64_t* stored) {
  for (size_t at = 0; at < events.size(); at += kEventsPerSubmit) {
    std::vector<Event> part(
        std::make_move_iterator(events.begin() + static_cast<long>(at)),
        std::make_move_iterator(events.begin() +
                                static_cast<long>(std::min(events.size(), at + kEventsPerSubmit))));
    ASSIGN_OR_RETURN(SubmitResult r, engine.Submit(ws, std::move(part)));
    *stored += r.accepted;
  }
  return Status::Ok();
}

}  // namespace

Result<int64_t> PollGroupSendResults(Engine& engine, outbound::WecomApi& api,
                                     const std::string& ws) {
  // What was saved: how far the log was read, and the tasks found in it.
  int64_t watermark = 0;
  std::map<std::string, Task> tasks;
  ASSIGN_OR_RETURN(std::vector<StoredObject> saved, engine.ListObjects(ws, kGroupSendKind));
  for (const StoredObject& o : saved) {
    const json j = json::parse(o.body, nullptr, false);
    if (!j.is_object()) continue;
    if (o.id == kWatermarkId) {
      watermark = j.value("seq", int64_t{0});
    } else {
      tasks[o.id] = {j.value("staff", ""), j.value("made_at_us", Micros{0}),
                     j.value("done", false)};
    }
  }
  // New tasks: the wecom channel's deliveries since.
  std::vector<EventRef> refs;
  int64_t last = watermark;
  RETURN_IF_ERROR(engine.ReadState(ws, [&](const TenantState& state) {
    refs = EventRefs(state, {kMessageDelivered}, watermark);
    last = state.last_seq();
  }));
  std::map<std::string, Task> found;
  RETURN_IF_ERROR(
      ForEachLoadedChunk(&engine, refs, [&](const std::vector<std::pair<Event, uint32_t>>& chunk) {
        for (const auto& [e, customer] : chunk) {
          const json p = json::parse(e.properties, nullptr, false);
          if (!p.is_object() || p.value("channel", "") != "wecom") continue;
          const std::string msgid = p.value("ref", ""), staff = p.value("staff", "");
          if (msgid.empty() || staff.empty() || tasks.count(msgid)) continue;
          found.emplace(msgid, Task{staff, e.timestamp, false});
        }
      }));
  for (auto& [msgid, t] : found) {
    RETURN_IF_ERROR(engine.PutObject(
        ws, {kGroupSendKind, msgid,
             json({{"staff", t.staff}, {"made_at_us", t.made_at}, {"done", false}}).dump(), 0}));
    tasks.emplace(msgid, t);
  }
  RETURN_IF_ERROR(
      engine.PutObject(ws, {kGroupSendKind, kWatermarkId, json({{"seq", last}}).dump(), 0}));

  // Each open task's results.
  const Micros now = engine.clock().NowMicros();
  int64_t stored = 0;
  for (auto& [msgid, t] : tasks) {
    if (t.done) continue;
    const bool expired = now - t.made_at > kGroupSendOpenFor;
    std::vector<Event> events;
    int64_t unsent = 0;
    std::string cursor;
    do {
      json request = {{"msgid", msgid}, {"userid", t.staff}, {"limit", 1000}};
      if (!cursor.empty()) request["cursor"] = cursor;
      ASSIGN_OR_RETURN(json page,
                       api.Post("/cgi-bin/externalcontact/get_groupmsg_send_result", request));
      for (const json& item : page.value("send_list", json::array())) {
        if (!item.is_object()) continue;
        const std::string external = item.value("external_userid", "");
        const int64_t status = item.value("status", int64_t{0});
        if (external.empty()) continue;
        if (status == 0 && !expired) {
          ++unsent;
          continue;
        }
        Event e;
        e.type = EventType::kTrack;
        e.name = kWecomSendResult;
        e.identities = {{IdentityKind::kExternalUserId, external}};
        const int64_t sent = item.value("send_time", int64_t{0});
        e.timestamp = status == 1 && sent > 0 ? sent * kMicrosPerSecond : now;
        e.properties = DumpJson({{"msgid", msgid},
                                 {"staff", t.staff},
                                 {"status", StatusName(status)},
                                 {"sent_at_us", status == 1 ? e.timestamp : 0}});
        e.message_id = "wecom-send:" + msgid + ":" + external;
        events.push_back(std::move(e));
      }
      cursor = page.value("next_cursor", "");
    } while (!cursor.empty());
    RETURN_IF_ERROR(SubmitAll(engine, ws, std::move(events), &stored));
    if (unsent == 0) {
      t.done = true;
      RETURN_IF_ERROR(engine.PutObject(
          ws, {kGroupSendKind, msgid,
               json({{"staff", t.staff}, {"made_at_us", t.made_at}, {"done", true}}).dump(), 0}));
    }
  }
  return stored;
}

}  // namespace pond::wecom
