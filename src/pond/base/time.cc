#include "pond/base/time.h"

#include <cstdio>

namespace pond {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

namespace {

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// A cursor over the text that reads fixed-width digit fields.
struct Reader {
  std::string_view s;
  size_t i = 0;
  bool Digits(int n, int* out) {
    if (i + n > s.size()) return false;
    int v = 0;
    for (int k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    i += n;
    *out = v;
    return true;
  }
  bool Eat(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  bool AtEnd() const { return i == s.size(); }
};

}  // namespace

Result<Micros> ParseIso8601(std::string_view text, int default_offset_seconds) {
  auto fail = [&](std::string_view why) {
    std::string shown(text.substr(0, 40));
    return Status::InvalidArgument("not ISO-8601 (\"" + shown + "\"): " + std::string(why));
  };
  Reader r{text};
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!r.Digits(4, &year) || !r.Eat('-') || !r.Digits(2, &month) || !r.Eat('-') ||
      !r.Digits(2, &day)) {
    return fail("expected YYYY-MM-DD");
  }
  if (month < 1 || month > 12) return fail("month " + std::to_string(month));
  if (day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, month)) {
    return fail("day " + std::to_string(day));
  }
  Micros fraction = 0;
  int offset = default_offset_seconds;
  if (!r.AtEnd()) {
    if (!r.Eat('T') && !r.Eat(' ') && !r.Eat('t')) return fail("expected 'T' after the date");
    if (!r.Digits(2, &hour) || !r.Eat(':') || !r.Digits(2, &minute)) {
      return fail("expected hh:mm");
    }
    if (r.Eat(':') && !r.Digits(2, &second)) return fail("expected seconds");
    if (hour > 23) return fail("hour " + std::to_string(hour));
    if (minute > 59) return fail("minute " + std::to_string(minute));
    if (second > 60) return fail("second " + std::to_string(second));
    if (second == 60) second = 59;  // a leap second is read as the second before it
    if (r.Eat('.') || r.Eat(',')) {
      int digits = 0;
      while (r.i < text.size() && text[r.i] >= '0' && text[r.i] <= '9') {
        if (digits < 6) fraction = fraction * 10 + (text[r.i] - '0');
        ++digits;
        ++r.i;
      }
      if (digits == 0) return fail("empty fraction");
      for (int k = digits; k < 6; ++k) fraction *= 10;
    }
    if (r.Eat('Z') || r.Eat('z')) {
      offset = 0;
    } else if (!r.AtEnd()) {
      char sign = text[r.i];
      if (sign != '+' && sign != '-') return fail("expected Z or an offset like +08:00");
      ++r.i;
      int oh, om = 0;
      if (!r.Digits(2, &oh)) return fail("bad offset");
      if (!r.AtEnd()) {
        r.Eat(':');
        if (!r.Digits(2, &om)) return fail("bad offset");
      }
      if (oh > 18 || om > 59) return fail("offset out of range");
      offset = (oh * 3600 + om * 60) * (sign == '-' ? -1 : 1);
    }
  }
  if (!r.AtEnd()) return fail("trailing characters");
  int64_t days = DaysFromCivil(year, month, day);
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  return seconds * kMicrosPerSecond + fraction;
}

int64_t LocalDay(Micros t, int offset_seconds) {
  const Micros local = t + static_cast<Micros>(offset_seconds) * kMicrosPerSecond;
  return local >= 0 ? local / kMicrosPerDay : (local - kMicrosPerDay + 1) / kMicrosPerDay;
}

std::optional<int> ParseTimeOfDay(std::string_view s) {
  auto digit = [&](size_t i) { return s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1; };
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  if (digit(0) < 0 || digit(1) < 0 || digit(3) < 0 || digit(4) < 0) return std::nullopt;
  const int h = digit(0) * 10 + digit(1), m = digit(3) * 10 + digit(4);
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::string FormatTimeOfDay(int minute_of_day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute_of_day / 60, minute_of_day % 60);
  return buf;
}

std::string FormatDate(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::string FormatIso8601(Micros t, int offset_seconds) {
  Micros local = t + static_cast<Micros>(offset_seconds) * kMicrosPerSecond;
  int64_t days = LocalDay(t, offset_seconds);
  Micros in_day = local - days * kMicrosPerDay;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  int64_t secs = in_day / kMicrosPerSecond;
  int64_t frac = in_day % kMicrosPerSecond;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                        static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  std::string out(buf, n);
  if (frac != 0) {
    if (frac % 1000 == 0) {
      n = std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(frac / 1000));
    } else {
      n = std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    }
    out.append(buf, n);
  }
  out += offset_seconds == 0 ? "Z" : FormatUtcOffset(offset_seconds);
  return out;
}

std::string FormatUtcOffset(int offset_seconds) {
  char buf[16];
  const int a = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  const int n = std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_seconds < 0 ? '-' : '+',
                              a / 3600, a / 60 % 60);
  return std::string(buf, n);
}

}  // namespace pond
