// Base64 (RFC 4648, section 4: the standard alphabet with '=' padding), the one implementation
// that HTTP Basic credentials, WeCom's callback crypto, sealed settings and SMTP bodies share.
#pragma once

#include <string>
#include <string_view>

#include "pond/base/status.h"

namespace pond {

std::string Base64Encode(std::string_view bytes);

// Strict: a multiple of 4 characters from the alphabet, '=' only as the last one or two, and
// at most kMaxBase64Chars. Errors name `field`.
Result<std::string> Base64Decode(std::string_view text, std::string_view field);

inline constexpr size_t kMaxBase64Chars = size_t{1} << 26;

}  // namespace pond
