// Journey definitions (JSON) on arbitrary input, in a zone the first byte picks: no crash, and a
// journey that parses has at most kMaxJourneySteps steps.
#include "fuzz_target.h"
#include "pond/journey/journey.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int utc_offset_seconds = (static_cast<int>(data[0] % 27) - 12) * 3600;
  auto journey = pond::ParseJourney(pond::fuzz::View(data + 1, size - 1), utc_offset_seconds);
  if (journey.ok()) {
    pond::fuzz::Require(journey->steps.size() <= pond::kMaxJourneySteps, "a journey's steps");
  }
  return 0;
}
