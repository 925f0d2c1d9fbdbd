#include "pond/model/identity.h"

#include <array>
#include <cctype>

namespace pond {
namespace {

constexpr std::array<std::pair<IdentityKind, std::string_view>, 9> kNames = {{
    {IdentityKind::kUserId, "user_id"},
    {IdentityKind::kAnonymousId, "anonymous_id"},
    {IdentityKind::kPhone, "phone"},
    {IdentityKind::kEmail, "email"},
    {IdentityKind::kUnionId, "unionid"},
    {IdentityKind::kOpenId, "openid"},
    {IdentityKind::kExternalUserId, "external_userid"},
    {IdentityKind::kTaobaoNick, "taobao_nick"},
    {IdentityKind::kCustomerId, "customer_id"},
}};

constexpr size_t kMaxIdentityBytes = 256;

}  // namespace

std::string_view IdentityKindName(IdentityKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<IdentityKind> IdentityKindFromName(std::string_view name) {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::optional<std::string> NormalizeIdentity(IdentityKind kind, std::string_view raw) {
  if (raw.empty() || raw.size() > kMaxIdentityBytes) return std::nullopt;
  for (unsigned char c : raw) {
    if (c < 0x20 || c == 0x7f) return std::nullopt;  // no control characters in keys
  }
  switch (kind) {
    case IdentityKind::kPhone: {
      std::string digits;
      for (char c : raw) {
        if (c >= '0' && c <= '9') {
          digits += c;
        } else if (c != ' ' && c != '-' && c != '+' && c != '(' && c != ')') {
          return std::nullopt;
        }
      }
      if (digits.size() == 13 && digits.starts_with("86")) digits.erase(0, 2);
      if (digits.size() < 5 || digits.size() > 15) return std::nullopt;
      return digits;
    }
    case IdentityKind::kEmail: {
      if (raw.find('@') == std::string_view::npos) return std::nullopt;
      std::string lower(raw);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return lower;
    }
    default:
      return std::string(raw);
  }
}

}  // namespace pond
