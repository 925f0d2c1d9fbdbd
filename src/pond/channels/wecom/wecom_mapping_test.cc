// WeCom's callback XML (as its documentation shows it) read and mapped to pond's events.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pond/channels/wecom/wecom_events.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr char kAdd[] =
    "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName><FromUserName><![CDATA[sys]]>"
    "</FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType>"
    "<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]>"
    "</ChangeType><UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[woAJ2GCAAAXtWyujaWJ"
    "HDDGi0mACAAAA]]></ExternalUserID><State><![CDATA[ch_xhs]]></State><WelcomeCode><![CDATA["
    "WELCOMECODE]]></WelcomeCode></xml>";

TEST(WecomXmlTest, ReadsTheDocumentedShapes) {
  const XmlFields x = ParseXml(kAdd).value();
  EXPECT_EQ(x.Get("ChangeType"), "add_external_contact");
  EXPECT_EQ(x.Get("CreateTime"), "1403610513");
  const XmlFields chat =
      ParseXml(
          "<xml><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wrOgQhDgAAMYQ"
          "iS5ol9G7gK9JVAAAA]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail>"
          "<![CDATA[add_member]]></UpdateDetail><JoinScene>1</JoinScene><MemChangeCnt>2"
          "</MemChangeCnt><MemChangeList><Item>wmEAlECwAAHrbWYDOK5u3Af13xlYDDAA</Item><Item>"
          "wmEAlECwAAHibWYDOK5u3Af13xlYDDBB</Item></MemChangeList></xml>")
          .value();
  EXPECT_EQ(chat.lists.at("MemChangeList").size(), 2u);
}

TEST(WecomXmlTest, HostileXmlIsRefused) {
  EXPECT_EQ(ParseXml("").status().field(), "xml");
  EXPECT_EQ(ParseXml("<xml><a>1</a>").status().field(), "xml");  // unclosed
  EXPECT_EQ(ParseXml("<root><a>1</a></root>").status().field(), "xml");
  EXPECT_FALSE(ParseXml("<xml><a><b><c><d>deep</d></c></b></a></xml>").ok());
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
      "\"&lol;&lol;&lol;&lol;\">]><xml><a>&lol2;</a></xml>";
  const auto refused = ParseXml(laughs);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("DOCTYPE"), std::string::npos);
  EXPECT_EQ(ParseXml(std::string(70'000, ' ')).status().field(), "xml");
  EXPECT_FALSE(ParseXml("<xml><a>\xff\xfe</a></xml>").ok());  // not UTF-8
}

TEST(WecomEventsTest, ContactChangesBecomeFriendEvents) {
  const std::vector<Event> added = MapCallback(ParseXml(kAdd).value(), "ww1436e0e65a779aee");
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].name, "friend_added");
  ASSERT_EQ(added[0].identities.size(), 1u);
  EXPECT_EQ(added[0].identities[0].kind, IdentityKind::kExternalUserId);
  EXPECT_EQ(added[0].identities[0].value, "woAJ2GCAAAXtWyujaWJHDDGi0mACAAAA");
  EXPECT_EQ(added[0].timestamp, 1403610513LL * 1'000'000);
  const json p = json::parse(added[0].properties);
  EXPECT_EQ(p["staff_id"], "zhangsan");
  EXPECT_EQ(p["state"], "ch_xhs");  // the live code's channel
  EXPECT_EQ(p["welcome_code"], "WELCOMECODE");
  // The same callback again (WeCom retries): the same messageId.
  EXPECT_EQ(MapCallback(ParseXml(kAdd).value(), "ww1436e0e65a779aee")[0].message_id,
            added[0].message_id);

  std::string del = kAdd;
  del.replace(del.find("add_external_contact"), 20, "del_follow_user");
  const std::vector<Event> gone = MapCallback(ParseXml(del).value(), "c");
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].name, "friend_deleted");
  EXPECT_EQ(json::parse(gone[0].properties)["by"], "customer");
  EXPECT_NE(gone[0].message_id, added[0].message_id);
  std::string unknown = kAdd;
  unknown.replace(unknown.find("add_external_contact"), 20, "something_new");
  EXPECT_TRUE(MapCallback(ParseXml(unknown).value(), "c").empty());
}

TEST(WecomEventsTest, GroupMemberChangesBecomeGroupEvents) {
  const XmlFields chat =
      ParseXml(
          "<xml><CreateTime>1700000000</CreateTime><Event><![CDATA[change_external_chat]]>"
          "</Event><ChatId><![CDATA[wrOgQh]]></ChatId><ChangeType><![CDATA[update]]>"
          "</ChangeType><UpdateDetail><![CDATA[del_member]]></UpdateDetail><QuitScene>1"
          "</QuitScene><MemChangeList><Item>wmA</Item><Item>wmB</Item></MemChangeList></xml>")
          .value();
  const std::vector<Event> left = MapCallback(chat, "c");
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].name, "group_left");
  EXPECT_EQ(json::parse(left[1].properties)["group_id"], GroupIdForChat("wrOgQh"));
  EXPECT_EQ(json::parse(left[1].properties)["chat_id"], "wrOgQh");
  EXPECT_TRUE(GroupIdForChat("wrOgQh").starts_with("grp_wx_"));
  EXPECT_EQ(GroupIdForChat("wrOgQh").size(), 23u);
  EXPECT_NE(GroupIdForChat("wrOgQh"), GroupIdForChat("wrogqh"));
  EXPECT_EQ(left[1].identities[0].value, "wmB");
  EXPECT_NE(left[0].message_id, left[1].message_id);
}

}  // namespace
}  // namespace pond::wecom
