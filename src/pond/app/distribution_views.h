// JSON shapes of the distribution API (docs/distribution.md), shared by the handlers and
// `pond distribution … --json`.
#pragma once

#include <nlohmann/json.hpp>

#include "pond/distribution/distribution_service.h"

namespace pond::app {

nlohmann::json DistributorJson(const DistributorView& v);
nlohmann::json WithdrawalJson(const WithdrawalView& w);
nlohmann::json CommissionJson(const CommissionView& c);
nlohmann::json TransactionJson(const LedgerTransaction& t);
nlohmann::json ReconciliationJson(const Reconciliation& r);
nlohmann::json TotalsJson(const DistributionTotals& t);

}  // namespace pond::app
