// DistributionService's distributor portal: its tokens and the distributors' link codes
// (docs/distribution.md, "The portal").
#include <sodium.h>

#include "pond/distribution/distribution_workspace.h"
#include "pond/distribution/referral_code.h"

namespace pond {
namespace {

constexpr char kPortalPrefix[] = "pdt.";

std::string Hex(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

Status NotADistributor(const std::string& id) {
  return Status::NotFound("distributor \"" + id + "\" not found");
}

}  // namespace

// --- the portal -----------------------------------------------------------------------------

Result<std::string> DistributionService::PortalToken(const std::string& ws, const std::string& id) {
  ASSIGN_OR_RETURN(std::string secret, Secret(ws));
  {
    std::lock_guard lock(mu_);
    if (!WorkspaceFor(ws).registry.Find(id)) return NotADistributor(id);
  }
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  const std::string message = "portal:" + ws + ":" + id;
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(message.data()),
                         message.size(), reinterpret_cast<const unsigned char*>(secret.data()));
  return kPortalPrefix + ws + "." + id + "." + Hex(mac, 16);
}

Result<std::pair<std::string, std::string>> DistributionService::AuthenticatePortal(
    const std::string& token) {
  if (!token.starts_with(kPortalPrefix)) return Status::Unauthenticated("not a portal token");
  const size_t a = token.find('.', 4);
  const size_t b = a == std::string::npos ? a : token.find('.', a + 1);
  if (b == std::string::npos) return Status::Unauthenticated("malformed portal token");
  const std::string ws = token.substr(4, a - 4), id = token.substr(a + 1, b - a - 1);
  Result<std::string> expected = PortalToken(ws, id);
  if (!expected.ok() || expected->size() != token.size() ||
      sodium_memcmp(expected->data(), token.data(), token.size()) != 0) {
    return Status::Unauthenticated("invalid portal token");
  }
  std::lock_guard lock(mu_);
  const Distributor* d = WorkspaceFor(ws).registry.Find(id);
  if (!d || (d->state != DistributorState::kActive && d->state != DistributorState::kFrozen)) {
    return Status::PermissionDenied(id + " is not a distributor any more");
  }
  return std::make_pair(ws, id);
}

Result<std::string> DistributionService::CodeOf(const std::string& ws, const std::string& id) {
  RETURN_IF_ERROR(Secret(ws).status());
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  if (!w.registry.Find(id)) return NotADistributor(id);
  return w.CodeFor(id);
}

}  // namespace pond
