// Calendar periods for reports: local months and ISO weeks (Monday first) as running indexes,
// and their labels.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pond/base/clock.h"

namespace pond::analytics {

enum class Period { kMonth, kWeek };

// "month" or "week"; nullopt otherwise.
std::optional<Period> PeriodFromName(std::string_view name);
std::string_view PeriodName(Period period);

// The running index of the local month (year × 12 + month − 1) or week (weeks since the Monday
// 1969-12-29) `t` falls in.
int64_t PeriodIndex(Period period, Micros t, int utc_offset_seconds);
// PeriodIndex for many times at once (a report's every event): the local day's period is looked
// up in a table built once for the days of [from, to]; times outside fall back to PeriodIndex.
class PeriodIndexer {
 public:
  PeriodIndexer(Period period, int utc_offset_seconds, Micros from, Micros to);
  int64_t operator()(Micros t) const;

 private:
  Period period_;
  int offset_;
  int64_t first_day_;
  std::vector<int32_t> by_day_;
};

// "2011-03" for a month; the Monday "2011-02-28" for a week.
std::string PeriodLabel(Period period, int64_t index);

}  // namespace pond::analytics
