// Customers as the API and the console see them: the engine's records joined with where each
// customer is now (lifecycle stage, RFM cell, tags, running journeys, community groups).
#pragma once

#include <cstddef>
#include <string>

#include "pond/app/app.h"
#include "pond/app/personal_data.h"
#include "pond/base/status.h"

namespace pond::app {

// GET /v1/customers: a page of the search, each with its stage, RFM cell and tags.
// REQUIRES: segments started.
// Personal data masked unless `d` reveals it (the caller checks the role and audits).
Result<std::string> CustomerListJson(App& app, const std::string& ws, const std::string& query,
                                     size_t limit, const std::string& cursor, Disclosure d);

// GET /v1/customers/{id}: the profile with its stage, RFM cell, the journeys running for the
// customer and the groups they are in. REQUIRES: segments, journeys and community started.
Result<std::string> CustomerProfileJson(App& app, const std::string& ws, const std::string& key,
                                        Disclosure d);

// The staff account that owns a customer now ("" when nobody's friend); NotFound for an
// unknown customer.
Result<std::string> CustomerOwner(App& app, const std::string& ws, const std::string& key);
// GET /v1/customers for a staff member: the customers `staff_id` owns, in the list's shape
// (`query` is not applied; cursors are "c<n>" as the engine's list).
Result<std::string> OwnedCustomerListJson(App& app, const std::string& ws,
                                          const std::string& staff_id, size_t limit,
                                          const std::string& cursor, Disclosure d);

}  // namespace pond::app
