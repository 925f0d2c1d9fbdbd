// What a write key may store: the use-case behind the tracking API's endpoints (/v1/track,
// /v1/batch, …). A client writes client events only; pond's own (journeys, segments, tasks,
// deliveries: EventWriter::kPond in the registry) come from pond, and the money and programme
// events (kPondOnly) are refused already by the parser. A client's tag_added and tag_removed go
// through the admin API's rules: a valid tag, a value its tag group lists, not a tag a rule
// sets automatically.
#pragma once

#include <string>
#include <vector>

#include "pond/app/app.h"

namespace pond::app {

// Checks `events` as above and submits them. `batch`: name a refused event "batch[i].…"
// (the /v1/batch form); otherwise by its own field. Nothing is stored when one is refused.
Result<SubmitResult> SubmitClientEvents(App& app, const std::string& ws, std::vector<Event> events,
                                        bool batch);

}  // namespace pond::app
