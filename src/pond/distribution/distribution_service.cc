#include "pond/distribution/distribution_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"
#include "pond/distribution/distribution_events.h"
#include "pond/distribution/distribution_workspace.h"
#include "pond/distribution/referral_code.h"
#include "pond/engine/event_replay.h"
#include "pond/engine/tenant_state.h"
#include "pond/model/event_names.h"
#include "pond/segment/rule.h"

namespace pond {
namespace {

using nlohmann::json;

constexpr char kObjectKind[] = "distribution";
constexpr char kSettingsId[] = "settings";

Status NotADistributor(const std::string& id) {
  return Status::NotFound("distributor \"" + id + "\" not found");
}

}  // namespace

Result<std::unique_ptr<DistributionService>> DistributionService::Start(Engine* engine,
                                                                        SegmentService* segments) {
  std::unique_ptr<DistributionService> service(new DistributionService(engine, segments));
  // Settings are read; OnReset rebuilds everything else from the log.
  RETURN_IF_ERROR(engine->LoadThenObserve(
      service.get(), [&](const pond::Workspace& ws) { return service->LoadSettings(ws.id); }));
  return service;
}

DistributionService::DistributionService(Engine* engine, SegmentService* segments)
    : engine_(engine), segments_(segments) {}

DistributionService::~DistributionService() {
  background_.Stop();  // before what it calls goes away
  engine_->RemoveObserver(this);
}

DistributionService::Workspace& DistributionService::WorkspaceFor(const std::string& ws) {
  return workspaces_.For(ws);
}

Status DistributionService::LoadSettings(const std::string& ws) {
  // A portal token names its workspace: never store a secret for one that does not exist.
  ASSIGN_OR_RETURN(std::string secret, LoadOrCreateSecret(*engine_, ws, kObjectKind));
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine_->ListObjects(ws, kObjectKind));
  DistributionSettings settings;
  for (const StoredObject& o : objects) {
    if (o.id == kSettingsId) {
      ASSIGN_OR_RETURN(settings, ParseDistributionSettings(o.body));
    }
  }
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  w.settings = std::move(settings);
  if (w.secret != secret) {
    w.secret = std::move(secret);
    w.codes.clear();
    for (const auto& [id, d] : w.registry.all()) {
      if (d.state == DistributorState::kActive || d.state == DistributorState::kFrozen) {
        w.IndexCode(id);
      }
    }
  }
  return Status::Ok();
}

Result<std::string> DistributionService::Secret(const std::string& ws) {
  {
    std::lock_guard lock(mu_);
    const Workspace* w = workspaces_.Find(ws);
    if (w && !w->secret.empty()) return w->secret;
  }
  RETURN_IF_ERROR(LoadSettings(ws));  // a workspace created since start
  std::lock_guard lock(mu_);
  return WorkspaceFor(ws).secret;
}

Result<DistributionSettings> DistributionService::Settings(const std::string& ws) {
  RETURN_IF_ERROR(Secret(ws).status());
  std::lock_guard lock(mu_);
  return WorkspaceFor(ws).settings;
}

Status DistributionService::SetSettings(const std::string& ws, const DistributionSettings& s) {
  RETURN_IF_ERROR(ValidateCommissionPlan(s.plan).WithFieldPrefix("commission"));
  if (Result<std::unique_ptr<RuleNode>> rule = ParseRule(s.auto_rule); !rule.ok()) {
    return FieldError("auto_rule", rule.status().message());
  }
  RETURN_IF_ERROR(
      engine_->PutObject(ws, {kObjectKind, kSettingsId, DumpJson(DistributionSettingsJson(s)),
                              engine_->clock().NowMicros()}));
  return LoadSettings(ws);
}

// --- observing ------------------------------------------------------------------------------

void DistributionService::OnApplied(const std::string& ws, const TenantState& state,
                                    const AppliedEvent& applied) {
  const std::string& name = state.EventName(applied.name);
  const bool own = IsAnyOf(name, kOwnDistributionEvents) || name == kFissionRewardGranted;
  if (!own && name != kOrderPaid && name != kOrderRefunded && name != kOrderReceived &&
      name != kDistributorLinkOpened) {
    return;
  }
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  const std::string customer = TenantState::CustomerId(applied.customer);
  const Event& e = applied.event;
  if (own) {
    w.ApplyOwn(e, name, customer);
  } else if (name == kOrderPaid) {
    w.NoteOrderPaid(e, customer, w.registry.BindingOf(customer), true);
  } else if (name == kOrderRefunded) {
    w.NoteRefund(e, customer);
  } else if (name == kOrderReceived) {
    w.NoteReceived(e);
  } else {
    json p = json::parse(e.properties, nullptr, false);
    for (const char* key : {"code", "distributor"}) {  // the link's code, or the dst_… id
      if (p.is_object() && p.contains(key) && p[key].is_string()) {
        w.link_opens.emplace_back(customer, p[key].get<std::string>());
        break;
      }
    }
  }
}

void DistributionService::OnReset(const std::string& ws, const TenantState& state) {
  BeginReplay(ws);
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  w.ClearDerived();
  w.accrue.clear();
  w.refunds.clear();
  w.link_opens.clear();
  w.applications.clear();
  // First the service's own events: they rebuild everything, and give each client's bindings
  // in seq order, to tell which orders were paid while bound.
  std::vector<std::string> own(std::begin(kOwnDistributionEvents),
                               std::end(kOwnDistributionEvents));
  own.push_back(kFissionRewardGranted);  // fission's cash rewards, posted to this ledger
  std::map<std::string, std::vector<std::pair<int64_t, Binding>>> bound;  // client -> history
  NoteReplay(ws, ForEachLoadedChunk(engine_, EventRefs(state, own, 0), [&](const auto& chunk) {
               for (const auto& [e, customer] : chunk) {
                 const std::string id = TenantState::CustomerId(state.Live(customer));
                 w.ApplyOwn(e, e.name, id);
                 if (e.name == kClientBound) {
                   if (const Binding* b = w.registry.BindingOf(id))
                     bound[id].emplace_back(e.seq, *b);
                 }
               }
             }));
  if (bound.empty()) return;
  // Then the money events of clients who were ever bound: orders and refunds stored without
  // their decision (pond stopped in between) are queued again; receipts move release times.
  std::vector<EventRef> refs = EventRefs(state, {kOrderPaid, kOrderRefunded, kOrderReceived}, 0);
  std::erase_if(refs, [&](const EventRef& r) {
    return !bound.count(TenantState::CustomerId(state.Live(r.customer)));
  });
  NoteReplay(ws, ForEachLoadedChunk(engine_, refs, [&](const auto& chunk) {
               for (const auto& [e, customer] : chunk) {
                 const std::string id = TenantState::CustomerId(state.Live(customer));
                 if (e.name == kOrderPaid) {
                   const Binding* binding = nullptr;
                   for (const auto& [seq, b] : bound[id]) {
                     if (seq < e.seq) binding = &b;
                   }
                   w.NoteOrderPaid(e, id, binding, false);
                 } else if (e.name == kOrderRefunded) {
                   w.NoteRefund(e, id);
                 } else {
                   w.NoteReceived(e);
                 }
               }
             }));
}

// --- helpers --------------------------------------------------------------------------------

Result<std::string> DistributionService::ResolveCustomer(const std::string& ws,
                                                         const std::string& key, int64_t* orders) {
  if (key.empty()) return FieldError("customer", "is required");
  ASSIGN_OR_RETURN(CustomerProfile p, engine_->GetCustomer(ws, key, 0));
  if (orders) *orders = p.summary.order_count;
  return p.summary.id;
}

Result<std::string> DistributionService::ResolveDistributor(const std::string& ws,
                                                            const std::string& code_or_id) {
  RETURN_IF_ERROR(Secret(ws).status());
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  if (w.registry.Find(code_or_id)) return code_or_id;
  if (auto it = w.codes.find(code_or_id); it != w.codes.end()) return it->second;
  return Status::NotFound("no distributor has the id or code \"" + code_or_id + "\"");
}

Status DistributionService::SubmitOne(const std::string& ws, Event e) {
  std::vector<Event> batch;
  batch.push_back(std::move(e));
  return engine_->Submit(ws, std::move(batch)).status();
}

// --- distributors ---------------------------------------------------------------------------

Result<DistributorView> DistributionService::ApplyFor(const std::string& ws,
                                                      const std::string& customer_key,
                                                      const std::string& recruiter_key,
                                                      const std::string& via) {
  ASSIGN_OR_RETURN(std::string customer, ResolveCustomer(ws, customer_key));
  std::string recruiter;
  if (!recruiter_key.empty()) {
    Result<std::string> r = ResolveDistributor(ws, recruiter_key);
    if (!r.ok()) return FieldError("recruiter", r.status().message());
    recruiter = *r;
  }
  const std::string id = DistributorIdFor(customer);
  int64_t applications = 0;
  bool unchanged = false;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    if (const Distributor* d = w.registry.Find(id)) {
      if (d->state == DistributorState::kActive || d->state == DistributorState::kFrozen) {
        return Status::AlreadyExists(id + " is already a distributor");
      }
      if (d->state == DistributorState::kApplied) unchanged = true;  // a retried application
      applications = d->applications;
    }
    if (!recruiter.empty()) {
      const Distributor* r = w.registry.Find(recruiter);
      if (!r || r->state != DistributorState::kActive) {
        return FieldError("recruiter", recruiter + " is not an active distributor");
      }
      if (r->customer_id == customer) return FieldError("recruiter", "cannot recruit oneself");
    }
    if (w.settings.approval == ApprovalMode::kInvitation && recruiter.empty()) {
      return Status::FailedPrecondition(
          "recruiter: distributors join by invitation only here; give an active distributor's "
          "code");
    }
  }
  if (unchanged) return Get(ws, id);
  const Micros now = engine_->clock().NowMicros();
  RETURN_IF_ERROR(SubmitOne(
      ws, DistributionEvent(
              kDistributorApplied, "dst:apply:" + customer + ":" + std::to_string(applications + 1),
              customer, now, {{"recruiter", recruiter}, {"via", via.empty() ? "apply" : via}})));
  RETURN_IF_ERROR(DecideApplications(ws));
  return Get(ws, id);
}

Result<DistributorView> DistributionService::ChangeStanding(const std::string& ws,
                                                            const std::string& id,
                                                            const StandingCheck& check,
                                                            const StandingEvent& make) {
  Event e;
  {
    std::lock_guard lock(mu_);
    const Workspace& w = WorkspaceFor(ws);
    const Distributor* d = w.registry.Find(id);
    if (!d) return NotADistributor(id);
    ASSIGN_OR_RETURN(bool done, check(w, *d));
    if (!done) e = make(w, *d, engine_->clock().NowMicros());
  }
  if (!e.name.empty()) RETURN_IF_ERROR(SubmitOne(ws, std::move(e)));
  return Get(ws, id);
}

namespace {

Status NotIn(const Distributor& d, const char* wanted) {
  return Status::FailedPrecondition(d.id + " is " + DistributorStateName(d.state) + ", not " +
                                    wanted);
}

Status CheckGrade(const DistributionSettings& s, const std::string& grade) {
  if (grade.empty() || s.plan.grades.count(grade)) return Status::Ok();
  return FieldError("grade", "\"" + grade + "\" is not a grade of the commission plan");
}

}  // namespace

Result<DistributorView> DistributionService::Approve(const std::string& ws, const std::string& id,
                                                     const std::string& grade,
                                                     const std::string& by) {
  RETURN_IF_ERROR(Secret(ws).status());  // codes are indexed as approvals apply
  return ChangeStanding(
      ws, id,
      [&](const Workspace& w, const Distributor& d) -> Result<bool> {
        if (d.state == DistributorState::kActive && d.grade == grade) return true;
        if (d.state != DistributorState::kApplied) return NotIn(d, "waiting for approval");
        RETURN_IF_ERROR(CheckGrade(w.settings, grade));
        return false;
      },
      [&](const Workspace& w, const Distributor& d, Micros now) {
        return DistributionEvent(kDistributorApproved,
                                 "dst:approve:" + id + ":" + std::to_string(d.applications),
                                 CustomerIdFor(id), now,
                                 {{"distributor", id},
                                  {"grade", grade},
                                  {"by", by},
                                  {"training_group", w.settings.training_group}});
      });
}

Result<DistributorView> DistributionService::Reject(const std::string& ws, const std::string& id,
                                                    const std::string& reason) {
  return ChangeStanding(
      ws, id,
      [&](const Workspace&, const Distributor& d) -> Result<bool> {
        if (d.state == DistributorState::kRejected) return true;
        if (d.state != DistributorState::kApplied) return NotIn(d, "waiting for approval");
        return false;
      },
      [&](const Workspace&, const Distributor& d, Micros now) {
        return DistributionEvent(kDistributorRejected,
                                 "dst:reject:" + id + ":" + std::to_string(d.applications),
                                 CustomerIdFor(id), now, {{"distributor", id}, {"reason", reason}});
      });
}

Result<DistributorView> DistributionService::Freeze(const std::string& ws, const std::string& id,
                                                    const std::string& reason) {
  return ChangeStanding(
      ws, id,
      [&](const Workspace&, const Distributor& d) -> Result<bool> {
        if (d.state == DistributorState::kFrozen) return true;
        if (d.state != DistributorState::kActive) return NotIn(d, "active");
        return false;
      },
      [&](const Workspace&, const Distributor&, Micros now) {
        return DistributionEvent(kDistributorFrozen, "dst:freeze:" + id + ":" + std::to_string(now),
                                 CustomerIdFor(id), now, {{"distributor", id}, {"reason", reason}});
      });
}

Result<DistributorView> DistributionService::Unfreeze(const std::string& ws,
                                                      const std::string& id) {
  return ChangeStanding(
      ws, id,
      [&](const Workspace&, const Distributor& d) -> Result<bool> {
        if (d.state == DistributorState::kActive) return true;
        if (d.state != DistributorState::kFrozen) return NotIn(d, "frozen");
        return false;
      },
      [&](const Workspace&, const Distributor&, Micros now) {
        return DistributionEvent(kDistributorUnfrozen,
                                 "dst:unfreeze:" + id + ":" + std::to_string(now),
                                 CustomerIdFor(id), now, {{"distributor", id}});
      });
}

Result<DistributorView> DistributionService::SetGrade(const std::string& ws, const std::string& id,
                                                      const std::string& grade) {
  return ChangeStanding(
      ws, id,
      [&](const Workspace& w, const Distributor& d) -> Result<bool> {
        if (d.grade == grade) return true;
        RETURN_IF_ERROR(CheckGrade(w.settings, grade));
        return false;
      },
      [&](const Workspace&, const Distributor&, Micros now) {
        return DistributionEvent(kDistributorGradeChanged,
                                 "dst:grade:" + id + ":" + std::to_string(now), CustomerIdFor(id),
                                 now, {{"distributor", id}, {"grade", grade}});
      });
}

// --- binding --------------------------------------------------------------------------------

Result<Binding> DistributionService::Bind(const std::string& ws, const std::string& customer_key,
                                          const std::string& code_or_id, const std::string& via) {
  int64_t orders = 0;
  ASSIGN_OR_RETURN(std::string client, ResolveCustomer(ws, customer_key, &orders));
  if (code_or_id.empty()) return FieldError("code", "is required: the distributor's code or id");
  ASSIGN_OR_RETURN(std::string distributor, ResolveDistributor(ws, code_or_id));
  const Micros now = engine_->clock().NowMicros();
  Event bound;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    Status allowed = w.registry.CheckBinding(client, distributor, now, orders > 0, w.settings);
    if (allowed.code() == StatusCode::kAlreadyExists) return *w.registry.BindingOf(client);
    RETURN_IF_ERROR(allowed);
    bound = w.BindingEvent(client, distributor, via, now);
  }
  RETURN_IF_ERROR(SubmitOne(ws, std::move(bound)));
  std::lock_guard lock(mu_);
  const Binding* b = WorkspaceFor(ws).registry.BindingOf(client);
  if (!b || b->distributor != distributor) {
    return Status(StatusCode::kAborted,
                  "another binding of this client was decided at the same time");
  }
  return *b;
}

Result<std::vector<std::string>> DistributionService::Clients(const std::string& ws,
                                                              const std::string& id) {
  std::lock_guard lock(mu_);
  Workspace& w = WorkspaceFor(ws);
  if (!w.registry.Find(id)) return NotADistributor(id);
  return w.registry.ClientsOf(id);
}

void DistributionService::RunInBackground(std::chrono::milliseconds every) {
  background_.Start(every, [this] { (void)RunDue(); });
}

}  // namespace pond
