#include "pond/distribution/distribution_workspace.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "pond/base/json_fields.h"
#include "pond/base/money.h"
#include "pond/distribution/distribution_events.h"
#include "pond/distribution/referral_code.h"

namespace pond {
namespace {

using nlohmann::json;

// The book checks only what keeps it sound; the limits an operator sets are checked when a
// withdrawal is requested, so that replaying old requests never meets today's limits.
constexpr WithdrawalRules kStructuralRules{1, std::numeric_limits<int64_t>::max() / 4};

int64_t Int(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// Commission taken back from `fen` once `refunded` of `base` was refunded (the book's rule).
int64_t TakenBack(int64_t fen, int64_t base, int64_t refunded) {
  if (base <= 0 || refunded >= base) return fen;
  return static_cast<int64_t>(static_cast<__int128>(fen) * refunded / base);
}

}  // namespace

int64_t OrderCommission::gmv_fen() const {
  int64_t sum = 0;
  for (size_t i = 0; i < line_fen.size(); ++i) sum += line_fen[i] - refunded_fen[i];
  return sum;
}

DistributionService::Workspace::Workspace()
    : book(std::make_unique<CommissionBook>(ledger.get(), kStructuralRules)) {}

void DistributionService::Workspace::ClearDerived() {
  registry.Clear();
  book.reset();
  ledger = std::make_unique<Ledger>();
  book = std::make_unique<CommissionBook>(ledger.get(), kStructuralRules);
  orders.clear();
  refunds_done.clear();
  withdrawals.clear();
  codes.clear();
}

std::string DistributionService::Workspace::CodeFor(const std::string& distributor) const {
  return ReferralCode(secret, "code:" + distributor);
}

void DistributionService::Workspace::IndexCode(const std::string& distributor) {
  std::string code = CodeFor(distributor);
  if (!code.empty()) codes[code] = distributor;
}

DistributorBalances DistributionService::Workspace::BalancesOf(const std::string& d) const {
  DistributorBalances b;
  b.pending_fen = ledger->Balance({d, AccountKind::kPending});
  b.available_fen = ledger->Balance({d, AccountKind::kAvailable});
  b.withdrawing_fen = ledger->Balance({d, AccountKind::kWithdrawing});
  b.paid_fen = ledger->Balance({d, AccountKind::kPaid});
  b.clawback_fen = ledger->Balance({d, AccountKind::kClawback});
  return b;
}

void DistributionService::Workspace::ApplyOwn(const Event& e, const std::string& name,
                                              const std::string& customer_id) {
  json p = json::parse(e.properties, nullptr, false);
  if (!p.is_object()) return;
  const Micros at = e.timestamp;
  if (name == kDistributorApplied) {
    registry.Applied(customer_id, JsonString(p, "recruiter"), JsonString(p, "via"), at);
    applications.insert(DistributorIdFor(customer_id));
  } else if (name == kDistributorApproved) {
    registry.Approved(JsonString(p, "distributor"), JsonString(p, "grade"), at);
    IndexCode(JsonString(p, "distributor"));
    applications.erase(JsonString(p, "distributor"));
  } else if (name == kDistributorRejected) {
    registry.Rejected(JsonString(p, "distributor"), JsonString(p, "reason"));
    applications.erase(JsonString(p, "distributor"));
  } else if (name == kDistributorFrozen) {
    registry.Frozen(JsonString(p, "distributor"), JsonString(p, "reason"));
  } else if (name == kDistributorUnfrozen) {
    registry.Unfrozen(JsonString(p, "distributor"));
  } else if (name == kDistributorGradeChanged) {
    registry.GradeChanged(JsonString(p, "distributor"), JsonString(p, "grade"));
  } else if (name == kClientBound) {
    registry.Bound(customer_id, JsonString(p, "distributor"), at);
  } else if (name == kCommissionAccrued) {
    const std::string order_id = JsonString(p, "order_id");
    if (order_id.empty() || orders.count(order_id)) return;
    OrderCommission& o = orders[order_id];
    o.client = customer_id;
    o.distributor = JsonString(p, "distributor");
    o.level2 = JsonString(p, "level2");
    o.accrued_at = at;
    o.release_at = Int(p, "release_at_us");
    if (auto items = p.find("items"); items != p.end() && items->is_array()) {
      for (const json& item : *items) {
        o.skus.push_back(JsonString(item, "sku"));
        o.line_fen.push_back(Int(item, "amount_fen"));
      }
    }
    o.refunded_fen.assign(o.line_fen.size(), 0);
    if (auto lines = p.find("lines"); lines != p.end() && lines->is_array()) {
      for (const json& l : *lines) {
        o.lines.push_back({static_cast<size_t>(Int(l, "line")), static_cast<int>(Int(l, "level")),
                           JsonString(l, "earner"), static_cast<int>(Int(l, "rate_bp")),
                           Int(l, "base_fen"), Int(l, "fen")});
      }
    }
    o.taken_back.assign(o.lines.size(), 0);
    (void)book->Accrue(order_id, o.lines, o.release_at, at);
    accrue.erase(order_id);
  } else if (name == kCommissionReleased) {
    auto it = orders.find(JsonString(p, "order_id"));
    if (it == orders.end() || it->second.released) return;
    if (book->ReleaseOrder(it->first, at).ok() || it->second.lines.empty()) {
      it->second.released = true;
    }
  } else if (name == kCommissionRefunded) {
    const std::string refund_id = JsonString(p, "refund_id");
    auto it = orders.find(JsonString(p, "order_id"));
    refunds.erase(refund_id);
    if (it == orders.end() || !refunds_done.insert(refund_id).second) return;
    OrderCommission& o = it->second;
    if (auto lines = p.find("lines"); lines != p.end() && lines->is_array()) {
      for (const json& l : *lines) {
        const auto line = static_cast<size_t>(Int(l, "line"));
        const int64_t fen = Int(l, "fen");
        if (line >= o.line_fen.size() || fen <= 0) continue;
        if (!book->Refund(refund_id, it->first, line, fen, at).ok()) continue;
        o.NoteRefunded(line, fen);
        for (size_t i = 0; i < o.lines.size(); ++i) {
          if (o.lines[i].line != line) continue;
          o.taken_back[i] = TakenBack(o.lines[i].fen, o.lines[i].base_fen, o.refunded_fen[line]);
        }
      }
    }
  } else if (name == kFissionRewardGranted) {
    const int64_t cash = Int(p, "cash_fen");
    const std::string key = JsonString(p, "key");
    if (cash <= 0 || key.empty()) return;
    // A reward is a transaction keyed by its reward key: granted once, posted once.
    (void)ledger->Post({"reward:" + key,
                        "fission_reward",
                        at,
                        {{Platform(AccountKind::kExpense), cash},
                         {AccountId{customer_id, AccountKind::kAvailable}, -cash}}});
  } else if (name == kWithdrawalRequested) {
    const std::string id = JsonString(p, "withdrawal");
    if (id.empty() || withdrawals.count(id)) return;
    WithdrawalView& w = withdrawals[id];
    w.id = id;
    w.distributor = JsonString(p, "distributor");
    w.amount_fen = Int(p, "amount_fen");
    w.requested_at = at;
    Status s = book->RequestWithdrawal(id, w.distributor, w.amount_fen, at);
    w.state = s.ok() ? "requested" : "refused";
    if (!s.ok()) w.reason = s.message();
  } else if (name == kWithdrawalApproved || name == kWithdrawalRejected ||
             name == kWithdrawalPaid) {
    auto it = withdrawals.find(JsonString(p, "withdrawal"));
    if (it == withdrawals.end()) return;
    WithdrawalView& w = it->second;
    if (name == kWithdrawalApproved) {
      if (!book->ApproveWithdrawal(w.id, Int(p, "fee_fen"), at).ok()) return;
      w.state = "approved";
      w.fee_fen = Int(p, "fee_fen");
      w.decided_at = at;
    } else if (name == kWithdrawalRejected) {
      if (!book->RejectWithdrawal(w.id, at).ok()) return;
      w.state = "rejected";
      w.reason = JsonString(p, "reason");
      w.decided_at = at;
    } else {
      if (!book->MarkPaid(w.id, at).ok()) return;
      w.state = "paid";
      w.reference = JsonString(p, "reference");
      w.paid_at = at;
    }
  }
}

Event DistributionService::Workspace::BindingEvent(const std::string& client,
                                                   const std::string& distributor,
                                                   const std::string& via, Micros now) const {
  const Binding* previous = registry.BindingOf(client);
  return DistributionEvent(
      kClientBound, "dst:bind:" + client + ":" + std::to_string(previous ? previous->since : 0),
      client, now,
      {{"distributor", distributor},
       {"previous", previous ? previous->distributor : ""},
       {"via", via.empty() ? "code" : via},
       {"policy", BindingPolicyName(settings.binding)}});
}

std::map<std::string, DistributorView> DistributionService::Workspace::Views() const {
  std::map<std::string, DistributorView> views;
  for (const auto& [id, d] : registry.all()) {
    DistributorView& v = views[id];
    v.distributor = d;
    if (d.state == DistributorState::kActive || d.state == DistributorState::kFrozen) {
      v.code = CodeFor(id);
    }
    v.balances = BalancesOf(id);
  }
  for (const auto& [id, d] : registry.all()) {
    if (auto r = views.find(d.recruiter); r != views.end()) ++r->second.recruits;
  }
  for (const auto& [client, b] : registry.bindings()) {
    if (auto v = views.find(b.distributor); v != views.end()) ++v->second.clients;
  }
  for (const auto& [order_id, o] : orders) {
    if (auto v = views.find(o.distributor); v != views.end()) {
      ++v->second.orders;
      v->second.gmv_fen += o.gmv_fen();
    }
    for (size_t i = 0; i < o.lines.size(); ++i) {
      if (auto v = views.find(o.lines[i].earner); v != views.end()) {
        v->second.earned_fen += o.lines[i].fen - o.taken_back[i];
      }
    }
  }
  return views;
}

void DistributionService::Workspace::NoteOrderPaid(const Event& e, const std::string& client,
                                                   const Binding* binding, bool live) {
  if (!e.order || !binding || e.timestamp < binding->since) return;
  const std::string& order_id = e.order->order_id;
  if (order_id.empty() || orders.count(order_id) || accrue.count(order_id)) return;
  AccrueWork& w = accrue[order_id];
  w.seq = e.seq;
  w.client = client;
  w.distributor = binding->distributor;
  w.paid_at = e.timestamp;
  if (live) w.order = *e.order;  // live events carry their line items
}

void DistributionService::Workspace::NoteRefund(const Event& e, const std::string& client) {
  if (!e.refund) return;
  std::string order_id = e.refund->order_id;
  if (order_id.empty()) {  // events read back from the store carry only the refund's key
    json p = json::parse(e.properties, nullptr, false);
    if (p.is_object()) order_id = JsonString(p, "order_id");
  }
  if (order_id.empty()) return;
  if (!orders.count(order_id) && !accrue.count(order_id)) return;
  if (refunds_done.count(e.refund->refund_id)) return;
  refunds[e.refund->refund_id] =
      RefundWork{order_id, client, e.refund->amount_fen, e.properties, e.timestamp};
}

void DistributionService::Workspace::NoteReceived(const Event& e) {
  json p = json::parse(e.properties, nullptr, false);
  const std::string order_id = p.is_object() ? JsonString(p, "order_id") : "";
  if (order_id.empty()) return;
  if (auto it = orders.find(order_id); it != orders.end() && !it->second.released) {
    it->second.release_at = e.timestamp + settings.AfterSaleWindow();
    book->MoveRelease(order_id, it->second.release_at);
  } else if (auto w = accrue.find(order_id); w != accrue.end()) {
    w->second.received_at = e.timestamp;
  }
}

std::vector<std::pair<size_t, int64_t>> AllocateRefund(const OrderCommission& o, int64_t amount_fen,
                                                       const std::string& properties) {
  std::vector<int64_t> left(o.line_fen.size());
  int64_t total_left = 0;
  for (size_t i = 0; i < left.size(); ++i) {
    left[i] = std::max<int64_t>(0, o.line_fen[i] - o.refunded_fen[i]);
    total_left += left[i];
  }
  std::vector<int64_t> give(left.size(), 0);
  json p = json::parse(properties, nullptr, false);
  const json* items = nullptr;
  if (p.is_object()) {
    for (const char* key : {"items", "products"}) {
      if (auto it = p.find(key); it != p.end() && it->is_array() && !it->empty()) items = &*it;
    }
  }
  if (items) {
    for (const json& item : *items) {
      if (!item.is_object()) continue;
      std::string sku = JsonString(item, "sku");
      if (sku.empty()) sku = JsonString(item, "product_id");
      int64_t fen = Int(item, "amount_fen");
      if (auto a = item.find("amount"); fen == 0 && a != item.end()) {
        Result<Money> m = Money::ParseYuan(a->is_string() ? a->get<std::string>() : a->dump());
        if (m.ok()) fen = m->fen();
      }
      for (size_t i = 0; i < left.size() && fen > 0; ++i) {
        if (o.skus[i] != sku) continue;
        const int64_t take = std::min(fen, left[i] - give[i]);
        give[i] += take;
        fen -= take;
      }
    }
  } else if (amount_fen >= total_left) {
    give = left;
  } else if (total_left > 0) {
    int64_t given = 0;
    for (size_t i = 0; i < left.size(); ++i) {
      give[i] = static_cast<int64_t>(static_cast<__int128>(amount_fen) * left[i] / total_left);
      given += give[i];
    }
    for (size_t i = 0; i < left.size() && given < amount_fen; ++i) {
      const int64_t more = std::min(amount_fen - given, left[i] - give[i]);
      give[i] += more;
      given += more;
    }
  }
  std::vector<std::pair<size_t, int64_t>> out;
  for (size_t i = 0; i < give.size(); ++i) {
    if (give[i] > 0) out.emplace_back(i, give[i]);
  }
  return out;
}

}  // namespace pond
