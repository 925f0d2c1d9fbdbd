// Ledger: pond's double-entry book of the money it owes distributors (commissions) and fission
// winners (cash rewards). Shared by the distribution and fission issues.
//
// WHY DOUBLE ENTRY. A balance that is a number someone updates can be written back from a stale
// read, raced into an overdraft, or silently kept after a refund — the failures the open-source
// shops' histories are full of. Here nothing is updated: money moves only as a transaction of
// postings whose amounts sum to zero, each transaction has an idempotency key taken from its
// cause, and every balance is the sum of the postings to its account (Verify() recomputes them
// from the journal and compares).
//
// SIGNS. A posting's `fen` is positive for a debit and negative for a credit. Balance() reports
// each account in its normal direction, so the figures read as people expect:
//   - holder accounts (what the platform owes one distributor or winner, by state) are credit
//     accounts: pending, available, withdrawing, paid. Balance = credits − debits.
//   - the holder's clawback receivable (what the holder owes back) is a debit account.
//   - platform accounts (holder ""): commission expense (debit), payable (credit: approved
//     withdrawals not yet paid out), fee income (credit: withdrawal fees kept).
// Every account's normal balance must stay ≥ 0: Post refuses a transaction that would take one
// below (so a withdrawal can never overdraw `available`, whatever the concurrency).
//
// POSTING RULES (Dr = debit, Cr = credit; c = a commission, w = a withdrawal, f = its fee):
//   accrue     order paid, per line and level   Dr expense c        Cr pending c
//   reverse    refund inside the window         Dr pending c        Cr expense c
//   release    the after-sale window ended      Dr pending c        Cr clawback min(c, owed)
//                                                                   Cr available (the rest)
//   claw back  refund after release             Dr available min(c, available)
//                                               Dr clawback (the rest)  Cr expense c
//   request    withdrawal requested             Dr available w      Cr withdrawing w
//   reject     withdrawal rejected              Dr withdrawing w    Cr available w
//   approve    withdrawal approved              Dr withdrawing w    Cr payable w−f, fee f
//   pay        payout confirmed                 Dr payable w−f      Cr paid w−f
// So `available` never goes negative: what a refund after release cannot take from it becomes a
// clawback receivable, and later releases repay that first. The whole book always sums to zero.
//
// IDEMPOTENCY. The key names the cause ("accrue:<order>:<line>:<level>", "wd:<id>:approve"):
// posting a key again is a no-op that reports the first transaction; the same key with different
// postings is refused (AlreadyExists). Events replayed after a restart or retried by a client
// therefore leave the book identical.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/status.h"

namespace pond {

enum class AccountKind : uint8_t {
  kPending,      // holder, credit
  kAvailable,    // holder, credit
  kWithdrawing,  // holder, credit
  kPaid,         // holder, credit: paid out so far
  kClawback,     // holder, debit: owed back after a refund of released commission
  kExpense,      // platform, debit: commission and reward expense
  kPayable,      // platform, credit
  kFeeIncome,    // platform, credit
};
const char* AccountKindName(AccountKind kind);
bool IsDebitNormal(AccountKind kind);

struct AccountId {
  std::string holder;  // a distributor or winner id; "" for the platform's accounts
  AccountKind kind = AccountKind::kPending;
  auto operator<=>(const AccountId&) const = default;
};
AccountId Platform(AccountKind kind);

struct LedgerPosting {
  AccountId account;
  int64_t fen = 0;  // debit > 0, credit < 0
  bool operator==(const LedgerPosting&) const = default;
};

struct LedgerTransaction {
  std::string key;    // idempotency key from the cause
  std::string cause;  // what it was: "accrue", "release", "withdrawal_request"…
  Micros at = 0;
  std::vector<LedgerPosting> postings;
};

class Ledger {
 public:
  // Posts `t` if its postings balance, name valid accounts and leave every balance in range.
  // True when posted now; false when the key was posted before with the same postings.
  // InvalidArgument (unbalanced, empty, zero postings, a platform kind on a holder…),
  // FailedPrecondition (a balance would go below zero), AlreadyExists (the key with other
  // postings). Nothing changes on an error.
  Result<bool> Post(LedgerTransaction t);

  // Runs `plan` with the current balances and posts what it returns, atomically: rules whose
  // amounts depend on balances (release, claw back) cannot race. A key already posted returns
  // false without calling `plan`.
  using Planner = std::function<Result<LedgerTransaction>(const Ledger& locked)>;
  Result<bool> PostPlanned(const std::string& key, const Planner& plan);

  // Normal-direction balance (see SIGNS). A Planner may call it (the lock is recursive).
  int64_t Balance(const AccountId& account) const;
  size_t transactions() const;
  // Every account with a posting, with its balance, in account order.
  std::vector<std::pair<AccountId, int64_t>> Balances() const;
  std::vector<LedgerTransaction> Journal(const std::string& holder) const;

  // Counts over the whole journal, for the reconciliation report.
  struct Summary {
    int64_t transactions = 0;
    int64_t postings = 0;
    int64_t sum_fen = 0;     // of every posting: 0 when the book balances
    int64_t unbalanced = 0;  // transactions whose postings do not sum to 0
  };
  Summary Summarize() const;

  // Reconciliation: every transaction balances, the journal's sum is zero, every balance
  // recomputed from scratch equals the derived one and is in range. The first breach, if any.
  Status Verify() const;

 private:
  Status Check(const LedgerTransaction& t) const;  // REQUIRES: mu_
  void Apply(LedgerTransaction t);                 // REQUIRES: mu_
  Result<bool> PostLocked(LedgerTransaction t);    // REQUIRES: mu_

  mutable std::recursive_mutex mu_;  // recursive: a Planner reads balances under it
  std::vector<LedgerTransaction> journal_;
  std::unordered_map<std::string, size_t> by_key_;  // key -> journal index
  std::map<AccountId, int64_t> raw_;                // sum of posted fen (debit-positive)
};

}  // namespace pond
