// HashSet64: an open-addressing set of 64-bit hashes (linear probing, power-of-two capacity,
// at most half full). The messageId filter holds one entry per event ever stored — tens of
// millions — so it avoids std::unordered_set's node per entry.
#pragma once

#include <cstdint>
#include <vector>

namespace pond {

class HashSet64 {
 public:
  // Returns true when `h` was not present.
  bool Insert(uint64_t h) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    h = h == 0 ? 1 : h;  // 0 marks an empty slot
    size_t mask = slots_.size() - 1;
    for (size_t i = Mix(h) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == h) return false;
      if (slots_[i] == 0) {
        slots_[i] = h;
        ++size_;
        return true;
      }
    }
  }
  bool Contains(uint64_t h) const {
    if (slots_.empty()) return false;
    h = h == 0 ? 1 : h;
    size_t mask = slots_.size() - 1;
    for (size_t i = Mix(h) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == h) return true;
      if (slots_[i] == 0) return false;
    }
  }
  size_t size() const { return size_; }
  size_t capacity() const { return slots_.size(); }
  // Raw slots, for snapshots: Restore(Slots()) rebuilds the same set.
  const std::vector<uint64_t>& slots() const { return slots_; }
  void Restore(std::vector<uint64_t> slots) {
    slots_ = std::move(slots);
    size_ = 0;
    for (uint64_t s : slots_) size_ += s != 0;
    if (!slots_.empty() && (slots_.size() & (slots_.size() - 1)) != 0) {
      std::vector<uint64_t> old = std::move(slots_);  // not a power of two: not ours, rebuild
      slots_.clear();
      size_ = 0;
      for (uint64_t s : old) {
        if (s) Insert(s);
      }
    }
  }

 private:
  static uint64_t Mix(uint64_t h) {  // the hashes may be weak in their low bits
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
  }
  void Grow() {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    size_ = 0;
    for (uint64_t s : old) {
      if (s) Insert(s);
    }
  }
  std::vector<uint64_t> slots_;
  size_t size_ = 0;
};

}  // namespace pond
