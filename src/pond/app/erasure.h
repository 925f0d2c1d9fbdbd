// Erasure on request (docs/privacy.md, "Erasure"; PIPL art. 47): DELETE /v1/customers/{id} and
// `pond customer erase`. The engine rewrites the log (engine/erasure.h); this layer decides
// which keys are personal and answers in JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "pond/app/app.h"

namespace pond::app {

// The keys erasure removes from the customer's own events: every personal key (personal_data.h)
// and the free text people write (a message's text, questionnaire answers, comments).
bool IsErasableKey(std::string_view key);

// Erases the customer with id `id` ("cus_…" exactly: a phone or other identity is refused, so
// the request and its audit entry need not name the person). Answers {customer, erased,
// identities, events_rewritten}.
Result<nlohmann::json> EraseCustomer(App& app, const std::string& ws, const std::string& id);

}  // namespace pond::app
