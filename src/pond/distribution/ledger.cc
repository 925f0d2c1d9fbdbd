#include "pond/distribution/ledger.h"

#include <limits>

namespace pond {
namespace {

bool IsHolderKind(AccountKind kind) { return kind <= AccountKind::kClawback; }

// |fen| above this is refused: ¥10^13, far beyond any commission, and no sum of a transaction's
// postings can overflow int64.
constexpr int64_t kMaxPostingFen = int64_t{1} << 50;
constexpr size_t kMaxPostings = 64;

int64_t Normal(AccountKind kind, int64_t raw) { return IsDebitNormal(kind) ? raw : -raw; }

std::string Name(const AccountId& a) {
  return (a.holder.empty() ? std::string("platform") : a.holder) + ":" + AccountKindName(a.kind);
}

}  // namespace

const char* AccountKindName(AccountKind kind) {
  switch (kind) {
    case AccountKind::kPending:
      return "pending";
    case AccountKind::kAvailable:
      return "available";
    case AccountKind::kWithdrawing:
      return "withdrawing";
    case AccountKind::kPaid:
      return "paid";
    case AccountKind::kClawback:
      return "clawback_receivable";
    case AccountKind::kExpense:
      return "commission_expense";
    case AccountKind::kPayable:
      return "payable";
    case AccountKind::kFeeIncome:
      return "fee_income";
  }
  return "?";
}

bool IsDebitNormal(AccountKind kind) {
  return kind == AccountKind::kClawback || kind == AccountKind::kExpense;
}

AccountId Platform(AccountKind kind) { return AccountId{"", kind}; }

Status Ledger::Check(const LedgerTransaction& t) const {
  if (t.key.empty()) return FieldError("key", "is required");
  if (t.postings.empty()) return FieldError("postings", "at least one posting is required");
  if (t.postings.size() > kMaxPostings) {
    return FieldError("postings", "more than " + std::to_string(kMaxPostings));
  }
  int64_t sum = 0;
  std::map<AccountId, int64_t> delta;
  for (size_t i = 0; i < t.postings.size(); ++i) {
    const LedgerPosting& p = t.postings[i];
    const std::string field = "postings[" + std::to_string(i) + "]";
    if (p.fen == 0) return FieldError(field + ".fen", "must not be zero");
    if (p.fen > kMaxPostingFen || p.fen < -kMaxPostingFen) {
      return FieldError(field + ".fen", "more than 2^50 fen");
    }
    if (IsHolderKind(p.account.kind) == p.account.holder.empty()) {
      return FieldError(
          field + ".account",
          std::string(AccountKindName(p.account.kind)) +
              (p.account.holder.empty() ? " is a holder's account: a holder is required"
                                        : " is a platform account: no holder"));
    }
    sum += p.fen;
    delta[p.account] += p.fen;
  }
  if (sum != 0) {
    return FieldError("postings", "debits and credits differ by " + std::to_string(sum) + " fen");
  }
  for (const auto& [account, d] : delta) {
    auto it = raw_.find(account);
    const int64_t after = Normal(account.kind, (it == raw_.end() ? 0 : it->second) + d);
    if (after < 0) {
      return Status::FailedPrecondition(Name(account) + " would fall to " + std::to_string(after) +
                                        " fen; it may not go below 0");
    }
  }
  return Status::Ok();
}

void Ledger::Apply(LedgerTransaction t) {
  for (const LedgerPosting& p : t.postings) raw_[p.account] += p.fen;
  by_key_.emplace(t.key, journal_.size());
  journal_.push_back(std::move(t));
}

Result<bool> Ledger::PostLocked(LedgerTransaction t) {
  if (auto it = by_key_.find(t.key); it != by_key_.end()) {
    if (journal_[it->second].postings == t.postings) return false;
    return Status::AlreadyExists("ledger transaction \"" + t.key +
                                 "\" was posted with other amounts");
  }
  RETURN_IF_ERROR(Check(t));
  Apply(std::move(t));
  return true;
}

Result<bool> Ledger::Post(LedgerTransaction t) {
  std::lock_guard lock(mu_);
  return PostLocked(std::move(t));
}

Result<bool> Ledger::PostPlanned(const std::string& key, const Planner& plan) {
  std::lock_guard lock(mu_);
  if (by_key_.count(key)) return false;
  ASSIGN_OR_RETURN(LedgerTransaction t, plan(*this));
  if (t.key != key) return FieldError("key", "the planned transaction has another key");
  return PostLocked(std::move(t));
}

int64_t Ledger::Balance(const AccountId& account) const {
  std::lock_guard lock(mu_);
  auto it = raw_.find(account);
  return it == raw_.end() ? 0 : Normal(account.kind, it->second);
}

size_t Ledger::transactions() const {
  std::lock_guard lock(mu_);
  return journal_.size();
}

std::vector<std::pair<AccountId, int64_t>> Ledger::Balances() const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<AccountId, int64_t>> out;
  out.reserve(raw_.size());
  for (const auto& [account, raw] : raw_) out.emplace_back(account, Normal(account.kind, raw));
  return out;
}

std::vector<LedgerTransaction> Ledger::Journal(const std::string& holder) const {
  std::lock_guard lock(mu_);
  std::vector<LedgerTransaction> out;
  for (const LedgerTransaction& t : journal_) {
    for (const LedgerPosting& p : t.postings) {
      if (p.account.holder == holder) {
        out.push_back(t);
        break;
      }
    }
  }
  return out;
}

Ledger::Summary Ledger::Summarize() const {
  std::lock_guard lock(mu_);
  Summary s;
  for (const LedgerTransaction& t : journal_) {
    int64_t sum = 0;
    for (const LedgerPosting& p : t.postings) sum += p.fen;
    ++s.transactions;
    s.postings += static_cast<int64_t>(t.postings.size());
    s.sum_fen += sum;
    if (sum != 0) ++s.unbalanced;
  }
  return s;
}

Status Ledger::Verify() const {
  std::lock_guard lock(mu_);
  std::map<AccountId, int64_t> recomputed;
  int64_t total = 0;
  for (const LedgerTransaction& t : journal_) {
    int64_t sum = 0;
    for (const LedgerPosting& p : t.postings) {
      sum += p.fen;
      recomputed[p.account] += p.fen;
    }
    if (sum != 0) {
      return Status::Internal("ledger: transaction \"" + t.key + "\" is off by " +
                              std::to_string(sum) + " fen");
    }
    total += sum;
  }
  if (total != 0) return Status::Internal("ledger: the journal sums to " + std::to_string(total));
  if (recomputed != raw_)
    return Status::Internal("ledger: derived balances differ from the journal");
  for (const auto& [account, raw] : raw_) {
    if (Normal(account.kind, raw) < 0) {
      return Status::Internal("ledger: " + Name(account) + " is below zero");
    }
  }
  return Status::Ok();
}

}  // namespace pond
