// UTF-8 validation: every string pond stores is valid UTF-8 (no overlongs, no surrogates).
#pragma once

#include <cstddef>
#include <string_view>

namespace pond {

// True when `s` is well-formed UTF-8 (RFC 3629).
bool IsValidUtf8(std::string_view s);

// Number of code points in valid UTF-8 (for limits stated in characters, e.g. names).
size_t Utf8Length(std::string_view s);

// The first `chars` code points of valid UTF-8 (all of it when shorter), counted as Utf8Length
// counts them.
std::string_view Utf8Prefix(std::string_view s, size_t chars);

}  // namespace pond
