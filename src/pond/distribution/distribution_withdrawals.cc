// DistributionService's withdrawals (checked against `available`, one decision at a time) and
// the distributor portal's tokens and codes (docs/distribution.md, "Withdrawals", "The portal").
#include <sodium.h>

#include <algorithm>

#include "pond/distribution/distribution_events.h"
#include "pond/distribution/distribution_workspace.h"
#include "pond/distribution/referral_code.h"
#include "pond/engine/tenant_state.h"

namespace pond {
namespace {

constexpr char kPortalPrefix[] = "pdt.";

std::string Hex(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return Hex(buf.data(), buf.size());
}

bool IsRequestId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// The customer a withdrawal's events are about: the distributor's, or the customer whose own
// account (fission cash rewards) it draws on.
std::string HolderCustomer(const std::string& holder) {
  return holder.starts_with("cus_") ? holder : CustomerIdFor(holder);
}

Status NotADistributor(const std::string& id) {
  return Status::NotFound("distributor \"" + id + "\" not found");
}

}  // namespace

// --- withdrawals ----------------------------------------------------------------------------

Result<WithdrawalView> DistributionService::WithdrawalAfter(const std::string& ws,
                                                            const std::string& id) {
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  auto it = w.withdrawals.find(id);
  if (it == w.withdrawals.end()) return Status::NotFound("withdrawal \"" + id + "\" not found");
  if (it->second.state == "refused") return Status::FailedPrecondition(it->second.reason);
  return it->second;
}

Result<WithdrawalView> DistributionService::RequestWithdrawal(const std::string& ws,
                                                              const std::string& distributor,
                                                              int64_t amount_fen,
                                                              const std::string& request_id) {
  if (!request_id.empty() && !IsRequestId(request_id)) {
    return FieldError("request_id", "1 to 64 letters, digits, '_' or '-'");
  }
  // Per holder: one holder's request ids say nothing about another's. A customer's own account
  // (cash rewards of fission campaigns) is not a distributor's: "wdr_c<number>_…".
  const bool customer_account = distributor.starts_with("cus_");
  const std::string id = std::string(customer_account ? "wdr_c" : "wdr_") +
                         distributor.substr(std::min<size_t>(4, distributor.size())) + "_" +
                         (request_id.empty() ? RandomHex(8) : request_id);
  std::lock_guard decision(withdrawal_mu_);
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    if (auto it = w.withdrawals.find(id); it != w.withdrawals.end()) {
      if (it->second.distributor != distributor || it->second.amount_fen != amount_fen) {
        return Status::AlreadyExists("request_id: withdrawal " + id + " exists with other details");
      }
      return it->second;  // a retry
    }
    const Distributor* d = w.registry.Find(distributor);
    if (!d && !customer_account) return NotADistributor(distributor);
    if (d && d->state != DistributorState::kActive) {
      return Status::FailedPrecondition(distributor + " is " + DistributorStateName(d->state) +
                                        " and cannot withdraw");
    }
    const WithdrawalRules& rules = w.settings.withdrawals;
    if (amount_fen < rules.min_fen || amount_fen > rules.max_fen) {
      return FieldError("amount_fen", "must be between " + std::to_string(rules.min_fen) + " and " +
                                          std::to_string(rules.max_fen) + " fen");
    }
    const int64_t available = w.ledger->Balance({distributor, AccountKind::kAvailable});
    if (available < amount_fen) {
      return Status::FailedPrecondition("amount_fen: " + std::to_string(amount_fen) +
                                        " fen is more than the " + std::to_string(available) +
                                        " fen available");
    }
  }
  RETURN_IF_ERROR(SubmitOne(
      ws, DistributionEvent(
              kWithdrawalRequested, "dst:wd:" + id + ":request", HolderCustomer(distributor),
              engine_->clock().NowMicros(),
              {{"withdrawal", id}, {"distributor", distributor}, {"amount_fen", amount_fen}})));
  return WithdrawalAfter(ws, id);
}

Result<WithdrawalView> DistributionService::ChangeWithdrawal(const std::string& ws,
                                                             const std::string& id,
                                                             const WithdrawalCheck& check,
                                                             const WithdrawalEvent& make) {
  std::lock_guard decision(withdrawal_mu_);
  Event e;
  {
    std::lock_guard lock(mu_);
    const Workspace& w = WorkspaceFor(ws);
    auto it = w.withdrawals.find(id);
    if (it == w.withdrawals.end()) return Status::NotFound("withdrawal \"" + id + "\" not found");
    ASSIGN_OR_RETURN(bool done, check(w, it->second));
    if (done) return it->second;
    e = make(it->second, engine_->clock().NowMicros());
  }
  RETURN_IF_ERROR(SubmitOne(ws, std::move(e)));
  return WithdrawalAfter(ws, id);
}

namespace {

Status NotWaiting(const WithdrawalView& v, const char* wanted) {
  return Status::FailedPrecondition(v.id + " is " + v.state + ", not " + wanted);
}

}  // namespace

Result<WithdrawalView> DistributionService::ApproveWithdrawal(const std::string& ws,
                                                              const std::string& id,
                                                              int64_t fee_fen,
                                                              const std::string& by) {
  return ChangeWithdrawal(
      ws, id,
      [&](const Workspace& w, const WithdrawalView& v) -> Result<bool> {
        if (fee_fen < 0) {  // the settings' fee, rounded down
          fee_fen = static_cast<int64_t>(static_cast<__int128>(v.amount_fen) *
                                         w.settings.withdrawal_fee_bp / 10'000);
        }
        if (v.state == "approved" || v.state == "paid") {
          if (v.fee_fen == fee_fen) return true;
          return Status::AlreadyExists(id + " was approved with a fee of " +
                                       std::to_string(v.fee_fen) + " fen");
        }
        if (v.state != "requested") return NotWaiting(v, "waiting for review");
        if (fee_fen >= v.amount_fen) return FieldError("fee_fen", "must be less than the amount");
        return false;
      },
      [&](const WithdrawalView& v, Micros now) {
        return DistributionEvent(kWithdrawalApproved, "dst:wd:" + id + ":approve",
                                 HolderCustomer(v.distributor), now,
                                 {{"withdrawal", id}, {"fee_fen", fee_fen}, {"by", by}});
      });
}

Result<WithdrawalView> DistributionService::RejectWithdrawal(const std::string& ws,
                                                             const std::string& id,
                                                             const std::string& reason) {
  return ChangeWithdrawal(
      ws, id,
      [&](const Workspace&, const WithdrawalView& v) -> Result<bool> {
        if (v.state == "rejected") return true;
        if (v.state != "requested") return NotWaiting(v, "waiting for review");
        return false;
      },
      [&](const WithdrawalView& v, Micros now) {
        return DistributionEvent(kWithdrawalRejected, "dst:wd:" + id + ":reject",
                                 HolderCustomer(v.distributor), now,
                                 {{"withdrawal", id}, {"reason", reason}});
      });
}

Result<WithdrawalView> DistributionService::MarkPaid(const std::string& ws, const std::string& id,
                                                     const std::string& reference,
                                                     const std::string& via) {
  return ChangeWithdrawal(
      ws, id,
      [&](const Workspace&, const WithdrawalView& v) -> Result<bool> {
        if (v.state == "paid") return true;  // a payout webhook retried
        if (v.state != "approved") return NotWaiting(v, "approved");
        return false;
      },
      [&](const WithdrawalView& v, Micros now) {
        return DistributionEvent(kWithdrawalPaid, "dst:wd:" + id + ":paid",
                                 HolderCustomer(v.distributor), now,
                                 {{"withdrawal", id},
                                  {"reference", reference},
                                  {"via", via.empty() ? "operator" : via}});
      });
}

Result<std::vector<WithdrawalView>> DistributionService::Withdrawals(const std::string& ws,
                                                                     const std::string& distributor,
                                                                     const std::string& state) {
  std::lock_guard lock(mu_);
  std::vector<WithdrawalView> out;
  for (const auto& [id, w] : WorkspaceFor(ws).withdrawals) {
    if (!distributor.empty() && w.distributor != distributor) continue;
    if (!state.empty() && w.state != state) continue;
    out.push_back(w);
  }
  std::sort(out.begin(), out.end(), [](const WithdrawalView& a, const WithdrawalView& b) {
    return a.requested_at != b.requested_at ? a.requested_at > b.requested_at : a.id < b.id;
  });
  return out;
}

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
