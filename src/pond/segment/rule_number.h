#pragma once

#include <string>
#include <string_view>

#include "pond/base/status.h"

namespace pond {

// A number in a rule is one a double holds exactly and prints the same way in the rule text and
// in its JSON: finite, below 10^15 in size, at most 15 significant digits and 9 decimals, no
// exponent. Its canonical text is the shortest decimal that reads back as the same double
// ("0.10" and "007" are "0.1" and "7"). Found by fuzz_rules: a 41-digit count came back from
// JSON as 5.555555555555943e+40, which the rule text cannot even spell.
inline constexpr int kRuleNumberMaxDigits = 15;
inline constexpr int kRuleNumberMaxDecimals = 9;

// The canonical text of `value`, or an error saying which limit it breaks.
Result<std::string> CanonicalRuleNumber(double value);

// As above for a number as written in the rule text (digits, one point, an optional minus):
// too many digits is an error rather than silent rounding.
Result<std::string> CanonicalRuleNumber(std::string_view written);

}  // namespace pond
