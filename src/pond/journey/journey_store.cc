#include "pond/journey/journey_store.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace pond {
namespace {

constexpr char kKind[] = "journey";

std::string ToBody(const SavedJourney& j) {
  nlohmann::json versions = nlohmann::json::array();
  for (const JourneyVersion& v : j.versions) {
    versions.push_back(
        {{"version", v.version}, {"definition", v.definition}, {"saved_at", v.saved_at}});
  }
  return nlohmann::json{{"id", j.id},
                        {"name", j.name},
                        {"status", JourneyStatusName(j.status)},
                        {"created_at", j.created_at},
                        {"updated_at", j.updated_at},
                        {"activated_at", j.activated_at},
                        {"versions", versions}}
      .dump();
}

Result<SavedJourney> FromBody(const std::string& body) {
  nlohmann::json b = nlohmann::json::parse(body, nullptr, false);
  if (!b.is_object() || !b.contains("versions") || !b["versions"].is_array() ||
      b["versions"].empty()) {
    return Status::Internal("stored journey is not what pond wrote");
  }
  SavedJourney j;
  j.id = b.value("id", "");
  j.name = b.value("name", "");
  j.status = b.value("status", "") == "active" ? JourneyStatus::kActive : JourneyStatus::kPaused;
  j.created_at = b.value("created_at", int64_t{0});
  j.updated_at = b.value("updated_at", int64_t{0});
  j.activated_at = b.value("activated_at", int64_t{0});
  for (const auto& v : b["versions"]) {
    j.versions.push_back(
        {v.value("version", 0), v.value("definition", ""), v.value("saved_at", int64_t{0})});
  }
  return j;
}

}  // namespace

std::string_view JourneyStatusName(JourneyStatus status) {
  return status == JourneyStatus::kActive ? "active" : "paused";
}

Status JourneyStore::Put(const std::string& ws, const SavedJourney& j) {
  return engine_->PutObject(ws, {kKind, j.id, ToBody(j), j.updated_at});
}

Result<SavedJourney> JourneyStore::Create(const std::string& ws, const std::string& definition) {
  ASSIGN_OR_RETURN(const int zone, engine_->UtcOffsetOf(ws));
  ASSIGN_OR_RETURN(JourneyDef def, ParseJourney(definition, zone));
  RETURN_IF_ERROR(engine_->ReadState(ws, [](const TenantState&) {}));  // the workspace exists
  ASSIGN_OR_RETURN(std::vector<StoredObject> all, engine_->ListObjects(ws, kKind));
  for (const StoredObject& o : all) {
    if (o.id == def.id) return Status::AlreadyExists("id: a journey \"" + def.id + "\" exists");
  }
  if (all.size() >= kMaxJourneys) {
    return Status::ResourceExhausted("at most " + std::to_string(kMaxJourneys) +
                                     " journeys per workspace");
  }
  const Micros now = engine_->clock().NowMicros();
  SavedJourney j{def.id, def.name, JourneyStatus::kPaused, {{1, definition, now}}, now, now};
  RETURN_IF_ERROR(Put(ws, j));
  return j;
}

Result<SavedJourney> JourneyStore::Update(const std::string& ws, const std::string& id,
                                          const std::string& definition) {
  ASSIGN_OR_RETURN(const int zone, engine_->UtcOffsetOf(ws));
  ASSIGN_OR_RETURN(JourneyDef def, ParseJourney(definition, zone));
  if (def.id != id) {
    return FieldError("id", "the definition's id \"" + def.id + "\" is not \"" + id + "\"");
  }
  ASSIGN_OR_RETURN(SavedJourney j, Get(ws, id));
  const Micros now = engine_->clock().NowMicros();
  j.versions.push_back({j.current().version + 1, definition, now});
  j.name = def.name;
  j.updated_at = now;
  RETURN_IF_ERROR(Put(ws, j));
  return j;
}

Result<SavedJourney> JourneyStore::Get(const std::string& ws, const std::string& id) {
  RETURN_IF_ERROR(engine_->ReadState(ws, [](const TenantState&) {}));  // the workspace exists
  ASSIGN_OR_RETURN(std::vector<StoredObject> all, engine_->ListObjects(ws, kKind));
  for (const StoredObject& o : all) {
    if (o.id == id) return FromBody(o.body);
  }
  return Status::NotFound("journey \"" + id + "\" not found");
}

Result<std::vector<SavedJourney>> JourneyStore::List(const std::string& ws) {
  RETURN_IF_ERROR(engine_->ReadState(ws, [](const TenantState&) {}));  // the workspace exists
  ASSIGN_OR_RETURN(std::vector<StoredObject> all, engine_->ListObjects(ws, kKind));
  std::vector<SavedJourney> out;
  for (const StoredObject& o : all) {
    ASSIGN_OR_RETURN(SavedJourney j, FromBody(o.body));
    out.push_back(std::move(j));
  }
  std::sort(out.begin(), out.end(),
            [](const SavedJourney& a, const SavedJourney& b) { return a.id < b.id; });
  return out;
}

Result<SavedJourney> JourneyStore::SetStatus(const std::string& ws, const std::string& id,
                                             JourneyStatus status) {
  ASSIGN_OR_RETURN(SavedJourney j, Get(ws, id));
  if (j.status == status) return j;
  j.status = status;
  j.updated_at = engine_->clock().NowMicros();
  if (status == JourneyStatus::kActive) j.activated_at = j.updated_at;
  RETURN_IF_ERROR(Put(ws, j));
  return j;
}

Status JourneyStore::Delete(const std::string& ws, const std::string& id) {
  ASSIGN_OR_RETURN(SavedJourney j, Get(ws, id));
  if (j.status == JourneyStatus::kActive) {
    return Status::FailedPrecondition("journey \"" + id + "\" is active; pause it first");
  }
  return engine_->DeleteObject(ws, kKind, id).status();
}

}  // namespace pond
