// Personal data in what the API answers is masked by default (docs/privacy.md, "Masking"):
// 138****8000, 欧**, j***@example.com, oUni…2M. A caller whose role may see it asks for it with
// ?reveal=true, and each such read is audited (app/audit.h).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "pond/model/identity.h"

namespace pond::app {

enum class Disclosure { kMasked, kRevealed };

// "13800138000" -> "138****8000"; shorter numbers keep their last two digits.
std::string MaskPhone(std::string_view phone);
// The first character (a UTF-8 code point) and one '*' for each of the others, at most three.
std::string MaskName(std::string_view name);
// "jane@example.com" -> "j***@example.com".
std::string MaskEmail(std::string_view email);
// Long identifiers and free text: the first four characters, "…", the last two.
std::string MaskText(std::string_view text);

// A trait or property name that holds personal data: phone, mobile, name, nickname, address,
// email, unionid, openid, external_userid, id_card, ip, remark, … (case-insensitive; the list
// is in personal_data.cc).
bool IsPersonalKey(std::string_view key);
// What erasure removes from the customer's own events (docs/privacy.md, "Erasure"): every
// personal key and the free text people write (text, content, message, comment(s), note(s),
// answers).
bool IsErasableKey(std::string_view key);
std::string MaskIdentity(IdentityKind kind, std::string_view value);

// Masks, throughout `value` (objects nested in objects and arrays), every string or number
// under a personal key, by the kind of the key.
void MaskPersonalData(nlohmann::json* value);

}  // namespace pond::app
