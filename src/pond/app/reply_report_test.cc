// First-reply time and reply rate from chat-archive messages stored through the engine: the
// report read from the log equals the count made here by hand, a merged customer counts once,
// and group messages and staff messages with nothing asked count for nothing.
#include "pond/app/reply_report.h"

#include <gtest/gtest.h>

#include <sstream>

#include "pond/channels/wecom/archive_ingest.h"
#include "pond/testing/archive_fixture.h"
#include "pond/testing/temp_dir.h"

namespace pond::app {
namespace {

using nlohmann::json;

TEST(ReplyReportTest, TheLogsChatsGiveEachStaffMembersRepliesOnce) {
  testing::TempDir dir;
  FakeClock clock(1'767'225'600LL * kMicrosPerSecond + 10 * kMicrosPerDay);
  AppOptions o;
  o.engine.data_dir = dir.path().string();
  o.engine.clock = &clock;
  std::unique_ptr<App> app = App::Open(o).value();
  ASSERT_TRUE(app->Start(0).ok());
  const int64_t t0 = 1'767'225'600'000LL;  // ms
  const int64_t min = 60'000;
  std::vector<json> chat = {
      // lily: wmA asks twice, answered 2 minutes after the first; later asks again, answered
      // after 10 minutes; a greeting to wmC starts nothing.
      testing::ArchiveMessage("r1", "wmA", "lily", "text", {{"content", "在吗"}}, t0),
      testing::ArchiveMessage("r2", "wmA", "lily", "text", {{"content", "多少钱"}}, t0 + min),
      testing::ArchiveMessage("r3", "lily", "wmA", "text", {{"content", "199"}}, t0 + 2 * min),
      testing::ArchiveMessage("r4", "wmA", "lily", "text", {{"content", "好"}}, t0 + 60 * min),
      testing::ArchiveMessage("r5", "lily", "wmA", "text", {{"content", "收到"}}, t0 + 70 * min),
      testing::ArchiveMessage("r6", "lily", "wmC", "text", {{"content", "早安"}}, t0),
      // amy: wmB asks and is never answered (missed: more than a day ago).
      testing::ArchiveMessage("r7", "wmB", "amy", "text", {{"content", "有货吗"}}, t0),
      // In a group: not a 1:1 turn.
      testing::ArchiveMessage("r8", "wmB", "amy", "text", {{"content", "大家好"}}, t0, "wrRoom"),
  };
  std::stringstream lines;
  for (const json& m : chat) lines << m.dump() << "\n";
  ASSERT_EQ(wecom::ImportArchiveLines(app->engine(), kDefaultWorkspace, lines)->events, 8);

  const Micros from = t0 * 1000 - kMicrosPerDay, to = clock.NowMicros();
  analytics::ReplyReport r = Replies(*app, kDefaultWorkspace, from, to, "from", "to").value();
  ASSERT_EQ(r.staff.size(), 2u);
  EXPECT_EQ(r.staff[0].staff, "amy");
  EXPECT_EQ(r.staff[0].turns, 1);
  EXPECT_EQ(r.staff[0].missed, 1);
  EXPECT_EQ(r.staff[1].staff, "lily");
  EXPECT_EQ(r.staff[1].turns, 2);
  EXPECT_EQ(r.staff[1].replied, 2);
  EXPECT_EQ(r.staff[1].median_seconds, (120 + 600) / 2);
  EXPECT_DOUBLE_EQ(r.all.reply_rate, 2.0 / 3);
  EXPECT_EQ(RepliesJson(r)["all"]["turns"], 3);
  EXPECT_EQ(RepliesTable(r).rows.back()[0], "(all)");

  // wmA's WeChat is also known by phone; merging another profile into it changes nothing.
  Event id;
  id.type = EventType::kIdentify;
  id.message_id = "merge-a";
  id.identities = {{IdentityKind::kExternalUserId, "wmA"}, {IdentityKind::kPhone, "13800138000"}};
  Event other;
  other.type = EventType::kIdentify;
  other.message_id = "merge-b";
  other.user_id = "shop-9";
  other.identities = {{IdentityKind::kPhone, "13800138000"}};
  ASSERT_TRUE(app->engine().Submit(kDefaultWorkspace, {id, other}).ok());
  EXPECT_EQ(Replies(*app, kDefaultWorkspace, from, to, "from", "to")->all.turns, 3);

  const Status backwards = Replies(*app, kDefaultWorkspace, to, from, "from", "to").status();
  EXPECT_NE(backwards.ToString().find("to"), std::string::npos);
  EXPECT_FALSE(backwards.ok());
}

}  // namespace
}  // namespace pond::app
