#include "pond/analytics/periods.h"

#include <cstdio>

#include "pond/base/time.h"

namespace pond::analytics {

std::optional<Period> PeriodFromName(std::string_view name) {
  if (name == "month") return Period::kMonth;
  if (name == "week") return Period::kWeek;
  return std::nullopt;
}

std::string_view PeriodName(Period period) { return period == Period::kMonth ? "month" : "week"; }

int64_t PeriodIndex(Period period, Micros t, int offset) {
  const int64_t day = LocalDay(t, offset);
  if (period == Period::kWeek) {
    // 1970-01-01 was a Thursday: day + 3 counts from the Monday before it.
    const int64_t shifted = day + 3;
    return shifted >= 0 ? shifted / 7 : (shifted - 6) / 7;
  }
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(day, &y, &m, &d);
  return y * 12 + (m - 1);
}

PeriodIndexer::PeriodIndexer(Period period, int offset, Micros from, Micros to)
    : period_(period), offset_(offset), first_day_(LocalDay(from, offset)) {
  const int64_t last_day = LocalDay(to, offset);
  for (int64_t day = first_day_; day <= last_day; ++day) {
    by_day_.push_back(static_cast<int32_t>(
        PeriodIndex(period, day * 86'400 * kMicrosPerSecond - offset * kMicrosPerSecond, offset)));
  }
}

int64_t PeriodIndexer::operator()(Micros t) const {
  const int64_t at = LocalDay(t, offset_) - first_day_;
  if (at >= 0 && at < static_cast<int64_t>(by_day_.size())) return by_day_[static_cast<size_t>(at)];
  return PeriodIndex(period_, t, offset_);
}

std::string PeriodLabel(Period period, int64_t index) {
  if (period == Period::kWeek) return FormatDate(index * 7 - 3);
  const int64_t y = index >= 0 ? index / 12 : (index - 11) / 12;
  char out[32];
  std::snprintf(out, sizeof out, "%04lld-%02d", static_cast<long long>(y),
                static_cast<int>(index - y * 12 + 1));
  return out;
}

}  // namespace pond::analytics
