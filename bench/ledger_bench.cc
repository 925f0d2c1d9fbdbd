// bench/ledger: commission accrual at two levels, order by order, through ComputeCommissions,
// CommissionBook::Accrue and the Ledger (balanced, range-checked, idempotent postings), beside
// the naive design in the same run: one balance number per distributor, added to in a hash map
// (what the open-source shops do, and what this ledger exists to replace). The ratio is the
// price of double entry, idempotency keys and the journal.
//
// Usage: ledger_bench [--orders N]   (default 500,000 orders of 2 lines, 200 distributors)
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "pond/distribution/commission_book.h"

using namespace pond;
using Steady = std::chrono::steady_clock;

namespace {

struct PaidOrder {
  std::string id;
  Earner level1, level2;
  std::vector<LineItem> items;
};

double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = 500'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--orders")) n = std::atoll(argv[i + 1]);
  }
  CommissionPlan plan;
  plan.level_rates_bp = {1000, 300};
  plan.categories["课程"] = {2000, 500};
  plan.cap_bp = 3000;

  std::mt19937 rng(7);
  std::vector<PaidOrder> orders(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    PaidOrder& o = orders[static_cast<size_t>(i)];
    o.id = "o" + std::to_string(i);
    o.level1 = {"dst_" + std::to_string(rng() % 200), ""};
    o.level2 = {"dst_" + std::to_string(rng() % 200), ""};
    for (int l = 0; l < 2; ++l) {
      LineItem item;
      item.category = rng() % 5 == 0 ? "课程" : "面膜";
      item.quantity = 1 + rng() % 3;
      item.amount_fen = 1'000 + rng() % 100'000;
      o.items.push_back(item);
    }
  }

  // The naive way: a balance per distributor, added to.
  Steady::time_point t0 = Steady::now();
  std::unordered_map<std::string, int64_t> naive;
  int64_t naive_count = 0;
  for (const PaidOrder& o : orders) {
    for (const LineCommission& c : ComputeCommissions(plan, o.items, o.level1, &o.level2)) {
      naive[c.earner] += c.fen;
      ++naive_count;
    }
  }
  const double naive_s = Seconds(t0);

  // The ledger.
  Ledger ledger;
  CommissionBook book(&ledger);
  t0 = Steady::now();
  for (const PaidOrder& o : orders) {
    Status s = book.Accrue(o.id, ComputeCommissions(plan, o.items, o.level1, &o.level2),
                           7 * kMicrosPerDay, 0);
    if (!s.ok()) {
      std::fprintf(stderr, "ledger_bench: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  const double ledger_s = Seconds(t0);
  const auto transactions = static_cast<double>(ledger.transactions());
  const bool balanced = ledger.Verify().ok();
  int64_t pending = 0;
  for (const auto& [account, balance] : ledger.Balances()) {
    if (account.kind == AccountKind::kPending) pending += balance;
  }
  int64_t naive_total = 0;
  for (const auto& [holder, fen] : naive) naive_total += fen;

  std::printf("ledger_bench: %lld orders of 2 lines, 2 levels, 200 distributors\n",
              static_cast<long long>(n));
  std::printf("naive balance map:  %.0f commissions/s\n",
              static_cast<double>(naive_count) / naive_s);
  std::printf("ledger accrual:     %.0f transactions/s = %.0f postings/s (%.2fx the naive rate)\n",
              transactions / ledger_s, 2 * transactions / ledger_s,
              (transactions / ledger_s) / (static_cast<double>(naive_count) / naive_s));
  std::printf("balanced: %s; pending %lld fen = naive total %lld fen: %s\n",
              balanced ? "yes" : "NO", static_cast<long long>(pending),
              static_cast<long long>(naive_total), pending == naive_total ? "yes" : "NO");
  return balanced && pending == naive_total ? 0 : 1;
}
