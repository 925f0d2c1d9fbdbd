// `pond fission …`: campaigns, their reports and the review queue (docs/fission.md). Tables for
// people; --json prints what the API returns.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "pond/app/fission_views.h"
#include "pond/base/money.h"
#include "pond/fission/fission_service.h"

namespace pond::cli {
namespace {

using nlohmann::json;

std::string Yuan(int64_t fen) { return "¥" + Money::FromFen(fen).ToYuanString(); }

int Report(const Common& common, FissionService& f, const std::string& id) {
  auto r = f.Report(common.workspace, id);
  if (!r.ok()) return Fail(r.status());
  if (common.json) {
    std::printf("%s\n", app::CampaignReportJson(*r).dump(2).c_str());
    return 0;
  }
  Table t({"figure", "value"});
  t.Add({"participants", WithCommas(r->participants)});
  t.Add({"invites", WithCommas(r->invites)});
  t.Add({"qualified", WithCommas(r->qualified)});
  char k[32];
  std::snprintf(k, sizeof k, "%.2f", r->k_factor);
  t.Add({"K-factor", k});
  t.Add({"rewards granted", WithCommas(r->rewards_granted)});
  t.Add({"rewards held for review", WithCommas(r->rewards_held)});
  t.Add({"rewards disputed", WithCommas(r->rewards_disputed)});
  t.Add({"rewards rejected", WithCommas(r->rewards_rejected)});
  t.Add({"rewards refused (no stock or budget)", WithCommas(r->rewards_refused)});
  t.Add({"spent", Yuan(r->spent_fen)});
  t.Add({"cost per qualified friend", Yuan(r->cost_per_customer_fen)});
  if (r->groups_succeeded + r->groups_failed + r->groups_open > 0) {
    t.Add({"groups filled / refunded / open", WithCommas(r->groups_succeeded) + " / " +
                                                  WithCommas(r->groups_failed) + " / " +
                                                  WithCommas(r->groups_open)});
  }
  t.Print();
  return 0;
}

int Review(const Common& common, FissionService& f, const std::string& id) {
  auto held = f.Held(common.workspace, id);
  if (!held.ok()) return Fail(held.status());
  if (common.json) {
    json data = json::array();
    for (const HeldReward& h : *held) {
      data.push_back(
          {{"key", h.key}, {"inviter", h.inviter}, {"score", h.score}, {"reasons", h.reasons}});
    }
    std::printf("%s\n", json({{"data", data}, {"total", held->size()}}).dump(2).c_str());
    return 0;
  }
  std::printf("%zu rewards waiting for review\n", held->size());
  Table t({"key", "score", "why"});
  for (const HeldReward& h : *held) {
    std::string why;
    for (const std::string& r : h.reasons) why += (why.empty() ? "" : "; ") + r;
    t.Add({h.key, std::to_string(h.score), why});
  }
  t.Print();
  return 0;
}

int Fraud(const Common& common, FissionService& f, const std::string& id) {
  auto rows = f.Fraud(common.workspace, id, 50);
  if (!rows.ok()) return Fail(rows.status());
  auto signals = [](const FraudScore& s) {
    std::string out;
    for (const FraudSignal& sig : s.signals) out += (out.empty() ? "" : "; ") + sig.reason;
    return out;
  };
  if (common.json) {
    json data = json::array();
    for (const auto& row : *rows) {
      json invitees = json::array();
      for (const FraudScore& s : row.invitees) {
        invitees.push_back({{"id", s.id}, {"score", s.score}, {"why", signals(s)}});
      }
      data.push_back({{"id", row.inviter.id},
                      {"score", row.inviter.score},
                      {"review", row.inviter.review},
                      {"why", signals(row.inviter)},
                      {"invitees", invitees}});
    }
    std::printf("%s\n", json({{"data", data}}).dump(2).c_str());
    return 0;
  }
  Table t({"inviter", "score", "why", "worst invitee", "its score", "why it"});
  for (const auto& row : *rows) {
    const FraudScore none;
    const FraudScore& worst = row.invitees.empty() ? none : row.invitees[0];
    t.Add({row.inviter.id, std::to_string(row.inviter.score), signals(row.inviter), worst.id,
           std::to_string(worst.score), signals(worst)});
  }
  t.Print();
  return 0;
}

int Tree(const Common& common, FissionService& f, const FissionArgs& a) {
  auto tree = f.TreeOf(common.workspace, a.customer, a.depth, 1000);
  if (!tree.ok()) return Fail(tree.status());
  Table t({"level", "customer", "invited by", "campaign", "qualified"});
  json nodes = json::array();
  auto add = [&](const FissionService::TreeNode& n) {
    t.Add({std::to_string(n.level), n.customer, n.inviter, n.campaign, n.qualified ? "yes" : ""});
    nodes.push_back({{"level", n.level},
                     {"customer", n.customer},
                     {"inviter", n.inviter},
                     {"campaign", n.campaign},
                     {"qualified", n.qualified}});
  };
  for (auto n = tree->upline.rbegin(); n != tree->upline.rend(); ++n) add(*n);  // root first
  add(tree->self);
  for (const auto& n : tree->downline) add(n);
  if (common.json) {
    std::printf(
        "%s\n",
        json({{"customer", tree->customer}, {"nodes", nodes}, {"truncated", tree->truncated}})
            .dump(2)
            .c_str());
    return 0;
  }
  t.Print();
  if (tree->truncated) std::printf("(more below: the first 1,000 are shown)\n");
  return 0;
}

}  // namespace

int RunFission(const Common& common, const FissionArgs& a) {
  auto app = OpenApp(common, app::kFission);
  if (!app.ok()) return Fail(app.status());
  FissionService& f = (*app)->fission();
  if (a.action == "list") {
    auto list = f.Campaigns(common.workspace);
    if (!list.ok()) return Fail(list.status());
    if (common.json) {
      json data = json::array();
      auto zone = (*app)->engine().UtcOffsetOf(common.workspace);
      if (!zone.ok()) return Fail(zone.status());
      for (const Campaign& c : *list) data.push_back(CampaignJson(c, *zone));
      std::printf("%s\n", json({{"data", data}, {"total", list->size()}}).dump(2).c_str());
      return 0;
    }
    std::printf("%zu campaigns\n", list->size());
    Table t({"id", "kind", "name", "invites", "qualified", "rewards"});
    for (const Campaign& c : *list) {
      auto r = f.Report(common.workspace, c.id);
      if (!r.ok()) return Fail(r.status());
      t.Add({c.id, CampaignKindName(c.kind), c.name, WithCommas(r->invites),
             WithCommas(r->qualified), WithCommas(r->rewards_granted)});
    }
    t.Print();
    return 0;
  }
  if (a.action == "report") return Report(common, f, a.campaign);
  if (a.action == "review") return Review(common, f, a.campaign);
  if (a.action == "fraud") return Fraud(common, f, a.campaign);
  if (a.action == "tree") return Tree(common, f, a);
  if (a.action == "approve" || a.action == "reject") {
    Status s = f.Review(common.workspace, a.campaign, a.key, a.action == "approve", "cli");
    if (!s.ok()) return Fail(s);
    if (a.action == "approve") {
      auto done = f.RunDue();  // grant it now
      if (!done.ok()) return Fail(done.status());
    }
    std::printf("%s %s\n", a.key.c_str(), a.action == "approve" ? "approved" : "rejected");
    return 0;
  }
  std::fprintf(stderr, "pond: unknown fission action \"%s\"\n", a.action.c_str());
  return 2;
}

}  // namespace pond::cli
