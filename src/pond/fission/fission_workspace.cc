#include "pond/fission/fission_workspace.h"

#include <algorithm>

#include "pond/distribution/referral_code.h"
#include "pond/engine/event_origin.h"
#include "pond/fission/fission_event_names.h"
#include "pond/model/event_names.h"

namespace pond {

using nlohmann::json;

ArrivalCheck CheckArrival(const TenantState& state, const Arrival& a, const std::string& inviter) {
  ArrivalCheck out;
  const uint32_t dense = state.ParseCustomerId(a.friend_id);
  if (dense == kNoIndex) return out;
  const uint32_t me = state.Live(dense);
  out.created_at = state.customers().created_at[dense];
  const uint32_t by_dense = state.ParseCustomerId(inviter);
  const uint32_t by = by_dense == kNoIndex ? kNoIndex : state.Live(by_dense);
  auto holder = [&](IdentityKind kind, const std::string& value) {
    return value.empty() ? kNoIndex : state.FindByIdentity(kind, value);
  };
  if (by != kNoIndex) {
    if (holder(IdentityKind::kAnonymousId, a.device_id) == by ||
        holder(IdentityKind::kAnonymousId, a.anonymous_id) == by) {
      out.same_as_inviter = "device";
    } else if (holder(IdentityKind::kPhone, a.phone) == by) {
      out.same_as_inviter = "phone";
    }
  }
  // Someone who deleted the staff account and comes back as a "new" customer under another
  // account: the index still names the older profile for their phone or unionid.
  const uint32_t deleted = state.FindEventName(kFriendDeleted);
  if (deleted == kNoIndex) return out;
  for (const auto& [kind, value] :
       {std::pair{IdentityKind::kPhone, &a.phone}, std::pair{IdentityKind::kUnionId, &a.unionid}}) {
    const uint32_t older = holder(kind, *value);
    if (older == kNoIndex || older == me || older == by) continue;
    if (!state.customers().friends[older].empty()) continue;  // still a friend: not gone
    const auto& history = state.customers().history[older];
    if (std::any_of(history.begin(), history.end(),
                    [&](const HistoryEntry& h) { return h.name == deleted; })) {
      out.reregistered = TenantState::CustomerId(older);
      break;
    }
  }
  return out;
}

Micros LastActivity(const TenantState& state, uint32_t customer) {
  Micros latest = 0;
  for (const HistoryEntry& h : state.customers().history[customer]) {
    if (h.timestamp > latest && !IsPondWrittenEvent(state.EventName(h.name))) latest = h.timestamp;
  }
  return latest;
}

void FissionService::Workspace::ApplyOwn(const Event& e, const std::string& customer) {
  json p = json::parse(e.properties, nullptr, false);
  if (!p.is_object()) return;
  auto found = campaigns.find(JsonString(p, "campaign_id"));
  if (found == campaigns.end()) return;
  LiveCampaign& c = found->second;
  const std::string inviter = JsonString(p, "inviter");
  const std::string group = JsonString(p, "group_id");
  if (e.name == kGroupBuyOpened || e.name == kGroupBuyJoined) {
    bool filled = false;
    const Status s = e.name == kGroupBuyOpened
                         ? groups->Open(c.def.id, group, customer, c.def.group, e.timestamp)
                         : groups->Join(group, customer, e.timestamp, &filled);
    if (s.ok()) {
      members[group].push_back(
          {customer, JsonString(p, "order_id"), p.value("amount_fen", int64_t{0})});
    }
  } else if (e.name == kGroupBuyClosed) {
    groups->CloseGroup(
        group, JsonString(p, "state") == "succeeded" ? GroupState::kSucceeded : GroupState::kFailed,
        e.timestamp);
  } else if (e.name == kBargainStarted) {
    Bargain& b = bargains[JsonString(p, "bargain_id")];
    if (!b.id.empty()) return;
    b = {JsonString(p, "bargain_id"), c.def.id, customer,   {}, {},
         c.def.bargain.start_fen,     false,    e.timestamp};
  } else if (e.name == kBargainHelped) {
    auto b = bargains.find(JsonString(p, "bargain_id"));
    if (b == bargains.end() || b->second.reached ||
        std::find(b->second.helpers.begin(), b->second.helpers.end(), customer) !=
            b->second.helpers.end()) {
      return;
    }
    const int64_t cut = p.value("cut_fen", int64_t{0});
    b->second.helpers.push_back(customer);
    b->second.cuts.push_back(cut);
    b->second.price_fen -= cut;
    b->second.reached = b->second.price_fen <= c.def.bargain.floor_fen;
  } else if (e.name == kFissionJoined) {
    c.forest.Join(customer);
    c.codes[ReferralCode(secret, c.def.id + ":" + customer)] = customer;
  } else if (e.name == kFissionInvited) {
    if (c.forest.Invite(inviter, customer, e.timestamp) != InviteOutcome::kAttributed) return;
    InviteeFacts& f = c.facts[customer];
    f.id = customer;
    f.inviter = inviter;
    f.ip = JsonString(p, "ip");
    f.device_id = JsonString(p, "device_id");
    f.phone = JsonString(p, "phone_block");  // only the first 7 digits are kept
    f.same_as_inviter = JsonString(p, "same_as_inviter");
    f.reregistered = JsonString(p, "reregistered");
    f.created_at = p.value("created_at_us", int64_t{0});
    f.invited_at = e.timestamp;
    c.counts.Add(f);
    c.invitees_of[inviter].push_back(customer);
  } else if (e.name == kFissionQualified || e.name == kFissionDisqualified) {
    const bool up = e.name == kFissionQualified;
    if (up == static_cast<bool>(c.qualified.count(customer))) return;  // already so
    if (c.forest.InviterOf(customer).empty()) return;                  // nobody's friend here
    if (up) {
      c.qualified[customer] = {JsonString(p, "order_id"), JsonString(p, "staff_id"), e.timestamp};
    } else {
      c.qualified.erase(customer);
    }
    if (auto f = c.facts.find(customer); f != c.facts.end()) {
      f->second.qualified_at = up ? e.timestamp : 0;
    }
    c.forest.SetQualified(customer, up);
    const std::string by = c.forest.InviterOf(customer);
    const TierChange change = c.tiers->Update(c.def.id, by, c.forest.StatsOf(by).qualified);
    for (const std::string& key : change.granted) {
      const int64_t value = c.RewardOf(key).value_fen;
      if (c.reserved < c.def.stock && c.reserved_fen + value <= c.def.budget_fen) {
        ++c.reserved;
        c.reserved_fen += value;
        const FraudScore risk = c.InviterScore(by, e.timestamp);
        if (risk.review) {  // waits for an operator
          HeldReward& h = c.held[key];
          h = {key, by, risk.score, {}};
          for (const FraudSignal& s : risk.signals) h.reasons.push_back(s.reason);
          c.to_hold.push_back(key);
          ++c.sent_to_review;
        } else {
          c.due.push_back(key);
        }
      } else {
        c.refused.insert(key);
      }
    }
    for (const std::string& key : change.disputed) {
      if (!c.refused.count(key)) c.to_dispute.push_back(key);
    }
  } else if (e.name == kFissionRewardGranted) {
    c.granted.insert(JsonString(p, "key"));
    std::erase(c.due, JsonString(p, "key"));
  } else if (e.name == kFissionRewardDisputed) {
    ++c.disputes[JsonString(p, "key")];
    std::erase(c.to_dispute, JsonString(p, "key"));
  } else if (e.name == kFissionRewardHeld) {
    std::erase(c.to_hold, JsonString(p, "key"));
  } else if (e.name == kFissionRewardApproved || e.name == kFissionRewardRejected) {
    auto h = c.held.find(JsonString(p, "key"));
    if (h == c.held.end()) return;
    if (e.name == kFissionRewardApproved) {
      c.due.push_back(h->first);
    } else {
      c.rejected.insert(h->first);
      --c.reserved;
      c.reserved_fen -= c.RewardOf(h->first).value_fen;
    }
    std::erase(c.to_hold, h->first);
    c.held.erase(h);
  }
}

void FissionService::Workspace::Note(const Event& e, const std::string& customer) {
  json p = json::parse(e.properties, nullptr, false);
  if (!p.is_object()) p = json::object();
  if (e.name == kInviteAccepted) {
    json ctx = json::parse(e.context, nullptr, false);
    std::string ip, device;
    if (ctx.is_object()) {
      ip = JsonString(ctx, "ip");
      if (auto d = ctx.find("device"); d != ctx.end() && d->is_object())
        device = JsonString(*d, "id");
    }
    Arrival a{customer,
              JsonString(p, "campaign_id"),
              JsonString(p, "code"),
              e.timestamp,
              ip,
              device,
              "",
              "",
              e.anonymous_id};
    for (const Identity& id : e.identities) {
      if (id.kind == IdentityKind::kPhone) a.phone = id.value;
      if (id.kind == IdentityKind::kUnionId) a.unionid = id.value;
      if (id.kind == IdentityKind::kAnonymousId) a.anonymous_id = id.value;
    }
    arrivals.push_back(std::move(a));
    arriving.emplace(customer, arrivals.back().campaign);
    return;
  }
  for (auto& [id, c] : campaigns) {
    // A friend whose arrival is still to be decided may already be paying.
    if (c.def.kind != CampaignKind::kTask ||
        (c.forest.InviterOf(customer).empty() && !arriving.count({customer, id}))) {
      continue;
    }
    auto q = c.qualified.find(customer);
    const QualifyRule& rule = c.def.qualify;
    if (q == c.qualified.end() && c.def.Active(e.timestamp)) {
      const bool paid = e.name == kOrderPaid && rule.event == kOrderPaid && e.order &&
                        e.order->total_fen >= rule.min_amount_fen;
      const std::string staff = JsonString(p, "staff_id");
      const bool added = e.name == kFriendAdded && rule.event == kFriendAdded &&
                         (rule.staff_id.empty() || rule.staff_id == staff);
      if (paid || added) {
        standings.push_back({customer, id, paid ? e.order->order_id : "", added ? staff : "", true,
                             rule.event, e.seq, e.timestamp});
      }
    } else if (q != c.qualified.end() &&
               e.timestamp - q->second.at <= c.def.window_days * kMicrosPerDay) {
      const bool refunded = e.name == kOrderRefunded && !q->second.order_id.empty() &&
                            JsonString(p, "order_id") == q->second.order_id;
      const bool deleted = e.name == kFriendDeleted && !q->second.staff_id.empty() &&
                           JsonString(p, "staff_id") == q->second.staff_id;
      if (refunded || deleted) {
        standings.push_back({customer, id, "", "", false,
                             refunded ? "refunded" : "deleted the staff account", e.seq,
                             e.timestamp});
      }
    }
  }
}

}  // namespace pond
