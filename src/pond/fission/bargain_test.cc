// Bargain cuts: they sum to exactly start − floor, each is at least 1 fen, the floor is reached
// at the H-th helper and not before, and the same seed and bargain give the same cuts.
#include "pond/fission/bargain.h"

#include <gtest/gtest.h>

#include <numeric>

namespace pond {
namespace {

TEST(BargainTest, CutsSumExactlyToStartMinusFloorAndNeverOvershoot) {
  for (const BargainRules rules :
       {BargainRules{16'900, 990, 10}, BargainRules{100, 0, 100}, BargainRules{999'999, 1, 7},
        BargainRules{5'000, 4'999, 1}, BargainRules{2'000, 0, 37}}) {
    ASSERT_TRUE(ValidateBargain(rules).ok());
    for (uint64_t seed = 0; seed < 200; ++seed) {
      const std::vector<int64_t> cuts = BargainCuts(rules, seed, "b" + std::to_string(seed));
      ASSERT_EQ(cuts.size(), static_cast<size_t>(rules.helpers));
      int64_t price = rules.start_fen;
      for (size_t i = 0; i < cuts.size(); ++i) {
        ASSERT_GE(cuts[i], 1) << "helper " << i + 1;
        price -= cuts[i];
        if (i + 1 < cuts.size()) {
          ASSERT_GT(price, rules.floor_fen) << "floor reached before the last helper";
        }
      }
      ASSERT_EQ(price, rules.floor_fen);
      ASSERT_EQ(std::accumulate(cuts.begin(), cuts.end(), int64_t{0}),
                rules.start_fen - rules.floor_fen);
    }
  }
}

TEST(BargainTest, DeterministicPerSeedAndBargainAndSpreadAroundTheMean) {
  const BargainRules rules{16'900, 990, 10};
  EXPECT_EQ(BargainCuts(rules, 7, "x"), BargainCuts(rules, 7, "x"));
  EXPECT_NE(BargainCuts(rules, 7, "x"), BargainCuts(rules, 8, "x"));
  EXPECT_NE(BargainCuts(rules, 7, "x"), BargainCuts(rules, 7, "y"));
  // "Twice the mean": no cut but the last exceeds twice the mean of what was left.
  const std::vector<int64_t> cuts = BargainCuts(rules, 3, "z");
  int64_t left = rules.start_fen - rules.floor_fen;
  for (int h = 0; h + 1 < rules.helpers; ++h) {
    EXPECT_LT(cuts[h], 2 * left / (rules.helpers - h)) << "helper " << h + 1;
    left -= cuts[h];
  }
}

TEST(BargainTest, RulesThatCannotWorkAreRefusedNamingTheField) {
  EXPECT_EQ(ValidateBargain({100, 100, 1}).field(), "start_fen");
  EXPECT_EQ(ValidateBargain({100, -1, 1}).field(), "floor_fen");
  EXPECT_EQ(ValidateBargain({100, 0, 0}).field(), "helpers");
  EXPECT_EQ(ValidateBargain({100, 50, 51}).field(), "helpers");  // 50 fen for 51 helpers
  EXPECT_TRUE(ValidateBargain({100, 50, 50}).ok());
}

}  // namespace
}  // namespace pond
