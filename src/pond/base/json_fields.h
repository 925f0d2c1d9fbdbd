// Reading the fields of a parsed JSON object: the JSON services keep (campaigns, groups,
// content, their own events' properties) and the JSON they are given.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "pond/base/status.h"

namespace pond {

// The string member `key` of `j`, or "" (absent, or not a string).
inline std::string JsonString(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// A text field of at most `max` bytes into *out (untouched when absent or null and not
// `required`). `field` names it in errors; the member read is its last part after a '.'
// ("template.name" reads "name").
inline Status ReadJsonText(const nlohmann::json& j, const std::string& field, size_t max,
                           bool required, std::string* out) {
  auto it = j.find(field.substr(field.rfind('.') + 1));
  if (it == j.end() || it->is_null()) {
    return required ? FieldError(field, "is required") : Status::Ok();
  }
  if (!it->is_string() || it->get<std::string>().size() > max ||
      (required && it->get<std::string>().empty())) {
    return FieldError(field, std::string("a string of ") + (required ? "1" : "0") + " to " +
                                 std::to_string(max) + " bytes");
  }
  *out = it->get<std::string>();
  return Status::Ok();
}

}  // namespace pond
