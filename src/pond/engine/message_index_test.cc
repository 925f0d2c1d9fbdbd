#include "pond/engine/message_index.h"

#include <gtest/gtest.h>

namespace pond {
namespace {

TEST(MessageIndexTest, FindsWhatWasInsertedThroughGrowth) {
  MessageIndex index;
  for (uint32_t i = 0; i < 50'000; ++i) index.Insert("msg-" + std::to_string(i), i);
  EXPECT_EQ(index.size(), 50'000u);
  for (uint32_t i = 0; i < 50'000; i += 997) {
    EXPECT_EQ(index.Find(MessageIndex::Hash("msg-" + std::to_string(i))), i);
  }
  EXPECT_EQ(index.Find(MessageIndex::Hash("never")), UINT32_MAX);
}

TEST(MessageIndexTest, ACollisionKeepsTheFirstEventAndRemembersTheLaterId) {
  MessageIndex index;
  index.InsertWithHash(42, "first", 7);
  index.InsertWithHash(42, "second", 9);
  index.InsertWithHash(0, "zero-hash", 3);  // 0 is the empty marker internally
  EXPECT_EQ(index.Find(42), 7u);
  EXPECT_EQ(index.Find(0), 3u);
  EXPECT_FALSE(index.IsCollided("first"));
  EXPECT_TRUE(index.IsCollided("second"));
}

TEST(MessageIndexTest, RestoreRebuildsTheSameAnswers) {
  MessageIndex index;
  for (uint32_t i = 0; i < 3000; ++i) index.Insert("m" + std::to_string(i), i);
  index.InsertWithHash(MessageIndex::Hash("m5"), "other", 99);
  MessageIndex copy;
  copy.Restore(index.slots(), index.collided());
  EXPECT_EQ(copy.size(), index.size());
  EXPECT_EQ(copy.Find(MessageIndex::Hash("m2999")), 2999u);
  EXPECT_TRUE(copy.IsCollided("other"));
  // Slots of a size that is not a power of two are re-inserted, not trusted.
  std::vector<MessageIndex::Slot> odd = {{5, 1, 0}, {0, 0, 0}, {6, 2, 0}};
  copy.Restore(odd, {});
  EXPECT_EQ(copy.Find(5), 1u);
  EXPECT_EQ(copy.Find(6), 2u);
}

}  // namespace
}  // namespace pond
