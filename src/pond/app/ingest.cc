#include "pond/app/ingest.h"

#include <cstdlib>

#include "pond/app/consent.h"
#include "pond/engine/tenant_state.h"
#include "pond/model/event_names.h"
#include "pond/segment/tag_service.h"

namespace pond::app {
namespace {

bool WrittenByPond(const Event& e) {
  const StandardEvent* standard = FindStandardEvent(e.name);
  return e.type == EventType::kTrack && standard && standard->writer != EventWriter::kClient;
}

// Names the event: "batch[i].<field>" for a batch, "<field>" for a single call.
Status AtEvent(size_t i, bool batch, const std::string& field, const std::string& message) {
  return FieldError(batch ? "batch[" + std::to_string(i) + "]." + field : field, message);
}

// The tags of one kind of tag event, each with the event it came from.
struct TagEvents {
  std::vector<std::string> tags;
  std::vector<size_t> events;
};

// CheckManualTags over all of them at once (it reads the tag groups and rules once), its
// "[k]" error moved onto the k-th tag's event.
Status CheckTags(App& app, const std::string& ws, const TagEvents& t, bool adding, bool batch) {
  if (t.tags.empty()) return Status::Ok();
  Status s = CheckManualTags(app.engine(), ws, t.tags, "", adding);
  if (s.ok()) return s;
  const std::string& field = s.field();  // "[k]"
  const size_t k = field.size() > 2 ? std::strtoull(field.c_str() + 1, nullptr, 10) : 0;
  return AtEvent(k < t.events.size() ? t.events[k] : 0, batch, "properties.tag", s.message());
}

}  // namespace

Result<SubmitResult> SubmitClientEvents(App& app, const std::string& ws, std::vector<Event> events,
                                        bool batch) {
  TagEvents added, removed;
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (WrittenByPond(e)) {
      return AtEvent(i, batch, "event",
                     "\"" + e.name +
                         "\" is written by pond itself (journeys, segments, tasks, deliveries); "
                         "a write key cannot send it");
    }
    if (e.type != EventType::kTrack || (e.name != kTagAdded && e.name != kTagRemoved)) continue;
    const std::string tag = TagOfEvent(e);
    if (Status s = ValidateTag(tag); !s.ok()) {
      return AtEvent(i, batch, "properties.tag", s.message());
    }
    TagEvents& kind = e.name == kTagAdded ? added : removed;
    kind.tags.push_back(tag);
    kind.events.push_back(i);
  }
  RETURN_IF_ERROR(CheckTags(app, ws, added, true, batch));
  RETURN_IF_ERROR(CheckTags(app, ws, removed, false, batch));
  // "退订" in a message is an opt-out (consent.h), stored right after the batch: the client's
  // counts stay its own, and a retry of a batch whose opt-outs failed stores them then.
  std::vector<Event> opt_outs = OptOutsOf(events);
  Result<SubmitResult> stored = app.engine().Submit(ws, std::move(events));
  if (stored.ok() && !opt_outs.empty()) {
    RETURN_IF_ERROR(app.engine().Submit(ws, std::move(opt_outs)).status());
  }
  // The engine names events as a batch's; a single call's fields are its own.
  constexpr std::string_view kFirst = "batch[0].";
  if (!batch && !stored.ok() && stored.status().field().starts_with(kFirst)) {
    const Status& s = stored.status();
    return Status(s.code(),
                  s.message().starts_with(kFirst) ? s.message().substr(kFirst.size()) : s.message(),
                  s.field().substr(kFirst.size()));
  }
  return stored;
}

}  // namespace pond::app
