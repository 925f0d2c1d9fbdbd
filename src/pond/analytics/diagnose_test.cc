// Self-diagnosis: the estimate computed by hand for a category that pays back and one that does
// not, the store's own figures over the category's, the operator's over both, and bad inputs.
#include "pond/analytics/diagnose.h"

#include <gtest/gtest.h>

namespace pond::analytics {
namespace {

const Reason* Find(const Diagnosis& d, const std::string& factor) {
  for (const Reason& r : d.reasons) {
    if (r.factor == factor) return &r;
  }
  return nullptr;
}

TEST(DiagnoseTest, BeautyPaysBackAndFurnitureDoesNot) {
  DiagnoseInputs beauty;
  beauty.category = "beauty";
  Diagnosis d = Diagnose(beauty, std::nullopt).value();
  // uplift 30% × 130% (many topics) × 140% (35% repurchase / 25%) = 54.6%;
  // value ¥150 × 3.0 × 54.6% × 65% = ¥159.705; cost ¥8,000 × 12 / 3,000 = ¥32.
  EXPECT_EQ(d.uplift_bp, 5'460);
  EXPECT_EQ(d.value_fen, 15'971);
  EXPECT_EQ(d.cost_fen, 3'200);
  EXPECT_EQ(d.verdict, "pays_back");
  EXPECT_EQ(d.aov_fen.source, Source::kCategory);
  EXPECT_NE(d.verdict_zh.find("能回本"), std::string::npos);
  ASSERT_NE(Find(d, "topics"), nullptr);
  EXPECT_TRUE(Find(d, "topics")->in_favour);

  DiagnoseInputs furniture;
  furniture.category = "furniture";
  d = Diagnose(furniture, std::nullopt).value();
  // uplift 30% × 50% × 20% = 3%; value ¥3,000 × 0.2 × 3% × 35% = ¥6.30 against ¥32.
  EXPECT_EQ(d.uplift_bp, 300);
  EXPECT_EQ(d.value_fen, 630);
  EXPECT_EQ(d.verdict, "does_not_pay_back");
  EXPECT_EQ(d.break_even_aov_fen, 1'523'810);  // ¥3,000 × 3,200 / 630
  EXPECT_EQ(d.break_even_customers_per_staff, 15'238);
  EXPECT_FALSE(Find(d, "repurchase")->in_favour);
  EXPECT_FALSE(Find(d, "frequency")->in_favour);
  EXPECT_NE(d.verdict_en.find("break even"), std::string::npos);
}

TEST(DiagnoseTest, TheStoresFiguresThenTheOperatorsWin) {
  ValueReport v;
  v.buyers = 200;
  v.repeat_buyers = 20;  // 10%
  v.orders = 260;
  v.aov_fen = 9'900;
  const std::optional<StoreFigures> store = StoreFiguresOf(v, 365);
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ(store->repurchase_bp, 1'000);
  EXPECT_EQ(store->orders_per_year_x100, 130);  // 260 orders / 200 buyers over a year
  DiagnoseInputs in;
  in.category = "beauty";
  in.aov_fen = 30'000;  // the operator knows better
  const Diagnosis d = Diagnose(in, store).value();
  EXPECT_EQ(d.repurchase_bp.source, Source::kStore);
  EXPECT_EQ(d.repurchase_bp.value, 1'000);
  EXPECT_EQ(d.aov_fen.source, Source::kGiven);
  EXPECT_EQ(d.gross_margin_bp.source, Source::kCategory);  // the store does not know its costs
  // A store of 29 buyers does not speak for the brand.
  v.buyers = 29;
  EXPECT_FALSE(StoreFiguresOf(v, 365).has_value());
}

TEST(DiagnoseTest, BadInputsNameTheField) {
  auto field = [](DiagnoseInputs in) {
    Result<Diagnosis> d = Diagnose(in, std::nullopt);
    EXPECT_FALSE(d.ok());
    return d.ok() ? std::string() : d.status().ToString();
  };
  DiagnoseInputs in;
  in.category = "spaceships";
  EXPECT_NE(field(in).find("category"), std::string::npos);
  in = {};
  in.gross_margin_bp = 10'001;
  EXPECT_NE(field(in).find("gross_margin"), std::string::npos);
  in = {};
  in.customers_per_staff = 0;
  EXPECT_NE(field(in).find("customers_per_staff"), std::string::npos);
  in = {};
  in.orders_per_year_x100 = 0;
  EXPECT_NE(field(in).find("orders_per_year"), std::string::npos);
}

}  // namespace
}  // namespace pond::analytics
