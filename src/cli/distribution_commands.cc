// `pond distribution …`: settings, distributors, reports, the reconciliation, withdrawals'
// review and one pass of the service's work (docs/distribution.md). Tables for people; --json
// prints what the API returns.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "pond/app/distribution_views.h"
#include "pond/base/money.h"
#include "pond/base/time.h"
#include "pond/distribution/payout_service.h"

namespace pond::cli {
namespace {

// `pond distribution reconcile` when it could ask but the books disagree.
constexpr int kExitUnbalanced = 2;

using nlohmann::json;

Result<std::unique_ptr<app::App>> Open(const Common& common, Clock* clock = nullptr) {
  return OpenApp(common, app::kDistribution, clock);
}

std::string Yuan(int64_t fen) { return "¥" + Money::FromFen(fen).ToYuanString(); }

int PrintDistributors(const Common& common, const std::vector<DistributorView>& list) {
  if (common.json) {
    json data = json::array();
    for (const DistributorView& v : list) data.push_back(app::DistributorJson(v));
    std::printf("%s\n", json({{"data", data}, {"total", list.size()}}).dump(2).c_str());
    return 0;
  }
  std::printf("%zu distributors\n", list.size());
  Table t({"id", "state", "grade", "code", "clients", "orders", "GMV", "earned", "available"});
  for (const DistributorView& v : list) {
    t.Add({v.distributor.id, DistributorStateName(v.distributor.state), v.distributor.grade, v.code,
           WithCommas(v.clients), WithCommas(v.orders), Yuan(v.gmv_fen), Yuan(v.earned_fen),
           Yuan(v.balances.available_fen)});
  }
  t.Print();
  return 0;
}

int PrintOne(const Common& common, const Result<DistributorView>& v) {
  if (!v.ok()) return Fail(v.status());
  return PrintDistributors(common, {*v});
}

int PrintWithdrawal(const Common& common, const Result<WithdrawalView>& w) {
  if (!w.ok()) return Fail(w.status());
  if (common.json) {
    std::printf("%s\n", app::WithdrawalJson(*w).dump(2).c_str());
  } else {
    std::printf("withdrawal %s of %s by %s is %s\n", w->id.c_str(), Yuan(w->amount_fen).c_str(),
                w->distributor.c_str(), w->state.c_str());
  }
  return 0;
}

int Report(const Common& common, app::App& s, const DistributionArgs& a) {
  auto totals = s.payouts().Totals(common.workspace);
  if (!totals.ok()) return Fail(totals.status());
  auto leaders = s.distribution().Leaderboard(common.workspace, a.by, a.limit);
  if (!leaders.ok()) return Fail(leaders.status());
  if (common.json) {
    json board = json::array();
    for (const DistributorView& v : *leaders) board.push_back(app::DistributorJson(v));
    std::printf(
        "%s\n",
        json({{"totals", app::TotalsJson(*totals)}, {"leaderboard", board}}).dump(2).c_str());
    return 0;
  }
  std::printf("%s distributors (%s active), %s clients, %s orders\n",
              WithCommas(totals->distributors).c_str(), WithCommas(totals->active).c_str(),
              WithCommas(totals->clients).c_str(), WithCommas(totals->orders).c_str());
  std::printf("GMV %s, commission %s (%.2f%% of GMV), paid out %s\n\n",
              Yuan(totals->gmv_fen).c_str(), Yuan(totals->commission_fen).c_str(),
              totals->commission_cost_bp / 100.0, Yuan(totals->withdrawn_fen).c_str());
  return PrintDistributors(common, *leaders);
}

int Reconcile(const Common& common, app::App& s) {
  auto r = s.payouts().Reconcile(common.workspace);
  if (!r.ok()) return Fail(r.status());
  const json j = app::ReconciliationJson(*r);
  if (common.json) {
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("%s transactions, %s postings, sum %lld fen: %s\n",
                WithCommas(r->transactions).c_str(), WithCommas(r->postings).c_str(),
                static_cast<long long>(r->sum_fen),
                j["balanced"].get<bool>() ? "the ledger balances and agrees with the book"
                : r->verify != "ok"       ? r->verify.c_str()
                                          : r->book.c_str());
    Table t({"account", "balance"});
    for (const auto& [kind, fen] : r->totals) t.Add({kind, Yuan(fen)});
    t.Print();
  }
  // 2, not 1: a script can tell "the books disagree" from "could not ask" (store in use, …).
  return j["balanced"].get<bool>() ? 0 : kExitUnbalanced;
}

int Withdrawals(const Common& common, app::App& s, const DistributionArgs& a) {
  auto list = s.payouts().Withdrawals(common.workspace, a.id, a.state);
  if (!list.ok()) return Fail(list.status());
  if (common.json) {
    json data = json::array();
    for (const WithdrawalView& w : *list) data.push_back(app::WithdrawalJson(w));
    std::printf("%s\n", json({{"data", data}, {"total", list->size()}}).dump(2).c_str());
    return 0;
  }
  std::printf("%zu withdrawals\n", list->size());
  auto zone = s.engine().UtcOffsetOf(common.workspace);
  if (!zone.ok()) return Fail(zone.status());
  Table t({"id", "distributor", "amount", "fee", "state", "requested"});
  for (const WithdrawalView& w : *list) {
    t.Add({w.id, w.distributor, Yuan(w.amount_fen), Yuan(w.fee_fen), w.state,
           FormatIso8601(w.requested_at, *zone)});
  }
  t.Print();
  return 0;
}

}  // namespace

int RunDistribution(const Common& common, const DistributionArgs& a) {
  FakeClock at_clock(0);
  Clock* clock = nullptr;
  if (!a.at.empty()) {  // `run --at`: the clock stands at that time
    Result<int> zone = WorkspaceZone(common);
    if (!zone.ok()) return Fail(zone.status());
    Result<Micros> parsed = ParseIso8601(a.at, *zone);
    if (!parsed.ok())
      return Fail(FieldError("at", "expected a time like 2026-11-23T10:00:00+08:00"));
    at_clock.Set(*parsed);
    clock = &at_clock;
  }
  auto s = Open(common, clock);
  if (!s.ok()) return Fail(s.status());
  const std::string& ws = common.workspace;
  DistributionService& d = (*s)->distribution();
  if (a.action == "settings") {
    if (!a.file.empty()) {
      auto text = ReadInput(a.file, 256 * 1024);
      if (!text.ok()) return Fail(text.status());
      auto parsed = ParseDistributionSettings(*text);
      if (!parsed.ok()) return Fail(parsed.status());
      Status set = d.SetSettings(ws, *parsed);
      if (!set.ok()) return Fail(set);
    }
    auto settings = d.Settings(ws);
    if (!settings.ok()) return Fail(settings.status());
    std::printf("%s\n", DistributionSettingsJson(*settings).dump(2).c_str());
    return 0;
  }
  if (a.action == "list") {
    auto list = d.List(ws, a.state);
    if (!list.ok()) return Fail(list.status());
    return PrintDistributors(common, *list);
  }
  if (a.action == "show") return PrintOne(common, d.Get(ws, a.id));
  if (a.action == "approve") return PrintOne(common, d.Approve(ws, a.id, a.grade, "cli"));
  if (a.action == "freeze") return PrintOne(common, d.Freeze(ws, a.id, a.reason));
  if (a.action == "unfreeze") return PrintOne(common, d.Unfreeze(ws, a.id));
  if (a.action == "report") return Report(common, **s, a);
  if (a.action == "reconcile") return Reconcile(common, **s);
  if (a.action == "withdrawals") return Withdrawals(common, **s, a);
  if (a.action == "approve-withdrawal") {
    return PrintWithdrawal(common, (*s)->payouts().ApproveWithdrawal(ws, a.id, a.fee_fen, "cli"));
  }
  if (a.action == "reject-withdrawal") {
    return PrintWithdrawal(common, (*s)->payouts().RejectWithdrawal(ws, a.id, a.reason));
  }
  if (a.action == "paid") {
    return PrintWithdrawal(common, (*s)->payouts().MarkPaid(ws, a.id, a.reference, "operator"));
  }
  if (a.action == "run") {
    Result<int64_t> done = d.RunDue();
    if (!done.ok()) return Fail(done.status());
    std::printf("%lld decisions submitted\n", static_cast<long long>(*done));
    return 0;
  }
  std::fprintf(stderr, "pond: unknown distribution action \"%s\"\n", a.action.c_str());
  return 2;
}

}  // namespace pond::cli
