// DistributionService's reads: distributors with their figures, commissions, the journal, the
// reconciliation report and the programme's totals.
#include <algorithm>

#include "pond/distribution/distribution_service.h"
#include "pond/distribution/distribution_workspace.h"

namespace pond {

Result<DistributorView> DistributionService::Get(const std::string& ws, const std::string& id) {
  RETURN_IF_ERROR(Secret(ws).status());
  std::lock_guard lock(mu_);
  std::map<std::string, DistributorView> views = WorkspaceFor(ws).Views();
  auto it = views.find(id);
  if (it == views.end()) return Status::NotFound("distributor \"" + id + "\" not found");
  return it->second;
}

Result<std::vector<DistributorView>> DistributionService::List(const std::string& ws,
                                                               const std::string& state) {
  if (!state.empty() && state != "applied" && state != "active" && state != "frozen" &&
      state != "rejected") {
    return FieldError("state", "\"applied\", \"active\", \"frozen\" or \"rejected\"");
  }
  RETURN_IF_ERROR(Secret(ws).status());
  std::lock_guard lock(mu_);
  std::vector<DistributorView> out;
  for (auto& [id, v] : WorkspaceFor(ws).Views()) {
    if (state.empty() || state == DistributorStateName(v.distributor.state)) {
      out.push_back(std::move(v));
    }
  }
  return out;
}

Result<std::vector<DistributorView>> DistributionService::Leaderboard(const std::string& ws,
                                                                      const std::string& by,
                                                                      size_t limit) {
  auto key = [&](const DistributorView& v) -> int64_t {
    if (by == "earned") return v.earned_fen;
    if (by == "clients") return v.clients;
    return v.gmv_fen;
  };
  if (by != "gmv" && by != "earned" && by != "clients") {
    return FieldError("by", "\"gmv\", \"earned\" or \"clients\"");
  }
  ASSIGN_OR_RETURN(std::vector<DistributorView> all, List(ws, ""));
  std::erase_if(all, [](const DistributorView& v) {
    return v.distributor.state != DistributorState::kActive &&
           v.distributor.state != DistributorState::kFrozen;
  });
  std::stable_sort(all.begin(), all.end(), [&](const DistributorView& a, const DistributorView& b) {
    return key(a) > key(b);
  });
  if (all.size() > limit) all.resize(limit);
  return all;
}

Result<std::vector<CommissionView>> DistributionService::Commissions(
    const std::string& ws, const std::string& distributor) {
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
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

Result<std::vector<LedgerTransaction>> DistributionService::Journal(
    const std::string& ws, const std::string& distributor) {
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  // A customer's own account (fission cash rewards) is not a distributor's.
  if (!w.registry.Find(distributor) && !distributor.starts_with("cus_")) {
    return Status::NotFound("distributor \"" + distributor + "\" not found");
  }
  return w.ledger->Journal(distributor);
}

Result<DistributorBalances> DistributionService::Balances(const std::string& ws,
                                                          const std::string& account) {
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  if (!w.registry.Find(account) && !account.starts_with("cus_")) {
    return Status::NotFound("distributor \"" + account + "\" not found");
  }
  return w.BalancesOf(account);
}

Result<Reconciliation> DistributionService::Reconcile(const std::string& ws) {
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
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
  return r;
}

Result<DistributionTotals> DistributionService::Totals(const std::string& ws) {
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
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
