#include "pond/store/store.h"

namespace pond {

std::string EncodeIdentities(const std::vector<Identity>& identities) {
  std::string out;
  for (const auto& id : identities) {
    if (!out.empty()) out += '\x1f';
    out += IdentityKindName(id.kind);
    out += ':';
    out += id.value;
  }
  return out;
}

std::vector<Identity> DecodeIdentities(std::string_view encoded) {
  std::vector<Identity> out;
  while (!encoded.empty()) {
    size_t end = encoded.find('\x1f');
    std::string_view item = encoded.substr(0, end);
    size_t colon = item.find(':');
    if (colon != std::string_view::npos) {
      if (auto kind = IdentityKindFromName(item.substr(0, colon))) {
        out.push_back({*kind, std::string(item.substr(colon + 1))});
      }
    }
    if (end == std::string_view::npos) break;
    encoded.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace pond
