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

namespace pond {
namespace {

using nlohmann::json;

constexpr char kObjectKind[] = "fission";
constexpr char kCampaignKind[] = "fission_campaign";

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

Event FissionEvent(const char* name, std::string message_id, const std::string& customer, Micros at,
                   const json& properties) {
  return ServiceEvent(name, std::move(message_id), customer, at, DumpJson(properties));
}

// A friend's arrival with a poster code, or a change in whether they count.
struct Arrival {
  std::string friend_id, campaign, code;
  Micros at = 0;
  std::string ip, device_id;  // from the event's context, for fraud scoring
};
struct Standing {
  std::string friend_id, campaign, order_id, staff_id;
  bool qualifies = true;
  std::string reason;
  int64_t seq = 0;  // the event that caused it
  Micros at = 0;
};

bool SameTiers(const std::vector<CampaignTier>& a, const std::vector<CampaignTier>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].invites != b[i].invites || a[i].reward.coupon != b[i].reward.coupon ||
        a[i].reward.product != b[i].reward.product ||
        a[i].reward.value_fen != b[i].reward.value_fen) {
      return false;
    }
  }
  return true;
}

}  // namespace

// One campaign as its events left it.
struct LiveCampaign {
  Campaign def;
  InviteForest forest;
  std::unique_ptr<TaskTiers> tiers;
  std::map<std::string, std::string> codes;  // poster code -> participant
  struct Qualified {
    std::string order_id, staff_id;
    Micros at = 0;
  };
  std::map<std::string, Qualified> qualified;  // friend -> how they qualified
  std::set<std::string> granted;               // reward keys with fission_reward_granted
  std::set<std::string> refused;               // reached with no stock or budget left
  std::map<std::string, int> disputes;         // reward key -> disputes recorded
  int64_t reserved = 0, reserved_fen = 0;      // rewards granted or due, and their value
  std::vector<std::string> due;                // to grant
  std::vector<std::string> to_dispute;
  // Fraud: what is known of each friend, the campaign-wide counts, each inviter's friends, and
  // the rewards held for review (by key), to hold (events to write) and rejected.
  std::map<std::string, InviteeFacts> facts;
  FraudCounts counts;
  std::map<std::string, std::vector<std::string>> invitees_of;
  std::map<std::string, HeldReward> held;
  std::vector<std::string> to_hold;
  std::set<std::string> rejected;

  // The inviter's fraud score as the campaign stands at `at`.
  FraudScore InviterScore(const std::string& inviter, Micros at) const {
    std::vector<InviteeFacts> list;
    if (auto it = invitees_of.find(inviter); it != invitees_of.end()) {
      for (const std::string& f : it->second) list.push_back(facts.at(f));
    }
    FraudRules rules;
    // The service does not follow friends' activity yet, so "zombie" cannot be told here.
    rules.zombie_after = std::numeric_limits<Micros>::max() / 2;
    const std::vector<FraudScore> scores = ScoreInvitees(list, {}, rules, at, &counts);
    std::vector<FraudScore> inviters = ScoreInviters(list, scores, rules);
    return inviters.empty() ? FraudScore{inviter, 0, false, {}} : inviters[0];
  }

  const CampaignReward& RewardOf(const std::string& key) const {
    static const CampaignReward kNone;
    const size_t tier = std::stoul(key.substr(key.rfind(':') + 1));
    return tier < def.tiers.size() ? def.tiers[tier].reward : kNone;
  }
};

struct GroupMember {
  std::string customer, order_id;
  int64_t amount_fen = 0;
};

struct FissionService::Workspace {
  std::string secret;
  std::unique_ptr<GroupBuyBook> groups = std::make_unique<GroupBuyBook>();
  std::map<std::string, std::vector<GroupMember>> members;  // group id -> who paid what
  std::map<std::string, Bargain> bargains;
  std::map<std::string, LiveCampaign> campaigns;
  std::vector<Arrival> arrivals;
  std::set<std::pair<std::string, std::string>> arriving;  // (friend, campaign) of `arrivals`
  std::vector<Standing> standings;

  LiveCampaign& Define(const Campaign& c) {
    LiveCampaign& live = campaigns[c.id];
    live.def = c;
    std::vector<TaskTier> tiers;
    for (const CampaignTier& t : c.tiers) tiers.push_back({t.invites, t.reward.coupon});
    if (!live.tiers) live.tiers = std::make_unique<TaskTiers>(tiers);
    return live;
  }

  void ApplyOwn(const Event& e, const std::string& customer) {
    json p = json::parse(e.properties, nullptr, false);
    if (!p.is_object()) return;
    auto found = campaigns.find(Str(p, "campaign_id"));
    if (found == campaigns.end()) return;
    LiveCampaign& c = found->second;
    const std::string inviter = Str(p, "inviter");
    const std::string group = Str(p, "group_id");
    if (e.name == kGroupBuyOpened || e.name == kGroupBuyJoined) {
      bool filled = false;
      const Status s = e.name == kGroupBuyOpened
                           ? groups->Open(c.def.id, group, customer, c.def.group, e.timestamp)
                           : groups->Join(group, customer, e.timestamp, &filled);
      if (s.ok()) {
        members[group].push_back({customer, Str(p, "order_id"), p.value("amount_fen", int64_t{0})});
      }
    } else if (e.name == kGroupBuyClosed) {
      groups->CloseGroup(
          group, Str(p, "state") == "succeeded" ? GroupState::kSucceeded : GroupState::kFailed,
          e.timestamp);
    } else if (e.name == kBargainStarted) {
      Bargain& b = bargains[Str(p, "bargain_id")];
      if (!b.id.empty()) return;
      b = {Str(p, "bargain_id"),    c.def.id, customer,   {}, {},
           c.def.bargain.start_fen, false,    e.timestamp};
    } else if (e.name == kBargainHelped) {
      auto b = bargains.find(Str(p, "bargain_id"));
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
      f.ip = Str(p, "ip");
      f.device_id = Str(p, "device_id");
      f.created_at = p.value("created_at_us", int64_t{0});
      f.invited_at = e.timestamp;
      c.counts.Add(f);
      c.invitees_of[inviter].push_back(customer);
    } else if (e.name == kFissionQualified || e.name == kFissionDisqualified) {
      const bool up = e.name == kFissionQualified;
      if (up == static_cast<bool>(c.qualified.count(customer))) return;  // already so
      if (up) {
        c.qualified[customer] = {Str(p, "order_id"), Str(p, "staff_id"), e.timestamp};
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
      c.granted.insert(Str(p, "key"));
      std::erase(c.due, Str(p, "key"));
    } else if (e.name == kFissionRewardDisputed) {
      ++c.disputes[Str(p, "key")];
      std::erase(c.to_dispute, Str(p, "key"));
    } else if (e.name == kFissionRewardHeld) {
      std::erase(c.to_hold, Str(p, "key"));
    } else if (e.name == kFissionRewardApproved || e.name == kFissionRewardRejected) {
      auto h = c.held.find(Str(p, "key"));
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

  // Other events: a friend arriving with a code, or doing (or undoing) what a campaign asks.
  void Note(const Event& e, const std::string& customer) {
    json p = json::parse(e.properties, nullptr, false);
    if (!p.is_object()) p = json::object();
    if (e.name == "invite_accepted") {
      json ctx = json::parse(e.context, nullptr, false);
      std::string ip, device;
      if (ctx.is_object()) {
        ip = Str(ctx, "ip");
        if (auto d = ctx.find("device"); d != ctx.end() && d->is_object()) device = Str(*d, "id");
      }
      arrivals.push_back(
          {customer, Str(p, "campaign_id"), Str(p, "code"), e.timestamp, ip, device});
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
        const bool paid = e.name == "order_paid" && rule.event == "order_paid" && e.order &&
                          e.order->total_fen >= rule.min_amount_fen;
        const std::string staff = Str(p, "staff_id");
        const bool added = e.name == "friend_added" && rule.event == "friend_added" &&
                           (rule.staff_id.empty() || rule.staff_id == staff);
        if (paid || added) {
          standings.push_back({customer, id, paid ? e.order->order_id : "", added ? staff : "",
                               true, rule.event, e.seq, e.timestamp});
        }
      } else if (q != c.qualified.end() &&
                 e.timestamp - q->second.at <= c.def.window_days * kMicrosPerDay) {
        const bool refunded = e.name == "order_refunded" && !q->second.order_id.empty() &&
                              Str(p, "order_id") == q->second.order_id;
        const bool deleted = e.name == "friend_deleted" && !q->second.staff_id.empty() &&
                             Str(p, "staff_id") == q->second.staff_id;
        if (refunded || deleted) {
          standings.push_back({customer, id, "", "", false,
                               refunded ? "refunded" : "deleted the staff account", e.seq,
                               e.timestamp});
        }
      }
    }
  }
};

Result<std::unique_ptr<FissionService>> FissionService::Start(Engine* engine) {
  std::unique_ptr<FissionService> service(new FissionService(engine));
  ASSIGN_OR_RETURN(std::vector<pond::Workspace> all, engine->ListWorkspaces());
  for (const pond::Workspace& ws : all) RETURN_IF_ERROR(service->Load(ws.id));
  engine->AddObserver(service.get());  // OnReset rebuilds every campaign from the log
  return service;
}

FissionService::FissionService(Engine* engine) : engine_(engine) {}

FissionService::~FissionService() {
  background_.Stop();
  engine_->RemoveObserver(this);
}

FissionService::Workspace& FissionService::WorkspaceFor(const std::string& ws) {
  auto& w = workspaces_[ws];
  if (!w) w = std::make_unique<Workspace>();
  return *w;
}

Status FissionService::Load(const std::string& ws) {
  ASSIGN_OR_RETURN(std::string secret, LoadOrCreateSecret(*engine_, ws, kObjectKind));
  ASSIGN_OR_RETURN(std::vector<StoredObject> stored, engine_->ListObjects(ws, kCampaignKind));
  std::vector<Campaign> campaigns;
  for (const StoredObject& o : stored) {
    ASSIGN_OR_RETURN(Campaign c, ParseCampaign(o.body));
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
  RETURN_IF_ERROR(
      engine_->PutObject(ws, {kCampaignKind, c.id, CampaignJson(c), engine_->clock().NowMicros()}));
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
  ASSIGN_OR_RETURN(CustomerProfile p, engine_->GetCustomer(ws, customer_key, 0));
  const std::string customer = p.summary.id;
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
  const bool own = IsFissionLedgerEvent(name);
  if (!own && name != "invite_accepted" && name != "order_paid" && name != "friend_added" &&
      name != "order_refunded" && name != "friend_deleted") {
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
  (void)ForEachLoadedChunk(engine_, EventRefs(state, own, 0), [&](const auto& chunk) {
    for (const auto& [e, customer] : chunk) {
      w.ApplyOwn(e, TenantState::CustomerId(state.Live(customer)));
    }
  });
  // Catch-up: what arrived while no service ran is noted again, in order. Decisions already
  // made come out with the messageIds they had, which the engine drops as duplicates.
  auto note = [&](const std::vector<EventRef>& refs) {
    (void)ForEachLoadedChunk(engine_, refs, [&](const auto& chunk) {
      for (const auto& [e, customer] : chunk) {
        w.Note(e, TenantState::CustomerId(state.Live(customer)));
      }
    });
  };
  note(EventRefs(state, {"invite_accepted"}, 0));
  std::set<std::string> friends;
  for (const auto& [id, c] : w.campaigns) {
    for (const auto& [friend_id, q] : c.qualified) friends.insert(friend_id);
  }
  for (const auto& [friend_id, campaign] : w.arriving) friends.insert(friend_id);
  std::vector<EventRef> refs =
      EventRefs(state, {"order_paid", "friend_added", "order_refunded", "friend_deleted"}, 0);
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
    for (const auto& [id, w] : workspaces_) ids.push_back(id);
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
  // 1. Friends arriving with a code: first touch, within the campaign's dates. When each
  // friend's profile was created is read first (the state's lock before ours).
  std::vector<std::string> arriving;
  {
    std::lock_guard lock(mu_);
    for (const Arrival& a : WorkspaceFor(ws).arrivals) arriving.push_back(a.friend_id);
  }
  std::map<std::string, Micros> created;
  if (!arriving.empty()) {
    RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
      for (const std::string& f : arriving) {
        const uint32_t c = state.ParseCustomerId(f);
        if (c != kNoIndex) created[f] = state.customers().created_at[c];
      }
    }));
  }
  std::vector<Event> events;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    for (const Arrival& a : w.arrivals) {
      auto it = w.campaigns.find(a.campaign);
      if (it == w.campaigns.end() || !it->second.def.Active(a.at)) continue;
      LiveCampaign& c = it->second;
      auto code = c.codes.find(a.code);
      if (code == c.codes.end()) continue;  // not a poster of this campaign
      if (c.forest.Check(code->second, a.friend_id) != InviteOutcome::kAttributed) continue;
      events.push_back(FissionEvent(kFissionInvited, "fis:inv:" + a.campaign + ":" + a.friend_id,
                                    a.friend_id, a.at,
                                    {{"campaign_id", a.campaign},
                                     {"inviter", code->second},
                                     {"ip", a.ip},
                                     {"device_id", a.device_id},
                                     {"created_at_us", created[a.friend_id]}}));
    }
    w.arrivals.clear();
    w.arriving.clear();
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
                                       {"value_fen", r.value_fen}}));
        if (!r.coupon.empty()) {
          events.push_back(FissionEvent("coupon_issued", "fis:coupon:" + key, inviter, now,
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
  // 4. Group buys whose time is up: failed ones refund every member's order.
  events.clear();
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
        Event refund = FissionEvent("order_refunded", "fis:grefund:" + g.id + ":" + m.customer,
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
        events.push_back(std::move(refund));
      }
    }
  }
  RETURN_IF_ERROR(submit(std::move(events)));
  return submitted;
}

Result<Group> FissionService::OpenGroup(const std::string& ws, const std::string& campaign,
                                        const std::string& leader_key, const std::string& order_id,
                                        int64_t amount_fen) {
  if (amount_fen < 0) return FieldError("amount_fen", "must not be negative");
  ASSIGN_OR_RETURN(CustomerProfile p, engine_->GetCustomer(ws, leader_key, 0));
  const std::string leader = p.summary.id;
  std::lock_guard decision(decide_mu_);
  const Micros now = engine_->clock().NowMicros();
  std::string group_id;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    auto it = w.campaigns.find(campaign);
    if (it == w.campaigns.end()) return Status::NotFound("campaign \"" + campaign + "\" not found");
    if (it->second.def.kind != CampaignKind::kGroupBuy) {
      return Status::FailedPrecondition(campaign + " is not a group_buy campaign");
    }
    if (!it->second.def.Active(now)) {
      return Status::FailedPrecondition("campaign " + campaign + " is not running now");
    }
    if (w.groups->Busy(campaign, leader)) {
      return Status::FailedPrecondition(leader + " already has an open group in " + campaign);
    }
    group_id = "grp_" + campaign.substr(4) + "_" + leader.substr(4) + "_" +
               std::to_string(w.groups->OpenedBy(campaign, leader) + 1);
  }
  std::vector<Event> opened;
  opened.push_back(FissionEvent(kGroupBuyOpened, "fis:gopen:" + group_id, leader, now,
                                {{"campaign_id", campaign},
                                 {"group_id", group_id},
                                 {"order_id", order_id},
                                 {"amount_fen", amount_fen}}));
  RETURN_IF_ERROR(engine_->Submit(ws, std::move(opened)).status());
  return GetGroup(ws, group_id);
}

Result<Group> FissionService::JoinGroup(const std::string& ws, const std::string& group_id,
                                        const std::string& customer_key,
                                        const std::string& order_id, int64_t amount_fen) {
  if (amount_fen < 0) return FieldError("amount_fen", "must not be negative");
  ASSIGN_OR_RETURN(CustomerProfile p, engine_->GetCustomer(ws, customer_key, 0));
  const std::string customer = p.summary.id;
  std::lock_guard decision(decide_mu_);
  const Micros now = engine_->clock().NowMicros();
  std::string campaign;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    ASSIGN_OR_RETURN(Group g, w.groups->Get(group_id));
    if (std::find(g.members.begin(), g.members.end(), customer) != g.members.end()) return g;
    if (g.state != GroupState::kOpen) {
      return Status::FailedPrecondition("group " + group_id + " is " + GroupStateName(g.state));
    }
    if (now >= g.expires_at) {
      return Status::FailedPrecondition("group " + group_id + " has expired");
    }
    if (w.groups->Busy(g.campaign, customer)) {
      return Status::FailedPrecondition(customer + " already has an open group in " + g.campaign);
    }
    campaign = g.campaign;
  }
  std::vector<Event> joined;
  joined.push_back(FissionEvent(kGroupBuyJoined, "fis:gjoin:" + group_id + ":" + customer, customer,
                                now,
                                {{"campaign_id", campaign},
                                 {"group_id", group_id},
                                 {"order_id", order_id},
                                 {"amount_fen", amount_fen}}));
  RETURN_IF_ERROR(engine_->Submit(ws, std::move(joined)).status());
  return GetGroup(ws, group_id);
}

Result<Bargain> FissionService::StartBargain(const std::string& ws, const std::string& campaign,
                                             const std::string& customer_key) {
  ASSIGN_OR_RETURN(CustomerProfile p, engine_->GetCustomer(ws, customer_key, 0));
  const std::string owner = p.summary.id;
  std::lock_guard decision(decide_mu_);
  const Micros now = engine_->clock().NowMicros();
  std::string id;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    auto it = w.campaigns.find(campaign);
    if (it == w.campaigns.end()) return Status::NotFound("campaign \"" + campaign + "\" not found");
    if (it->second.def.kind != CampaignKind::kBargain) {
      return Status::FailedPrecondition(campaign + " is not a bargain campaign");
    }
    if (!it->second.def.Active(now)) {
      return Status::FailedPrecondition("campaign " + campaign + " is not running now");
    }
    int started = 0;
    for (const auto& [bid, b] : w.bargains) {
      if (b.campaign != campaign || b.owner != owner) continue;
      if (!b.reached) return b;  // the open one: a retry
      ++started;
    }
    id = "brg_" + campaign.substr(4) + "_" + owner.substr(4) + "_" + std::to_string(started + 1);
  }
  std::vector<Event> started;
  started.push_back(FissionEvent(kBargainStarted, "fis:bstart:" + id, owner, now,
                                 {{"campaign_id", campaign}, {"bargain_id", id}}));
  RETURN_IF_ERROR(engine_->Submit(ws, std::move(started)).status());
  return GetBargain(ws, id);
}

Result<Bargain> FissionService::HelpBargain(const std::string& ws, const std::string& bargain_id,
                                            const std::string& helper_key) {
  ASSIGN_OR_RETURN(CustomerProfile p, engine_->GetCustomer(ws, helper_key, 0));
  const std::string helper = p.summary.id;
  std::lock_guard decision(decide_mu_);
  const Micros now = engine_->clock().NowMicros();
  Event help;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    auto it = w.bargains.find(bargain_id);
    if (it == w.bargains.end()) return Status::NotFound("bargain \"" + bargain_id + "\" not found");
    const Bargain& b = it->second;
    if (std::find(b.helpers.begin(), b.helpers.end(), helper) != b.helpers.end()) return b;
    if (helper == b.owner)
      return Status::FailedPrecondition("self: nobody helps their own bargain");
    if (b.reached) return Status::FailedPrecondition(bargain_id + " has reached its floor price");
    const LiveCampaign& c = w.campaigns.at(b.campaign);
    if (!c.def.Active(now)) return Status::FailedPrecondition("campaign " + b.campaign + " ended");
    const BargainRules& rules = c.def.bargain;
    const int64_t so_far = rules.start_fen - b.price_fen;
    // The seed is the workspace's secret: cuts are fixed, yet nobody outside can foresee them.
    const int64_t cut = BargainCut(rules, Fnv1a64(w.secret), bargain_id,
                                   static_cast<int>(b.helpers.size()) + 1, so_far);
    help = FissionEvent(kBargainHelped, "fis:bhelp:" + bargain_id + ":" + helper, helper, now,
                        {{"campaign_id", b.campaign},
                         {"bargain_id", bargain_id},
                         {"owner", b.owner},
                         {"cut_fen", cut},
                         {"price_fen", b.price_fen - cut}});
  }
  std::vector<Event> batch;
  batch.push_back(std::move(help));
  RETURN_IF_ERROR(engine_->Submit(ws, std::move(batch)).status());
  return GetBargain(ws, bargain_id);
}

Result<Bargain> FissionService::GetBargain(const std::string& ws, const std::string& bargain_id) {
  std::lock_guard lock(mu_);
  auto& bargains = WorkspaceFor(ws).bargains;
  auto it = bargains.find(bargain_id);
  if (it == bargains.end()) return Status::NotFound("bargain \"" + bargain_id + "\" not found");
  return it->second;
}

Result<Group> FissionService::GetGroup(const std::string& ws, const std::string& group_id) {
  std::lock_guard lock(mu_);
  return WorkspaceFor(ws).groups->Get(group_id);
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
