// First-reply time and reply rate per staff account (analytics/reply_times.h) from the 1:1
// messages in the log (message_received and message_sent naming their staff_id: the chat
// archive's, docs/conversations.md), for GET /v1/reports/replies and `pond report replies`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "pond/analytics/reply_times.h"
#include "pond/app/app.h"
#include "pond/app/report_views.h"

namespace pond::app {

// Turns started in [from, to). Errors name `to_field` when `to` is not after `from`.
Result<analytics::ReplyReport> Replies(App& app, const std::string& ws, Micros from, Micros to,
                                       const std::string& from_field, const std::string& to_field);

nlohmann::json RepliesJson(const analytics::ReplyReport& r);
ReportTable RepliesTable(const analytics::ReplyReport& r);

}  // namespace pond::app
