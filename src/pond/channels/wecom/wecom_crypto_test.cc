// WeCom's message crypto against vectors made by @wecom/crypto 1.0.1 (WeCom's own npm library;
// `node -e "require('@wecom/crypto').encrypt(key, message, id, Buffer.from(random))"`), both
// ways, plus the documented key and tampering cases. The live round trip through the callback
// endpoint runs against @wecom/crypto itself in tests/integration.
#include "pond/channels/wecom/wecom_crypto.h"

#include <gtest/gtest.h>

namespace pond::wecom {
namespace {

constexpr char kKey[] = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

TEST(WecomCryptoTest, MatchesWecomsOwnLibrary) {
  const std::string key = AesKeyFrom(kKey).value();
  ASSERT_EQ(key.size(), 32u);
  const std::string xml =
      "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName><Event><![CDATA[change_"
      "external_contact]]></Event></xml>";
  const std::string from_npm =
      "sKqRbbiSUnDhFHOvPjtUMah9KSa32ecLhuCE01h55ezgRMOFORJr4iAWE88v72V6weQJjNYrKScw+h43pcbtR5sBrDE"
      "M04sl5q/hluAyNu+QMq3O4TJ0ZfGeoVkAlrWR9Zw09Fv+LS39qS5DDEdJynPNmDV7sRgAWnVJaWfmW8XRtifsVazZLF"
      "BHurlVEKjcqXPuaKxu871yEzPC7NwQqA==";
  EXPECT_EQ(Encrypt(key, xml, "ww1436e0e65a779aee", "0123456789abcdef").value(), from_npm);
  const Plain p = Decrypt(key, from_npm).value();
  EXPECT_EQ(p.message, xml);
  EXPECT_EQ(p.receiver_id, "ww1436e0e65a779aee");
  EXPECT_EQ(Signature("QDG6eK", "1409659813", "1372623149", from_npm),
            "cc98fe4a134c30a77097fe51c780d0247a55b61d");
  // Chinese text: lengths are bytes.
  const std::string chinese =
      "Ua/lrJ25nsrfWpymHmwJ4iJX9UfnLSo2Q4CF2wXDJA1AoJ/dIqRWKhT3mHzuR69Xm8WYgDbg93i9kiLo4D8BBA==";
  EXPECT_EQ(Decrypt(key, chinese)->message, "你好，企业微信");
  EXPECT_EQ(Decrypt(key, chinese)->receiver_id, "wwcorp");
  EXPECT_EQ(Encrypt(key, "你好，企业微信", "wwcorp", "ABCDEFGHIJKLMNOP").value(), chinese);
  EXPECT_EQ(Signature("token", "1700000000", "nonce42", chinese),
            "50504c1f268e1dc108c856b3d32191bcb9213e11");
  EXPECT_TRUE(SignatureMatches("50504c1f268e1dc108c856b3d32191bcb9213e11", "token", "1700000000",
                               "nonce42", chinese));
  EXPECT_FALSE(SignatureMatches("50504c1f268e1dc108c856b3d32191bcb9213e12", "token", "1700000000",
                                "nonce42", chinese));
  EXPECT_FALSE(SignatureMatches("", "token", "1700000000", "nonce42", chinese));
}

TEST(WecomCryptoTest, RandomRoundTripsAndEveryLength) {
  const std::string key = AesKeyFrom(kKey).value();
  for (size_t n = 0; n < 100; ++n) {  // every padding length, 1 to 32
    const std::string msg(n, 'x');
    const std::string c = Encrypt(key, msg, "corp").value();
    EXPECT_EQ(Decrypt(key, c)->message, msg);
  }
  EXPECT_NE(Encrypt(key, "a", "corp").value(), Encrypt(key, "a", "corp").value());  // random
}

TEST(WecomCryptoTest, BadKeysAndTamperedCiphertextsAreRefused) {
  EXPECT_EQ(AesKeyFrom("short").status().field(), "aes_key");
  EXPECT_EQ(AesKeyFrom(std::string(43, '*')).status().field(), "aes_key");
  const std::string key = AesKeyFrom(kKey).value();
  const std::string other = AesKeyFrom(std::string(42, 'A') + "B").value();
  const std::string c = Encrypt(key, "<xml/>", "corp").value();
  EXPECT_FALSE(Decrypt(other, c).ok());  // the wrong key: bad padding or lengths
  EXPECT_EQ(Decrypt(key, "not base64!").status().field(), "encrypt");
  EXPECT_EQ(Decrypt(key, "").status().field(), "encrypt");
  EXPECT_EQ(Decrypt(key, "QUJD").status().field(), "encrypt");  // 3 bytes: not a block
  std::string flipped = c;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
  const Result<Plain> tampered = Decrypt(key, flipped);
  EXPECT_TRUE(!tampered.ok() || tampered->message != "<xml/>");
}

}  // namespace
}  // namespace pond::wecom
