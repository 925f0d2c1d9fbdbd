#include "pond/community/community_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

#include "pond/base/json_fields.h"
#include "pond/base/json_text.h"
#include "pond/base/time.h"
#include "pond/engine/event_replay.h"
#include "pond/engine/tenant_state.h"
#include "pond/model/event_names.h"
#include "pond/segment/rule.h"

namespace pond {
namespace {

using nlohmann::json;

constexpr char kGroupKind[] = "community_group";
constexpr char kCodeKind[] = "group_code";
const std::vector<std::string> kObserved = {
    kGroupJoined, kGroupLeft,    kGroupRouted,        kGroupMessage, kGroupCampaign,
    kOrderPaid,   kGroupInvited, kGroupInviteDecided, kGroupOpened,  kGroupRouteRefused};

// The rotation operators do by hand: the code's next group, from its template.
CommunityGroup NextGroup(const GroupCode& code,
                         const std::map<std::string, CommunityGroup>& groups) {
  CommunityGroup g;
  size_t n = code.groups.size() + 1;
  do {
    g.id = "grp_" + code.id.substr(4) + "_" + std::to_string(n++);
  } while (groups.count(g.id));
  g.name = code.group_template.name + " " + std::to_string(code.groups.size() + 1);
  g.kind = code.kind;
  g.owner = code.group_template.owner;
  g.capacity = code.group_template.capacity;
  g.rule = code.rule;
  g.welcome = code.group_template.welcome;
  return g;
}

Status NotFound(const char* what, const std::string& id) {
  return Status::NotFound(std::string(what) + " \"" + id + "\" not found");
}

}  // namespace

int64_t CommunityService::Live::Occupied(Micros now) const {
  int64_t n = static_cast<int64_t>(members.size());
  for (const auto& [customer, at] : held) {
    if (now - at < kRouteHold && !members.count(customer)) ++n;
  }
  return n;
}

Result<std::unique_ptr<CommunityService>> CommunityService::Start(Engine* engine,
                                                                  SegmentService* segments) {
  std::unique_ptr<CommunityService> service(new CommunityService(engine, segments));
  // Groups and codes are definitions; membership is replayed from the log by OnReset.
  RETURN_IF_ERROR(engine->LoadThenObserve(
      service.get(), [&](const pond::Workspace& ws) { return service->Load(ws.id); }));
  return service;
}

CommunityService::~CommunityService() {
  background_.Stop();
  engine_->RemoveObserver(this);
}

CommunityService::Workspace& CommunityService::WorkspaceFor(const std::string& ws) {
  return workspaces_.For(ws);
}

Status CommunityService::Load(const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> groups, engine_->ListObjects(ws, kGroupKind));
  ASSIGN_OR_RETURN(std::vector<StoredObject> codes, engine_->ListObjects(ws, kCodeKind));
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  for (const StoredObject& o : groups) {
    ASSIGN_OR_RETURN(CommunityGroup g, ParseGroup(o.body));
    w.saved_groups.insert(g.id);
    w.groups[g.id] = std::move(g);
  }
  for (const StoredObject& o : codes) {
    ASSIGN_OR_RETURN(GroupCode c, ParseGroupCode(o.body));
    w.code_saved_at[c.id] = o.updated_at;
    w.saved_codes[c.id] = c;
    w.codes[c.id] = std::move(c);
  }
  return Status::Ok();
}

void CommunityService::Workspace::ForgetEvents() {
  std::erase_if(groups, [&](const auto& g) { return !saved_groups.count(g.first); });
  codes = saved_codes;
  live.clear();
  groups_of.clear();
  alerts.clear();
  invites.clear();
}

void CommunityService::Workspace::NoteOpened(const CommunityGroup& group, const std::string& code,
                                             Micros at) {
  groups.try_emplace(group.id, group);  // a group saved since keeps what the operator saved
  auto c = codes.find(code);
  auto saved = code_saved_at.find(code);
  // A code saved after the opening holds the groups it was saved with.
  if (c == codes.end() || (saved != code_saved_at.end() && saved->second > at)) return;
  std::vector<std::string>& in = c->second.groups;
  if (std::find(in.begin(), in.end(), group.id) == in.end()) in.push_back(group.id);
}

// --- events ---------------------------------------------------------------------------------

void CommunityService::Workspace::Note(const Event& e, const std::string& customer) {
  using Type = GroupActivity::Type;
  json p = json::parse(e.properties, nullptr, false);
  if (!p.is_object()) return;
  if (e.name == kOrderPaid) {
    auto of = groups_of.find(customer);
    if (of == groups_of.end()) return;
    for (const std::string& g : of->second)
      live[g].log.push_back({Type::kOrder, customer, e.timestamp, false});
    return;
  }
  if (e.name == kGroupInvited) {
    if (const std::string target = JsonString(p, "group"); !target.empty()) {
      invites[e.seq] = {customer, target};
    }
    return;
  }
  if (e.name == kGroupInviteDecided) {
    if (auto cause = p.find("cause"); cause != p.end() && cause->is_number_integer()) {
      invites.erase(cause->get<int64_t>());
    }
    return;
  }
  if (e.name == kGroupOpened) {
    auto group = p.find("group");
    if (group == p.end() || !group->is_object()) return;
    if (Result<CommunityGroup> g = ParseGroup(group->dump()); g.ok()) {
      NoteOpened(*g, JsonString(p, "code_id"), e.timestamp);
    }
    return;
  }
  if (e.name == kGroupRouteRefused) {
    alerts[JsonString(p, "code_id")].push_back({e.timestamp, JsonString(p, "reason")});
    return;
  }
  const std::string group = JsonString(p, "group_id");
  if (group.empty()) return;
  Live& l = live[group];
  if (e.name == kGroupJoined) {
    if (!l.members.insert(customer).second) return;  // a member already
    groups_of[customer].insert(group);
    l.held.erase(customer);
    l.log.push_back({Type::kJoined, customer, e.timestamp, false});
  } else if (e.name == kGroupLeft) {
    if (!l.members.erase(customer)) return;
    groups_of[customer].erase(group);
    l.log.push_back({Type::kLeft, customer, e.timestamp, false});
  } else if (e.name == kGroupRouted) {
    if (!l.members.count(customer)) l.held[customer] = e.timestamp;
  } else if (e.name == kGroupMessage) {
    const auto ad = p.find("is_ad");
    l.log.push_back({Type::kMessage, customer, e.timestamp,
                     ad != p.end() && ad->is_boolean() && ad->get<bool>()});
  } else if (e.name == kGroupCampaign) {
    // WeCom's group sends are recorded on each member: one campaign per msgid.
    if (const std::string msgid = JsonString(p, "msgid");
        !msgid.empty() && !l.campaigns.insert(msgid).second) {
      return;
    }
    l.log.push_back({Type::kCampaign, "", e.timestamp, false});
  }
}

void CommunityService::OnApplied(const std::string& ws, const TenantState& state,
                                 const AppliedEvent& applied) {
  const std::string& name = state.EventName(applied.name);
  if (std::find(kObserved.begin(), kObserved.end(), name) == kObserved.end()) return;
  std::lock_guard lock(mu_);
  WorkspaceFor(ws).Note(applied.event, TenantState::CustomerId(applied.customer));
}

void CommunityService::OnReset(const std::string& ws, const TenantState& state) {
  BeginReplay(ws);
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  w.ForgetEvents();
  NoteReplay(ws,
             ForEachLoadedChunk(engine_, EventRefs(state, kObserved, 0), [&](const auto& chunk) {
               for (const auto& [e, customer] : chunk) {
                 w.Note(e, TenantState::CustomerId(state.Live(customer)));
               }
             }));
}

// --- groups and codes -----------------------------------------------------------------------

Result<CommunityGroup> CommunityService::SaveGroup(const std::string& ws,
                                                   const CommunityGroup& group) {
  if (!group.rule.empty()) {
    Result<std::unique_ptr<RuleNode>> rule = ParseRule(group.rule);
    if (!rule.ok()) return FieldError("rule", rule.status().message());
  }
  RETURN_IF_ERROR(engine_->PutObject(
      ws, {kGroupKind, group.id, DumpJson(GroupJson(group)), engine_->clock().NowMicros()}));
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  w.saved_groups.insert(group.id);
  w.groups[group.id] = group;
  return group;
}

Result<std::vector<GroupView>> CommunityService::Groups(const std::string& ws) {
  const Micros now = engine_->clock().NowMicros();
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  std::vector<GroupView> out;
  for (const auto& [id, g] : w.groups) {
    const Live& l = w.live[id];
    const auto members = static_cast<int64_t>(l.members.size());
    out.push_back({g, members, l.Occupied(now) - members});
  }
  return out;
}

Result<GroupView> CommunityService::GetGroup(const std::string& ws, const std::string& id) {
  const Micros now = engine_->clock().NowMicros();
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  auto it = w.groups.find(id);
  if (it == w.groups.end()) return NotFound("group", id);
  const Live& l = w.live[id];
  const auto members = static_cast<int64_t>(l.members.size());
  return GroupView{it->second, members, l.Occupied(now) - members};
}

Result<std::vector<std::string>> CommunityService::Members(const std::string& ws,
                                                           const std::string& id) {
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  if (!w.groups.count(id)) return NotFound("group", id);
  const auto& m = w.live[id].members;
  return std::vector<std::string>(m.begin(), m.end());
}

Result<std::vector<std::pair<std::string, std::string>>> CommunityService::GroupsOf(
    const std::string& ws, const std::string& customer) {
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  std::vector<std::pair<std::string, std::string>> in;
  for (const auto& [id, group] : w.groups) {
    auto live = w.live.find(id);
    if (live != w.live.end() && live->second.members.count(customer)) {
      in.emplace_back(id, group.name);
    }
  }
  return in;
}

Result<GroupCode> CommunityService::SaveCode(const std::string& ws, const GroupCode& code) {
  if (!code.rule.empty()) {
    Result<std::unique_ptr<RuleNode>> rule = ParseRule(code.rule);
    if (!rule.ok()) return FieldError("rule", rule.status().message());
  }
  {
    std::lock_guard lock(mu_);
    const Workspace& w = WorkspaceFor(ws);
    for (size_t i = 0; i < code.groups.size(); ++i) {
      auto g = w.groups.find(code.groups[i]);
      if (g == w.groups.end()) {
        return FieldError("groups[" + std::to_string(i) + "]", "no group " + code.groups[i]);
      }
      if (g->second.kind != code.kind) {
        return FieldError("groups[" + std::to_string(i) + "]",
                          code.groups[i] + " is a " + GroupKindName(g->second.kind) +
                              " group; a code routes to groups of one kind");
      }
    }
  }
  const Micros now = engine_->clock().NowMicros();
  RETURN_IF_ERROR(engine_->PutObject(ws, {kCodeKind, code.id, DumpJson(GroupCodeJson(code)), now}));
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  w.code_saved_at[code.id] = now;
  w.saved_codes[code.id] = code;
  w.codes[code.id] = code;
  return code;
}

Result<std::vector<GroupCode>> CommunityService::Codes(const std::string& ws) {
  std::lock_guard lock(mu_);
  std::vector<GroupCode> out;
  for (const auto& [id, c] : WorkspaceFor(ws).codes) out.push_back(c);
  return out;
}

Result<GroupCode> CommunityService::GetCode(const std::string& ws, const std::string& id) {
  std::lock_guard lock(mu_);
  const auto& codes = WorkspaceFor(ws).codes;
  auto it = codes.find(id);
  if (it == codes.end()) return NotFound("group code", id);
  return it->second;
}

Result<std::vector<std::string>> CommunityService::Alerts(const std::string& ws,
                                                          const std::string& code) {
  ASSIGN_OR_RETURN(const int zone, engine_->UtcOffsetOf(ws));  // alerts name local times
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  if (!w.codes.count(code)) return NotFound("group code", code);
  std::vector<std::string> out;
  for (const Alert& a : w.alerts[code]) out.push_back(FormatIso8601(a.at, zone) + " " + a.why);
  return out;
}

// --- routing --------------------------------------------------------------------------------

Result<bool> CommunityService::Qualifies(const std::string& ws, const std::string& rule,
                                         const std::string& id) {
  if (rule.empty()) return true;
  ASSIGN_OR_RETURN(std::unique_ptr<RuleNode> node, ParseRule(rule));
  ASSIGN_OR_RETURN(CompiledRule compiled, segments_->CompileFor(ws, *node));
  bool holds = false;
  RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
    const uint32_t c = state.ParseCustomerId(id);
    holds = c != kNoIndex && segments_->Holds(ws, state, compiled, state.Live(c));
  }));
  return holds;
}

Result<RouteResult> CommunityService::Route(const std::string& ws, const std::string& code_id,
                                            const std::string& customer_key) {
  ASSIGN_OR_RETURN(const std::string customer, engine_->ResolveCustomer(ws, customer_key));
  return RouteTo(ws, code_id, customer, 0);
}

Result<RouteResult> CommunityService::RouteTo(const std::string& ws, const std::string& target,
                                              const std::string& customer, int64_t cause) {
  // A group named directly is a code of that one group that opens nothing.
  const bool single = target.starts_with("grp_");
  GroupCode code;
  if (single) {
    std::lock_guard lock(mu_);
    const Workspace& w = WorkspaceFor(ws);
    auto g = w.groups.find(target);
    if (g == w.groups.end()) return NotFound("group", target);
    code = {target,
            g->second.name,
            g->second.kind,
            {target},
            RoutePolicy::kFillFirst,
            g->second.rule,
            false,
            {}};
  } else {
    ASSIGN_OR_RETURN(code, GetCode(ws, target));
  }
  const std::string& code_id = target;
  const std::string rule = EntryRule(code);
  ASSIGN_OR_RETURN(bool qualifies, Qualifies(ws, rule, customer));
  if (!qualifies) {
    return Status::FailedPrecondition(customer + " does not meet the entry rule of " + code_id +
                                      ": " + rule);
  }
  std::lock_guard decision(route_mu_);
  const Micros now = engine_->clock().NowMicros();
  RouteResult out;
  std::optional<CommunityGroup> opened;
  std::string full;  // why no group has space and none can be opened
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    if (!single) code = w.codes.at(code_id);  // as it is now, under the decision lock
    auto answer = [&](const std::string& g, bool again) {
      const CommunityGroup& group = w.groups.at(g);
      out = {g, group.name, group.welcome, false, again};
    };
    for (const std::string& g : code.groups) {  // routed before, or a member: the same group
      const Live& l = w.live[g];
      auto held = l.held.find(customer);
      if (l.members.count(customer) || (held != l.held.end() && now - held->second < kRouteHold)) {
        answer(g, true);
        return out;
      }
    }
    std::string chosen;
    double best = 2;
    for (const std::string& g : code.groups) {
      const CommunityGroup& group = w.groups.at(g);
      const int64_t occupied = w.live[g].Occupied(now);
      if (occupied >= group.capacity || group.dismissed) continue;
      if (code.policy == RoutePolicy::kFillFirst) {
        chosen = g;
        break;
      }
      const double fill = static_cast<double>(occupied) / group.capacity;
      if (fill < best) {
        best = fill;
        chosen = g;
      }
    }
    if (!chosen.empty()) {
      answer(chosen, false);
    } else if (code.auto_open && code.groups.size() < static_cast<size_t>(kGroupsPerCode)) {
      opened = NextGroup(code, w.groups);
    } else {
      full = "all " + std::to_string(code.groups.size()) + " groups of " + code_id + " are full" +
             (code.auto_open ? "; a WeCom group code serves at most 5 groups: make a new code"
                             : "; auto_open is off: open a group and add it to the code");
      if (single) return Status::ResourceExhausted(full);
    }
  }
  std::vector<Event> routed;
  if (!full.empty()) {  // the code's alert: an event, so that it outlives a restart
    routed.push_back(ServiceEvent(
        kGroupRouteRefused, "grp:full:" + code_id + ":" + customer + ":" + std::to_string(now),
        customer, now, DumpJson({{"code_id", code_id}, {"reason", full}})));
    RETURN_IF_ERROR(engine_->Submit(ws, std::move(routed)).status());
    return Status::ResourceExhausted(full);
  }
  if (opened) {  // the group exists from this event on, also in a replay
    routed.push_back(ServiceEvent(
        kGroupOpened, "grp:open:" + opened->id, customer, now,
        DumpJson({{"group_id", opened->id}, {"code_id", code_id}, {"group", GroupJson(*opened)}})));
    out = {opened->id, opened->name, opened->welcome, true, false};
  }
  json props = {{"group_id", out.group}, {"code_id", single ? "" : code_id}};
  if (cause) props["cause"] = cause;
  routed.push_back(
      ServiceEvent(kGroupRouted,
                   cause ? "grp:inv:" + std::to_string(cause)
                         : "grp:route:" + out.group + ":" + customer + ":" + std::to_string(now),
                   customer, now, DumpJson(props)));
  RETURN_IF_ERROR(engine_->Submit(ws, std::move(routed)).status());
  return out;
}

Result<GroupHealth> CommunityService::Health(const std::string& ws, const std::string& group) {
  const Micros now = engine_->clock().NowMicros();
  ASSIGN_OR_RETURN(const int zone, engine_->UtcOffsetOf(ws));
  std::vector<GroupActivity> log;
  int capacity = 0;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    auto it = w.groups.find(group);
    if (it == w.groups.end()) return NotFound("group", group);
    capacity = it->second.capacity;
    log = w.live[group].log;
  }
  return ComputeGroupHealth(log, capacity, now, zone);
}

Result<int64_t> CommunityService::RunDue() {
  std::vector<std::tuple<std::string, int64_t, std::string, std::string>> due;
  {
    std::lock_guard lock(mu_);
    workspaces_.ForEach([&](const std::string& ws, const Workspace& w) {
      for (const auto& [seq, invite] : w.invites) {
        due.emplace_back(ws, seq, invite.first, invite.second);
      }
    });
  }
  int64_t decided = 0;
  for (const auto& [ws, seq, customer, target] : due) {
    Result<RouteResult> r = RouteTo(ws, target, customer, seq);
    const StatusCode code = r.status().code();
    if (!r.ok() && code != StatusCode::kFailedPrecondition &&
        code != StatusCode::kResourceExhausted && code != StatusCode::kNotFound) {
      continue;  // the store failed: try again next time
    }
    json p = {{"cause", seq},
              {"target", target},
              {"outcome", !r.ok()    ? "refused"
                          : r->again ? "again"
                                     : "routed"},
              {"group", r.ok() ? r->group : ""},
              {"reason", r.ok() ? "" : r.status().message()}};
    std::vector<Event> e;
    e.push_back(ServiceEvent(kGroupInviteDecided, "grp:inv:" + std::to_string(seq) + ":decided",
                             customer, engine_->clock().NowMicros(), DumpJson(p)));
    RETURN_IF_ERROR(engine_->Submit(ws, std::move(e)).status());
    ++decided;
  }
  return decided;
}

void CommunityService::RunInBackground(std::chrono::milliseconds every) {
  background_.Start(every, [this] { (void)RunDue(); });
}

}  // namespace pond
