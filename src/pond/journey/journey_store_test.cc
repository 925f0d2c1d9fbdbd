// Saved journeys through the real engine and store: versions, status, and the errors.
#include "pond/journey/journey_store.h"

#include <gtest/gtest.h>

#include "pond/testing/temp_dir.h"

namespace pond {
namespace {

std::string Journey(const std::string& id, const std::string& template_id) {
  return R"({"id": ")" + id + R"(", "name": "welcome", "trigger": {"event": "friend_added"},
      "steps": [{"id": "hi", "send": {"channel": "outbox", "template": ")" +
         template_id + R"("}}]})";
}

class JourneyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    engine_.reset();
    EngineOptions o;
    o.data_dir = dir_.path().string();
    o.clock = &clock_;
    engine_ = Engine::Open(o).value();
    store_ = std::make_unique<JourneyStore>(engine_.get());
  }
  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<JourneyStore> store_;
};

TEST_F(JourneyStoreTest, EditingMakesANewVersionAndKeepsTheOld) {
  auto made = store_->Create(kDefaultWorkspace, Journey("welcome", "v1"));
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made->status, JourneyStatus::kPaused);
  EXPECT_EQ(made->current().version, 1);
  EXPECT_EQ(store_->Create(kDefaultWorkspace, Journey("welcome", "v1")).status().code(),
            StatusCode::kAlreadyExists);
  clock_.Advance(1000);
  auto edited = store_->Update(kDefaultWorkspace, "welcome", Journey("welcome", "v2"));
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  ASSERT_EQ(edited->versions.size(), 2u);
  EXPECT_EQ(edited->current().version, 2);
  EXPECT_NE(edited->versions[0].definition.find("\"v1\""), std::string::npos);
  EXPECT_NE(edited->current().definition.find("\"v2\""), std::string::npos);
  EXPECT_GT(edited->updated_at, edited->created_at);

  // Status, and it all survives a restart.
  ASSERT_TRUE(store_->SetStatus(kDefaultWorkspace, "welcome", JourneyStatus::kActive).ok());
  Reopen();
  auto got = store_->Get(kDefaultWorkspace, "welcome");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, JourneyStatus::kActive);
  EXPECT_EQ(got->versions.size(), 2u);
  EXPECT_EQ(store_->List(kDefaultWorkspace)->size(), 1u);
}

TEST_F(JourneyStoreTest, RefusesWhatIsWrongAndChangesNothing) {
  ASSERT_TRUE(store_->Create(kDefaultWorkspace, Journey("welcome", "v1")).ok());
  // An invalid definition names its field.
  std::string bad = Journey("welcome", "v2");
  bad.replace(bad.find("outbox"), 6, "fax");
  EXPECT_EQ(store_->Update(kDefaultWorkspace, "welcome", bad).status().field(),
            "steps[0].send.channel");
  // The body's id must be the journey's.
  EXPECT_EQ(store_->Update(kDefaultWorkspace, "welcome", Journey("other", "v2")).status().field(),
            "id");
  EXPECT_EQ(store_->Update(kDefaultWorkspace, "nope", Journey("nope", "v2")).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->Get(kDefaultWorkspace, "welcome")->versions.size(), 1u);
  // An active journey is paused before it is deleted.
  ASSERT_TRUE(store_->SetStatus(kDefaultWorkspace, "welcome", JourneyStatus::kActive).ok());
  EXPECT_EQ(store_->Delete(kDefaultWorkspace, "welcome").code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->SetStatus(kDefaultWorkspace, "welcome", JourneyStatus::kPaused).ok());
  EXPECT_TRUE(store_->Delete(kDefaultWorkspace, "welcome").ok());
  EXPECT_EQ(store_->Get(kDefaultWorkspace, "welcome").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->List("nope").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace pond
