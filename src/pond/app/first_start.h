// A fresh data directory made usable at once: the default workspace gets an admin token, a
// write key and an owner's login the first time pond serves it, shown once (only their hashes
// are stored).
#pragma once

#include <optional>
#include <string>

#include "pond/app/app.h"

namespace pond::app {

struct FirstKeys {
  std::string admin_token;
  std::string write_key;
  std::string owner_login;  // the workspace's first user, role owner
  std::string owner_password;
};

inline constexpr char kFirstOwnerLogin[] = "owner@pond.local";

// The new keys when the default workspace had none; nothing when it already has keys.
Result<std::optional<FirstKeys>> CreateFirstKeys(App& app);

}  // namespace pond::app
