#include "pond/app/customers.h"

#include "pond/app/views.h"
#include "pond/community/community_service.h"
#include "pond/journey/journey_runtime.h"
#include "pond/segment/score_service.h"
#include "pond/segment/segment_service.h"

namespace pond::app {

Result<std::string> CustomerListJson(App& app, const std::string& ws, const std::string& query,
                                     size_t limit, const std::string& cursor) {
  Engine& engine = app.engine();
  ASSIGN_OR_RETURN(CustomerPage page, engine.ListCustomers(ws, query, limit, cursor));
  std::vector<std::string> ids;
  for (const CustomerSummary& c : page.data) ids.push_back(c.id);
  ASSIGN_OR_RETURN(auto labels, app.scores().Labels(ws, ids));
  std::vector<std::vector<std::string>> tags;
  RETURN_IF_ERROR(engine.ReadState(ws, [&](const TenantState& s) {
    for (const std::string& id : ids) {
      const uint32_t dense = s.ParseCustomerId(id);
      tags.push_back(dense == kNoIndex ? std::vector<std::string>() : s.TagsOf(s.Live(dense)));
    }
  }));
  return CustomerPageJsonText(page, labels, tags);
}

Result<std::string> CustomerProfileJson(App& app, const std::string& ws, const std::string& key) {
  ASSIGN_OR_RETURN(CustomerProfile p, app.engine().GetCustomer(ws, key));
  CustomerPlaces places;
  ASSIGN_OR_RETURN(auto labels, app.scores().Labels(ws, {p.summary.id}));
  places.labels = labels.front();
  ASSIGN_OR_RETURN(places.journeys, app.journeys().Instances(ws, "", 100, p.summary.id));
  ASSIGN_OR_RETURN(places.groups, app.community().GroupsOf(ws, p.summary.id));
  return ProfileJsonText(p, places);
}

}  // namespace pond::app
