// URL query strings ("a=1&b=x%20y"): percent-decoding and splitting into decoded pairs, for the
// HTTP server and for recorded WeCom callbacks.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace pond {

// %XX becomes its byte; with `plus_is_space`, '+' becomes ' ' (as in a query, not a path).
std::string PercentDecode(std::string_view s, bool plus_is_space);

// Decoded key → value; a key given twice keeps the last value; empty keys are dropped.
std::map<std::string, std::string> ParseQueryString(std::string_view query);

}  // namespace pond
