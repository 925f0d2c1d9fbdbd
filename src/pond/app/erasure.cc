#include "pond/app/erasure.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "pond/app/personal_data.h"

namespace pond::app {
namespace {

constexpr std::array<std::string_view, 8> kFreeTextKeys = {
    "text", "content", "message", "comment", "comments", "note", "notes", "answers",
};

bool EqualsFolded(std::string_view key, std::string_view lower) {
  return key.size() == lower.size() &&
         std::equal(key.begin(), key.end(), lower.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

}  // namespace

bool IsErasableKey(std::string_view key) {
  if (IsPersonalKey(key)) return true;
  return std::any_of(kFreeTextKeys.begin(), kFreeTextKeys.end(),
                     [&](std::string_view k) { return EqualsFolded(key, k); });
}

Result<nlohmann::json> EraseCustomer(App& app, const std::string& ws, const std::string& id) {
  if (!id.starts_with("cus_") || id.size() > 64) {
    return FieldError("id", "a customer id (cus_…): erasure names the customer by pond's id");
  }
  ASSIGN_OR_RETURN(ErasureResult r, app.engine().EraseCustomer(ws, id, IsErasableKey));
  return nlohmann::json({{"customer", r.customer_id},
                         {"erased", true},
                         {"identities", r.identities},
                         {"events_rewritten", r.events_rewritten}});
}

}  // namespace pond::app
