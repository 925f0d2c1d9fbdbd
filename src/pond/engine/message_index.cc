#include "pond/engine/message_index.h"

#include "pond/base/hash.h"

namespace pond {

uint64_t MessageIndex::Hash(std::string_view message_id) { return Fnv1a64(message_id); }

void MessageIndex::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{0, 0, 0});
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
    for (const Slot& s : slots_) size_ += s.hash != 0;
    return;
  }
  slots_.clear();  // not a table this code wrote: rebuild it
  for (const Slot& s : slots) {
    if (s.hash) Put(s.hash, s.event);
  }
}

}  // namespace pond
