#include "pond/model/event.h"

#include <array>

namespace pond {
namespace {
constexpr std::array<std::pair<EventType, std::string_view>, 6> kTypes = {{
    {EventType::kIdentify, "identify"},
    {EventType::kTrack, "track"},
    {EventType::kPage, "page"},
    {EventType::kScreen, "screen"},
    {EventType::kGroup, "group"},
    {EventType::kAlias, "alias"},
}};
}  // namespace

std::string_view EventTypeName(EventType type) {
  for (const auto& [t, name] : kTypes) {
    if (t == type) return name;
  }
  return "unknown";
}

std::optional<EventType> EventTypeFromName(std::string_view name) {
  for (const auto& [t, n] : kTypes) {
    if (n == name) return t;
  }
  return std::nullopt;
}

Event ServiceEvent(std::string name, std::string message_id, const std::string& customer_id,
                   Micros at, std::string properties) {
  Event e;
  e.message_id = std::move(message_id);
  e.type = EventType::kTrack;
  e.name = std::move(name);
  e.timestamp = at;
  e.identities.push_back({IdentityKind::kCustomerId, customer_id});
  e.properties = std::move(properties);
  return e;
}

}  // namespace pond
