#include "pond/base/time.h"

#include <gtest/gtest.h>

namespace pond {
namespace {

constexpr Micros S = kMicrosPerSecond;

TEST(TimeTest, ParsesIso8601WithOffsets) {
  struct Case {
    const char* text;
    Micros want;
  } cases[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"2024-03-01T08:30:00Z", 1709281800 * S},
      {"2024-03-01T16:30:00+08:00", 1709281800 * S},
      {"2024-03-01T16:30:00+0800", 1709281800 * S},
      {"2024-03-01T03:30:00-05:00", 1709281800 * S},
      {"2024-03-01 08:30:00", 1709281800 * S},
      {"2024-03-01T08:30Z", 1709281800 * S},
      {"2024-03-01T08:30:00.123Z", 1709281800 * S + 123000},
      {"2024-03-01T08:30:00.123456789Z", 1709281800 * S + 123456},
      {"2024-02-29T00:00:00Z", 1709164800 * S},
      {"2024-03-01", 1709251200 * S},
      {"1969-12-31T23:59:59Z", -1 * S},
      {"2011-12-09 12:50:00", 1323435000 * S},
  };
  for (const auto& c : cases) {
    Result<Micros> t = ParseIso8601(c.text);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.status().ToString();
    EXPECT_EQ(*t, c.want) << c.text;
  }
}

TEST(TimeTest, DefaultOffsetAppliesOnlyWithoutOne) {
  EXPECT_EQ(*ParseIso8601("2024-03-01 16:30:00", 8 * 3600), 1709281800 * S);
  EXPECT_EQ(*ParseIso8601("2024-03-01T08:30:00Z", 8 * 3600), 1709281800 * S);
}

TEST(TimeTest, RejectsMalformed) {
  struct Case {
    const char* text;
    const char* why;
  } cases[] = {
      {"2024-13-01", "month 13"},
      {"2023-02-29", "day 29"},
      {"2024-01-01T24:00:00Z", "hour 24"},
      {"2024-01-01T10:61:00Z", "minute 61"},
      {"yesterday", "YYYY-MM-DD"},
      {"2024-01-01T10:00:00+25:00", "offset"},
      {"2024-01-01T10:00:00Zjunk", "trailing"},
      {"2024-01-01T10:00:00.Z", "fraction"},
      {"", "YYYY-MM-DD"},
      {"1700000000", "YYYY-MM-DD"},
  };
  for (const auto& c : cases) {
    Result<Micros> t = ParseIso8601(c.text);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_NE(t.status().message().find(c.why), std::string::npos)
        << c.text << " -> " << t.status().message();
  }
}

TEST(TimeTest, FormatsAndRoundTrips) {
  EXPECT_EQ(FormatIso8601(1709281800 * S), "2024-03-01T08:30:00Z");
  EXPECT_EQ(FormatIso8601(1709281800 * S + 123000), "2024-03-01T08:30:00.123Z");
  EXPECT_EQ(FormatIso8601(1709281800 * S + 7), "2024-03-01T08:30:00.000007Z");
  EXPECT_EQ(FormatIso8601(1709281800 * S, 8 * 3600), "2024-03-01T16:30:00+08:00");
  EXPECT_EQ(FormatUtcOffset(8 * 3600), "+08:00");
  EXPECT_EQ(FormatUtcOffset(-5 * 3600 - 1800), "-05:30");
  EXPECT_EQ(FormatUtcOffset(0), "+00:00");
  EXPECT_EQ(FormatIso8601(-1 * S), "1969-12-31T23:59:59Z");
  for (Micros t : {Micros{0}, 1709281800 * S + 999999, Micros{-86400} * S * 365 * 10,
                   Micros{253402300799} * S}) {
    EXPECT_EQ(*ParseIso8601(FormatIso8601(t)), t);
    EXPECT_EQ(*ParseIso8601(FormatIso8601(t, -3 * 3600 - 1800)), t);
  }
}

TEST(TimeTest, LocalDayFloorsAtTheOffset) {
  EXPECT_EQ(LocalDay(ParseIso8601("2024-03-01T23:59:59+08:00").value(), 8 * 3600),
            DaysFromCivil(2024, 3, 1));
  EXPECT_EQ(LocalDay(ParseIso8601("2024-03-01T23:59:59+08:00").value(), 0),
            DaysFromCivil(2024, 3, 1));
  EXPECT_EQ(LocalDay(ParseIso8601("2024-03-02T00:00:00+08:00").value(), 8 * 3600),
            DaysFromCivil(2024, 3, 2));
  EXPECT_EQ(LocalDay(-1, 0), -1);  // 1969-12-31
}

TEST(TimeTest, TimeOfDayIsTwoDigitsEach) {
  EXPECT_EQ(ParseTimeOfDay("00:00"), 0);
  EXPECT_EQ(ParseTimeOfDay("22:30"), 22 * 60 + 30);
  EXPECT_EQ(ParseTimeOfDay("23:59"), 23 * 60 + 59);
  for (const char* bad :
       {"24:00", "12:60", "1a:30", "12:3b", "9:30", "09:5", "0930", "", "+9:30"}) {
    EXPECT_FALSE(ParseTimeOfDay(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatTimeOfDay(8 * 60 + 5), "08:05");
  EXPECT_EQ(FormatDate(DaysFromCivil(2026, 12, 1)), "2026-12-01");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
}

}  // namespace
}  // namespace pond
