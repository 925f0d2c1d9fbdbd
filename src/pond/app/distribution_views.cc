#include "pond/app/distribution_views.h"

#include "pond/base/time.h"

namespace pond::app {

using nlohmann::json;

namespace {

json TimeOrNull(Micros t) { return t ? json(FormatIso8601(t)) : json(nullptr); }

}  // namespace

json DistributorJson(const DistributorView& v) {
  const Distributor& d = v.distributor;
  return {{"id", d.id},
          {"customer_id", d.customer_id},
          {"state", DistributorStateName(d.state)},
          {"grade", d.grade},
          {"recruiter", d.recruiter.empty() ? json(nullptr) : json(d.recruiter)},
          {"via", d.via},
          {"reason", d.reason},
          {"code", v.code.empty() ? json(nullptr) : json(v.code)},
          {"applied_at", TimeOrNull(d.applied_at)},
          {"approved_at", TimeOrNull(d.approved_at)},
          {"clients", v.clients},
          {"recruits", v.recruits},
          {"orders", v.orders},
          {"gmv_fen", v.gmv_fen},
          {"earned_fen", v.earned_fen},
          {"balances",
           {{"pending_fen", v.balances.pending_fen},
            {"available_fen", v.balances.available_fen},
            {"withdrawing_fen", v.balances.withdrawing_fen},
            {"paid_fen", v.balances.paid_fen},
            {"clawback_fen", v.balances.clawback_fen}}}};
}

json WithdrawalJson(const WithdrawalView& w) {
  return {{"id", w.id},
          {"distributor", w.distributor},
          {"amount_fen", w.amount_fen},
          {"fee_fen", w.fee_fen},
          {"state", w.state},
          {"reason", w.reason},
          {"reference", w.reference},
          {"requested_at", TimeOrNull(w.requested_at)},
          {"decided_at", TimeOrNull(w.decided_at)},
          {"paid_at", TimeOrNull(w.paid_at)}};
}

json CommissionJson(const CommissionView& c) {
  return {{"order_id", c.order_id},
          {"client", c.client},
          {"line", c.line},
          {"level", c.level},
          {"base_fen", c.base_fen},
          {"fen", c.fen},
          {"taken_back_fen", c.taken_back_fen},
          {"state", c.state},
          {"accrued_at", TimeOrNull(c.accrued_at)},
          {"release_at", TimeOrNull(c.release_at)}};
}

json TransactionJson(const LedgerTransaction& t) {
  json postings = json::array();
  for (const LedgerPosting& p : t.postings) {
    postings.push_back({{"holder", p.account.holder},
                        {"account", AccountKindName(p.account.kind)},
                        {"fen", p.fen}});
  }
  return {{"key", t.key}, {"cause", t.cause}, {"at", FormatIso8601(t.at)}, {"postings", postings}};
}

json ReconciliationJson(const Reconciliation& r) {
  json totals = json::object();
  for (const auto& [kind, fen] : r.totals) totals[kind + "_fen"] = fen;
  return {{"balanced",
           r.sum_fen == 0 && r.unbalanced_transactions == 0 && r.verify == "ok" && r.book == "ok"},
          {"transactions", r.transactions},
          {"postings", r.postings},
          {"sum_fen", r.sum_fen},
          {"unbalanced_transactions", r.unbalanced_transactions},
          {"verify", r.verify},
          {"book", r.book},
          {"totals", totals}};
}

json TotalsJson(const DistributionTotals& t) {
  return {{"distributors", t.distributors},
          {"active", t.active},
          {"applied", t.applied},
          {"frozen", t.frozen},
          {"clients", t.clients},
          {"orders", t.orders},
          {"gmv_fen", t.gmv_fen},
          {"commission_fen", t.commission_fen},
          {"commission_cost_bp", t.commission_cost_bp},
          {"withdrawn_fen", t.withdrawn_fen}};
}

}  // namespace pond::app
