// The demo world: a simulated beauty brand's private domain, day by day, driving the real
// engine. Every event is written as the Segment call a real integration would send, parsed by
// the same parser as POST /v1/batch, and submitted through Engine::Submit with the engine's
// clock set to the end of its day. Everything follows from the seed: the same parameters give
// the same calls in the same order, so the same store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/status.h"
#include "pond/channels/wecom/wecom_config.h"
#include "pond/engine/engine.h"
#include "pond/sim/demo_params.h"

namespace pond::sim {

// What the simulation did, counted as it went (the engine's own figures may differ where the
// engine counts differently, e.g. merged profiles).
struct DemoStats {
  struct PerChannel {
    int64_t leads = 0;    // first arrivals through the channel
    int64_t friends = 0;  // of them, became a staff account's friend
    int64_t spend_fen = 0;
  };
  std::vector<PerChannel> channels;  // as DemoParams::channels
  int64_t people = 0;
  int64_t second_arrivals = 0;  // known people arriving again through another channel
  int64_t friends = 0;
  int64_t churned = 0;  // friends who deleted the staff account
  int64_t orders = 0;
  int64_t refunds = 0;
  int64_t gmv_fen = 0;  // paid, before refunds
  int64_t buyers = 0;
  int64_t repeat_buyers = 0;  // two or more orders
  int64_t events = 0;
  int64_t wecom_callbacks = 0;  // sealed, opened and mapped (DemoParams::wecom_callbacks)
};

// The WeCom callback settings of the demo's corp: `pond demo --wecom` stores them, so the
// recorded callbacks replay and a running server accepts them.
extern const wecom::WecomConfig kDemoWecom;

// Called after each simulated day (0-based) with the counts so far.
using DemoProgress = std::function<void(int day, const DemoStats& stats)>;

// Called after each simulated day's calls were submitted, with the clock at the day's end: how
// the services that act on the world (the distribution programme) join in.
using DemoDayHook = std::function<Status(int day)>;

// Runs the world into `engine`'s default workspace. `clock` must be the engine's clock.
Result<DemoStats> RunDemo(const DemoParams& params, Engine& engine, FakeClock& clock,
                          const DemoProgress& progress = nullptr,
                          const DemoDayHook& after_day = nullptr);

}  // namespace pond::sim
