#include "pond/model/identity.h"

#include <gtest/gtest.h>

namespace pond {
namespace {

TEST(IdentityTest, NormalizesByKind) {
  struct Case {
    IdentityKind kind;
    const char* raw;
    const char* want;  // nullptr: rejected
  } cases[] = {
      {IdentityKind::kPhone, "+86 138-0013-8000", "13800138000"},
      {IdentityKind::kPhone, "13800138000", "13800138000"},
      {IdentityKind::kPhone, "(021) 5555 1234", "02155551234"},
      {IdentityKind::kPhone, "call me", nullptr},
      {IdentityKind::kPhone, "12", nullptr},
      {IdentityKind::kEmail, "Mei@Example.COM", "mei@example.com"},
      {IdentityKind::kEmail, "no-at-sign", nullptr},
      {IdentityKind::kTaobaoNick, "小美爱购物", "小美爱购物"},
      {IdentityKind::kUserId, "", nullptr},
      {IdentityKind::kUserId, "a\nb", nullptr},
      {IdentityKind::kExternalUserId, "wmABC123", "wmABC123"},
  };
  for (const auto& c : cases) {
    auto got = NormalizeIdentity(c.kind, c.raw);
    if (c.want == nullptr) {
      EXPECT_FALSE(got.has_value()) << c.raw;
    } else {
      ASSERT_TRUE(got.has_value()) << c.raw;
      EXPECT_EQ(*got, c.want);
    }
  }
  EXPECT_FALSE(NormalizeIdentity(IdentityKind::kUserId, std::string(300, 'x')).has_value());
}

TEST(IdentityTest, KindNamesRoundTrip) {
  for (int k = 1; k <= 9; ++k) {
    auto kind = static_cast<IdentityKind>(k);
    EXPECT_EQ(IdentityKindFromName(IdentityKindName(kind)), kind);
  }
  EXPECT_FALSE(IdentityKindFromName("ssn").has_value());
}

}  // namespace
}  // namespace pond
