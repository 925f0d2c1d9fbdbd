// A latency histogram with fixed buckets, safe to record from many threads, printed in
// Prometheus' text format by the server.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "pond/base/clock.h"

namespace pond {

class LatencyHistogram {
 public:
  // Upper bounds in microseconds: 100µs … 10s.
  static constexpr std::array<Micros, 14> kBoundsMicros = {100,    250,    500,     1000,    2500,
                                                           5000,   10000,  25000,   50000,   100000,
                                                           250000, 500000, 1000000, 10000000};

  void Record(Micros elapsed) {
    size_t i = 0;
    while (i < kBoundsMicros.size() && elapsed > kBoundsMicros[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    sum_micros_.fetch_add(elapsed, std::memory_order_relaxed);
  }
  // Count in bucket i (the last one is +Inf), not cumulative.
  uint64_t BucketCount(size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  int64_t SumMicros() const { return sum_micros_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kBoundsMicros.size() + 1> counts_{};
  std::atomic<int64_t> sum_micros_{0};
};

}  // namespace pond
