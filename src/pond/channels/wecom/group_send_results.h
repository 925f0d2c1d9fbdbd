// What became of the wecom channel's group-send tasks (issue 27; docs/wecom.md, "Group sends").
//
// The wecom channel makes each batch of messages one add_msg_template task per sender, and
// records its msgid as the `ref` of each customer's message_delivered. WeCom sends nothing until
// the staff member confirms the task in the app, and then may not send to a customer who is no
// longer a friend or who had a group message from the corp that day. PollGroupSendResults
// finds the tasks in the log (message_delivered with channel wecom and a ref, after a saved
// watermark), reads each open one's results (get_groupmsg_send_result, 1,000 a page), and
// records every settled customer as a wecom_send_result {msgid, staff, status: sent |
// not_friend | over_limit, sent_at} event (messageId "wecom-send:<msgid>:<external_userid>", so
// reading again adds nothing). A task is closed once no customer is left unsent, or three days
// after it was made (a task the staff member never confirmed: its unsent customers are
// recorded with status unsent).
#pragma once

#include <string>

#include "pond/channels/outbound/wecom_api.h"
#include "pond/engine/engine.h"

namespace pond::wecom {

inline constexpr char kGroupSendKind[] = "wecom_group_send";
inline constexpr char kWecomSendResult[] = "wecom_send_result";
inline constexpr Micros kGroupSendOpenFor = 3 * 24 * kMicrosPerHour;

// How many wecom_send_result events were stored.
Result<int64_t> PollGroupSendResults(Engine& engine, outbound::WecomApi& api,
                                     const std::string& ws);

}  // namespace pond::wecom
