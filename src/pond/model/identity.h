// Identities: the keys by which pond recognises one customer across channels.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pond {

enum class IdentityKind : uint8_t {
  kUserId = 1,      // the brand's own user id (Segment userId)
  kAnonymousId,     // a device or browser id (Segment anonymousId)
  kPhone,           // mobile number, normalised to digits without +86
  kEmail,           // lower-cased
  kUnionId,         // WeChat unionid (same person across the brand's apps)
  kOpenId,          // WeChat openid (per official account / mini program)
  kExternalUserId,  // WeCom external_userid
  kTaobaoNick,      // Taobao member name, as package-card buyers give it
  // pond's own id ("cus_00000042"): events pond makes about a known customer (tags, stages)
  // name it directly. Resolves to that customer (or the one it was merged into); never indexed.
  kCustomerId,
};

// "user_id", "anonymous_id", "phone", "email", "unionid", "openid", "external_userid",
// "taobao_nick": the names used in JSON traits/properties and in the API.
std::string_view IdentityKindName(IdentityKind kind);
std::optional<IdentityKind> IdentityKindFromName(std::string_view name);

struct Identity {
  IdentityKind kind = IdentityKind::kUserId;
  std::string value;
  friend bool operator==(const Identity&, const Identity&) = default;
};

// Brings a raw value to its canonical form ("+86 138-0013-8000" -> "13800138000",
// "A@B.com" -> "a@b.com"); returns nullopt for a value that cannot be that kind of identity.
std::optional<std::string> NormalizeIdentity(IdentityKind kind, std::string_view raw);

}  // namespace pond
