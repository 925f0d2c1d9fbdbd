// A thread that calls a function every so often until it is stopped or destroyed: how the
// services (segments, journeys, deliveries, tasks) do their work in the background under
// `pond serve`. Destroy it before what the function uses.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace pond {

class PeriodicThread {
 public:
  PeriodicThread() = default;
  ~PeriodicThread() { Stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // Calls `fn` every `every` (the first call after one interval). Once only.
  void Start(std::chrono::milliseconds every, std::function<void()> fn) {
    thread_ = std::thread([this, every, fn = std::move(fn)] {
      std::unique_lock lock(mu_);
      while (!cv_.wait_for(lock, every, [this] { return stopping_; })) {
        lock.unlock();
        fn();
        lock.lock();
      }
    });
  }
  // Waits for a call in progress to finish. Idempotent.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
};

}  // namespace pond
