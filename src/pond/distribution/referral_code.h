// Referral codes: short, unguessable, stable. A distributor's link code and a fission inviter's
// poster code are the first 40 bits of HMAC-SHA256(secret, what the code stands for), written as
// 8 characters of Crockford's base 32 (no I, L, O or U to misread). Without the workspace's
// secret, a code cannot be derived from an id, nor an id from a code.
#pragma once

#include <string>
#include <string_view>

#include "pond/engine/engine.h"

namespace pond {

inline constexpr size_t kReferralSecretBytes = 32;

// "" when `secret` is not kReferralSecretBytes long.
std::string ReferralCode(std::string_view secret, std::string_view message);

// The workspace's secret for codes and tokens of `kind` ("distribution", "fission"), drawn at
// random and stored (object kind/"secret") the first time. NotFound for an unknown workspace:
// nothing is stored for one that does not exist.
Result<std::string> LoadOrCreateSecret(Engine& engine, const std::string& ws,
                                       const std::string& kind);

}  // namespace pond
