// PayoutService: the money side of distribution — withdrawals, commissions, the ledger's journal
// and balances, reconciliation and the programme's totals. DistributionService runs the
// programme (distributors, binding, settings, the decisions that follow orders); this service
// reads and moves what that programme's ledger holds, over the same per-workspace book and lock.
//
// A withdrawal is checked against `available` when it is requested and posted by the ledger,
// which refuses an overdraft whatever the race, so a request that lost a race is recorded as
// refused, never as money. Each step (request, approve, reject, paid) is one event with a
// messageId derived from the withdrawal's id, so a retried step is a duplicate the engine drops.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "pond/distribution/distribution_service.h"

namespace pond {

class PayoutService {
 public:
  explicit PayoutService(DistributionService* programme);  // not owned

  // `request_id` (required) makes a retry the same withdrawal; the withdrawal's id is
  // "wdr_<distributor number>_<request_id>". A customer id ("cus_…") instead of a distributor's
  // withdraws from that customer's own account, where fission cash rewards are posted
  // ("wdr_c<number>_<request_id>"); it need not be a distributor.
  Result<WithdrawalView> RequestWithdrawal(const std::string& ws, const std::string& distributor,
                                           int64_t amount_fen, const std::string& request_id);
  // `fee_fen` < 0: the settings' fee.
  Result<WithdrawalView> ApproveWithdrawal(const std::string& ws, const std::string& id,
                                           int64_t fee_fen, const std::string& by);
  Result<WithdrawalView> RejectWithdrawal(const std::string& ws, const std::string& id,
                                          const std::string& reason);
  Result<WithdrawalView> MarkPaid(const std::string& ws, const std::string& id,
                                  const std::string& reference, const std::string& via);
  // "" = every distributor's; state "" = all.
  Result<std::vector<WithdrawalView>> Withdrawals(const std::string& ws,
                                                  const std::string& distributor,
                                                  const std::string& state);

  Result<std::vector<CommissionView>> Commissions(const std::string& ws,
                                                  const std::string& distributor);
  // A distributor's postings, or a customer's own (cus_…: fission cash rewards).
  Result<std::vector<LedgerTransaction>> Journal(const std::string& ws,
                                                 const std::string& distributor);
  // The same account's balances, from the ledger.
  Result<DistributorBalances> Balances(const std::string& ws, const std::string& account);
  Result<Reconciliation> Reconcile(const std::string& ws);
  Result<DistributionTotals> Totals(const std::string& ws);

 private:
  // A withdrawal's review or payout, one decision at a time: `check` answers, under the lock,
  // whether it is done already (true), to be made (false) or refused (an error).
  using WithdrawalCheck =
      std::function<Result<bool>(const DistributionService::Workspace&, const WithdrawalView&)>;
  using WithdrawalEvent = std::function<Event(const WithdrawalView&, Micros)>;
  Result<WithdrawalView> ChangeWithdrawal(const std::string& ws, const std::string& id,
                                          const WithdrawalCheck& check,
                                          const WithdrawalEvent& make);
  Result<WithdrawalView> WithdrawalAfter(const std::string& ws, const std::string& id);

  DistributionService* programme_;
  std::mutex decision_mu_;  // one withdrawal decision at a time: check, then submit
};

}  // namespace pond
