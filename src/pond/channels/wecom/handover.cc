#include "pond/channels/wecom/handover.h"

#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"
#include "pond/base/time.h"
#include "pond/base/utf8.h"
#include "pond/engine/tenant_state.h"

namespace pond::wecom {
namespace {

using nlohmann::json;

constexpr size_t kPerCall = 100;  // customers and groups: WeCom's limit a call
constexpr Micros kRuleWindow = 90 * kMicrosPerDay;
constexpr int kMaxTransfersInWindow = 2;

// WeCom hands a customer over 24 hours after it is asked; until the friendship callbacks say it
// happened, a customer asked for in the last two days is not asked for again.
constexpr Micros kPending = 2 * kMicrosPerDay;

struct Candidate {
  std::string customer;  // "cus_…"
  int recent = 0;        // transfer_requested in the last 90 days
  bool pending = false;  // ... in the last two days
};

// The chat ids of the groups `owner` owns, from groupchat/list.
Result<std::vector<std::string>> GroupsOwnedBy(outbound::WecomApi& api, const std::string& owner,
                                               bool resigned) {
  std::vector<std::string> out;
  std::string cursor;
  do {
    json request = {{"status_filter", resigned ? 1 : 0},
                    {"owner_filter", {{"userid_list", {owner}}}},
                    {"limit", 1000}};
    if (!cursor.empty()) request["cursor"] = cursor;
    ASSIGN_OR_RETURN(json page, api.Post("/cgi-bin/externalcontact/groupchat/list", request));
    for (const json& g : page.value("group_chat_list", json::array())) {
      if (g.is_object() && g.contains("chat_id")) out.push_back(g.value("chat_id", ""));
    }
    cursor = page.value("next_cursor", "");
  } while (!cursor.empty());
  return out;
}

}  // namespace

Result<HandoverReport> Handover(Engine& engine, outbound::WecomApi& api, const std::string& ws,
                                const HandoverRequest& r) {
  if (r.from.empty()) return FieldError("from", "the handing-over staff member's WeCom userid");
  if (r.to.empty() || r.to == r.from) {
    return FieldError("to", "another staff member's WeCom userid");
  }
  if (Utf8Length(r.message) > 200) return FieldError("message", "at most 200 characters");
  if (r.per_day < 0) return FieldError("per_day", "0 or more");
  ASSIGN_OR_RETURN(int zone, engine.UtcOffsetOf(ws));
  const Micros now = engine.clock().NowMicros();
  const Micros today = LocalDay(now, zone) * kMicrosPerDay - zone * kMicrosPerSecond;
  const int64_t day = LocalDay(now, zone);

  HandoverReport report;
  std::vector<Candidate> candidates;
  std::vector<int64_t> today_seqs;
  RETURN_IF_ERROR(engine.ReadState(ws, [&](const TenantState& state) {
    const uint32_t staff = state.FindStaff(r.from);
    const uint32_t transfer = state.FindEventName(kTransferRequested);
    const CustomerColumns& cs = state.customers();
    if (staff != kNoIndex) {
      for (size_t c = 0; c < cs.size(); ++c) {
        if (cs.merged_into[c] != kNoIndex) continue;
        bool friends = false;
        for (const Friendship& f : cs.friends[c]) friends |= f.staff == staff;
        if (!friends) continue;
        Candidate candidate{TenantState::CustomerId(static_cast<uint32_t>(c)), 0, false};
        for (const HistoryEntry& h : cs.history[c]) {
          if (h.name != transfer) continue;
          candidate.recent += h.timestamp >= now - kRuleWindow;
          candidate.pending |= h.timestamp >= now - kPending;
        }
        candidates.push_back(std::move(candidate));
      }
    }
    if (transfer != kNoIndex) {
      for (const Posting& p : state.EventsNamed(transfer)) {
        if (p.timestamp >= today) today_seqs.push_back(state.events().seq[p.event]);
      }
    }
  }));
  report.customers = static_cast<int64_t>(candidates.size());
  int64_t used_today = 0;
  ASSIGN_OR_RETURN(std::vector<Event> done_today, engine.LoadEvents(today_seqs));
  for (const Event& e : done_today) {
    const json p = json::parse(e.properties, nullptr, false);
    used_today += p.is_object() && p.value("from", "") == r.from;
  }
  int64_t left = std::max<int64_t>(0, r.per_day - used_today);

  // (external_userid, customer) to hand over now.
  std::vector<std::pair<std::string, std::string>> batch;
  for (const Candidate& c : candidates) {
    if (c.pending) {
      ++report.pending;
      continue;
    }
    if (!r.resigned && c.recent >= kMaxTransfersInWindow) {
      ++report.twice_in_90_days;
      continue;
    }
    if (left == 0) {
      ++report.over_daily_limit;
      continue;
    }
    ASSIGN_OR_RETURN(CustomerProfile profile, engine.GetCustomer(ws, c.customer, 0));
    std::string external;
    for (const Identity& id : profile.identities) {
      if (id.kind == IdentityKind::kExternalUserId) external = id.value;
    }
    if (external.empty()) {
      ++report.no_external_userid;
      continue;
    }
    batch.push_back({external, c.customer});
    --left;
  }

  const std::string path = r.resigned ? "/cgi-bin/externalcontact/resigned/transfer_customer"
                                      : "/cgi-bin/externalcontact/transfer_customer";
  for (size_t at = 0; at < batch.size(); at += kPerCall) {
    const size_t end = std::min(batch.size(), at + kPerCall);
    json externals = json::array();
    std::map<std::string, std::string> customer_of;
    for (size_t i = at; i < end; ++i) {
      externals.push_back(batch[i].first);
      customer_of[batch[i].first] = batch[i].second;
    }
    json request = {
        {"handover_userid", r.from}, {"takeover_userid", r.to}, {"external_userid", externals}};
    if (!r.resigned && !r.message.empty()) request["transfer_success_msg"] = r.message;
    ASSIGN_OR_RETURN(json answer, api.Post(path, request));
    std::vector<Event> events;
    for (const json& c : answer.value("customer", json::array())) {
      if (!c.is_object()) continue;
      const int64_t errcode = c.value("errcode", int64_t{-1});
      auto who = customer_of.find(c.value("external_userid", ""));
      if (who == customer_of.end()) continue;
      if (errcode != 0) {
        ++report.refused[errcode];
        continue;
      }
      ++report.requested;
      events.push_back(ServiceEvent(
          kTransferRequested,
          "wecom-transfer:" + r.from + ":" + r.to + ":" + who->second + ":" + std::to_string(day),
          who->second, now, DumpJson({{"from", r.from}, {"to", r.to}, {"resigned", r.resigned}})));
    }
    if (!events.empty()) RETURN_IF_ERROR(engine.Submit(ws, std::move(events)).status());
  }

  ASSIGN_OR_RETURN(std::vector<std::string> chats, GroupsOwnedBy(api, r.from, r.resigned));
  const std::string group_path = r.resigned ? "/cgi-bin/externalcontact/groupchat/transfer"
                                            : "/cgi-bin/externalcontact/groupchat/onjob_transfer";
  for (size_t at = 0; at < chats.size(); at += kPerCall) {
    const std::vector<std::string> part(
        chats.begin() + static_cast<long>(at),
        chats.begin() + static_cast<long>(std::min(chats.size(), at + kPerCall)));
    ASSIGN_OR_RETURN(json answer,
                     api.Post(group_path, {{"chat_id_list", part}, {"new_owner", r.to}}));
    int64_t failed = 0;
    for (const json& f : answer.value("failed_chat_list", json::array())) {
      ++failed;
      ++report.groups_refused[f.is_object() ? f.value("errcode", int64_t{-1}) : -1];
    }
    report.groups += static_cast<int64_t>(part.size()) - failed;
  }
  return report;
}

}  // namespace pond::wecom
