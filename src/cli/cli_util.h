// What the `pond` subcommands share: error output, opening the data directory, input files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "pond/app/app.h"
#include "pond/base/status.h"
#include "pond/engine/engine.h"

namespace pond::cli {

struct Common;

// Prints "pond: <message>" to stderr; returns the exit code 1.
int Fail(const Status& s);

// The data directory's engine options: `pond serve` and every command open the same way.
EngineOptions EngineOptionsFor(const Common& common, bool load_state = true,
                               Durability durability = Durability::kProcessCrash,
                               int64_t snapshot_every = 0, Clock* clock = nullptr);

Result<std::unique_ptr<Engine>> OpenEngine(const Common& common, bool load_state = true,
                                           Durability durability = Durability::kProcessCrash,
                                           int64_t snapshot_every = 0, Clock* clock = nullptr);

// The data directory's application with `parts` (and what they need) started; the clock, when
// given, is the engine's (`run --at`).
Result<std::unique_ptr<app::App>> OpenApp(const Common& common, app::Parts parts,
                                          Clock* clock = nullptr);

// The workspace's zone (seconds east of UTC) for local times on the command line and in
// tables; read without loading the events. A data directory not made yet: the zone a new
// workspace gets.
Result<int> WorkspaceZone(const Common& common);

// 1234567 → "1,234,567".
std::string WithCommas(int64_t n);

// A whole file, or standard input for "-"; refuses more than `max_bytes`.
Result<std::string> ReadInput(const std::string& file, size_t max_bytes);

}  // namespace pond::cli
