#include "pond/engine/message_index.h"

#include <sys/mman.h>

#include <cstdint>

#include "pond/base/hash.h"

namespace pond {

uint64_t MessageIndex::Hash(std::string_view message_id) { return Fnv1a64(message_id); }

namespace {

// Asks the kernel to back the table with 2 MiB pages (when transparent huge pages are `always`
// or `madvise`). A lookup reads one random slot of a table of hundreds of MiB: with 4 KiB
// pages nearly every one also misses the TLB. Advice only: on failure nothing changes.
void AdviseHugePages(std::vector<MessageIndex::Slot>& slots) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const auto begin = reinterpret_cast<uintptr_t>(slots.data());
  const uintptr_t end = begin + slots.capacity() * sizeof(MessageIndex::Slot);
  const uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t last = end & ~(kHuge - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

}  // namespace

void MessageIndex::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.reserve(old.empty() ? 1024 : old.size() * 2);
  AdviseHugePages(slots_);  // before the first touch, so the faults take huge pages
  slots_.assign(slots_.capacity(), Slot{0, 0, 0});
  size_ = 0;
  for (const Slot& s : old) {
    if (s.hash) Put(s.hash, s.event);
  }
}

void MessageIndex::Restore(std::vector<Slot> slots, std::unordered_set<std::string> collided) {
  collided_ = std::move(collided);
  size_ = 0;
  bool power_of_two = (slots.size() & (slots.size() - 1)) == 0;
  if (power_of_two) {
    slots_ = std::move(slots);
    AdviseHugePages(slots_);
    for (const Slot& s : slots_) size_ += s.hash != 0;
    return;
  }
  slots_.clear();  // not a table this code wrote: rebuild it
  for (const Slot& s : slots) {
    if (s.hash) Put(s.hash, s.event);
  }
}

}  // namespace pond
