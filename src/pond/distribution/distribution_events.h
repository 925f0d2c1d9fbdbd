// How the distribution service builds one of its events (distribution_event_names.h). Their
// properties are listed in docs/distribution.md ("Events"); their messageIds start "dst:".
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "pond/base/json_text.h"
#include "pond/distribution/distribution_event_names.h"
#include "pond/model/event.h"

namespace pond {

inline Event DistributionEvent(const char* name, std::string message_id,
                               const std::string& customer_id, Micros at,
                               const nlohmann::json& properties) {
  return ServiceEvent(name, std::move(message_id), customer_id, at, DumpJson(properties));
}

}  // namespace pond
