// Reports walk every live customer's history once; on a million customers that walk is
// memory-bound and takes hundreds of milliseconds on one core. ScanLiveInParts splits the live
// customers into runs of dense ids, one per core, and walks them on their own threads (the first on
// the caller's); each part fills its own partial result, which the report then merges. Reads only:
// the caller holds the state (Engine::ReadState) for the whole scan.
#pragma once

#include <cstdint>
#include <functional>
#include <roaring/roaring.hh>
#include <vector>

namespace pond::analytics {

// Below this many customers one thread is faster than starting more.
inline constexpr uint64_t kMinCustomersPerPart = 20'000;

// How many parts a scan of `customers` uses: one per core, at most 8, at least 1.
size_t ScanParts(uint64_t customers);

// Calls visit(part, customer) for each customer of `live`, part by part, parts in parallel.
void ScanLiveInParts(const Roaring& live, size_t parts,
                     const std::function<void(size_t part, uint32_t customer)>& visit);

}  // namespace pond::analytics
