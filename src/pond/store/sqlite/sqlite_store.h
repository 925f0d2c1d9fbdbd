// SqliteStore: the default Store, one SQLite file in WAL mode.
//
// Thread safety: one connection writes and another reads, each behind its own mutex, so
// profile reads run beside a commit (WAL lets a reader see the last committed state).
#pragma once

#include <memory>
#include <string>

#include "pond/store/store.h"

namespace pond {

// The schema version this build migrates to; `schema_version` in the file says where it is.
int SqliteSchemaVersion();

}  // namespace pond
