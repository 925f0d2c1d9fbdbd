#include "pond/analytics/parallel_scan.h"

#include <algorithm>
#include <thread>

namespace pond::analytics {

size_t ScanParts(uint64_t customers) {
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const auto by_size = static_cast<size_t>(std::max<uint64_t>(customers / kMinCustomersPerPart, 1));
  return std::min({cores, by_size, size_t{8}});
}

void ScanLiveInParts(const Roaring& live, size_t parts,
                     const std::function<void(size_t part, uint32_t customer)>& visit) {
  if (parts <= 1 || live.isEmpty()) {
    for (uint32_t c : live) visit(0, c);
    return;
  }
  // Runs of dense ids holding about as many live customers each.
  const uint64_t total = live.cardinality();
  std::vector<uint32_t> starts = {0};
  for (size_t p = 1; p < parts; ++p) {
    uint32_t at = 0;
    live.select(static_cast<uint32_t>(total * p / parts), &at);
    starts.push_back(at);
  }
  auto walk = [&](size_t part) {
    auto it = live.begin();
    it.equalorlarger(starts[part]);
    const bool last = part + 1 == starts.size();
    for (; it != live.end() && (last || *it < starts[part + 1]); ++it) visit(part, *it);
  };
  std::vector<std::thread> threads;
  for (size_t p = 1; p < parts; ++p) threads.emplace_back(walk, p);
  walk(0);
  for (std::thread& t : threads) t.join();
}

}  // namespace pond::analytics
