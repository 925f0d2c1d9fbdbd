// Writing JSON text by hand on paths where a DOM would cost more than the work itself.
#pragma once

#include <string>
#include <string_view>

namespace pond {

// Appends `s` as a quoted JSON string, escaping quotes, backslashes and control characters.
// REQUIRES: s is valid UTF-8.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace pond
