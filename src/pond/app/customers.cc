#include "pond/app/customers.h"

#include "pond/app/views.h"
#include "pond/community/community_service.h"
#include "pond/journey/journey_runtime.h"
#include "pond/segment/score_service.h"
#include "pond/segment/segment_service.h"

namespace pond::app {

Result<std::string> CustomerListJson(App& app, const std::string& ws, const std::string& query,
                                     size_t limit, const std::string& cursor, Disclosure d) {
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
  return CustomerPageJsonText(page, labels, tags, d);
}

Result<std::string> CustomerOwner(App& app, const std::string& ws, const std::string& key) {
  std::optional<std::string> owner;
  RETURN_IF_ERROR(app.engine().ReadState(ws, [&](const TenantState& s) {
    const uint32_t c = ResolveCustomerKey(s, key);
    if (c == kNoIndex) return;
    const uint32_t staff = s.OwnerOf(c);
    owner = staff == kNoIndex ? std::string() : s.staff_names()[staff];
  }));
  if (!owner) return Status::NotFound("customer \"" + key + "\" not found");
  return *owner;
}

Result<std::string> OwnedCustomerListJson(App& app, const std::string& ws,
                                          const std::string& staff_id, size_t limit,
                                          const std::string& cursor, Disclosure d) {
  uint64_t start = 0;
  if (!cursor.empty()) {
    char* end = nullptr;
    start = cursor.size() > 1 && cursor[0] == 'c' ? std::strtoull(cursor.c_str() + 1, &end, 10) : 0;
    if (!end || *end != '\0' || start == 0) {
      return FieldError("cursor", "not a cursor this API returned");
    }
  }
  CustomerPage page;
  std::vector<std::vector<std::string>> tags;
  RETURN_IF_ERROR(app.engine().ReadState(ws, [&](const TenantState& s) {
    const uint32_t staff = s.FindStaff(staff_id);
    if (staff == kNoIndex) return;
    const CustomerColumns& cs = s.customers();
    for (uint32_t c = 0; c < cs.size(); ++c) {
      if (cs.merged_into[c] != kNoIndex || s.OwnerOf(c) != staff) continue;
      ++page.total;
      if (c < start) continue;
      if (page.data.size() < limit) {
        page.data.push_back(Summarize(s, c));
        tags.push_back(s.TagsOf(c));
      } else if (!page.next_cursor) {
        page.next_cursor = "c" + std::to_string(c);
      }
    }
  }));
  std::vector<std::string> ids;
  for (const CustomerSummary& c : page.data) ids.push_back(c.id);
  ASSIGN_OR_RETURN(auto labels, app.scores().Labels(ws, ids));
  return CustomerPageJsonText(page, labels, tags, d);
}

Result<std::string> CustomerProfileJson(App& app, const std::string& ws, const std::string& key,
                                        Disclosure d) {
  ASSIGN_OR_RETURN(CustomerProfile p, app.engine().GetCustomer(ws, key));
  CustomerPlaces places;
  ASSIGN_OR_RETURN(auto labels, app.scores().Labels(ws, {p.summary.id}));
  places.labels = labels.front();
  ASSIGN_OR_RETURN(places.journeys, app.journeys().Instances(ws, "", 100, p.summary.id));
  ASSIGN_OR_RETURN(places.groups, app.community().GroupsOf(ws, p.summary.id));
  return ProfileJsonText(p, places, d);
}

}  // namespace pond::app
