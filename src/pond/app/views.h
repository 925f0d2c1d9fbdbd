// JSON shapes of API resources, shared by the HTTP handlers and `pond … --json`, so that the CLI
// prints exactly what the API returns.
#pragma once

#include <string>

#include "pond/app/personal_data.h"
#include "pond/engine/engine.h"
#include "pond/journey/journey_runtime.h"
#include "pond/segment/score_service.h"
#include "pond/segment/segment_service.h"

namespace pond::app {

// Personal data (traits, identities, event properties) masked unless `d` reveals it
// (app/personal_data.h).
std::string ProfileJsonText(const CustomerProfile& profile, Disclosure d);
std::string CustomerPageJsonText(const CustomerPage& page, Disclosure d);
// Where a customer is now, beside their profile: the lifecycle stage and RFM cell, the journeys
// running for them, and the community groups they are in ({id, name}).
struct CustomerPlaces {
  ScoreService::CustomerLabels labels;
  std::vector<InstanceView> journeys;
  std::vector<std::pair<std::string, std::string>> groups;
};
// With `stage`, `rfm` (null when unscored), `journeys` and `groups`.
std::string ProfileJsonText(const CustomerProfile& profile, const CustomerPlaces& places,
                            Disclosure d);
// Each customer with its stage, rfm cell and tags (`labels` and `tags` in the page's order).
std::string CustomerPageJsonText(const CustomerPage& page,
                                 const std::vector<ScoreService::CustomerLabels>& labels,
                                 const std::vector<std::vector<std::string>>& tags, Disclosure d);
std::string SegmentJsonText(const SegmentInfo& segment);
std::string SegmentListJsonText(const std::vector<SegmentInfo>& segments);
std::string SegmentPreviewJsonText(const SegmentPreview& preview, Disclosure d);
std::string JourneyStatsJsonText(const JourneyStats& stats);

}  // namespace pond::app
