// The minimizer the LTV models are fitted with.
#include "pond/analytics/nelder_mead.h"

#include <gtest/gtest.h>

#include <cmath>

namespace pond::analytics {
namespace {

TEST(NelderMeadTest, FindsASmoothMinimum) {
  auto f = [](const std::vector<double>& x) {
    return (x[0] - 1) * (x[0] - 1) + 10 * (x[1] + 2) * (x[1] + 2);
  };
  Minimum m = NelderMead(f, {0, 0}, 0.5, 1e-12, 5000);
  EXPECT_TRUE(m.converged);
  EXPECT_NEAR(m.x[0], 1, 1e-4);
  EXPECT_NEAR(m.x[1], -2, 1e-4);
}

}  // namespace
}  // namespace pond::analytics
