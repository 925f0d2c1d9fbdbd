// The generated world the benchmarks share (bench/segments, bench/reports): a brand's year of
// customers and their events — traits, tags, orders, friends, scans naming a channel, messages,
// Moments, pages — deterministic from each event's index, made batch by batch so it is never all
// in memory, and submitted through Engine::Submit by two threads.
#pragma once

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "pond/engine/engine.h"

namespace pond::bench {

inline constexpr Micros kDay = 86'400'000'000LL;

class World {
 public:
  World(int64_t customers, Micros now) : customers_(customers), now_(now) {}

  // Event i of the world (0 <= i < events). The first `customers` events introduce each
  // customer with traits; a tenth of the rest are tags; then behaviour.
  Event Make(int64_t i) {
    std::mt19937_64 rng(static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ULL + 17);
    auto uniform = [&](int64_t lo, int64_t hi) {
      return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
    };
    Event e;
    e.message_id = "e" + std::to_string(i);
    static const char* cities[] = {"上海", "北京", "广州", "深圳", "杭州", "成都"};
    if (i < customers_) {
      e.user_id = "u" + std::to_string(i);
      e.type = EventType::kIdentify;
      e.timestamp = now_ - 365 * kDay;
      e.traits = "{\"age\":" + std::to_string(uniform(18, 60)) + ",\"city\":\"" +
                 cities[uniform(0, 5)] + "\"}";
      return e;
    }
    e.user_id = "u" + std::to_string(uniform(0, customers_ - 1));
    e.timestamp = now_ - uniform(0, 365 * kDay);
    int64_t kind = uniform(0, 99);
    if (kind < 4) {
      static const char* tags[] = {"skin:oily", "skin:dry", "intent:strong", "price:low"};
      e.name = "tag_added";
      e.properties = std::string("{\"tag\":\"") + tags[uniform(0, 3)] + "\"}";
    } else if (kind < 14) {
      e.name = "order_paid";
      e.order.emplace();
      e.order->order_id = "o" + std::to_string(i);
      e.order->total_fen = e.amount_fen = uniform(10, 500) * 100;
    } else if (kind < 19) {
      e.name = "friend_added";
    } else if (kind < 20) {
      e.name = "friend_deleted";
    } else if (kind < 24) {
      e.name = "channel_scanned";  // the first scan naming a channel is the acquisition
      static const char* channels[] = {"card-tb", "xhs-note", "dy-video", "store-qr", "ads-feed"};
      e.properties = std::string(R"({"channel":")") + channels[uniform(0, 4)] + "\"}";
    } else if (kind < 54) {
      e.name = "message_received";
      e.properties = uniform(0, 4) == 0 ? R"({"keyword":"price"})" : R"({"keyword":"other"})";
    } else if (kind < 74) {
      e.name = "moment_viewed";
    } else if (kind < 80) {
      e.name = "moment_liked";
    } else {
      e.name = "page_viewed";
    }
    return e;
  }

 private:
  int64_t customers_;
  Micros now_;
};

void Ingest(Engine& engine, World& world, int64_t from, int64_t to) {
  constexpr int64_t kBatch = 5000;
  std::atomic<int64_t> next{from};
  auto work = [&] {
    for (;;) {
      int64_t start = next.fetch_add(kBatch);
      if (start >= to) return;
      std::vector<Event> batch;
      for (int64_t i = start; i < std::min(to, start + kBatch); ++i) batch.push_back(world.Make(i));
      auto r = engine.Submit(kDefaultWorkspace, std::move(batch));
      if (!r.ok()) {
        std::fprintf(stderr, "submit: %s\n", r.status().ToString().c_str());
        std::exit(1);
      }
    }
  };
  std::thread t1(work), t2(work);
  t1.join();
  t2.join();
}

}  // namespace pond::bench
