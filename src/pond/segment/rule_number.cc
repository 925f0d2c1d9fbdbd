#include "pond/segment/rule_number.h"

#include <charconv>
#include <cmath>

namespace pond {
namespace {

struct Digits {
  int significant = 0;
  int decimals = 0;
};

// Digits of a plain decimal ("-0012.3400"): significant ones without leading or trailing zeros,
// and decimals without trailing zeros.
Digits CountDigits(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  std::string_view whole = s, fraction;
  if (size_t dot = s.find('.'); dot != std::string_view::npos) {
    whole = s.substr(0, dot);
    fraction = s.substr(dot + 1);
  }
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  Digits d;
  d.decimals = static_cast<int>(fraction.size());
  if (whole.empty()) {
    while (!fraction.empty() && fraction.front() == '0') fraction.remove_prefix(1);
  }
  d.significant = static_cast<int>(whole.size() + fraction.size());
  return d;
}

Status CheckDigits(const Digits& d, std::string_view shown) {
  if (d.significant > kRuleNumberMaxDigits) {
    return Status::InvalidArgument("the number " + std::string(shown) + " has more than " +
                                   std::to_string(kRuleNumberMaxDigits) + " significant digits");
  }
  if (d.decimals > kRuleNumberMaxDecimals) {
    return Status::InvalidArgument("the number " + std::string(shown) + " has more than " +
                                   std::to_string(kRuleNumberMaxDecimals) + " decimals");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> CanonicalRuleNumber(double value) {
  if (!std::isfinite(value) || std::fabs(value) >= 1e15) {
    return Status::InvalidArgument("a number in a rule is below 10^15 in size");
  }
  if (value == 0) value = 0;  // -0 prints as 0
  // Shortest fixed notation of a double below 10^15 fits: at most ~330 characters for 1e-320.
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  if (ec != std::errc()) return Status::InvalidArgument("a number in a rule could not be printed");
  std::string text(buf, end);
  RETURN_IF_ERROR(CheckDigits(CountDigits(text), text));
  return text;
}

Result<std::string> CanonicalRuleNumber(std::string_view written) {
  RETURN_IF_ERROR(CheckDigits(CountDigits(written), written));
  double value = 0;
  auto [end, ec] = std::from_chars(written.data(), written.data() + written.size(), value);
  if (ec != std::errc() || end != written.data() + written.size()) {
    return Status::InvalidArgument("\"" + std::string(written) + "\" is not a number");
  }
  return CanonicalRuleNumber(value);
}

}  // namespace pond
