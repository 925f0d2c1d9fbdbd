// JSON shapes of API resources, shared by the HTTP handlers and `pond … --json`, so that the CLI
// prints exactly what the API returns.
#pragma once

#include <string>

#include "pond/engine/engine.h"
#include "pond/journey/journey_runtime.h"
#include "pond/segment/segment_service.h"

namespace pond::server {

std::string ProfileJsonText(const CustomerProfile& profile);
std::string CustomerPageJsonText(const CustomerPage& page);
std::string SegmentJsonText(const SegmentInfo& segment);
std::string SegmentListJsonText(const std::vector<SegmentInfo>& segments);
std::string SegmentPreviewJsonText(const SegmentPreview& preview);
std::string JourneyStatsJsonText(const JourneyStats& stats);

}  // namespace pond::server
