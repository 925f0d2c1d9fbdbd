// `pond groups list | health GROUP | route CODE CUSTOMER` (docs/communities.md). Tables for
// people; --json prints what the API returns.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "pond/community/community_service.h"

namespace pond::cli {
namespace {

using nlohmann::json;

std::string Percent(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", share * 100);
  return buf;
}

int List(const Common& common, CommunityService& c) {
  auto groups = c.Groups(common.workspace);
  if (!groups.ok()) return Fail(groups.status());
  if (common.json) {
    json data = json::array();
    for (const GroupView& g : *groups) {
      json j = GroupJson(g.group);
      j["members"] = g.members;
      j["held"] = g.held;
      data.push_back(std::move(j));
    }
    std::printf("%s\n", json({{"data", data}, {"total", groups->size()}}).dump(2).c_str());
    return 0;
  }
  Table t({"id", "name", "kind", "members", "held", "capacity", "entry rule"});
  for (const GroupView& g : *groups) {
    t.Add({g.group.id, g.group.name, GroupKindName(g.group.kind), WithCommas(g.members),
           WithCommas(g.held), WithCommas(g.group.capacity), EntryRule(g.group)});
  }
  t.Print();
  return 0;
}

int Health(const Common& common, CommunityService& c, const std::string& id) {
  auto h = c.Health(common.workspace, id);
  if (!h.ok()) return Fail(h.status());
  if (common.json) {
    std::printf("%s\n", json({{"members", h->members},
                              {"active_rate", h->active_rate},
                              {"ad_ratio", h->ad_ratio},
                              {"conversion", h->conversion},
                              {"alerts", h->alerts}})
                            .dump(2)
                            .c_str());
    return 0;
  }
  Table t({"figure", "value"});
  t.Add({"members", WithCommas(h->members) + " of " + WithCommas(h->capacity)});
  t.Add({"active in 7 days",
         Percent(h->active_rate) + " (before: " + Percent(h->active_rate_before) + ")"});
  t.Add({"ads among messages", Percent(h->ad_ratio)});
  t.Add({"bought within 7 days of a campaign", Percent(h->conversion)});
  int64_t joins = 0, leaves = 0;
  for (const GroupDay& d : h->days) {
    joins += d.joins;
    leaves += d.leaves;
  }
  t.Add({"joins / leaves, 14 days", WithCommas(joins) + " / " + WithCommas(leaves)});
  t.Print();
  for (const std::string& a : h->alerts) std::printf("alert: %s\n", a.c_str());
  return 0;
}

}  // namespace

int RunGroups(const Common& common, const GroupArgs& a) {
  auto app = OpenApp(common, app::kCommunity);
  if (!app.ok()) return Fail(app.status());
  CommunityService& service = (*app)->community();
  if (a.action == "list") return List(common, service);
  if (a.action == "health") return Health(common, service, a.id);
  auto r = service.Route(common.workspace, a.id, a.customer);
  if (!r.ok()) return Fail(r.status());
  if (common.json) {
    std::printf("%s\n", json({{"group", r->group},
                              {"group_name", r->group_name},
                              {"welcome", r->welcome},
                              {"opened", r->opened},
                              {"again", r->again}})
                            .dump(2)
                            .c_str());
  } else {
    std::printf("%s → %s (%s)%s%s\n", a.customer.c_str(), r->group.c_str(), r->group_name.c_str(),
                r->opened ? ", opened for this route" : "", r->again ? ", as before" : "");
  }
  return 0;
}

}  // namespace pond::cli
