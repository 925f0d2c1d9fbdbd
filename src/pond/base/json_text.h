// DumpJson: compact JSON text of an nlohmann value. Text that is not valid UTF-8 (a customer's
// nickname cut mid-character by a shop) is written with U+FFFD instead of throwing.
// Include only where nlohmann/json is used already: it is a heavy header.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace pond {

inline std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace pond
