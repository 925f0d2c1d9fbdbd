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

}  // namespace pond
