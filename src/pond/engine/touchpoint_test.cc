#include "pond/engine/touchpoint.h"

#include <gtest/gtest.h>

#include <string>

namespace pond {
namespace {

TEST(TouchpointTest, FollowsTheRulesInOrder) {
  struct Case {
    const char* name;
    const char* properties;
    Touchpoint want;
  };
  const Case cases[] = {
      // 1: named outright wins over everything, Chinese and any case too.
      {"order_paid", R"({"touchpoint":"video_account","group_id":"g1"})",
       Touchpoint::kVideoAccount},
      {"order_paid", R"({"touchpoint":"Mini_Program"})", Touchpoint::kMiniProgram},
      {"message_received", R"({"touchpoint":"公众号","staff_id":"s1"})",
       Touchpoint::kOfficialAccount},
      // 2: a group.
      {"message_received", R"({"staff_id":"s1","group_id":"g1"})", Touchpoint::kGroup},
      {"group_joined", R"({"group_id":"g1","via":"qr"})", Touchpoint::kGroup},
      // 3: Moments.
      {"moment_liked", R"({"staff_id":"s1","moment_id":"m1"})", Touchpoint::kMoments},
      // 4: channel / source / via / platform words.
      {"order_paid", R"({"order_id":"o1","products":[{"sku":"x"}],"source":"mini_program"})",
       Touchpoint::kMiniProgram},
      {"content_viewed", R"({"content_id":"c1","channel":"视频号"})", Touchpoint::kVideoAccount},
      {"content_viewed", R"({"content_id":"c1","channel":"mp","staff_id":"s1"})",
       Touchpoint::kOfficialAccount},
      {"order_paid", R"({"source":"门店"})", Touchpoint::kOfflineStore},
      // 5: acquisition, decided per customer later.
      {"channel_scanned", R"({"channel":"pkg_card_2024"})", Touchpoint::kByAcquisition},
      {"friend_added", R"({"staff_id":"s1","channel":"xhs_note"})", Touchpoint::kByAcquisition},
      // 6, 7: a staff account's content is a Moments post; anything else of theirs is personal.
      {"content_viewed", R"({"content_id":"c1","staff_id":"s1"})", Touchpoint::kMoments},
      {"message_received", R"({"staff_id":"s1","kind":"text"})", Touchpoint::kPersonal},
      {"friend_deleted", R"({"staff_id":"s1","by":"customer"})", Touchpoint::kPersonal},
      // 8: fission pages.
      {"invite_accepted", R"({"campaign_id":"cmp1","code":"X"})", Touchpoint::kMiniProgram},
      {"distributor_link_opened", R"({"code":"X"})", Touchpoint::kMiniProgram},
      // 9: no hint, a platform's order, broken or odd JSON.
      {"order_paid", R"({"order_id":"o1","source":"taobao"})", Touchpoint::kOther},
      {"page_viewed", "{}", Touchpoint::kOther},
      {"order_paid", "", Touchpoint::kOther},
      {"order_paid", R"({"source":)", Touchpoint::kOther},
      {"order_paid", R"([1,2])", Touchpoint::kOther},
      {"order_paid", R"({"source":42,"touchpoint":null})", Touchpoint::kOther},
      {"order_paid", R"({"touchpoint":"nowhere"})", Touchpoint::kOther},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ClassifyTouchpoint(c.name, c.properties), c.want) << c.name << " " << c.properties;
  }
}

TEST(TouchpointTest, NamesRoundTripThroughWords) {
  for (Touchpoint t : kReportedTouchpoints) {
    EXPECT_EQ(TouchpointFromWord(TouchpointName(t)), t);
    EXPECT_EQ(TouchpointFromWord(TouchpointNameZh(t)).value_or(Touchpoint::kOther), t)
        << TouchpointNameZh(t);
  }
  EXPECT_FALSE(TouchpointFromWord(std::string(100, 'a')).has_value());
}

}  // namespace
}  // namespace pond
