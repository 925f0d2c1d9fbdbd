// Script search in Chinese and English through SQLite FTS5 with the pond_cjk tokenizer: 1-, 2-
// and 3-character Chinese queries, Latin words in any case or width, mixed text, and hostile
// query text that must stay text.
#include "pond/content/script_library.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "pond/content/cjk_tokenizer.h"

namespace pond {
namespace {

std::vector<std::string> Texts(const std::vector<CjkToken>& tokens) {
  std::vector<std::string> out;
  for (const CjkToken& t : tokens) out.push_back(t.text + (t.colocated ? "^" : ""));
  return out;
}

TEST(CjkTokenizerTest, BigramsWithColocatedUnigramsInDocumentsBigramsInQueries) {
  EXPECT_EQ(Texts(CjkTokens("SPF50防晒霜，Ｏｋ!", false)),
            (std::vector<std::string>{"spf50", "防晒", "防^", "晒霜", "晒^", "霜", "ok"}));
  EXPECT_EQ(Texts(CjkTokens("防晒霜", true)), (std::vector<std::string>{"防晒", "晒霜"}));
  EXPECT_EQ(Texts(CjkTokens("贵", true)), std::vector<std::string>{"贵"});
  EXPECT_EQ(Texts(CjkTokens("Café  crème", true)), (std::vector<std::string>{"café", "crème"}));
  EXPECT_TRUE(CjkTokens("，。！ ...", false).empty());
  // Broken UTF-8 separates; it never reads past the end.
  EXPECT_EQ(Texts(CjkTokens(std::string("ab\xE6\x97") + "cd", false)),
            (std::vector<std::string>{"ab", "cd"}));
}

class ScriptIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = ScriptIndex::Open().value();
    Add("scr_price", "为什么比旗舰店贵？", "我们是品牌直供，正品保障，还送小样。",
        {"价格", "异议"});
    Add("scr_spf", "防晒霜每天要涂吗？", "阴天也有紫外线，SPF30 以上每天都要涂。", {"防晒"});
    Add("scr_apart", "防晒和晒后修复", "先防晒，晒霜不够时用修复。", {"防晒"});
    Add("scr_shadow", "眼影怎么选颜色？", "黄皮选大地色眼影，白皮可以试试粉色。", {"彩妆"});
    Add("scr_base", "粉底液卡粉怎么办", "先保湿再上粉底，少量多次。", {"底妆"});
    Add("scr_refund", "How do I get a refund?",
        "Refunds go back to the original payment within 7 days.", {"after-sales"});
    Add("scr_ship", "发货要几天", "48小时内发货，顺丰包邮。Shipping is free.", {"物流"});
  }
  void Add(const std::string& id, const std::string& q, const std::string& a,
           std::vector<std::string> tags) {
    ASSERT_TRUE(index_->Put({id, q, a, std::move(tags), "", 0}).ok());
  }
  std::vector<std::string> Ids(const std::string& query) {
    auto hits = index_->Search(query, 20);
    EXPECT_TRUE(hits.ok()) << query << ": " << hits.status().message();
    std::vector<std::string> out;
    if (hits.ok()) {
      for (const auto& h : *hits) out.push_back(h.id);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  std::unique_ptr<ScriptIndex> index_;
};

TEST_F(ScriptIndexTest, ChineseQueriesOfOneTwoAndThreeCharacters) {
  EXPECT_EQ(Ids("贵"), std::vector<std::string>{"scr_price"});
  EXPECT_EQ(Ids("眼影"), std::vector<std::string>{"scr_shadow"});
  EXPECT_EQ(Ids("粉底"), std::vector<std::string>{"scr_base"});
  EXPECT_EQ(Ids("防晒"), (std::vector<std::string>{"scr_apart", "scr_spf"}));
  // 防晒霜 in a row: scr_apart holds 防晒 and 晒霜 but never the three together.
  EXPECT_EQ(Ids("防晒霜"), std::vector<std::string>{"scr_spf"});
  EXPECT_TRUE(Ids("影眼").empty());  // the characters, in the wrong order
  EXPECT_EQ(Ids("发货 顺丰"), std::vector<std::string>{"scr_ship"});  // both terms
  EXPECT_TRUE(Ids("发货 眼影").empty());
  EXPECT_EQ(Ids("异议"), std::vector<std::string>{"scr_price"});  // tags are searched
}

TEST_F(ScriptIndexTest, EnglishAndMixedQueries) {
  EXPECT_EQ(Ids("refund"), std::vector<std::string>{"scr_refund"});
  EXPECT_EQ(Ids("REFUND"), std::vector<std::string>{"scr_refund"});
  EXPECT_EQ(Ids("ｒｅｆｕｎｄ"), std::vector<std::string>{"scr_refund"});  // full width
  EXPECT_EQ(Ids("SPF30"), std::vector<std::string>{"scr_spf"});
  EXPECT_EQ(Ids("shipping 包邮"), std::vector<std::string>{"scr_ship"});
  EXPECT_TRUE(Ids("refunded").empty());  // words, not stems
}

TEST_F(ScriptIndexTest, TheQuestionWeighsMostAndSnippetsMarkTheMatch) {
  Add("scr_shadow2", "怎么卸妆", "眼影眼影眼影要用专门的眼唇卸妆液。", {});
  auto hits = index_->Search("眼影", 10).value();
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].id, "scr_shadow");  // in the question, not only the answer
  EXPECT_NE(hits[0].snippet.find("【眼影】"), std::string::npos) << hits[0].snippet;
}

TEST_F(ScriptIndexTest, HostileQueriesStayText) {
  for (const std::string q : {"\"", "眼影\"", "NEAR(眼影", "眼影 OR 粉底", "* -", "scripts:眼影",
                              "^眼影", "眼影)", "'; DROP TABLE scripts; --", "\x80\xFF"}) {
    auto hits = index_->Search(q, 10);
    ASSERT_TRUE(hits.ok()) << q << ": " << hits.status().message();
  }
  EXPECT_TRUE(Ids("眼影 OR 粉底").empty());  // OR is a word here: no script holds it
  EXPECT_EQ(index_->Search("", 10).status().field(), "q");
  EXPECT_EQ(index_->Search("   ", 10).status().field(), "q");
  EXPECT_EQ(index_->Search(std::string(201, 'a'), 10).status().field(), "q");
  EXPECT_EQ(Ids("眼影").size(), 1u);  // nothing was dropped
}

TEST_F(ScriptIndexTest, ReplacingAndRemovingAScript) {
  Add("scr_shadow", "眼线怎么画", "从内眼角开始。", {"彩妆"});
  EXPECT_TRUE(Ids("眼影").empty());
  EXPECT_EQ(Ids("眼线"), std::vector<std::string>{"scr_shadow"});
  ASSERT_TRUE(index_->Remove("scr_shadow").ok());
  EXPECT_TRUE(Ids("眼线").empty());
}

TEST(ScriptTest, ParsingNamesTheField) {
  EXPECT_EQ(ParseScript("[]").status().field(), "script");
  EXPECT_EQ(ParseScript(R"({"id": "price", "question": "q", "answer": "a"})").status().field(),
            "id");
  EXPECT_EQ(ParseScript(R"({"id": "scr_p", "answer": "a"})").status().field(), "question");
  EXPECT_EQ(ParseScript(R"({"id": "scr_p", "question": "q", "answer": "a", "tags": ["", "x"]})")
                .status()
                .field(),
            "tags[0]");
  const Script s =
      ParseScript(R"({"id": "scr_p", "question": "贵？", "answer": "正品", "tags": ["价格"]})")
          .value();
  EXPECT_EQ(ParseScript(ScriptJson(s).dump()).value().tags, s.tags);
}

}  // namespace
}  // namespace pond
