#include "pond/app/distribution.h"

#include "pond/app/distribution_views.h"
#include "pond/app/personal_data.h"
#include "pond/distribution/payout_service.h"

namespace pond::app {

using nlohmann::json;

Result<json> DistributorClientsJson(App& app, const std::string& ws, const std::string& distributor,
                                    size_t limit) {
  ASSIGN_OR_RETURN(std::vector<std::string> clients, app.distribution().Clients(ws, distributor));
  json data = json::array();
  for (size_t i = 0; i < clients.size() && i < limit; ++i) {
    json c = {{"customer_id", clients[i]}, {"phone", nullptr}};
    Result<CustomerProfile> p = app.engine().GetCustomer(ws, clients[i], 0);
    if (p.ok()) {
      for (const Identity& id : p->identities) {
        if (id.kind == IdentityKind::kPhone) c["phone"] = MaskPhone(id.value);  // never in full
      }
      c["orders"] = p->summary.order_count;
      c["spent_fen"] = p->summary.spent_fen;
    }
    data.push_back(std::move(c));
  }
  return json{{"data", data}, {"next_cursor", nullptr}, {"total", clients.size()}};
}

Result<json> DistributorCommissionsJson(App& app, const std::string& ws,
                                        const std::string& distributor, size_t limit) {
  ASSIGN_OR_RETURN(std::vector<CommissionView> list, app.payouts().Commissions(ws, distributor));
  json data = json::array();
  int64_t pending = 0, released = 0, taken_back = 0;
  for (const CommissionView& c : list) {
    (c.state == "pending" ? pending : released) += c.fen - c.taken_back_fen;
    taken_back += c.taken_back_fen;
    if (data.size() < limit) data.push_back(CommissionJson(c));
  }
  return json{
      {"data", data},
      {"next_cursor", nullptr},
      {"total", list.size()},
      {"by_state",
       {{"pending_fen", pending}, {"released_fen", released}, {"taken_back_fen", taken_back}}}};
}

}  // namespace pond::app
