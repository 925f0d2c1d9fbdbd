// Group codes as WeCom join ways (加入群聊, issue 27; docs/wecom.md, "Group codes"): the QR code
// a customer scans to join one of up to 5 WeCom customer groups, WeCom opening the next group
// itself ("<room_base_name><room_base_id>") when all are full and auto_create_room is on.
//   externalcontact/groupchat/add_join_way     the first time (scene 2: a QR code), then
//   externalcontact/groupchat/get_join_way     for its qr_code, and for the chats it lists now
//   externalcontact/groupchat/update_join_way  when the groups with room change (the rotation
//                                              moved on) or the room name or auto-create did
// Kept as objects of kind "wecom_join_way", one per pond group code. Which groups a code's join
// way lists is the application's decision (app/wecom_groups.h): this is the WeCom side.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/channels/outbound/wecom_api.h"
#include "pond/engine/engine.h"

namespace pond::wecom {

// WeCom's limits for a join way.
inline constexpr size_t kJoinWayChats = 5;
inline constexpr size_t kJoinWayState = 30;     // characters
inline constexpr size_t kJoinWayRemark = 30;    // characters
inline constexpr size_t kJoinWayRoomName = 40;  // characters

struct JoinWay {
  std::string code;   // the pond group code (gcd_…)
  std::string state;  // JoinWayState(code)
  std::string remark;
  bool auto_create = true;
  std::string room_base_name;
  int room_base_id = 1;
  std::vector<std::string> chat_ids;  // 1 to 5 WeCom chat ids, in the order WeCom fills them
  std::string config_id;
  std::string qr_code;  // the image URL from get_join_way
  Micros created_at = 0, updated_at = 0;
};

nlohmann::json JoinWayJson(const JoinWay& w);

// The code itself when it fits WeCom's 30 characters, else "gcd_" and 16 hex digits of its hash.
std::string JoinWayState(const std::string& code);

Result<std::vector<JoinWay>> JoinWays(Engine& engine, const std::string& ws);

struct Published {
  JoinWay way;
  bool added = false, updated = false;  // what WeCom was asked to do (neither: it was current)
};

// Makes WeCom's join way for `want.code` hold what `want` says (chat_ids, remark, room name and
// id, auto-create): added the first time, updated when any of them changed, left alone
// otherwise. A field error for no chat or more than 5, or names over WeCom's lengths; WeCom's
// refusal with its errcode (40050: a chat it does not have).
Result<Published> PublishJoinWay(Engine& engine, outbound::WecomApi& api, const std::string& ws,
                                 JoinWay want);

// The chats the join way lists at WeCom now (get_join_way): the groups it opened itself are
// there, with the room_base_id it counted up to; and its QR code.
struct JoinWayNow {
  std::vector<std::string> chat_ids;
  int room_base_id = 1;
  std::string qr_code;
};
Result<JoinWayNow> ReadJoinWay(outbound::WecomApi& api, const std::string& config_id);

}  // namespace pond::wecom
