// Distribution use-cases that join the programme with the customers it pays for: a
// distributor's clients (phones masked: a distributor never sees one in full) and their
// commissions by state. Shared by the operator's API and the distributor's portal.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "pond/app/app.h"

namespace pond::app {

// {data: [{customer_id, phone (masked) | null, orders, spent_fen}], next_cursor: null, total}:
// the first `limit` are the one page. REQUIRES: distribution started.
Result<nlohmann::json> DistributorClientsJson(App& app, const std::string& ws,
                                              const std::string& distributor, size_t limit);

// {data: [commission], next_cursor: null, total, by_state: {pending_fen, released_fen,
// taken_back_fen}}: the sums over all of them, the first `limit` listed as the one page.
// REQUIRES: distribution started.
Result<nlohmann::json> DistributorCommissionsJson(App& app, const std::string& ws,
                                                  const std::string& distributor, size_t limit);

}  // namespace pond::app
