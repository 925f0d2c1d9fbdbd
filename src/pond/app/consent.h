// Marketing consent (docs/privacy.md, "Consent"): a customer opts out by writing an opt-out
// word (退订, TD, unsubscribe, …) to a staff account or a group, or a staff member records it
// through the API. Either way it is an `unsubscribed` event, for one channel
// (properties.channel) or for all, which journeys and broadcasts honour
// (journey/politeness.h, ConsentProblem) until a `subscribed` event lifts it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pond/app/app.h"

namespace pond::app {

inline constexpr char kUnsubscribed[] = "unsubscribed";
inline constexpr char kSubscribed[] = "subscribed";

// The whole message, trimmed and case-folded, is one of: 退订, 取消订阅, TD, T, unsubscribe, stop.
// ("退订了吗" asks a question; it is not an opt-out.)
bool IsOptOutText(std::string_view text);

// For each message_received in `events` whose properties.text is an opt-out word, an
// `unsubscribed` event for the same sender (message id "<id>:optout", so a retry adds nothing)
// and the channel it came through: properties.channel when that is a send channel, else wecom.
std::vector<Event> OptOutsOf(const std::vector<Event>& events);

// A channel send steps name: wecom, sms, smtp, webhook, outbox.
bool IsSendChannel(std::string_view channel);
// POST /v1/customers/{id}/consent: records `marketing` (false: unsubscribed, true: subscribed)
// for the customer `key` names, on `channel` ("" for every channel), `by` who (a user or key
// id). Answers the customer's id.
Result<std::string> RecordConsent(App& app, const std::string& ws, const std::string& key,
                                  bool marketing, const std::string& channel,
                                  const std::string& by);

}  // namespace pond::app
