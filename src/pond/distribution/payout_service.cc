// PayoutService: the money side of distribution — withdrawals (checked against `available`, one
// decision at a time), commissions, the journal, balances, reconciliation and the programme's
// totals (docs/distribution.md, "Withdrawals", "Reconciliation").
#include "pond/distribution/payout_service.h"

#include <sodium.h>

#include <algorithm>
#include <map>

#include "pond/distribution/distribution_events.h"
#include "pond/distribution/distribution_workspace.h"
#include "pond/engine/tenant_state.h"

namespace pond {
namespace {

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

// Per distributor, the commission book against the ledger: what is pending, and what was ever
// credited (pending + available + withdrawing + paid − clawback, plus what withdrawals moved to
// the platform's payable and fee accounts). "ok" or the first disagreement.
std::string BookAgreesWithLedger(const DistributionService::Workspace& w) {
  struct Figures {
    int64_t pending = 0, total = 0;
  };
  std::map<std::string, Figures> book;
  for (const auto& [order_id, o] : w.orders) {
    for (size_t i = 0; i < o.lines.size(); ++i) {
      const int64_t net = o.lines[i].fen - o.taken_back[i];
      Figures& f = book[o.lines[i].earner];
      f.total += net;
      if (!o.released) f.pending += net;
    }
  }
  // What left the holder's accounts for the platform's: an approved withdrawal's whole amount
  // (payable and fee), and once paid only its fee (the rest is in the holder's `paid`).
  std::map<std::string, int64_t> moved_out;
  for (const auto& [id, wd] : w.withdrawals) {
    if (wd.state == "approved") moved_out[wd.distributor] += wd.amount_fen;
    if (wd.state == "paid") moved_out[wd.distributor] += wd.fee_fen;
  }
  for (const auto& [holder, d] : w.registry.all()) book.try_emplace(holder);
  for (const auto& [holder, f] : book) {
    const Ledger& l = *w.ledger;
    const int64_t pending = l.Balance({holder, AccountKind::kPending});
    if (pending != f.pending) {
      return holder + ": the book holds " + std::to_string(f.pending) +
             " fen pending, the ledger " + std::to_string(pending);
    }
    const int64_t credited = pending + l.Balance({holder, AccountKind::kAvailable}) +
                             l.Balance({holder, AccountKind::kWithdrawing}) +
                             l.Balance({holder, AccountKind::kPaid}) -
                             l.Balance({holder, AccountKind::kClawback}) + moved_out[holder];
    if (credited != f.total) {
      return holder + ": the book says " + std::to_string(f.total) +
             " fen earned net of refunds, the ledger credited " + std::to_string(credited);
    }
  }
  return "ok";
}

}  // namespace

PayoutService::PayoutService(DistributionService* programme) : programme_(programme) {}

// --- withdrawals ----------------------------------------------------------------------------

Result<WithdrawalView> PayoutService::WithdrawalAfter(const std::string& ws,
                                                      const std::string& id) {
  std::lock_guard lock(programme_->mu_);
  DistributionService::Workspace& w = programme_->WorkspaceFor(ws);
  auto it = w.withdrawals.find(id);
  if (it == w.withdrawals.end()) return Status::NotFound("withdrawal \"" + id + "\" not found");
  if (it->second.state == "refused") return Status::FailedPrecondition(it->second.reason);
  return it->second;
}

Result<WithdrawalView> PayoutService::RequestWithdrawal(const std::string& ws,
                                                        const std::string& distributor,
                                                        int64_t amount_fen,
                                                        const std::string& request_id) {
  // Required: without it a retried request (a timeout, a double tap) would be a second
  // withdrawal.
  if (!IsRequestId(request_id)) {
    return FieldError("request_id",
                      "required: 1 to 64 letters, digits, '_' or '-' (the same id again is the "
                      "same withdrawal)");
  }
  // Per holder: one holder's request ids say nothing about another's. A customer's own account
  // (cash rewards of fission campaigns) is not a distributor's: "wdr_c<number>_…".
  const bool customer_account = distributor.starts_with("cus_");
  const std::string id = std::string(customer_account ? "wdr_c" : "wdr_") +
                         distributor.substr(std::min<size_t>(4, distributor.size())) + "_" +
                         request_id;
  std::lock_guard decision(decision_mu_);
  {
    std::lock_guard lock(programme_->mu_);
    DistributionService::Workspace& w = programme_->WorkspaceFor(ws);
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
  RETURN_IF_ERROR(programme_->SubmitOne(
      ws, DistributionEvent(
              kWithdrawalRequested, "dst:wd:" + id + ":request", HolderCustomer(distributor),
              programme_->engine_->clock().NowMicros(),
              {{"withdrawal", id}, {"distributor", distributor}, {"amount_fen", amount_fen}})));
  return WithdrawalAfter(ws, id);
}

Result<WithdrawalView> PayoutService::ChangeWithdrawal(const std::string& ws, const std::string& id,
                                                       const WithdrawalCheck& check,
                                                       const WithdrawalEvent& make) {
  std::lock_guard decision(decision_mu_);
  Event e;
  {
    std::lock_guard lock(programme_->mu_);
    const DistributionService::Workspace& w = programme_->WorkspaceFor(ws);
    auto it = w.withdrawals.find(id);
    if (it == w.withdrawals.end()) return Status::NotFound("withdrawal \"" + id + "\" not found");
    ASSIGN_OR_RETURN(bool done, check(w, it->second));
    if (done) return it->second;
    e = make(it->second, programme_->engine_->clock().NowMicros());
  }
  RETURN_IF_ERROR(programme_->SubmitOne(ws, std::move(e)));
  return WithdrawalAfter(ws, id);
}

namespace {

Status NotWaiting(const WithdrawalView& v, const char* wanted) {
  return Status::FailedPrecondition(v.id + " is " + v.state + ", not " + wanted);
}

}  // namespace

Result<WithdrawalView> PayoutService::ApproveWithdrawal(const std::string& ws,
                                                        const std::string& id, int64_t fee_fen,
                                                        const std::string& by) {
  return ChangeWithdrawal(
      ws, id,
      [&](const DistributionService::Workspace& w, const WithdrawalView& v) -> Result<bool> {
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

Result<WithdrawalView> PayoutService::RejectWithdrawal(const std::string& ws, const std::string& id,
                                                       const std::string& reason) {
  return ChangeWithdrawal(
      ws, id,
      [&](const DistributionService::Workspace&, const WithdrawalView& v) -> Result<bool> {
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

Result<WithdrawalView> PayoutService::MarkPaid(const std::string& ws, const std::string& id,
                                               const std::string& reference,
                                               const std::string& via) {
  return ChangeWithdrawal(
      ws, id,
      [&](const DistributionService::Workspace&, const WithdrawalView& v) -> Result<bool> {
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

Result<std::vector<WithdrawalView>> PayoutService::Withdrawals(const std::string& ws,
                                                               const std::string& distributor,
                                                               const std::string& state) {
  std::lock_guard lock(programme_->mu_);
  std::vector<WithdrawalView> out;
  for (const auto& [id, w] : programme_->WorkspaceFor(ws).withdrawals) {
    if (!distributor.empty() && w.distributor != distributor) continue;
    if (!state.empty() && w.state != state) continue;
    out.push_back(w);
  }
  std::sort(out.begin(), out.end(), [](const WithdrawalView& a, const WithdrawalView& b) {
    return a.requested_at != b.requested_at ? a.requested_at > b.requested_at : a.id < b.id;
  });
  return out;
}

// --- reads ---------------------------------------------------------------------------------

Result<std::vector<CommissionView>> PayoutService::Commissions(const std::string& ws,
                                                               const std::string& distributor) {
  std::lock_guard lock(programme_->mu_);
  DistributionService::Workspace& w = programme_->WorkspaceFor(ws);
  if (!distributor.empty() && !w.registry.Find(distributor)) {
    return Status::NotFound("distributor \"" + distributor + "\" not found");
  }
  std::vector<CommissionView> out;
  for (const auto& [order_id, o] : w.orders) {
    for (size_t i = 0; i < o.lines.size(); ++i) {
      const LineCommission& c = o.lines[i];
      if (!distributor.empty() && c.earner != distributor) continue;
      out.push_back({order_id, o.client, c.line, c.level, c.base_fen, c.fen, o.taken_back[i],
                     o.released ? "released" : "pending", o.accrued_at, o.release_at});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const CommissionView& a, const CommissionView& b) {
    return a.accrued_at > b.accrued_at;
  });
  return out;
}

Result<std::vector<LedgerTransaction>> PayoutService::Journal(const std::string& ws,
                                                              const std::string& distributor) {
  std::lock_guard lock(programme_->mu_);
  DistributionService::Workspace& w = programme_->WorkspaceFor(ws);
  // A customer's own account (fission cash rewards) is not a distributor's.
  if (!w.registry.Find(distributor) && !distributor.starts_with("cus_")) {
    return Status::NotFound("distributor \"" + distributor + "\" not found");
  }
  return w.ledger->Journal(distributor);
}

Result<DistributorBalances> PayoutService::Balances(const std::string& ws,
                                                    const std::string& account) {
  std::lock_guard lock(programme_->mu_);
  DistributionService::Workspace& w = programme_->WorkspaceFor(ws);
  if (!w.registry.Find(account) && !account.starts_with("cus_")) {
    return Status::NotFound("distributor \"" + account + "\" not found");
  }
  return w.BalancesOf(account);
}

Result<Reconciliation> PayoutService::Reconcile(const std::string& ws) {
  std::lock_guard lock(programme_->mu_);
  DistributionService::Workspace& w = programme_->WorkspaceFor(ws);
  const Ledger::Summary s = w.ledger->Summarize();
  Reconciliation r;
  r.transactions = s.transactions;
  r.postings = s.postings;
  r.sum_fen = s.sum_fen;
  r.unbalanced_transactions = s.unbalanced;
  std::map<std::string, int64_t> totals;
  for (const auto& [account, balance] : w.ledger->Balances()) {
    totals[AccountKindName(account.kind)] += balance;
  }
  r.totals.assign(totals.begin(), totals.end());
  Status verified = w.ledger->Verify();
  r.verify = verified.ok() ? "ok" : verified.message();
  r.book = BookAgreesWithLedger(w);
  return r;
}

Result<DistributionTotals> PayoutService::Totals(const std::string& ws) {
  std::lock_guard lock(programme_->mu_);
  DistributionService::Workspace& w = programme_->WorkspaceFor(ws);
  DistributionTotals t;
  for (const auto& [id, d] : w.registry.all()) {
    ++t.distributors;
    if (d.state == DistributorState::kActive) ++t.active;
    if (d.state == DistributorState::kApplied) ++t.applied;
    if (d.state == DistributorState::kFrozen) ++t.frozen;
  }
  t.clients = static_cast<int64_t>(w.registry.bindings().size());
  for (const auto& [order_id, o] : w.orders) {
    ++t.orders;
    t.gmv_fen += o.gmv_fen();
    for (size_t i = 0; i < o.lines.size(); ++i)
      t.commission_fen += o.lines[i].fen - o.taken_back[i];
  }
  t.commission_cost_bp = t.gmv_fen > 0 ? t.commission_fen * 10'000 / t.gmv_fen : 0;
  for (const auto& [id, wd] : w.withdrawals) {
    if (wd.state == "paid") t.withdrawn_fen += wd.amount_fen - wd.fee_fen;
  }
  return t;
}

}  // namespace pond
