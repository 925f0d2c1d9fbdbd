// WeCom's callback events as pond events (docs/wecom.md, "Event mapping"), with WeCom's field
// names. Each event names the customer by external_userid (WeCom's ExternalUserID) and has a
// messageId made of what identifies the callback, so WeCom's retries are dropped as duplicates.
//
//   change_external_contact
//     add_external_contact, add_half_external_contact
//                         → friend_added {staff_id: UserID, state: State, welcome_code,
//                                         half: true for add_half_…}
//     edit_external_contact → contact_edited {staff_id}
//     del_external_contact  → friend_deleted {staff_id, by: "staff"}     (the staff member
//                                                                          deleted the customer)
//     del_follow_user       → friend_deleted {staff_id, by: "customer"}  (the customer deleted
//                                                                          the staff member)
//     transfer_fail         → transfer_failed {staff_id, reason: FailReason}
//   change_external_chat {ChatId}
//     update with UpdateDetail add_member / del_member: for each MemChangeList Item,
//                         → group_joined / group_left {group_id: GroupIdForChat(ChatId),
//                                                      chat_id: ChatId, scene}
//     create, dismiss: no customer event; ChatChangeOf names them, and the WeCom service
//                         follows them up (the group read and saved, or its members let go)
//     other updates: no event (they are counted in the endpoint's log)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pond/channels/wecom/wecom_xml.h"
#include "pond/model/event.h"

namespace pond::wecom {

// pond's id for a WeCom customer group: "grp_wx_" and 16 hex digits of the chat_id's FNV-1a
// hash (pond's group ids are lower case, WeCom's chat ids are not). Callbacks and sync use it.
std::string GroupIdForChat(std::string_view chat_id);

// A customer group WeCom created or dismissed (change_external_chat create / dismiss).
struct ChatChange {
  std::string chat_id;
  std::string change;  // "create" or "dismiss"; "" when the callback is neither
};
ChatChange ChatChangeOf(const XmlFields& xml);

// The events of one decrypted callback; none for a kind pond does not map.
std::vector<Event> MapCallback(const XmlFields& xml, const std::string& corp_id);

}  // namespace pond::wecom
