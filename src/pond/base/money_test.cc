#include "pond/base/money.h"

#include <gtest/gtest.h>

#include <climits>

namespace pond {
namespace {

TEST(MoneyTest, ParsesYuanExactly) {
  struct Case {
    const char* text;
    int64_t fen;
  } cases[] = {
      {"12.34", 1234},   {"12", 1200},
      {"-0.5", -50},     {"0.05", 5},
      {"+3.10", 310},    {"99.9", 9990},
      {"9.90", 990},     {".5", 50},
      {"7.", 700},       {"0", 0},
      {"1.230", 123},    {"169.00", 16900},
      {"-12.34", -1234}, {"999999999999999.99", 99999999999999999},
  };
  for (const auto& c : cases) {
    Result<Money> m = Money::ParseYuan(c.text);
    ASSERT_TRUE(m.ok()) << c.text << ": " << m.status().ToString();
    EXPECT_EQ(m->fen(), c.fen) << c.text;
  }
}

TEST(MoneyTest, RejectsWhatIsNotAnExactAmount) {
  const char* bad[] = {"",      "-",    ".",   "1.234", "1e3",
                       "1,000", " 1",   "1 ",  "abc",   "1..2",
                       "--1",   "0x10", "NaN", "1.2.3", "1000000000000000"};
  for (const char* text : bad) {
    EXPECT_FALSE(Money::ParseYuan(text).ok()) << text;
  }
  EXPECT_NE(Money::ParseYuan("1.234").status().message().find("2 decimal places"),
            std::string::npos);
}

TEST(MoneyTest, MicrosForPricesFinerThanAFen) {
  EXPECT_EQ(*Money::ParseYuanMicros("0.001"), 1000);
  EXPECT_EQ(*Money::ParseYuanMicros("2.55"), 2550000);
  EXPECT_EQ(*Money::ParseYuanMicros("-1.5"), -1500000);
  EXPECT_FALSE(Money::ParseYuanMicros("0.0000001").ok());
  EXPECT_EQ(Money::FromMicrosRounded(1000).fen(), 0);
  EXPECT_EQ(Money::FromMicrosRounded(5000).fen(), 1);
  EXPECT_EQ(Money::FromMicrosRounded(-5000).fen(), -1);
  EXPECT_EQ(Money::FromMicrosRounded(2550000).fen(), 255);
}

TEST(MoneyTest, FormatsTwoDecimals) {
  struct Case {
    int64_t fen;
    const char* text;
  } cases[] = {{1234, "12.34"},
               {5, "0.05"},
               {-50, "-0.50"},
               {0, "0.00"},
               {16900, "169.00"},
               {-1, "-0.01"},
               {INT64_MIN, "-92233720368547758.08"}};
  for (const auto& c : cases) EXPECT_EQ(Money::FromFen(c.fen).ToYuanString(), c.text);
}

TEST(MoneyTest, ArithmeticIsInteger) {
  Money total;
  for (int i = 0; i < 10; ++i) total += *Money::ParseYuan("0.1");
  EXPECT_EQ(total, Money::FromFen(100));
  EXPECT_EQ(*Money::ParseYuan("169") - *Money::ParseYuan("9.9"), Money::FromFen(15910));
}

}  // namespace
}  // namespace pond
