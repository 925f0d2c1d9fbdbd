#include "pond/engine/erasure.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

namespace pond {
namespace {

std::string RandomStandIn() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(kErasedPrefix);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

const IdentityRename* Find(std::span<const IdentityRename> renames, IdentityKind kind,
                           std::string_view value) {
  for (const IdentityRename& r : renames) {
    if (r.from.kind == kind && r.from.value == value) return &r;
  }
  return nullptr;
}

bool Rename(std::span<const IdentityRename> renames, IdentityKind kind, std::string* value) {
  if (value->empty()) return false;
  const IdentityRename* r = Find(renames, kind, *value);
  if (!r) return false;
  *value = r->to;
  return true;
}

void RemovePersonal(nlohmann::ordered_json* object, const PersonalKeyTest& is_personal) {
  for (auto it = object->begin(); it != object->end();) {
    if (is_personal(it.key())) {
      it = object->erase(it);
      continue;
    }
    if (it->is_object()) RemovePersonal(&*it, is_personal);
    ++it;
  }
}

}  // namespace

std::vector<IdentityRename> StandInsFor(const std::vector<Identity>& identities) {
  std::vector<IdentityRename> out;
  for (const Identity& id : identities) {
    if (id.kind == IdentityKind::kCustomerId || id.value.empty()) continue;
    if (id.value.starts_with(kErasedPrefix)) continue;  // erased before
    if (Find(out, id.kind, id.value)) continue;
    out.push_back({id, RandomStandIn()});
  }
  return out;
}

std::string WithoutPersonalKeys(std::string_view json, const PersonalKeyTest& is_personal) {
  // Ordered: the members that stay keep the order they were sent in.
  nlohmann::ordered_json value =
      nlohmann::ordered_json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return "{}";
  RemovePersonal(&value, is_personal);
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

bool EraseFromEvent(Event* e, std::span<const IdentityRename> renames, bool own,
                    const PersonalKeyTest& is_personal) {
  bool changed = Rename(renames, IdentityKind::kUserId, &e->user_id);
  changed |= Rename(renames, IdentityKind::kAnonymousId, &e->anonymous_id);
  for (Identity& id : e->identities) changed |= Rename(renames, id.kind, &id.value);
  if (!own) return changed;
  std::string properties = WithoutPersonalKeys(e->properties, is_personal);
  // context.traits repeats the traits of an identify (Segment's spec): it goes with them.
  std::string context = WithoutPersonalKeys(
      e->context, [&](std::string_view key) { return key == "traits" || is_personal(key); });
  changed |= properties != e->properties || context != e->context || e->traits != "{}";
  e->properties = std::move(properties);
  e->context = std::move(context);
  e->traits = "{}";
  return changed;
}

}  // namespace pond
