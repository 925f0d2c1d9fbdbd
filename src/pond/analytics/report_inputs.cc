#include "pond/analytics/report_inputs.h"

#include <vector>

#include "pond/base/money.h"

namespace pond::analytics {

Result<std::optional<int64_t>> ParseHundredths(std::string_view text, const std::string& field,
                                               int64_t max, const std::string& what) {
  if (text.empty()) return std::optional<int64_t>();
  Result<Money> parsed = Money::ParseYuan(text);  // exact decimal text, two places at most
  if (!parsed.ok() || parsed->fen() < 0 || parsed->fen() > max || text[0] == '+') {
    return FieldError(field, what);
  }
  return std::optional<int64_t>(parsed->fen());
}

}  // namespace pond::analytics
