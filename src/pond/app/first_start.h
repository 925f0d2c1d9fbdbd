// A fresh data directory made usable at once: the default workspace gets an admin token and a
// write key the first time pond serves it, shown once (only their hashes are stored).
#pragma once

#include <optional>
#include <string>

#include "pond/app/app.h"

namespace pond::app {

struct FirstKeys {
  std::string admin_token;
  std::string write_key;
};

// The new keys when the default workspace had none; nothing when it already has keys.
Result<std::optional<FirstKeys>> CreateFirstKeys(App& app);

}  // namespace pond::app
