// How many events named `name` a customer's timeline holds (its latest 10,000): what tests of
// the services that write events count. Header-only: the tests that use it link the engine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pond/engine/engine.h"

namespace pond::testing {

inline int64_t CountInTimeline(Engine& engine, const std::string& customer_key,
                               std::string_view name) {
  auto p = engine.GetCustomer(kDefaultWorkspace, customer_key, 10'000);
  if (!p.ok()) return -1;
  int64_t n = 0;
  for (const Event& e : p->timeline) n += e.name == name;
  return n;
}

}  // namespace pond::testing
