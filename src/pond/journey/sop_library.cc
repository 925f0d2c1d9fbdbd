#include "pond/journey/sop_library.h"

#include <nlohmann/json.hpp>

#include "pond/journey/journey.h"
#include "pond/journey/journey_store.h"
#include "pond/segment/rule.h"
#include "pond/segment/segment_service.h"

namespace pond {
namespace {

struct DefaultSegment {
  const char* name;
  const char* description;
  const char* rule;
};

// What the library's triggers name (docs/rules.md has the stage and intent definitions).
constexpr DefaultSegment kSopSegments[] = {
    {"dormant", "沉睡客户 / dormant: no interaction in 60 days", "stage == \"dormant\""},
    {"strong-intent", "强意向 / strong intent", "intent == \"strong\""},
    {"birthday-today", "今天生日 / birthday today", "trait.birthday within 0d"},
};

}  // namespace

Result<SopTurnedOn> TurnOnSopLibrary(Engine* engine, SegmentService* segments,
                                     const std::string& ws, bool outbox_only) {
  SopTurnedOn out;
  for (const DefaultSegment& d : kSopSegments) {
    if (segments->Get(ws, d.name).ok()) continue;
    SegmentSpec spec;
    spec.name = d.name;
    spec.description = d.description;
    ASSIGN_OR_RETURN(spec.rule, ParseRule(d.rule));
    RETURN_IF_ERROR(segments->Create(ws, std::move(spec)).status());
    ++out.segments_created;
  }
  JourneyStore store(engine);
  for (const SopFile& file : SopLibrary()) {
    nlohmann::json def = nlohmann::json::parse(file.json, nullptr, false);
    if (!def.is_object() || !def.contains("steps")) {
      return Status(StatusCode::kInternal, std::string("SOP library: bad ") + file.name);
    }
    if (outbox_only) {
      for (auto& step : def["steps"]) {
        if (step.contains("send")) step["send"]["channel"] = "outbox";
      }
    }
    const std::string id = def.value("id", "");
    const std::string text = def.dump();
    Result<SavedJourney> saved =
        store.Get(ws, id).ok() ? store.Update(ws, id, text) : store.Create(ws, text);
    if (!saved.ok()) {
      return Status(saved.status().code(),
                    std::string(file.name) + ": " + saved.status().message());
    }
    RETURN_IF_ERROR(store.SetStatus(ws, id, JourneyStatus::kActive).status());
    ++out.journeys;
  }
  return out;
}

}  // namespace pond
