#include "pond/engine/traits.h"

#include <gtest/gtest.h>

namespace pond {
namespace {

TEST(TraitsTest, LaterValuesReplaceEarlierOnes) {
  Traits t;
  ASSERT_TRUE(t.MergeJson(R"({"a":1,"b":"x"})").ok());
  ASSERT_TRUE(t.MergeJson(R"({ "b" : {"nested":[1,2]} , "c":null })").ok());
  EXPECT_EQ(t.ToJson(), R"({"a":1,"b":{"nested":[1,2]},"c":null})");
  EXPECT_EQ(t.Get("a"), "1");
}

TEST(TraitsTest, KeepsEscapesAndReadsStrings) {
  Traits t;
  ASSERT_TRUE(t.MergeJson(R"({"na\"me":"x","name":"小\"美"})").ok());
  EXPECT_EQ(t.ToJson(), R"({"na\"me":"x","name":"小\"美"})");
  EXPECT_EQ(t.GetString("name"), "小\"美");
  EXPECT_EQ(t.GetString("missing"), "");
}

TEST(TraitsTest, RejectsNonObjects) {
  Traits t;
  EXPECT_FALSE(t.MergeJson("[1]").ok());
  EXPECT_FALSE(t.MergeJson("{").ok());
  EXPECT_TRUE(t.empty());
}

TEST(TraitsTest, FillFromAddsOnlyMissingKeys) {
  Traits a, b;
  ASSERT_TRUE(a.MergeJson(R"({"city":"上海"})").ok());
  ASSERT_TRUE(b.MergeJson(R"({"city":"北京","age":30})").ok());
  a.FillFrom(b);
  EXPECT_EQ(a.ToJson(), R"({"city":"上海","age":30})");
}

}  // namespace
}  // namespace pond
