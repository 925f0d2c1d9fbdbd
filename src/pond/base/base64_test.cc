#include "pond/base/base64.h"

#include <gtest/gtest.h>

namespace pond {
namespace {

TEST(Base64Test, EncodesAndDecodesTheRfc4648Vectors) {
  const struct {
    const char* plain;
    const char* encoded;
  } cases[] = {{"", ""},
               {"f", "Zg=="},
               {"fo", "Zm8="},
               {"foo", "Zm9v"},
               {"foob", "Zm9vYg=="},
               {"fooba", "Zm9vYmE="},
               {"foobar", "Zm9vYmFy"}};
  for (const auto& c : cases) {
    EXPECT_EQ(Base64Encode(c.plain), c.encoded) << c.plain;
    EXPECT_EQ(Base64Decode(c.encoded, "x").value(), c.plain) << c.encoded;
  }
}

TEST(Base64Test, EveryByteValueRoundTrips) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (size_t len = 0; len <= bytes.size(); len += 37) {
    const std::string part = bytes.substr(0, len);
    EXPECT_EQ(Base64Decode(Base64Encode(part), "x").value(), part) << len;
  }
}

TEST(Base64Test, RefusesWhatIsNotBase64AndNamesTheField) {
  for (const char* bad : {"Zg=", "Zg", "Z===", "Zm9v!A==", "Zg==Zg==", "=Zg=", "Zm 9", "Zm9\n"}) {
    Result<std::string> r = Base64Decode(bad, "sealed");
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().field(), "sealed") << bad;
  }
}

}  // namespace
}  // namespace pond
