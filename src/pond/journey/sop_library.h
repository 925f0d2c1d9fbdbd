// The default SOP library (docs/sop/*.json), built into the binary.
#pragma once

#include <span>

namespace pond {

struct SopFile {
  const char* name;  // "welcome.json"
  const char* json;
};

std::span<const SopFile> SopLibrary();

}  // namespace pond

#include <string>

#include "pond/base/status.h"

namespace pond {

class Engine;
class SegmentService;

struct SopTurnedOn {
  int journeys = 0;          // saved and activated
  int segments_created = 0;  // the segments the triggers name, made when missing
};

// Saves the SOP library into workspace `ws` and activates it. The segments its triggers name
// (`dormant`, `strong-intent`, `birthday-today`) are created when missing. With `outbox_only`
// every send goes to the outbox: the demo world and dry runs send nothing real. Journeys already
// saved get a new version. Call JourneyRuntime::Reload afterwards if one runs.
Result<SopTurnedOn> TurnOnSopLibrary(Engine* engine, SegmentService* segments,
                                     const std::string& ws, bool outbox_only);

}  // namespace pond
