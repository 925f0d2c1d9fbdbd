// MessageIndex: messageId dedupe in memory, exact, without a database index.
//
// Why not a UNIQUE index in the store: SDKs send random UUIDs, and a B-tree over random keys
// dirties a different page for almost every insert. Measured here (bench/ingest), raw SQLite
// inserts fell from ~300,000 to ~32,000 rows/s at 1M rows with such an index.
//
// How it stays exact: an open-addressing table (linear probing, power-of-two capacity, at most
// half full) maps a 64-bit hash of the messageId to the in-memory index of the event that
// carried it. A hash hit is confirmed by reading that one event back by seq (a rowid lookup) and
// comparing the ids. When two different ids share a hash — about once in 10^5 tenants of 20M
// events — the later ids are kept verbatim in `collided_`, and checked there first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace pond {

class MessageIndex {
 public:
  static uint64_t Hash(std::string_view message_id);

  // The event index recorded for this hash, or UINT32_MAX.
  uint32_t Find(uint64_t hash) const {
    if (slots_.empty()) return UINT32_MAX;
    hash = hash == 0 ? 1 : hash;
    size_t mask = slots_.size() - 1;
    for (size_t i = Mix(hash) & mask;; i = (i + 1) & mask) {
      if (slots_[i].hash == hash) return slots_[i].event;
      if (slots_[i].hash == 0) return UINT32_MAX;
    }
  }
  bool IsCollided(std::string_view message_id) const {
    return !collided_.empty() && collided_.count(std::string(message_id)) != 0;
  }

  // Records that event `event` carries `message_id`.
  void Insert(std::string_view message_id, uint32_t event) {
    InsertWithHash(Hash(message_id), message_id, event);
  }
  // The same with the hash given (tests use it to force collisions).
  void InsertWithHash(uint64_t hash, std::string_view message_id, uint32_t event) {
    if (!Put(hash, event)) collided_.emplace(message_id);
  }

  size_t size() const { return size_; }
  size_t MemoryBytes() const { return slots_.size() * sizeof(Slot) + collided_.size() * 64; }

  // Snapshot support.
  struct Slot {
    uint64_t hash;
    uint32_t event;
    uint32_t pad;
  };
  const std::vector<Slot>& slots() const { return slots_; }
  const std::unordered_set<std::string>& collided() const { return collided_; }
  void Restore(std::vector<Slot> slots, std::unordered_set<std::string> collided);

 private:
  static uint64_t Mix(uint64_t h) {  // std::hash may be weak in its low bits
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
  }
  // False when the hash was already present (the first event keeps the slot).
  bool Put(uint64_t hash, uint32_t event) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    hash = hash == 0 ? 1 : hash;  // 0 marks an empty slot
    size_t mask = slots_.size() - 1;
    for (size_t i = Mix(hash) & mask;; i = (i + 1) & mask) {
      if (slots_[i].hash == hash) return false;
      if (slots_[i].hash == 0) {
        slots_[i] = {hash, event, 0};
        ++size_;
        return true;
      }
    }
  }
  void Grow();

  std::vector<Slot> slots_;
  size_t size_ = 0;
  std::unordered_set<std::string> collided_;
};

}  // namespace pond
