// Traits: a customer's attributes as a small flat map from key to raw JSON value, merged by
// identify calls the way Segment does (a later value for a key replaces the earlier one).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pond/base/status.h"

namespace pond {

class Traits {
 public:
  // Merges every key of a JSON object text into this map. Keys are kept as written (escaped).
  Status MergeJson(std::string_view object_json);
  // Adds the keys of `other` that this map lacks (used when profiles merge).
  void FillFrom(const Traits& other);
  std::string ToJson() const;
  // The value of a key as raw JSON (strings keep their quotes), or empty.
  std::string_view Get(std::string_view key) const;
  // The unquoted text of a string trait, or empty for missing/non-string values.
  std::string GetString(std::string_view key) const;
  bool empty() const { return entries_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }
  std::vector<std::pair<std::string, std::string>>& mutable_entries() { return entries_; }

 private:
  void Set(std::string_view key, std::string_view raw_value);
  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace pond
