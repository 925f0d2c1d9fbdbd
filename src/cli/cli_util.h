// What the `pond` subcommands share: error output, opening the data directory, input files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "pond/base/status.h"
#include "pond/engine/engine.h"

namespace pond::cli {

struct Common;

// Prints "pond: <message>" to stderr; returns the exit code 1.
int Fail(const Status& s);

Result<std::unique_ptr<Engine>> OpenEngine(const Common& common, bool load_state = true,
                                           Durability durability = Durability::kProcessCrash,
                                           int64_t snapshot_every = 0, Clock* clock = nullptr);

// 1234567 → "1,234,567".
std::string WithCommas(int64_t n);

// A whole file, or standard input for "-"; refuses more than `max_bytes`.
Result<std::string> ReadInput(const std::string& file, size_t max_bytes);

}  // namespace pond::cli
