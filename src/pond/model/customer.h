// Customer: one person, however many identities and channels they came through.
#pragma once

#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/model/identity.h"

namespace pond {

struct Customer {
  std::string id;  // "cus_…", stable
  Micros created_at = 0;
  std::string merged_into;  // non-empty once merged into another customer
  // Traits are not stored per customer: identify events in the log carry them and the engine
  // merges them in memory (engine/traits.h).
};

// A record that two customers were found to be one person.
struct Merge {
  std::string from_customer;  // the profile that was folded in
  std::string into_customer;  // the profile that remains
  int64_t event_seq = 0;      // the event that named both
  Micros merged_at = 0;
  Identity reason;  // the identity that joined them
};

}  // namespace pond
