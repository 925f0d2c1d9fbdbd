// UTF-8 validation: every string pond stores is valid UTF-8 (no overlongs, no surrogates).
#pragma once

#include <cstddef>
#include <string_view>

namespace pond {

// True when `s` is well-formed UTF-8 (RFC 3629).
bool IsValidUtf8(std::string_view s);

// Number of code points in valid UTF-8 (for limits stated in characters, e.g. names).
size_t Utf8Length(std::string_view s);

}  // namespace pond
