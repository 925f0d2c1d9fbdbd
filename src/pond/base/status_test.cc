#include "pond/base/status.h"

#include <gtest/gtest.h>

namespace pond {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return FieldError("x", "odd value " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int half, Half(x));
  ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int x) {
  RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(StatusTest, CodesHaveApiNames) {
  struct Case {
    StatusCode code;
    const char* name;
  } cases[] = {
      {StatusCode::kOk, "ok"},
      {StatusCode::kInvalidArgument, "invalid_argument"},
      {StatusCode::kNotFound, "not_found"},
      {StatusCode::kAlreadyExists, "already_exists"},
      {StatusCode::kUnauthenticated, "unauthenticated"},
      {StatusCode::kPayloadTooLarge, "payload_too_large"},
      {StatusCode::kUnavailable, "unavailable"},
  };
  for (const auto& c : cases) EXPECT_EQ(StatusCodeName(c.code), c.name);
}

TEST(StatusTest, MacrosPropagateErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "x");
  EXPECT_EQ(r.status().message(), "x: odd value 3");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(5).ok());
}

TEST(StatusTest, FieldPrefixBuildsAPath) {
  Status s = FieldError("timestamp", "not ISO-8601").WithFieldPrefix("batch[3]");
  EXPECT_EQ(s.field(), "batch[3].timestamp");
  EXPECT_EQ(s.message(), "batch[3].timestamp: not ISO-8601");
  Status t = Status::InvalidArgument("too big").WithFieldPrefix("batch[0]");
  EXPECT_EQ(t.field(), "batch[0]");
  EXPECT_EQ(t.message(), "batch[0]: too big");
  EXPECT_EQ(t.ToString(), "invalid_argument: batch[0]: too big");
}

}  // namespace
}  // namespace pond
