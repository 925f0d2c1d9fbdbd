// Snapshots: the in-memory state written to one file so that a restart loads it and replays
// only the events committed after it, instead of the whole log.
//
// File: "PONDSNAP" magic, format version, then sealed with `key` (a libsodium secretstream; the
// engine derives the key from the master key, store/sealed_store.h): the store's last seq
// covered and each workspace's columns. Written to a temporary file, fsynced and renamed, so a
// crash leaves either the old snapshot or the new one. A snapshot that is unreadable, of another
// format, or ahead of the store is ignored and the log is replayed in full: the store is the truth,
// the snapshot a cache.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "pond/base/status.h"
#include "pond/engine/tenant_state.h"

namespace pond {

using TenantMap = std::map<std::string, std::unique_ptr<TenantState>>;

Status WriteSnapshot(const std::string& path, int64_t last_seq, const TenantMap& tenants,
                     std::string_view key);

// On success, fills `tenants` and returns the last seq the snapshot covers.
Result<int64_t> ReadSnapshot(const std::string& path, std::string_view key, TenantMap* tenants);

}  // namespace pond
