// What reports read besides the live state, shared by the API and the CLI: the workspace's time
// zone, and decimal parameters written with at most two places.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pond/engine/engine.h"

namespace pond::analytics {

// A decimal with at most two places ("60", "62.5", "99.90") as hundredths (percent → basis
// points, yuan → fen, times → ×100), from 0 to `max`; "" → none. Errors name `field` and say
// `what` it takes.
Result<std::optional<int64_t>> ParseHundredths(std::string_view text, const std::string& field,
                                               int64_t max, const std::string& what);

}  // namespace pond::analytics
