// ISO-8601 timestamps at the edges; UTC microseconds inside.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pond/base/clock.h"
#include "pond/base/status.h"

namespace pond {

// Parses "2024-03-01T08:30:00Z", "2024-03-01T08:30:00.123+08:00", "2024-03-01T08:30:00+0800",
// "2024-03-01 08:30:00" and "2024-03-01". Fractions beyond microseconds are truncated.
// Text without an offset is read in `default_offset_seconds` (the tenant's zone; 0 = UTC).
// Errors say what was wrong: Status message like `not ISO-8601 ("2024-13-01"): month 13`.
Result<Micros> ParseIso8601(std::string_view text, int default_offset_seconds = 0);

// Formats as "2024-03-01T08:30:00Z" / "...:00.123Z" / "...:00.123456Z", or with "+08:00" when
// offset_seconds is not 0 (the wall time shown is then local to that offset).
std::string FormatIso8601(Micros t, int offset_seconds = 0);
// The offset itself: 28,800 → "+08:00", −18,000 → "-05:00", 0 → "+00:00".
std::string FormatUtcOffset(int offset_seconds);

// The local calendar day of `t` at `offset_seconds` east of UTC, as days since 1970-01-01
// (floored, so times before 1970 fall on the right day).
int64_t LocalDay(Micros t, int offset_seconds);

// "HH:MM" (00:00 to 23:59, two digits each) → minutes after midnight; nullopt otherwise.
std::optional<int> ParseTimeOfDay(std::string_view text);
// 600 → "10:00".
std::string FormatTimeOfDay(int minute_of_day);
// Days since 1970-01-01 (as LocalDay gives them) → "2026-12-01".
std::string FormatDate(int64_t days);

// Days since 1970-01-01 for a proleptic Gregorian date, and back (H. Hinnant's algorithms).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

}  // namespace pond
