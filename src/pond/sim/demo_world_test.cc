#include "pond/sim/demo_world.h"

#include <gtest/gtest.h>

#include "pond/testing/temp_dir.h"

namespace pond::sim {
namespace {

TEST(DemoWorldTest, Runs) {
  testing::TempDir dir;
  DemoParams p = DefaultDemoParams();
  p.customers = 2000;
  p.days = 30;
  FakeClock clock(p.end_micros - 31LL * 86'400'000'000LL);
  EngineOptions o;
  o.data_dir = dir.path().string();
  o.clock = &clock;
  auto engine = Engine::Open(o).value();
  auto stats = RunDemo(p, *engine, clock);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->people, 2000 - stats->second_arrivals);
}

}  // namespace
}  // namespace pond::sim
