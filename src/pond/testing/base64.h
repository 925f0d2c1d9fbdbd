// Standard base64 with padding, for building Basic-auth headers in tests and benchmarks.
#pragma once

#include <string>
#include <string_view>

namespace pond::testing {

std::string Base64(std::string_view data);

}  // namespace pond::testing
