#include "pond/fission/fission_service.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "pond/base/hash.h"
#include "pond/base/json_text.h"
#include "pond/distribution/referral_code.h"
#include "pond/engine/event_replay.h"
#include "pond/engine/tenant_state.h"
#include "pond/fission/fission_event_names.h"
#include "pond/fission/fission_workspace.h"
#include "pond/model/event_names.h"

namespace pond {
namespace {

using nlohmann::json;

constexpr char kObjectKind[] = "fission";
constexpr char kCampaignKind[] = "fission_campaign";

bool SameTiers(const std::vector<CampaignTier>& a, const std::vector<CampaignTier>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].invites != b[i].invites || a[i].reward.coupon != b[i].reward.coupon ||
        a[i].reward.cash != b[i].reward.cash || a[i].reward.product != b[i].reward.product ||
        a[i].reward.value_fen != b[i].reward.value_fen) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<FissionService>> FissionService::Start(Engine* engine) {
  std::unique_ptr<FissionService> service(new FissionService(engine));
  // Campaigns are definitions; OnReset rebuilds their standing from the log.
  RETURN_IF_ERROR(engine->LoadThenObserve(
      service.get(), [&](const pond::Workspace& ws) { return service->Load(ws.id); }));
  return service;
}

FissionService::FissionService(Engine* engine) : engine_(engine) {}

FissionService::~FissionService() {
  background_.Stop();
  engine_->RemoveObserver(this);
}

FissionService::Workspace& FissionService::WorkspaceFor(const std::string& ws) {
  return workspaces_.For(ws);
}

Status FissionService::Load(const std::string& ws) {
  ASSIGN_OR_RETURN(std::string secret, LoadOrCreateSecret(*engine_, ws, kObjectKind));
  ASSIGN_OR_RETURN(std::vector<StoredObject> stored, engine_->ListObjects(ws, kCampaignKind));
  ASSIGN_OR_RETURN(const int zone, engine_->UtcOffsetOf(ws));
  std::vector<Campaign> campaigns;
  for (const StoredObject& o : stored) {
    ASSIGN_OR_RETURN(Campaign c, ParseCampaign(o.body, zone));
    campaigns.push_back(std::move(c));
  }
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  w.secret = std::move(secret);
  for (const Campaign& c : campaigns) w.Define(c);
  return Status::Ok();
}

Result<Campaign> FissionService::SaveCampaign(const std::string& ws, const Campaign& c) {
  {
    std::lock_guard lock(mu_);
    auto& campaigns = WorkspaceFor(ws).campaigns;
    if (auto it = campaigns.find(c.id); it != campaigns.end()) {
      // Grants already made name tiers by number: the tiers stay as they were.
      if (it->second.def.kind != c.kind) return FieldError("kind", "cannot change once saved");
      if (!SameTiers(it->second.def.tiers, c.tiers)) {
        return FieldError("tiers", "cannot change once saved; start a new campaign");
      }
    }
  }
  ASSIGN_OR_RETURN(const int zone, engine_->UtcOffsetOf(ws));
  RETURN_IF_ERROR(engine_->PutObject(
      ws, {kCampaignKind, c.id, DumpJson(CampaignJson(c, zone)), engine_->clock().NowMicros()}));
  RETURN_IF_ERROR(Load(ws));
  return GetCampaign(ws, c.id);
}

Result<std::vector<Campaign>> FissionService::Campaigns(const std::string& ws) {
  std::lock_guard lock(mu_);
  std::vector<Campaign> out;
  for (const auto& [id, c] : WorkspaceFor(ws).campaigns) out.push_back(c.def);
  return out;
}

Result<Campaign> FissionService::GetCampaign(const std::string& ws, const std::string& id) {
  std::lock_guard lock(mu_);
  auto& campaigns = WorkspaceFor(ws).campaigns;
  auto it = campaigns.find(id);
  if (it == campaigns.end()) return Status::NotFound("campaign \"" + id + "\" not found");
  return it->second.def;
}

Result<Poster> FissionService::Join(const std::string& ws, const std::string& campaign,
                                    const std::string& customer_key) {
  ASSIGN_OR_RETURN(const std::string customer, engine_->ResolveCustomer(ws, customer_key));
  const Micros now = engine_->clock().NowMicros();
  {
    std::lock_guard lock(mu_);
    auto& campaigns = WorkspaceFor(ws).campaigns;
    auto it = campaigns.find(campaign);
    if (it == campaigns.end()) return Status::NotFound("campaign \"" + campaign + "\" not found");
    if (!it->second.def.Active(now)) {
      return Status::FailedPrecondition("campaign " + campaign + " is not running now");
    }
  }
  std::vector<Event> joined;
  joined.push_back(FissionEvent(kFissionJoined, "fis:join:" + campaign + ":" + customer, customer,
                                now, {{"campaign_id", campaign}}));
  RETURN_IF_ERROR(engine_->Submit(ws, std::move(joined)).status());
  std::lock_guard lock(mu_);
  return Poster{campaign, customer,
                ReferralCode(WorkspaceFor(ws).secret, campaign + ":" + customer)};
}

void FissionService::OnApplied(const std::string& ws, const TenantState& state,
                               const AppliedEvent& applied) {
  const std::string& name = state.EventName(applied.name);
  const bool own = IsAnyOf(name, kOwnFissionEvents);
  if (!own && name != kInviteAccepted && name != kOrderPaid && name != kFriendAdded &&
      name != kOrderRefunded && name != kFriendDeleted) {
    return;
  }
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  if (w.campaigns.empty()) return;
  const std::string customer = TenantState::CustomerId(applied.customer);
  if (own) {
    w.ApplyOwn(applied.event, customer);
  } else {
    w.Note(applied.event, customer);
  }
}

void FissionService::OnReset(const std::string& ws, const TenantState& state) {
  BeginReplay(ws);
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  std::vector<Campaign> defs;
  for (const auto& [id, c] : w.campaigns) defs.push_back(c.def);
  w.campaigns.clear();
  w.groups = std::make_unique<GroupBuyBook>();
  w.members.clear();
  w.bargains.clear();
  w.arrivals.clear();
  w.arriving.clear();
  w.standings.clear();
  for (const Campaign& c : defs) w.Define(c);
  if (defs.empty()) return;
  const std::vector<std::string> own(std::begin(kOwnFissionEvents), std::end(kOwnFissionEvents));
  NoteReplay(ws, ForEachLoadedChunk(engine_, EventRefs(state, own, 0), [&](const auto& chunk) {
               for (const auto& [e, customer] : chunk) {
                 w.ApplyOwn(e, TenantState::CustomerId(state.Live(customer)));
               }
             }));
  // Catch-up: what arrived while no service ran is noted again, in order. Decisions already
  // made come out with the messageIds they had, which the engine drops as duplicates.
  auto note = [&](const std::vector<EventRef>& refs) {
    NoteReplay(ws, ForEachLoadedChunk(engine_, refs, [&](const auto& chunk) {
                 for (const auto& [e, customer] : chunk) {
                   w.Note(e, TenantState::CustomerId(state.Live(customer)));
                 }
               }));
  };
  note(EventRefs(state, {kInviteAccepted}, 0));
  std::set<std::string> friends;
  for (const auto& [id, c] : w.campaigns) {
    for (const auto& [friend_id, q] : c.qualified) friends.insert(friend_id);
  }
  for (const auto& [friend_id, campaign] : w.arriving) friends.insert(friend_id);
  std::vector<EventRef> refs =
      EventRefs(state, {kOrderPaid, kFriendAdded, kOrderRefunded, kFriendDeleted}, 0);
  std::erase_if(refs, [&](const EventRef& r) {
    const std::string id = TenantState::CustomerId(state.Live(r.customer));
    return !friends.count(id) &&
           std::none_of(w.campaigns.begin(), w.campaigns.end(),
                        [&](const auto& c) { return !c.second.forest.InviterOf(id).empty(); });
  });
  note(refs);
}

Result<int64_t> FissionService::RunDue() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    ids = workspaces_.Ids();
  }
  int64_t submitted = 0;
  for (const std::string& ws : ids) {
    ASSIGN_OR_RETURN(int64_t n, RunDue(ws));
    submitted += n;
  }
  return submitted;
}

Result<int64_t> FissionService::RunDue(const std::string& ws) {
  int64_t submitted = 0;
  auto submit = [&](std::vector<Event> events) -> Status {
    constexpr size_t kBatch = 5'000;
    for (size_t start = 0; start < events.size(); start += kBatch) {
      const size_t end = std::min(events.size(), start + kBatch);
      std::vector<Event> batch(std::make_move_iterator(events.begin() + start),
                               std::make_move_iterator(events.begin() + end));
      ASSIGN_OR_RETURN(SubmitResult r, engine_->Submit(ws, std::move(batch)));
      submitted += r.accepted;
    }
    return Status::Ok();
  };
  const Micros now = engine_->clock().NowMicros();
  // 1. Friends arriving with a code: first touch, within the campaign's dates. What the
  // customer state says of each (age, shared identities) is read after (the state's lock is
  // never taken inside ours).
  std::vector<std::pair<Arrival, std::string>> attributed;  // with the inviter
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    for (Arrival& a : w.arrivals) {
      auto it = w.campaigns.find(a.campaign);
      if (it == w.campaigns.end() || !it->second.def.Active(a.at)) continue;
      const LiveCampaign& c = it->second;
      auto code = c.codes.find(a.code);
      if (code == c.codes.end()) continue;  // not a poster of this campaign
      if (c.forest.Check(code->second, a.friend_id) != InviteOutcome::kAttributed) continue;
      attributed.emplace_back(std::move(a), code->second);
    }
    w.arrivals.clear();
    w.arriving.clear();
  }
  std::vector<ArrivalCheck> checks;
  if (!attributed.empty()) {
    RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
      for (const auto& [a, inviter] : attributed) checks.push_back(CheckArrival(state, a, inviter));
    }));
  }
  std::vector<Event> events;
  for (size_t i = 0; i < attributed.size(); ++i) {
    const auto& [a, inviter] = attributed[i];
    events.push_back(FissionEvent(kFissionInvited, "fis:inv:" + a.campaign + ":" + a.friend_id,
                                  a.friend_id, a.at,
                                  {{"campaign_id", a.campaign},
                                   {"inviter", inviter},
                                   {"ip", a.ip},
                                   {"device_id", a.device_id},
                                   {"phone_block", a.phone.substr(0, 7)},
                                   {"created_at_us", checks[i].created_at},
                                   {"same_as_inviter", checks[i].same_as_inviter},
                                   {"reregistered", checks[i].reregistered}}));
  }
  RETURN_IF_ERROR(submit(std::move(events)));
  // 2. Friends who did, or undid, what the campaign asks.
  events.clear();
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    for (const Standing& s : w.standings) {
      const LiveCampaign& c = w.campaigns.at(s.campaign);
      if (c.forest.InviterOf(s.friend_id).empty()) continue;  // the arrival was not attributed
      const char* name = s.qualifies ? kFissionQualified : kFissionDisqualified;
      events.push_back(FissionEvent(name,
                                    std::string(s.qualifies ? "fis:q:" : "fis:dq:") + s.campaign +
                                        ":" + s.friend_id + ":" + std::to_string(s.seq),
                                    s.friend_id, s.at,
                                    {{"campaign_id", s.campaign},
                                     {"inviter", c.forest.InviterOf(s.friend_id)},
                                     {"order_id", s.order_id},
                                     {"staff_id", s.staff_id},
                                     {"reason", s.reason}}));
    }
    w.standings.clear();
  }
  RETURN_IF_ERROR(submit(std::move(events)));
  // 3. Rewards due and disputes, once each by their keys.
  events.clear();
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    for (const auto& [id, c] : w.campaigns) {
      for (const std::string& key : c.due) {
        const std::string inviter = key.substr(id.size() + 1, key.rfind(':') - id.size() - 1);
        const CampaignReward& r = c.RewardOf(key);
        const std::string tier = key.substr(key.rfind(':') + 1);
        events.push_back(FissionEvent(kFissionRewardGranted, "fis:reward:" + key, inviter, now,
                                      {{"campaign_id", id},
                                       {"key", key},
                                       {"tier", std::stoi(tier)},
                                       {"coupon", r.coupon},
                                       {"product", r.product},
                                       {"value_fen", r.value_fen},
                                       {"cash_fen", r.cash ? r.value_fen : 0}}));
        if (!r.coupon.empty()) {
          events.push_back(FissionEvent(kCouponIssued, "fis:coupon:" + key, inviter, now,
                                        {{"coupon_id", r.coupon},
                                         {"value_fen", r.value_fen},
                                         {"campaign_id", id},
                                         {"reward_key", key}}));
        }
      }
      for (const std::string& key : c.to_hold) {
        const HeldReward& h = c.held.at(key);
        events.push_back(FissionEvent(
            kFissionRewardHeld, "fis:hold:" + key, h.inviter, now,
            {{"campaign_id", id}, {"key", key}, {"score", h.score}, {"reasons", h.reasons}}));
      }
      for (const std::string& key : c.to_dispute) {
        const int n = c.disputes.count(key) ? c.disputes.at(key) + 1 : 1;
        const std::string inviter = key.substr(id.size() + 1, key.rfind(':') - id.size() - 1);
        events.push_back(FissionEvent(kFissionRewardDisputed,
                                      "fis:dispute:" + key + ":" + std::to_string(n), inviter, now,
                                      {{"campaign_id", id}, {"key", key}}));
      }
    }
  }
  RETURN_IF_ERROR(submit(std::move(events)));
  // 4. Group buys whose time is up: failed ones refund every member's order — as far as pond
  // saw it paid: a payment pond never saw, or one the shop refunded already (in whole or in
  // part), is the shop's to settle; a refund of it here would be money that was never received.
  events.clear();
  std::vector<Event> refunds;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    for (const Group& g : w.groups->DueToClose(now)) {
      const bool ok = g.state == GroupState::kSucceeded;
      events.push_back(FissionEvent(kGroupBuyClosed, "fis:gclose:" + g.id, g.leader, g.closed_at,
                                    {{"campaign_id", g.campaign},
                                     {"group_id", g.id},
                                     {"state", ok ? "succeeded" : "failed"},
                                     {"members", g.members.size()}}));
      if (ok) continue;
      for (const GroupMember& m : w.members[g.id]) {
        if (m.order_id.empty() || m.amount_fen <= 0) continue;
        const std::string refund_id = "gb-" + g.id + "-" + m.customer;
        Event refund = FissionEvent(kOrderRefunded, "fis:grefund:" + g.id + ":" + m.customer,
                                    m.customer, g.closed_at,
                                    {{"order_id", m.order_id},
                                     {"refund_id", refund_id},
                                     {"amount_fen", m.amount_fen},
                                     {"reason", "拼团未成团 / the group did not fill"}});
        refund.refund.emplace();  // counted as a refund, as one from the shop would be
        refund.refund->refund_id = refund_id;
        refund.refund->order_id = m.order_id;
        refund.refund->amount_fen = m.amount_fen;
        refund.refund->refunded_at = g.closed_at;
        refund.amount_fen = m.amount_fen;
        refunds.push_back(std::move(refund));
      }
    }
  }
  // Read after the lock above is released: the engine's tenant lock is taken before ours.
  if (!refunds.empty()) {
    RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
      for (Event& refund : refunds) {
        if (state.IsRefundCounted(refund.refund->refund_id)) continue;  // refunded already
        if (state.RefundableFen(refund.refund->order_id) < refund.amount_fen) continue;
        events.push_back(std::move(refund));
      }
      return Status::Ok();
    }));
  }
  RETURN_IF_ERROR(submit(std::move(events)));
  return submitted;
}

Result<CampaignReport> FissionService::Report(const std::string& ws, const std::string& campaign) {
  std::lock_guard lock(mu_);
  auto& campaigns = WorkspaceFor(ws).campaigns;
  auto it = campaigns.find(campaign);
  if (it == campaigns.end()) return Status::NotFound("campaign \"" + campaign + "\" not found");
  const LiveCampaign& c = it->second;
  CampaignReport r;
  r.campaign = campaign;
  r.participants = c.forest.participants();
  r.invites = c.forest.invites();
  r.qualified = c.forest.qualified();
  r.k_factor = c.forest.KFactor();
  r.invites_per_participant = c.forest.InvitesPerParticipant();
  r.conversion = c.forest.Conversion();
  r.depths = c.forest.DepthHistogram();
  r.rewards_granted = static_cast<int64_t>(c.granted.size());
  r.rewards_refused = static_cast<int64_t>(c.refused.size());
  r.rewards_held = static_cast<int64_t>(c.held.size());
  r.rewards_rejected = static_cast<int64_t>(c.rejected.size());
  const int64_t reached = c.reserved + r.rewards_rejected;
  r.fraud_rate = reached ? static_cast<double>(c.sent_to_review) / static_cast<double>(reached) : 0;
  for (const std::string& key : c.granted) {
    r.spent_fen += c.RewardOf(key).value_fen;
    if (c.tiers->Disputed(key)) ++r.rewards_disputed;
  }
  if (c.def.kind == CampaignKind::kGroupBuy) {
    for (const auto& [group_id, list] : WorkspaceFor(ws).members) {
      Result<Group> g = WorkspaceFor(ws).groups->Get(group_id);
      if (!g.ok() || g->campaign != campaign) continue;
      r.group_members += static_cast<int64_t>(g->members.size());
      if (g->state == GroupState::kOpen) ++r.groups_open;
      if (g->state == GroupState::kSucceeded) ++r.groups_succeeded;
      if (g->state == GroupState::kFailed) ++r.groups_failed;
    }
  }
  r.cost_per_customer_fen = r.qualified ? (r.spent_fen + r.qualified - 1) / r.qualified : 0;
  return r;
}

Result<std::vector<FissionService::InviterRow>> FissionService::Inviters(
    const std::string& ws, const std::string& campaign, size_t limit) {
  std::lock_guard lock(mu_);
  auto& campaigns = WorkspaceFor(ws).campaigns;
  auto it = campaigns.find(campaign);
  if (it == campaigns.end()) return Status::NotFound("campaign \"" + campaign + "\" not found");
  std::vector<InviterRow> out;
  for (const auto& [id, stats] : it->second.forest.TopInviters(limit)) {
    out.push_back({id, stats.invites, stats.qualified, it->second.forest.Depth(id)});
  }
  return out;
}

Result<std::vector<FissionService::FraudRow>> FissionService::Fraud(const std::string& ws,
                                                                    const std::string& campaign,
                                                                    size_t limit) {
  std::vector<InviteeFacts> invitees;
  FraudCounts counts;
  {
    std::lock_guard lock(mu_);
    auto& campaigns = WorkspaceFor(ws).campaigns;
    auto it = campaigns.find(campaign);
    if (it == campaigns.end()) return Status::NotFound("campaign \"" + campaign + "\" not found");
    for (const auto& [id, f] : it->second.facts) invitees.push_back(f);
    counts = it->second.counts;
  }
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
    for (InviteeFacts& f : invitees) {
      const uint32_t c = state.ParseCustomerId(f.id);
      if (c != kNoIndex) f.last_active_at = LastActivity(state, state.Live(c));
    }
  }));
  const FraudRules rules;
  const std::vector<FraudScore> scores =
      ScoreInvitees(invitees, {}, rules, engine_->clock().NowMicros(), &counts);
  std::map<std::string, std::vector<FraudScore>> by_inviter;
  for (size_t i = 0; i < invitees.size(); ++i) {
    by_inviter[invitees[i].inviter].push_back(scores[i]);
  }
  std::vector<FraudRow> rows;
  for (FraudScore& inviter : ScoreInviters(invitees, scores, rules)) {
    std::vector<FraudScore>& list = by_inviter[inviter.id];
    std::stable_sort(list.begin(), list.end(),
                     [](const FraudScore& a, const FraudScore& b) { return a.score > b.score; });
    rows.push_back({std::move(inviter), std::move(list)});
  }
  // Most suspicious first: the inviter's own score, then the worst of its invitees.
  auto worst = [](const FraudRow& r) { return r.invitees.empty() ? 0 : r.invitees[0].score; };
  std::stable_sort(rows.begin(), rows.end(), [&](const FraudRow& a, const FraudRow& b) {
    return std::pair(a.inviter.score, worst(a)) > std::pair(b.inviter.score, worst(b));
  });
  if (rows.size() > limit) rows.resize(limit);
  return rows;
}

Result<std::vector<HeldReward>> FissionService::Held(const std::string& ws,
                                                     const std::string& campaign) {
  std::lock_guard lock(mu_);
  auto& campaigns = WorkspaceFor(ws).campaigns;
  auto it = campaigns.find(campaign);
  if (it == campaigns.end()) return Status::NotFound("campaign \"" + campaign + "\" not found");
  std::vector<HeldReward> out;
  for (const auto& [key, h] : it->second.held) out.push_back(h);
  return out;
}

Status FissionService::Review(const std::string& ws, const std::string& campaign,
                              const std::string& key, bool approve, const std::string& by) {
  std::string inviter;
  {
    std::lock_guard lock(mu_);
    auto& campaigns = WorkspaceFor(ws).campaigns;
    auto it = campaigns.find(campaign);
    if (it == campaigns.end()) return Status::NotFound("campaign \"" + campaign + "\" not found");
    const LiveCampaign& c = it->second;
    const bool approved_before =
        c.granted.count(key) || std::find(c.due.begin(), c.due.end(), key) != c.due.end();
    if (approved_before && approve) return Status::Ok();
    if (c.rejected.count(key) && !approve) return Status::Ok();
    auto h = c.held.find(key);
    if (h == c.held.end()) {
      return Status::NotFound("no reward \"" + key + "\" is waiting for review");
    }
    inviter = h->second.inviter;
  }
  std::vector<Event> review;
  review.push_back(FissionEvent(approve ? kFissionRewardApproved : kFissionRewardRejected,
                                "fis:review:" + key, inviter, engine_->clock().NowMicros(),
                                {{"campaign_id", campaign}, {"key", key}, {"by", by}}));
  return engine_->Submit(ws, std::move(review)).status();
}

void FissionService::RunInBackground(std::chrono::milliseconds every) {
  background_.Start(every, [this] { (void)RunDue(); });
}

}  // namespace pond
