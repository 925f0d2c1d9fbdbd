// Content-Encoding: gzip for request bodies (RudderStack's SDK gzips by default).
#pragma once

#include <string>
#include <string_view>

#include "pond/base/status.h"

namespace pond::server {

// Inflates a gzip (or zlib) body. A result larger than `max_bytes` is refused with
// PayloadTooLarge before it is fully inflated, so a small bomb cannot exhaust memory.
Result<std::string> Gunzip(std::string_view compressed, size_t max_bytes);

}  // namespace pond::server
