// The touchpoint × stage grid on hand-built customers: which cell each event lands in, distinct
// customers, GMV, flags and their words, the time window, and the column surviving a restart.
#include "pond/analytics/touchpoint_grid.h"

#include <gtest/gtest.h>

#include "pond/analytics/analytics_test_world.h"

namespace pond::analytics {
namespace {

size_t Row(Touchpoint t) {
  for (size_t i = 0; i < kReportedTouchpointCount; ++i) {
    if (kReportedTouchpoints[i] == t) return i;
  }
  return kReportedTouchpointCount;
}

const GridCell& Cell(const TouchpointGrid& g, Touchpoint t, GridStage s) {
  return g.cells[Row(t)][static_cast<size_t>(s)];
}

class TouchpointGridTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Channel store{"chn_store", "store_qr", "门店", ChannelKind::kOfflineStore, 0};
    ASSERT_TRUE(w_.engine().CreateChannel(kDefaultWorkspace, store).ok());
    // ann comes from a package card to a staff account, talks, buys in the mini program and
    // shares a poster.
    w_.Track("ann", "channel_scanned", "2024-03-01T00:00:00Z", R"({"channel":"pkg_card"})");
    w_.Track("ann", "friend_added", "2024-03-01T00:01:00Z",
             R"({"channel":"pkg_card","staff_id":"s1"})");
    w_.Track("ann", "message_sent", "2024-03-02T00:00:00Z", R"({"staff_id":"s1"})");
    w_.Track("ann", "message_received", "2024-03-02T01:00:00Z", R"({"staff_id":"s1"})");
    w_.Track("ann", "message_received", "2024-03-02T02:00:00Z", R"({"staff_id":"s1"})");
    w_.Track("ann", "order_paid", "2024-03-05T00:00:00Z", R"({"source":"mini_program"})", 16'900);
    w_.Track("ann", "invite_sent", "2024-03-06T00:00:00Z", R"({"campaign_id":"c1"})");
    // bob scans in a store, joins a group, talks there, leaves, buys on Taobao.
    w_.Track("bob", "channel_scanned", "2024-03-01T00:00:00Z", R"({"channel":"store_qr"})");
    w_.Track("bob", "group_joined", "2024-03-01T00:05:00Z", R"({"group_id":"g1"})");
    w_.Track("bob", "message_received", "2024-03-03T00:00:00Z", R"({"group_id":"g1"})");
    w_.Track("bob", "group_left", "2024-03-04T00:00:00Z", R"({"group_id":"g1"})");
    w_.Track("bob", "order_paid", "2024-03-05T00:00:00Z", R"({"source":"taobao"})", 9'900);
    // cat sees Moments; the brand sends her coupons in private chat that she never uses.
    w_.Track("cat", "moment_viewed", "2024-03-02T00:00:00Z", R"({"staff_id":"s1"})");
    w_.Track("cat", "moment_liked", "2024-03-02T00:01:00Z", R"({"staff_id":"s1"})");
    w_.Track("cat", "coupon_issued", "2024-03-02T00:02:00Z", R"({"staff_id":"s1"})");
    w_.Track("cat", "tag_added", "2024-03-02T00:03:00Z", R"({"tag":"vip"})");  // not counted
    w_.Track("cat", "message_received", "2023-01-01T00:00:00Z", R"({"staff_id":"s1"})");
  }

  TouchpointGrid Grid(Micros from = INT64_MIN, Micros to = INT64_MAX) {
    TouchpointGrid g;
    w_.Read([&](const TenantState& s) { g = ComputeTouchpointGrid(s, from, to); });
    return g;
  }

  AnalyticsWorld w_;
};

TEST_F(TouchpointGridTest, CountsEachEventInItsCell) {
  const TouchpointGrid g = Grid();
  const GridCell& attract = Cell(g, Touchpoint::kPersonal, GridStage::kAttract);
  EXPECT_EQ(attract.results, 2);  // ann's scan and friendship; bob's scan is the store's
  EXPECT_EQ(attract.customers, 1);
  EXPECT_EQ(Cell(g, Touchpoint::kOfflineStore, GridStage::kAttract).results, 1);
  EXPECT_EQ(Cell(g, Touchpoint::kGroup, GridStage::kAttract).results, 1);

  const GridCell& chat = Cell(g, Touchpoint::kPersonal, GridStage::kRetain);
  EXPECT_EQ(chat.actions, 1);
  EXPECT_EQ(chat.results, 3);  // ann twice, cat once (in 2023)
  EXPECT_EQ(chat.customers, 2);
  const GridCell& group = Cell(g, Touchpoint::kGroup, GridStage::kRetain);
  EXPECT_EQ(group.results, 1);
  EXPECT_EQ(group.losses, 1);
  EXPECT_EQ(Cell(g, Touchpoint::kMoments, GridStage::kRetain).results, 2);
  EXPECT_EQ(Cell(g, Touchpoint::kMoments, GridStage::kRetain).customers, 1);

  const GridCell& mini = Cell(g, Touchpoint::kMiniProgram, GridStage::kConvert);
  EXPECT_EQ(mini.results, 1);
  EXPECT_EQ(mini.gmv_fen, 16'900);
  EXPECT_EQ(Cell(g, Touchpoint::kOther, GridStage::kConvert).gmv_fen, 9'900);
  EXPECT_EQ(Cell(g, Touchpoint::kMiniProgram, GridStage::kFission).results, 1);

  int64_t results = 0;
  for (const auto& row : g.cells) {
    for (const GridCell& c : row) results += c.results + c.actions + c.losses;
  }
  EXPECT_EQ(results, 16);  // every event but the tag
}

TEST_F(TouchpointGridTest, FlagsEmptyAndWeakCellsInPlainWords) {
  const TouchpointGrid g = Grid();
  const size_t personal = Row(Touchpoint::kPersonal), video = Row(Touchpoint::kVideoAccount);
  const auto convert = static_cast<size_t>(GridStage::kConvert);
  // Coupons in private chat and no order there: the brand acted, nobody answered.
  EXPECT_EQ(g.cells[personal][convert].flag, CellFlag::kWeak);
  EXPECT_EQ(DescribeCell(g, personal, convert, false),
            "1 actions at personal in convert and no customer responded.");
  EXPECT_EQ(DescribeCell(g, personal, convert, true),
            "个人号在转化环节有 1 次动作，但没有客户响应。");
  EXPECT_EQ(g.cells[video][0].flag, CellFlag::kEmpty);
  EXPECT_EQ(DescribeCell(g, video, 0, true), "视频号的引流环节是空白：既没有动作，也没有结果。");
  EXPECT_EQ(Cell(g, Touchpoint::kPersonal, GridStage::kRetain).flag, CellFlag::kOk);
  EXPECT_EQ(DescribeCell(g, personal, 1, false), "");
}

TEST_F(TouchpointGridTest, WeakWhenFarBehindTheStagesBest) {
  for (int i = 0; i < 10; ++i) {
    w_.Track("p" + std::to_string(i), "message_received", "2024-03-10T00:00:00Z",
             R"({"staff_id":"s2"})");
  }
  w_.Track("q", "content_viewed", "2024-03-10T00:00:00Z", R"({"channel":"公众号"})");
  const TouchpointGrid g = Grid();
  const size_t oa = Row(Touchpoint::kOfficialAccount);
  EXPECT_EQ(g.cells[oa][1].customers, 1);
  EXPECT_EQ(g.cells[oa][1].flag, CellFlag::kWeak);  // 1 against personal's 12
  EXPECT_EQ(DescribeCell(g, oa, 1, false),
            "official_account reached 1 customers in retain, under a tenth of personal's 12.");
}

TEST_F(TouchpointGridTest, CountsOnlyTheWindow) {
  const TouchpointGrid g = Grid(At("2024-03-02T00:00:00Z"), At("2024-03-05T00:00:00Z"));
  EXPECT_EQ(Cell(g, Touchpoint::kPersonal, GridStage::kAttract).results, 0);
  EXPECT_EQ(Cell(g, Touchpoint::kPersonal, GridStage::kRetain).results, 2);  // not cat's of 2023
  EXPECT_EQ(Cell(g, Touchpoint::kMiniProgram, GridStage::kConvert).results, 0);  // to is open
  EXPECT_EQ(Cell(g, Touchpoint::kGroup, GridStage::kRetain).losses, 1);
}

TEST_F(TouchpointGridTest, SurvivesASnapshotAndAReplay) {
  const TouchpointGrid before = Grid();
  ASSERT_TRUE(w_.engine().WriteSnapshot().ok());
  for (bool snapshot : {true, false}) {
    w_.Reopen(snapshot);
    const TouchpointGrid after = Grid();
    for (size_t r = 0; r < kReportedTouchpointCount; ++r) {
      for (size_t s = 0; s < kGridStageCount; ++s) {
        EXPECT_EQ(after.cells[r][s].results, before.cells[r][s].results) << r << "," << s;
        EXPECT_EQ(after.cells[r][s].gmv_fen, before.cells[r][s].gmv_fen) << r << "," << s;
      }
    }
  }
}

TEST(GridKindTest, NamesOutsideTheTableAreNotCounted) {
  EXPECT_EQ(GridKindOf("order_paid")->stage, GridStage::kConvert);
  EXPECT_EQ(GridKindOf("friend_deleted")->role, GridRole::kLoss);
  EXPECT_EQ(GridKindOf("message_sent")->role, GridRole::kAction);
  EXPECT_FALSE(GridKindOf("tag_added").has_value());
  EXPECT_FALSE(GridKindOf("order_refunded").has_value());
}

}  // namespace
}  // namespace pond::analytics
