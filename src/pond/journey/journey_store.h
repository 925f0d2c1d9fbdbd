// Saved journeys: definitions with versions and a status, kept in the store's objects table.
//
// Saving a journey again creates a new version; earlier versions are kept, because instances
// that started on them finish on them (docs/journeys.md). A new journey starts paused; it runs
// once activated. Only a paused journey can be deleted.
#pragma once

#include <string>
#include <vector>

#include "pond/base/status.h"
#include "pond/engine/engine.h"
#include "pond/journey/journey.h"

namespace pond {

enum class JourneyStatus { kPaused, kActive };
std::string_view JourneyStatusName(JourneyStatus status);

struct JourneyVersion {
  int version = 0;
  std::string definition;  // the JSON as saved (validated)
  Micros saved_at = 0;
};

struct SavedJourney {
  std::string id;
  std::string name;
  JourneyStatus status = JourneyStatus::kPaused;
  std::vector<JourneyVersion> versions;  // oldest first; the last is current
  Micros created_at = 0;
  Micros updated_at = 0;
  Micros activated_at = 0;  // last set active: events received before it enter nothing
  const JourneyVersion& current() const { return versions.back(); }
};

class JourneyStore {
 public:
  explicit JourneyStore(Engine* engine) : engine_(engine) {}

  // Validates and saves a new journey (version 1, paused). AlreadyExists if the id is taken.
  Result<SavedJourney> Create(const std::string& ws, const std::string& definition);
  // Validates and saves a new version of journey `id`; the definition's id must be `id`.
  Result<SavedJourney> Update(const std::string& ws, const std::string& id,
                              const std::string& definition);
  Result<SavedJourney> Get(const std::string& ws, const std::string& id);
  Result<std::vector<SavedJourney>> List(const std::string& ws);
  Result<SavedJourney> SetStatus(const std::string& ws, const std::string& id,
                                 JourneyStatus status);
  // FailedPrecondition while active: pause it first.
  Status Delete(const std::string& ws, const std::string& id);

  static constexpr size_t kMaxJourneys = 500;

 private:
  Status Put(const std::string& ws, const SavedJourney& j);

  Engine* engine_;
};

}  // namespace pond
