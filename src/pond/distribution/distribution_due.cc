// DistributionService::RunDue: the decisions that follow other events — approvals by rule or
// invitation, bindings through links, commission on orders, its reversal on refunds and its
// release when the after-sale window ends — made and submitted as events.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "pond/distribution/distribution_events.h"
#include "pond/distribution/distribution_service.h"
#include "pond/distribution/distribution_workspace.h"
#include "pond/engine/tenant_state.h"
#include "pond/segment/rule.h"

namespace pond {
namespace {

using nlohmann::json;

constexpr size_t kBatch = 2'000;

// The earner at a level: an active (not frozen) distributor, or nobody.
std::optional<Earner> EarnerOf(const DistributorRegistry& registry, const std::string& id) {
  const Distributor* d = registry.Find(id);
  if (!d || d->state != DistributorState::kActive) return std::nullopt;
  return Earner{d->id, d->grade};
}

Event AccrualEvent(const DistributionService::Workspace& w, const std::string& order_id,
                   const AccrueWork& work, const Order& order, Micros now) {
  std::vector<LineItem> items = order.items;
  if (items.empty()) {  // an order without lines is one line of its total
    LineItem whole;
    whole.amount_fen = order.total_fen;
    items.push_back(whole);
  }
  AllocatePaid(order.total_fen, &items);
  const std::optional<Earner> level1 = EarnerOf(w.registry, work.distributor);
  std::optional<Earner> level2;
  if (level1) {
    if (const Distributor* d = w.registry.Find(work.distributor); d && !d->recruiter.empty()) {
      level2 = EarnerOf(w.registry, d->recruiter);
    }
  }
  std::vector<LineCommission> lines;
  if (level1) {
    lines = ComputeCommissions(w.settings.plan, items, *level1, level2 ? &*level2 : nullptr);
  }
  const Micros received =
      work.received_at ? work.received_at : work.paid_at + w.settings.DeliveryAllowance();
  json item_list = json::array(), line_list = json::array();
  for (const LineItem& li : items)
    item_list.push_back({{"sku", li.sku}, {"amount_fen", li.amount_fen}});
  for (const LineCommission& c : lines) {
    line_list.push_back({{"line", c.line},
                         {"level", c.level},
                         {"earner", c.earner},
                         {"rate_bp", c.rate_bp},
                         {"base_fen", c.base_fen},
                         {"fen", c.fen}});
  }
  return DistributionEvent(kCommissionAccrued, "dst:accrue:" + order_id, work.client, now,
                           {{"order_id", order_id},
                            {"distributor", work.distributor},
                            {"level2", level2 ? level2->id : ""},
                            {"release_at_us", received + w.settings.AfterSaleWindow()},
                            {"items", item_list},
                            {"lines", line_list}});
}

}  // namespace

void AllocatePaid(int64_t paid_fen, std::vector<LineItem>* items) {
  __int128 lines = 0;
  for (LineItem& li : *items) {
    li.amount_fen = std::max<int64_t>(0, li.amount_fen);
    lines += li.amount_fen;
  }
  paid_fen = std::max<int64_t>(0, paid_fen);
  if (lines <= paid_fen) return;
  for (LineItem& li : *items) {
    li.amount_fen = static_cast<int64_t>(li.amount_fen * static_cast<__int128>(paid_fen) / lines);
  }
}

Result<int64_t> DistributionService::RunDue() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    ids = workspaces_.Ids();
  }
  int64_t submitted = 0;
  Status first = Status::Ok();
  for (const std::string& ws : ids) {
    Result<int64_t> r = RunDue(ws);
    if (r.ok()) {
      submitted += *r;
    } else if (first.ok()) {
      first = r.status();
    }
  }
  if (!first.ok()) return first;
  return submitted;
}

Status DistributionService::SubmitAll(const std::string& ws, std::vector<Event> events,
                                      int64_t* submitted) {
  for (size_t start = 0; start < events.size(); start += kBatch) {
    const size_t end = std::min(events.size(), start + kBatch);
    std::vector<Event> batch(std::make_move_iterator(events.begin() + start),
                             std::make_move_iterator(events.begin() + end));
    ASSIGN_OR_RETURN(SubmitResult r, engine_->Submit(ws, std::move(batch)));
    *submitted += r.accepted;
  }
  return Status::Ok();
}

Result<int64_t> DistributionService::RunDue(const std::string& ws) {
  int64_t submitted = 0;
  RETURN_IF_ERROR(DecideApplications(ws));

  // Links opened: bind when the rules allow; a refusal is the rules working, not an error.
  std::vector<std::pair<std::string, std::string>> links;
  {
    std::lock_guard lock(mu_);
    links.swap(WorkspaceFor(ws).link_opens);
  }
  for (const auto& [client, code] : links) {
    if (Bind(ws, client, code, "link").ok()) ++submitted;
  }

  // Commission on orders of bound clients. Orders found at start are loaded with their lines.
  const Micros now = engine_->clock().NowMicros();
  std::vector<int64_t> to_load;
  {
    std::lock_guard lock(mu_);
    for (const auto& [order_id, work] : WorkspaceFor(ws).accrue) {
      if (!work.order) to_load.push_back(work.seq);
    }
  }
  std::map<int64_t, Order> loaded;
  if (!to_load.empty()) {
    ASSIGN_OR_RETURN(std::vector<Order> orders, engine_->LoadOrders(ws, to_load));
    for (Order& o : orders) loaded.emplace(o.event_seq, std::move(o));
  }
  const std::set<int64_t> asked(to_load.begin(), to_load.end());
  std::vector<Event> events;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    for (auto it = w.accrue.begin(); it != w.accrue.end();) {
      const AccrueWork& work = it->second;
      const Order* order = work.order ? &*work.order : nullptr;
      if (auto l = loaded.find(work.seq); !order && l != loaded.end()) order = &l->second;
      if (!order && asked.count(work.seq)) {
        it = w.accrue.erase(it);  // the store holds no order for it (a repeated order id)
        continue;
      }
      if (order) events.push_back(AccrualEvent(w, it->first, work, *order, now));
      ++it;
    }
  }
  RETURN_IF_ERROR(SubmitAll(ws, std::move(events), &submitted));

  // Refunds of orders with commission; a refund of an order still waiting for its accrual waits.
  // Two refunds of one order in this round are allocated one after the other: the second sees
  // what the first gave back (a copy of the order, since neither is applied before both are
  // submitted), or their rounding could leave part of a fully refunded line's commission.
  events.clear();
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    std::map<std::string, OrderCommission> planned;
    for (auto it = w.refunds.begin(); it != w.refunds.end();) {
      const RefundWork& r = it->second;
      auto order = w.orders.find(r.order_id);
      if (order == w.orders.end()) {
        it = w.accrue.count(r.order_id) ? std::next(it) : w.refunds.erase(it);
        continue;
      }
      OrderCommission& o = planned.try_emplace(r.order_id, order->second).first->second;
      json lines = json::array();
      for (const auto& [line, fen] : AllocateRefund(o, r.amount_fen, r.properties)) {
        lines.push_back({{"line", line}, {"fen", fen}});
        o.NoteRefunded(line, fen);
      }
      events.push_back(DistributionEvent(kCommissionRefunded, "dst:refund:" + it->first, r.client,
                                         now,
                                         {{"refund_id", it->first},
                                          {"order_id", r.order_id},
                                          {"amount_fen", r.amount_fen},
                                          {"lines", lines}}));
      ++it;
    }
  }
  RETURN_IF_ERROR(SubmitAll(ws, std::move(events), &submitted));

  // Releases whose after-sale window has ended.
  events.clear();
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    for (const std::string& order_id : w.book->DueOrders(now)) {
      events.push_back(DistributionEvent(kCommissionReleased, "dst:release:" + order_id,
                                         w.orders.at(order_id).client, now,
                                         {{"order_id", order_id}}));
    }
  }
  RETURN_IF_ERROR(SubmitAll(ws, std::move(events), &submitted));
  return submitted;
}

Status DistributionService::DecideApplications(const std::string& ws) {
  DistributionSettings settings;
  std::vector<Distributor> waiting;
  {
    std::lock_guard lock(mu_);
    Workspace& w = WorkspaceFor(ws);
    settings = w.settings;
    if (settings.approval == ApprovalMode::kManual) return Status::Ok();
    for (const std::string& id : w.applications) {
      const Distributor* d = w.registry.Find(id);
      if (d && d->state == DistributorState::kApplied) waiting.push_back(*d);
    }
  }
  if (waiting.empty()) return Status::Ok();
  std::vector<std::string> approve;
  std::string by;
  if (settings.approval == ApprovalMode::kInvitation) {
    by = "invitation";
    for (const Distributor& d : waiting) {
      if (!d.recruiter.empty()) approve.push_back(d.id);
    }
  } else {
    by = "rule";
    if (!segments_) return Status::FailedPrecondition("automatic approval needs segments");
    ASSIGN_OR_RETURN(std::unique_ptr<RuleNode> rule, ParseRule(settings.auto_rule));
    ASSIGN_OR_RETURN(CompiledRule compiled, segments_->CompileFor(ws, *rule));
    RETURN_IF_ERROR(engine_->ReadState(ws, [&](const TenantState& state) {
      for (const Distributor& d : waiting) {
        const uint32_t c = state.ParseCustomerId(d.customer_id);
        if (c != kNoIndex && segments_->Holds(ws, state, compiled, state.Live(c))) {
          approve.push_back(d.id);
        }
      }
    }));
  }
  for (const std::string& id : approve) RETURN_IF_ERROR(Approve(ws, id, "", by).status());
  return Status::Ok();
}

}  // namespace pond
