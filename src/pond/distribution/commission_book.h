// CommissionBook: the lifecycle of commissions and withdrawals, posted to the Ledger by the
// rules in ledger.h. Every operation is idempotent on its cause: the same order, refund or
// withdrawal step seen again (a replayed event, a retried request) changes nothing.
//
//   paid ──accrue──▶ pending ──release (window ended)──▶ available ──request──▶ withdrawing
//                      │                                    │        ◀─reject──     │
//                   refund: reverse                  refund: claw back         approve ▶ payable
//                                                                                 pay ▶ paid
//
// Refunds are per line: a refund of part of a line's amount reverses (or claws back) the same
// part of that line's commission at every level, cumulatively rounded down, and the refund that
// completes the line takes exactly what is left, so a fully refunded line nets to zero.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "pond/distribution/commission.h"
#include "pond/distribution/ledger.h"

namespace pond {

struct WithdrawalRules {
  int64_t min_fen = 100;  // ¥1
  int64_t max_fen = 5'000'000;
};

class CommissionBook {
 public:
  explicit CommissionBook(Ledger* ledger, WithdrawalRules rules = {})
      : ledger_(ledger), rules_(rules) {}

  // Pending commission for each line and level of `order_id`, released at `release_at` (the
  // after-sale window's end). Accruing an order again changes nothing.
  Status Accrue(const std::string& order_id, const std::vector<LineCommission>& lines,
                Micros release_at, Micros at);
  // Orders with commission still pending whose window ended by `now`, earliest first.
  std::vector<std::string> DueOrders(Micros now);
  // The window of `order_id` ends at `release_at` instead (the order was received); no-op once
  // released or when the order has no commission.
  void MoveRelease(const std::string& order_id, Micros release_at);
  // Releases the pending commission of `order_id` (every line and level). Again: no-op.
  Status ReleaseOrder(const std::string& order_id, Micros at);
  // Releases every order whose window ended by `now`; the number of accruals released.
  Result<int64_t> ReleaseDue(Micros now);
  // `refunded_fen` more of line `line` of `order_id` was refunded (refund `refund_id`).
  Status Refund(const std::string& refund_id, const std::string& order_id, size_t line,
                int64_t refunded_fen, Micros at);

  Status RequestWithdrawal(const std::string& id, const std::string& holder, int64_t fen,
                           Micros at);
  Status ApproveWithdrawal(const std::string& id, int64_t fee_fen, Micros at);
  Status RejectWithdrawal(const std::string& id, Micros at);
  Status MarkPaid(const std::string& id, Micros at);

 private:
  struct Accrual {
    std::string holder;
    int64_t base_fen = 0;
    int64_t fen = 0;
    bool released = false;
    int64_t refunded_base = 0;  // of base_fen, so far
    int64_t taken_back = 0;     // of fen, reversed or clawed back so far
  };
  enum class WithdrawalState { kRequested, kApproved, kRejected, kPaid };
  struct Withdrawal {
    std::string holder;
    int64_t fen = 0;
    int64_t fee_fen = 0;
    WithdrawalState state = WithdrawalState::kRequested;
  };

  struct OrderAccruals {
    std::vector<std::string> keys;  // of accruals_
    Micros release_at = 0;
    bool released = false;
  };
  Status Release(const std::string& key, Accrual& a, Micros at);  // REQUIRES: mu_
  Withdrawal* FindWithdrawal(const std::string& id, Status* error);

  Ledger* ledger_;
  WithdrawalRules rules_;
  std::mutex mu_;
  std::map<std::string, Accrual> accruals_;  // "<order>:<line>:<level>"
  std::map<std::string, OrderAccruals> orders_;
  std::set<std::pair<Micros, std::string>> release_queue_;  // (release_at, unreleased order)
  std::map<std::string, Withdrawal> withdrawals_;
  // "refund:<refund>:<order>:<line>:<level>": a refund under a fen of commission posts nothing,
  // yet must not count twice.
  std::set<std::string> refunds_seen_;
};

}  // namespace pond
