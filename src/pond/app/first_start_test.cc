#include "pond/app/first_start.h"

#include <gtest/gtest.h>

#include "pond/testing/temp_dir.h"

namespace pond::app {
namespace {

TEST(FirstStartTest, AFreshDataDirectoryGetsOneAdminTokenAndOneWriteKeyOnce) {
  testing::TempDir dir;
  AppOptions o;
  o.engine.data_dir = dir.path().string();
  auto app = App::Open(o);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  auto first = CreateFirstKeys(**app);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->has_value());
  Engine& e = (*app)->engine();
  EXPECT_EQ(e.Authenticate((*first)->admin_token)->kind, KeyKind::kAdmin);
  EXPECT_EQ(e.Authenticate((*first)->write_key)->kind, KeyKind::kWrite);
  auto again = CreateFirstKeys(**app);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  EXPECT_EQ(e.ListApiKeys(kDefaultWorkspace)->size(), 2u);
}

}  // namespace
}  // namespace pond::app
