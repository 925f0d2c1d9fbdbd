// Clock: the only way pond reads the time, so that tests and the simulator can run months of
// operations in milliseconds (LevelDB's Env::NowMicros, Envoy's TimeSource).
#pragma once

#include <atomic>
#include <cstdint>

namespace pond {

// Microseconds since the Unix epoch, UTC.
using Micros = int64_t;

inline constexpr Micros kMicrosPerSecond = 1'000'000;
inline constexpr Micros kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr Micros kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr Micros kMicrosPerDay = 24 * kMicrosPerHour;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Micros NowMicros() const = 0;

  // The process-wide wall clock.
  static Clock& System();
};

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Micros start = 1'700'000'000 * kMicrosPerSecond) : now_(start) {}
  Micros NowMicros() const override { return now_.load(std::memory_order_acquire); }
  void Set(Micros now) { now_.store(now, std::memory_order_release); }
  void Advance(Micros delta) { now_.fetch_add(delta, std::memory_order_acq_rel); }

 private:
  std::atomic<Micros> now_;
};

}  // namespace pond
