#include "pond/distribution/commission_book.h"

#include <algorithm>

namespace pond {
namespace {

AccountId Of(const std::string& holder, AccountKind kind) { return AccountId{holder, kind}; }

// Drops zero postings (a rule's "the rest" part may be nothing).
LedgerTransaction Transaction(std::string key, const char* cause, Micros at,
                              std::vector<LedgerPosting> postings) {
  std::erase_if(postings, [](const LedgerPosting& p) { return p.fen == 0; });
  return LedgerTransaction{std::move(key), cause, at, std::move(postings)};
}

Status Posted(const Result<bool>& r) { return r.ok() ? Status::Ok() : r.status(); }

}  // namespace

Status CommissionBook::Accrue(const std::string& order_id, const std::vector<LineCommission>& lines,
                              Micros release_at, Micros at) {
  std::lock_guard lock(mu_);
  for (const LineCommission& c : lines) {
    if (c.fen <= 0 || c.earner.empty()) return FieldError("lines", "a commission needs an earner");
    const std::string key = order_id + ":" + std::to_string(c.line) + ":" + std::to_string(c.level);
    if (accruals_.count(key)) continue;
    RETURN_IF_ERROR(
        Posted(ledger_->Post(Transaction("accrue:" + key, "accrue", at,
                                         {{Platform(AccountKind::kExpense), c.fen},
                                          {Of(c.earner, AccountKind::kPending), -c.fen}}))));
    accruals_.emplace(key, Accrual{c.earner, c.base_fen, c.fen});
    OrderAccruals& o = orders_[order_id];
    if (o.keys.empty()) {
      o.release_at = release_at;
      release_queue_.emplace(release_at, order_id);
    }
    o.keys.push_back(key);
  }
  return Status::Ok();
}

Status CommissionBook::Release(const std::string& key, Accrual& a, Micros at) {
  const int64_t amount = a.fen - a.taken_back;
  if (amount > 0) {
    RETURN_IF_ERROR(Posted(
        ledger_->PostPlanned("release:" + key, [&](const Ledger& l) -> Result<LedgerTransaction> {
          // What the holder owes from earlier claw-backs is repaid first.
          const int64_t repay = std::min(amount, l.Balance(Of(a.holder, AccountKind::kClawback)));
          return Transaction("release:" + key, "release", at,
                             {{Of(a.holder, AccountKind::kPending), amount},
                              {Of(a.holder, AccountKind::kClawback), -repay},
                              {Of(a.holder, AccountKind::kAvailable), -(amount - repay)}});
        })));
  }
  a.released = true;
  return Status::Ok();
}

std::vector<std::string> CommissionBook::DueOrders(Micros now) {
  std::lock_guard lock(mu_);
  std::vector<std::string> due;
  for (auto it = release_queue_.begin(); it != release_queue_.end() && it->first <= now; ++it) {
    due.push_back(it->second);
  }
  return due;
}

void CommissionBook::MoveRelease(const std::string& order_id, Micros release_at) {
  std::lock_guard lock(mu_);
  auto it = orders_.find(order_id);
  if (it == orders_.end() || it->second.released) return;
  release_queue_.erase({it->second.release_at, order_id});
  it->second.release_at = release_at;
  release_queue_.emplace(release_at, order_id);
}

Status CommissionBook::ReleaseOrder(const std::string& order_id, Micros at) {
  std::lock_guard lock(mu_);
  auto it = orders_.find(order_id);
  if (it == orders_.end()) return Status::NotFound("no commission on order \"" + order_id + "\"");
  OrderAccruals& o = it->second;
  if (o.released) return Status::Ok();
  for (const std::string& key : o.keys) {
    Accrual& a = accruals_.at(key);
    if (!a.released) RETURN_IF_ERROR(Release(key, a, at));
  }
  o.released = true;
  release_queue_.erase({o.release_at, order_id});
  return Status::Ok();
}

Result<int64_t> CommissionBook::ReleaseDue(Micros now) {
  int64_t released = 0;
  for (const std::string& order_id : DueOrders(now)) {
    RETURN_IF_ERROR(ReleaseOrder(order_id, now));
    std::lock_guard lock(mu_);
    released += static_cast<int64_t>(orders_.at(order_id).keys.size());
  }
  return released;
}

Status CommissionBook::Refund(const std::string& refund_id, const std::string& order_id,
                              size_t line, int64_t refunded_fen, Micros at) {
  if (refund_id.empty()) return FieldError("refund_id", "is required");
  if (refunded_fen <= 0) return FieldError("amount_fen", "must be positive");
  std::lock_guard lock(mu_);
  for (int level = 1; level <= kMaxCommissionLevels; ++level) {
    const std::string key = order_id + ":" + std::to_string(line) + ":" + std::to_string(level);
    auto it = accruals_.find(key);
    if (it == accruals_.end()) continue;  // no commission on this line at this level
    Accrual& a = it->second;
    const std::string tx_key = "refund:" + refund_id + ":" + key;
    if (!refunds_seen_.insert(tx_key).second) continue;  // this refund was counted already
    // Cumulative: after this refund, fen × refunded/base of the commission is taken back.
    const int64_t refunded = std::min(a.base_fen, a.refunded_base + refunded_fen);
    const int64_t due_back =
        refunded == a.base_fen
            ? a.fen
            : static_cast<int64_t>(static_cast<__int128>(a.fen) * refunded / a.base_fen);
    const int64_t take = due_back - a.taken_back;
    Result<bool> posted = false;
    if (take <= 0) {
      posted = true;  // this part of the refund is under a fen of commission
    } else if (!a.released) {
      posted = ledger_->Post(Transaction(
          tx_key, "reverse", at,
          {{Of(a.holder, AccountKind::kPending), take}, {Platform(AccountKind::kExpense), -take}}));
    } else {
      posted = ledger_->PostPlanned(tx_key, [&](const Ledger& l) -> Result<LedgerTransaction> {
        // Never below zero: what `available` cannot give becomes a receivable.
        const int64_t from_available =
            std::min(take, l.Balance(Of(a.holder, AccountKind::kAvailable)));
        return Transaction(tx_key, "claw_back", at,
                           {{Of(a.holder, AccountKind::kAvailable), from_available},
                            {Of(a.holder, AccountKind::kClawback), take - from_available},
                            {Platform(AccountKind::kExpense), -take}});
      });
    }
    if (!posted.ok()) {
      refunds_seen_.erase(tx_key);  // not counted: a retry may post it
      return posted.status();
    }
    a.refunded_base = refunded;
    a.taken_back = std::max(a.taken_back, due_back);
  }
  return Status::Ok();
}

Status CommissionBook::RequestWithdrawal(const std::string& id, const std::string& holder,
                                         int64_t fen, Micros at) {
  if (id.empty()) return FieldError("id", "is required");
  if (holder.empty()) return FieldError("holder", "is required");
  if (fen < rules_.min_fen || fen > rules_.max_fen) {
    return FieldError("amount_fen", "must be between " + std::to_string(rules_.min_fen) + " and " +
                                        std::to_string(rules_.max_fen) + " fen");
  }
  std::lock_guard lock(mu_);
  if (auto it = withdrawals_.find(id); it != withdrawals_.end()) {
    if (it->second.holder == holder && it->second.fen == fen) return Status::Ok();  // a retry
    return Status::AlreadyExists("withdrawal \"" + id + "\" exists with other details");
  }
  RETURN_IF_ERROR(
      Posted(ledger_->Post(Transaction("wd:" + id + ":request", "withdrawal_request", at,
                                       {{Of(holder, AccountKind::kAvailable), fen},
                                        {Of(holder, AccountKind::kWithdrawing), -fen}}))));
  withdrawals_.emplace(id, Withdrawal{holder, fen});
  return Status::Ok();
}

CommissionBook::Withdrawal* CommissionBook::FindWithdrawal(const std::string& id, Status* error) {
  auto it = withdrawals_.find(id);
  if (it == withdrawals_.end()) {
    *error = Status::NotFound("withdrawal \"" + id + "\" not found");
    return nullptr;
  }
  return &it->second;
}

Status CommissionBook::ApproveWithdrawal(const std::string& id, int64_t fee_fen, Micros at) {
  std::lock_guard lock(mu_);
  Status error;
  Withdrawal* w = FindWithdrawal(id, &error);
  if (!w) return error;
  if (w->state == WithdrawalState::kApproved || w->state == WithdrawalState::kPaid) {
    return w->fee_fen == fee_fen ? Status::Ok()
                                 : Status::AlreadyExists("approved with another fee");
  }
  if (w->state != WithdrawalState::kRequested) {
    return Status::FailedPrecondition("withdrawal \"" + id + "\" was rejected");
  }
  if (fee_fen < 0 || fee_fen >= w->fen) return FieldError("fee_fen", "must be in [0, amount)");
  RETURN_IF_ERROR(
      Posted(ledger_->Post(Transaction("wd:" + id + ":approve", "withdrawal_approve", at,
                                       {{Of(w->holder, AccountKind::kWithdrawing), w->fen},
                                        {Platform(AccountKind::kPayable), -(w->fen - fee_fen)},
                                        {Platform(AccountKind::kFeeIncome), -fee_fen}}))));
  w->state = WithdrawalState::kApproved;
  w->fee_fen = fee_fen;
  return Status::Ok();
}

Status CommissionBook::RejectWithdrawal(const std::string& id, Micros at) {
  std::lock_guard lock(mu_);
  Status error;
  Withdrawal* w = FindWithdrawal(id, &error);
  if (!w) return error;
  if (w->state == WithdrawalState::kRejected) return Status::Ok();
  if (w->state != WithdrawalState::kRequested) {
    return Status::FailedPrecondition("withdrawal \"" + id + "\" was already approved");
  }
  RETURN_IF_ERROR(
      Posted(ledger_->Post(Transaction("wd:" + id + ":reject", "withdrawal_reject", at,
                                       {{Of(w->holder, AccountKind::kWithdrawing), w->fen},
                                        {Of(w->holder, AccountKind::kAvailable), -w->fen}}))));
  w->state = WithdrawalState::kRejected;
  return Status::Ok();
}

Status CommissionBook::MarkPaid(const std::string& id, Micros at) {
  std::lock_guard lock(mu_);
  Status error;
  Withdrawal* w = FindWithdrawal(id, &error);
  if (!w) return error;
  if (w->state == WithdrawalState::kPaid) return Status::Ok();
  if (w->state != WithdrawalState::kApproved) {
    return Status::FailedPrecondition("withdrawal \"" + id + "\" is not approved");
  }
  const int64_t net = w->fen - w->fee_fen;
  RETURN_IF_ERROR(Posted(ledger_->Post(Transaction(
      "wd:" + id + ":pay", "withdrawal_paid", at,
      {{Platform(AccountKind::kPayable), net}, {Of(w->holder, AccountKind::kPaid), -net}}))));
  w->state = WithdrawalState::kPaid;
  return Status::Ok();
}

}  // namespace pond
