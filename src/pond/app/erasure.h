// Erasure on request (docs/privacy.md, "Erasure"; PIPL art. 47): DELETE /v1/customers/{id} and
// `pond customer erase`. The engine rewrites the log (engine/erasure.h); this layer decides
// which keys are personal and answers in JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "pond/engine/engine.h"

namespace pond::app {

// Erases the customer with id `id` ("cus_…" exactly: a phone or other identity is refused, so
// the request and its audit entry need not name the person). Answers {customer, erased,
// identities, events_rewritten}.
// The HTTP route and `pond customers erase` (which has an engine, not an App) both call it.
Result<nlohmann::json> EraseCustomer(Engine& engine, const std::string& ws, const std::string& id);

}  // namespace pond::app
