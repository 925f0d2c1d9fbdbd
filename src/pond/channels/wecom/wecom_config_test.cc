// WeCom settings stored sealed: they read back with the data dir's key, not without it, and the
// store never holds them in the clear.
#include "pond/channels/wecom/wecom_config.h"

#include <gtest/gtest.h>

#include "pond/testing/temp_dir.h"

namespace pond::wecom {
namespace {

TEST(WecomConfigTest, SealedAtRestAndCheckedOnTheWayIn) {
  testing::TempDir dir;
  EngineOptions o;
  o.data_dir = dir.path().string();
  auto engine = Engine::Open(o).value();
  const std::string key_file = o.data_dir + "/wecom.key";
  auto store = WecomConfigStore::Open(engine.get(), key_file).value();
  EXPECT_FALSE(store->Get(kDefaultWorkspace).value().has_value());
  const WecomConfig c{"QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
                      "ww1436e0e65a779aee"};
  ASSERT_TRUE(store->Put(kDefaultWorkspace, c).ok());
  const WecomConfig back = store->Get(kDefaultWorkspace).value().value();
  EXPECT_EQ(back.token, "QDG6eK");
  EXPECT_EQ(back.corp_id, "ww1436e0e65a779aee");
  const auto raw = engine->ListObjects(kDefaultWorkspace, "wecom_config").value();
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_EQ(raw[0].body.find("QDG6eK"), std::string::npos);  // never in the clear
  EXPECT_EQ(raw[0].body.find("ww1436"), std::string::npos);
  // The same key file opens them again; another key does not.
  EXPECT_EQ(WecomConfigStore::Open(engine.get(), key_file)
                .value()
                ->Get(kDefaultWorkspace)
                .value()
                ->encoding_aes_key,
            c.encoding_aes_key);
  auto other = WecomConfigStore::Open(engine.get(), o.data_dir + "/other.key").value();
  EXPECT_EQ(other->Get(kDefaultWorkspace).status().code(), StatusCode::kInternal);
  // Bad settings change nothing.
  EXPECT_EQ(store->Put(kDefaultWorkspace, {"bad token!", c.encoding_aes_key, "c"}).field(),
            "token");
  EXPECT_EQ(store->Put(kDefaultWorkspace, {"t", "short", "c"}).field(), "aes_key");
  EXPECT_EQ(store->Put(kDefaultWorkspace, {"t", c.encoding_aes_key, ""}).field(), "corp_id");
  EXPECT_EQ(store->Get(kDefaultWorkspace).value()->token, "QDG6eK");
}

}  // namespace
}  // namespace pond::wecom
