#include "pond/app/personal_data.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <vector>

namespace pond::app {
namespace {

enum class KeyKind { kNone, kPhone, kName, kEmail, kText };

struct PersonalKey {
  std::string_view name;
  KeyKind kind;
};

// Names as brands send them in traits and properties (Segment's reserved traits, WeChat's and
// the shops' field names). Compared case-insensitively.
constexpr std::array<PersonalKey, 30> kPersonalKeys = {{
    {"phone", KeyKind::kPhone},
    {"mobile", KeyKind::kPhone},
    {"tel", KeyKind::kPhone},
    {"telephone", KeyKind::kPhone},
    {"phone_number", KeyKind::kPhone},
    {"receiver_phone", KeyKind::kPhone},
    {"name", KeyKind::kName},
    {"nickname", KeyKind::kName},
    {"nick", KeyKind::kName},
    {"real_name", KeyKind::kName},
    {"full_name", KeyKind::kName},
    {"first_name", KeyKind::kName},
    {"last_name", KeyKind::kName},
    {"firstname", KeyKind::kName},
    {"lastname", KeyKind::kName},
    {"receiver", KeyKind::kName},
    {"receiver_name", KeyKind::kName},
    {"email", KeyKind::kEmail},
    {"address", KeyKind::kText},
    {"street", KeyKind::kText},
    {"unionid", KeyKind::kText},
    {"openid", KeyKind::kText},
    {"external_userid", KeyKind::kText},
    {"id_card", KeyKind::kText},
    {"idcard", KeyKind::kText},
    {"ip", KeyKind::kText},
    {"wechat", KeyKind::kText},
    {"wechat_id", KeyKind::kText},
    {"remark", KeyKind::kText},
    {"taobao_nick", KeyKind::kName},
}};

// The free text people write: a message's text, questionnaire answers, comments. Not masked
// (it is not an identifier), but erased with the rest (IsErasableKey).
constexpr std::array<std::string_view, 8> kFreeTextKeys = {
    "text", "content", "message", "comment", "comments", "note", "notes", "answers",
};

// `key` equals `lower` (lower case) ignoring the case of `key`.
bool EqualsFolded(std::string_view key, std::string_view lower) {
  return key.size() == lower.size() &&
         std::equal(key.begin(), key.end(), lower.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

KeyKind KindOfKey(std::string_view key) {
  for (const PersonalKey& k : kPersonalKeys) {
    if (EqualsFolded(key, k.name)) return k.kind;
  }
  return KeyKind::kNone;
}

size_t SequenceLength(unsigned char lead) {
  if (lead >> 5 == 0x6) return 2;
  if (lead >> 4 == 0xe) return 3;
  if (lead >> 3 == 0x1e) return 4;
  return 1;  // ASCII, or a stray byte counted alone
}

// The code points of `s` as byte ranges (pond's text is valid UTF-8; the ingest edge checks).
std::vector<std::string_view> CodePoints(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    const size_t n = SequenceLength(static_cast<unsigned char>(s[i]));
    out.push_back(s.substr(i, std::min(n, s.size() - i)));
    i += n;
  }
  return out;
}

std::string MaskByKind(KeyKind kind, std::string_view v) {
  switch (kind) {
    case KeyKind::kPhone:
      return MaskPhone(v);
    case KeyKind::kName:
      return MaskName(v);
    case KeyKind::kEmail:
      return MaskEmail(v);
    case KeyKind::kText:
    case KeyKind::kNone:
      return MaskText(v);
  }
  return MaskText(v);
}

void MaskUnder(KeyKind kind, nlohmann::json* v) {
  if (v->is_string()) {
    *v = MaskByKind(kind, v->get_ref<const std::string&>());
  } else if (v->is_number()) {
    *v = MaskByKind(kind, v->dump());
  } else if (v->is_array() || v->is_object()) {
    for (auto& item : *v) MaskUnder(kind, &item);
  }
}

}  // namespace

std::string MaskPhone(std::string_view phone) {
  if (phone.size() >= 11) {
    return std::string(phone.substr(0, 3)) + "****" + std::string(phone.substr(phone.size() - 4));
  }
  if (phone.size() <= 2) return std::string(phone.size(), '*');
  return std::string(phone.size() - 2, '*') + std::string(phone.substr(phone.size() - 2));
}

std::string MaskName(std::string_view name) {
  const std::vector<std::string_view> cps = CodePoints(name);
  if (cps.empty()) return "";
  return std::string(cps[0]) +
         std::string(std::min<size_t>(std::max<size_t>(cps.size() - 1, 1), 3), '*');
}

std::string MaskEmail(std::string_view email) {
  const size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0) return MaskText(email);
  return std::string(CodePoints(email.substr(0, at))[0]) + "***" + std::string(email.substr(at));
}

std::string MaskText(std::string_view text) {
  const std::vector<std::string_view> cps = CodePoints(text);
  if (cps.size() <= 6) return cps.empty() ? "" : std::string(cps[0]) + "***";
  std::string out;
  for (size_t i = 0; i < 4; ++i) out += cps[i];
  out += "…";
  out += cps[cps.size() - 2];
  out += cps[cps.size() - 1];
  return out;
}

bool IsPersonalKey(std::string_view key) { return KindOfKey(key) != KeyKind::kNone; }

bool IsErasableKey(std::string_view key) {
  return IsPersonalKey(key) ||
         std::any_of(kFreeTextKeys.begin(), kFreeTextKeys.end(),
                     [&](std::string_view k) { return EqualsFolded(key, k); });
}

std::string MaskIdentity(IdentityKind kind, std::string_view value) {
  switch (kind) {
    case IdentityKind::kPhone:
      return MaskPhone(value);
    case IdentityKind::kEmail:
      return MaskEmail(value);
    case IdentityKind::kTaobaoNick:
      return MaskName(value);
    case IdentityKind::kUnionId:
    case IdentityKind::kOpenId:
    case IdentityKind::kExternalUserId:
      return MaskText(value);
    case IdentityKind::kUserId:
    case IdentityKind::kAnonymousId:
    case IdentityKind::kCustomerId:
      return std::string(value);  // the brand's and pond's own ids: needed to find a record
  }
  return MaskText(value);
}

void MaskPersonalData(nlohmann::json* value) {
  if (value->is_object()) {
    for (auto it = value->begin(); it != value->end(); ++it) {
      const KeyKind kind = KindOfKey(it.key());
      if (kind != KeyKind::kNone) {
        MaskUnder(kind, &it.value());
      } else {
        MaskPersonalData(&it.value());
      }
    }
  } else if (value->is_array()) {
    for (auto& item : *value) MaskPersonalData(&item);
  }
}

}  // namespace pond::app
