#include "pond/channels/wecom/join_ways.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "pond/base/hash.h"
#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/base/utf8.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr char kKind[] = "wecom_join_way";

JoinWay JoinWayFrom(const json& j) {
  JoinWay w;
  w.code = j.value("code", "");
  w.state = j.value("state", "");
  w.remark = j.value("remark", "");
  w.auto_create = j.value("auto_create", true);
  w.room_base_name = j.value("room_base_name", "");
  w.room_base_id = j.value("room_base_id", 1);
  for (const json& c : j.value("chat_ids", json::array())) {
    if (c.is_string()) w.chat_ids.push_back(c.get<std::string>());
  }
  w.config_id = j.value("config_id", "");
  w.qr_code = j.value("qr_code", "");
  w.created_at = j.value("created_at_us", Micros{0});
  w.updated_at = j.value("updated_at_us", Micros{0});
  return w;
}

json RequestBody(const JoinWay& w) {
  json body = {{"scene", 2},
               {"remark", w.remark},
               {"auto_create_room", w.auto_create ? 1 : 0},
               {"chat_id_list", w.chat_ids},
               {"state", w.state}};
  if (w.auto_create) {
    body["room_base_name"] = w.room_base_name;
    body["room_base_id"] = w.room_base_id;
  }
  return body;
}

bool SameAtWecom(const JoinWay& a, const JoinWay& b) {
  return a.chat_ids == b.chat_ids && a.remark == b.remark && a.auto_create == b.auto_create &&
         a.room_base_name == b.room_base_name && a.state == b.state;
}

}  // namespace

json JoinWayJson(const JoinWay& w) {
  return {{"code", w.code},
          {"state", w.state},
          {"remark", w.remark},
          {"auto_create", w.auto_create},
          {"room_base_name", w.room_base_name},
          {"room_base_id", w.room_base_id},
          {"chat_ids", w.chat_ids},
          {"config_id", w.config_id},
          {"qr_code", w.qr_code},
          {"created_at_us", w.created_at},
          {"updated_at_us", w.updated_at}};
}

std::string JoinWayState(const std::string& code) {
  if (code.size() <= kJoinWayState) return code;
  return "gcd_" + Hex64(Fnv1a64(code));
}

std::string CutToUtf8Length(const std::string& text, size_t chars) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((text[i] & 0xC0) != 0x80 && seen++ == chars) return text.substr(0, i);
  }
  return text;
}

Result<std::vector<JoinWay>> JoinWays(Engine& engine, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine.ListObjects(ws, kKind));
  std::vector<JoinWay> out;
  for (const StoredObject& o : objects) {
    const json j = json::parse(o.body, nullptr, false);
    if (j.is_object()) out.push_back(JoinWayFrom(j));
  }
  return out;
}

Result<JoinWayNow> ReadJoinWay(outbound::WecomApi& api, const std::string& config_id) {
  ASSIGN_OR_RETURN(json answer, api.Post("/cgi-bin/externalcontact/groupchat/get_join_way",
                                         {{"config_id", config_id}}));
  const json way = answer.value("join_way", json::object());
  JoinWayNow now;
  for (const json& c : way.value("chat_id_list", json::array())) {
    if (c.is_string()) now.chat_ids.push_back(c.get<std::string>());
  }
  now.room_base_id = way.value("room_base_id", 1);
  now.qr_code = JsonString(way, "qr_code");
  return now;
}

Result<Published> PublishJoinWay(Engine& engine, outbound::WecomApi& api, const std::string& ws,
                                 JoinWay want) {
  if (want.chat_ids.empty() || want.chat_ids.size() > kJoinWayChats) {
    return FieldError("chat_id_list", "1 to 5 WeCom chat ids (a join way's limit)");
  }
  want.state = JoinWayState(want.code);
  if (Utf8Length(want.remark) > kJoinWayRemark)
    return FieldError("remark", "at most 30 characters");
  if (Utf8Length(want.room_base_name) > kJoinWayRoomName) {
    return FieldError("room_base_name", "at most 40 characters");
  }
  if (want.auto_create && want.room_base_name.empty()) {
    return FieldError("room_base_name", "is required to open groups (auto_create_room)");
  }
  ASSIGN_OR_RETURN(std::vector<JoinWay> kept, JoinWays(engine, ws));
  auto old =
      std::find_if(kept.begin(), kept.end(), [&](const JoinWay& w) { return w.code == want.code; });
  Published out;
  const Micros now = engine.clock().NowMicros();
  bool same = false;  // WeCom holds what `want` says already
  if (old != kept.end() && !old->config_id.empty()) {
    want.config_id = old->config_id;
    want.qr_code = old->qr_code;
    want.created_at = old->created_at;
    want.updated_at = old->updated_at;
    want.room_base_id = std::max(want.room_base_id, old->room_base_id);
    same = SameAtWecom(*old, want);
    if (same && !old->qr_code.empty()) {
      out.way = *old;
      return out;
    }
    if (!same) {
      json body = RequestBody(want);
      body["config_id"] = want.config_id;
      RETURN_IF_ERROR(
          api.Post("/cgi-bin/externalcontact/groupchat/update_join_way", body).status());
      out.updated = true;
    }
  } else {
    ASSIGN_OR_RETURN(
        json added, api.Post("/cgi-bin/externalcontact/groupchat/add_join_way", RequestBody(want)));
    want.config_id = JsonString(added, "config_id");
    if (want.config_id.empty()) {
      return Status::Unavailable("wecom add_join_way answered no config_id");
    }
    want.created_at = now;
    out.added = true;
    // Kept before the QR code is read: a failure now must not add a second join way next time.
    RETURN_IF_ERROR(engine.PutObject(ws, {kKind, want.code, DumpJson(JoinWayJson(want)), now}));
  }
  if (want.qr_code.empty()) {  // just made, or made once but its QR code was never read
    ASSIGN_OR_RETURN(JoinWayNow read, ReadJoinWay(api, want.config_id));
    want.qr_code = read.qr_code;
  }
  if (!same) want.updated_at = now;
  RETURN_IF_ERROR(engine.PutObject(ws, {kKind, want.code, DumpJson(JoinWayJson(want)), now}));
  out.way = want;
  return out;
}

}  // namespace pond::wecom
