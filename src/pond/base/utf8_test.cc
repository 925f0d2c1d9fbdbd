#include "pond/base/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace pond {
namespace {

TEST(Utf8Test, AcceptsWellFormed) {
  for (std::string s :
       {std::string(""), std::string("hello"), std::string("上海 眼影"),
        std::string("\xF0\x9F\x98\x80"), std::string("\xEF\xBF\xBF"), std::string("a\0b", 3)}) {
    EXPECT_TRUE(IsValidUtf8(s)) << s;
  }
}

TEST(Utf8Test, RejectsMalformed) {
  const char* bad[] = {
      "\xC0\xAF",          // overlong '/'
      "\xE0\x80\xAF",      // overlong
      "\xED\xA0\x80",      // surrogate
      "\xF4\x90\x80\x80",  // beyond U+10FFFF
      "\xE4\xB8",          // truncated
      "\x80",              // lone continuation
      "\xFF",              // never valid
      "ok\xE4\xB8z",       // bad continuation
  };
  for (const char* s : bad) EXPECT_FALSE(IsValidUtf8(s)) << s;
}

TEST(Utf8Test, CountsCodePoints) {
  EXPECT_EQ(Utf8Length("上海abc"), 5u);
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Prefix("上海abc", 2), "上海");
  EXPECT_EQ(Utf8Prefix("上海abc", 3), "上海a");
  EXPECT_EQ(Utf8Prefix("上海abc", 9), "上海abc");
  EXPECT_EQ(Utf8Prefix("上海", 0), "");
}

}  // namespace
}  // namespace pond
