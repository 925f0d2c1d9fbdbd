// DistributionService: the distribution programme — distributors, client binding, settings, the
// portal, and the commission decisions that follow orders — kept as events (docs/distribution.md,
// "How it runs"). Withdrawals and the money reads are PayoutService's (payout_service.h), over
// this service's per-workspace book.
//
// Every decision is an event that pond writes through Engine::Submit, with a messageId that is a
// pure function of its cause ("dst:accrue:<order>", "dst:refund:<refund>", "dst:wd:<id>:approve"),
// so a decision retried after a crash is a duplicate the engine drops. Replaying those events in
// seq order rebuilds the registry, the ledger and the commission book exactly: the amounts are
// in the events, so a later change of the commission plan never rewrites what was earned.
//
// Decisions that follow other events — commission on an order_paid of a bound client, its
// reversal on order_refunded, its release when the after-sale window ends, a binding through a
// distributor's link (distributor_link_opened), an automatic approval — are queued by the
// observer (which may not submit) and made by RunDue(). At start, orders and refunds that were
// stored without their decision (pond stopped in between) are found and queued again.
//
// Money moves only through the ledger (ledger.h).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pond/base/periodic.h"
#include "pond/distribution/commission_book.h"
#include "pond/distribution/distribution_event_names.h"
#include "pond/distribution/distribution_settings.h"
#include "pond/distribution/distributors.h"
#include "pond/distribution/ledger.h"
#include "pond/engine/engine.h"
#include "pond/engine/workspace_map.h"
#include "pond/segment/segment_service.h"

namespace pond {

struct DistributorBalances {
  int64_t pending_fen = 0, available_fen = 0, withdrawing_fen = 0, paid_fen = 0, clawback_fen = 0;
};

struct DistributorView {
  Distributor distributor;
  std::string code;  // the referral code of the distributor's link ("" until active)
  int64_t clients = 0;
  int64_t recruits = 0;    // distributors it recruited (its level 2)
  int64_t orders = 0;      // orders its clients paid while bound
  int64_t gmv_fen = 0;     // what those orders paid (commission base: lines after discounts)
  int64_t earned_fen = 0;  // commission accrued at both levels, net of refunds
  DistributorBalances balances;
};

struct WithdrawalView {
  std::string id;  // "wdr_…"
  std::string distributor;
  int64_t amount_fen = 0;
  int64_t fee_fen = 0;
  std::string state;      // requested | approved | rejected | paid | refused
  std::string reason;     // why refused or rejected
  std::string reference;  // the payout's reference, once paid
  Micros requested_at = 0;
  Micros decided_at = 0;
  Micros paid_at = 0;
};

// One line and level of commission, for the portal.
struct CommissionView {
  std::string order_id;
  std::string client;  // customer id
  size_t line = 0;
  int level = 1;
  int64_t base_fen = 0;
  int64_t fen = 0;             // accrued
  int64_t taken_back_fen = 0;  // reversed or clawed back after refunds
  std::string state;           // pending | released
  Micros accrued_at = 0;
  Micros release_at = 0;
};

struct Reconciliation {
  int64_t transactions = 0;
  int64_t postings = 0;
  int64_t sum_fen = 0;  // over every posting: zero when the book balances
  int64_t unbalanced_transactions = 0;
  std::vector<std::pair<std::string, int64_t>> totals;  // per account kind, normal balance
  std::string verify;  // "ok" or the first breach Ledger::Verify found
  // "ok" when, for every distributor, the commission book (what each order's lines earned, net
  // of what refunds took back) agrees with the ledger (pending, and everything it ever credited
  // them); otherwise the first disagreement.
  std::string book = "ok";
};

struct DistributionTotals {
  int64_t distributors = 0, active = 0, applied = 0, frozen = 0;
  int64_t clients = 0;
  int64_t orders = 0;
  int64_t gmv_fen = 0;
  int64_t commission_fen = 0;      // net of refunds
  int64_t commission_cost_bp = 0;  // commission / GMV, in basis points
  int64_t withdrawn_fen = 0;       // paid out
};

class DistributionService final : public ReplayingObserver {
 public:
  // Loads every workspace's settings and starts observing `engine`. Neither is owned;
  // `segments` may be null where no automatic approval runs (the demo world's generation).
  static Result<std::unique_ptr<DistributionService>> Start(Engine* engine,
                                                            SegmentService* segments);
  ~DistributionService() override;

  Result<DistributionSettings> Settings(const std::string& ws);
  Status SetSettings(const std::string& ws, const DistributionSettings& settings);

  // --- distributors ------------------------------------------------------------------------
  // `customer_key` as Engine::GetCustomer takes it; `recruiter` a distributor id or referral
  // code ("" = none). Approves at once when the settings say so (invitation, automatic rule).
  Result<DistributorView> ApplyFor(const std::string& ws, const std::string& customer_key,
                                   const std::string& recruiter, const std::string& via);
  Result<DistributorView> Approve(const std::string& ws, const std::string& id,
                                  const std::string& grade, const std::string& by);
  Result<DistributorView> Reject(const std::string& ws, const std::string& id,
                                 const std::string& reason);
  Result<DistributorView> Freeze(const std::string& ws, const std::string& id,
                                 const std::string& reason);
  Result<DistributorView> Unfreeze(const std::string& ws, const std::string& id);
  Result<DistributorView> SetGrade(const std::string& ws, const std::string& id,
                                   const std::string& grade);
  Result<DistributorView> Get(const std::string& ws, const std::string& id);
  // By state ("" = all), id order.
  Result<std::vector<DistributorView>> List(const std::string& ws, const std::string& state);
  // Distributors by `by` ("gmv", "earned", "clients"), best first.
  Result<std::vector<DistributorView>> Leaderboard(const std::string& ws, const std::string& by,
                                                   size_t limit);

  // --- binding -----------------------------------------------------------------------------
  // Binds the customer to the distributor named by `code_or_id`; the binding, or the rule that
  // refused it (FailedPrecondition / AlreadyExists with the reason).
  Result<Binding> Bind(const std::string& ws, const std::string& customer_key,
                       const std::string& code_or_id, const std::string& via);
  Result<std::vector<std::string>> Clients(const std::string& ws, const std::string& id);

  // The distributor's own link code (HMAC of its id under the workspace's secret).
  Result<std::string> CodeOf(const std::string& ws, const std::string& id);

  // --- the distributor portal --------------------------------------------------------------
  // A bearer token that lets one distributor read their own figures, and nothing else.
  Result<std::string> PortalToken(const std::string& ws, const std::string& id);
  // The workspace and distributor of a portal token; Unauthenticated or PermissionDenied
  // (the distributor is no longer active).
  Result<std::pair<std::string, std::string>> AuthenticatePortal(const std::string& token);

  // --- work --------------------------------------------------------------------------------
  // Makes every queued decision and releases what is due at the engine clock's now; returns
  // the events submitted.
  Result<int64_t> RunDue();
  void RunInBackground(std::chrono::milliseconds every);

  void OnApplied(const std::string& ws, const TenantState& state,
                 const AppliedEvent& applied) override;
  void OnReset(const std::string& ws, const TenantState& state) override;

  struct Workspace;  // distribution_workspace.h

 private:
  // The money side reads and posts through the same book and lock (payout_service.h).
  friend class PayoutService;

  DistributionService(Engine* engine, SegmentService* segments);
  Workspace& WorkspaceFor(const std::string& ws);  // REQUIRES: mu_
  Status LoadSettings(const std::string& ws);
  Result<std::string> Secret(const std::string& ws);
  Result<std::string> ResolveCustomer(const std::string& ws, const std::string& key,
                                      int64_t* orders = nullptr);
  Result<std::string> ResolveDistributor(const std::string& ws, const std::string& code_or_id);
  Status SubmitOne(const std::string& ws, Event e);
  // A change of one distributor's standing: `check` answers, under the lock, whether it is done
  // already (true), to be made (false) or refused (an error); `make` builds its event.
  using StandingCheck = std::function<Result<bool>(const Workspace&, const Distributor&)>;
  using StandingEvent = std::function<Event(const Workspace&, const Distributor&, Micros)>;
  Result<DistributorView> ChangeStanding(const std::string& ws, const std::string& id,
                                         const StandingCheck& check, const StandingEvent& make);
  Result<int64_t> RunDue(const std::string& ws);
  // Submits `events` in batches, adding the number stored to *submitted.
  Status SubmitAll(const std::string& ws, std::vector<Event> events, int64_t* submitted);
  Status DecideApplications(const std::string& ws);

  Engine* engine_;
  SegmentService* segments_;
  std::mutex mu_;                       // the workspaces; taken under the engine's tenant lock
  WorkspaceMap<Workspace> workspaces_;  // REQUIRES: mu_
  PeriodicThread background_;
};

}  // namespace pond
