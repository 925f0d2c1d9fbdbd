// One workspace's distribution state inside DistributionService: what the events built (the
// registry, the ledger, the commission book, per-order commission) and the decisions queued for
// RunDue. Internal to the service.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "pond/distribution/distribution_service.h"

namespace pond {

// The commission of one order, as its commission_accrued event and later refunds left it.
struct OrderCommission {
  std::string client;       // the buyer, bound to `distributor` when the order was paid
  std::string distributor;  // level 1
  std::string level2;       // its recruiter, "" when none earned
  Micros accrued_at = 0;
  Micros release_at = 0;
  bool released = false;
  std::vector<std::string> skus;      // per line of the order
  std::vector<int64_t> line_fen;      // what each line paid
  std::vector<int64_t> refunded_fen;  // of each line, refunded so far
  std::vector<LineCommission> lines;  // the commission per line and level
  std::vector<int64_t> taken_back;    // per entry of `lines`
  int64_t gmv_fen() const;            // what the lines paid, net of refunds
  // `fen` more of line `line` was refunded (never past the line's amount).
  void NoteRefunded(size_t line, int64_t fen) {
    refunded_fen[line] = std::min(line_fen[line], refunded_fen[line] + fen);
  }
};

// An order_paid of a bound client, waiting for RunDue to accrue its commission.
struct AccrueWork {
  int64_t seq = 0;  // of the order_paid
  std::string client;
  std::string distributor;
  Micros paid_at = 0;
  Micros received_at = 0;      // 0 until order_received
  std::optional<Order> order;  // with line items; loaded by seq when absent
};

// An order_refunded of an order with commission (or one about to have it).
struct RefundWork {
  std::string order_id;
  std::string client;
  int64_t amount_fen = 0;
  std::string properties;  // for its `items` (which lines were refunded)
  Micros at = 0;
};

// The commission base of an order's lines is what was paid: a negative line counts as nothing,
// and lines that add up to more than `paid_fen` are scaled down in proportion (rounded down), so
// no line earns commission on money the order never took. The ingest edge refuses such orders
// now; this also holds for orders stored before it did.
void AllocatePaid(int64_t paid_fen, std::vector<LineItem>* items);

// Which lines of `o` a refund of `amount_fen` gave money back for, and how much each: the
// refund's `items` ([{sku, amount | amount_fen}], matched to the order's lines by sku) when it
// names them; otherwise the amount spread over the lines in proportion to what is left of each,
// rounded down, the fen left by rounding going to the first lines with room. Never more than
// what is left of a line.
std::vector<std::pair<size_t, int64_t>> AllocateRefund(const OrderCommission& o, int64_t amount_fen,
                                                       const std::string& properties);

struct DistributionService::Workspace {
  std::string id;
  DistributionSettings settings;
  std::string secret;  // for referral codes and portal tokens; "" until loaded
  DistributorRegistry registry;
  std::unique_ptr<Ledger> ledger = std::make_unique<Ledger>();
  std::unique_ptr<CommissionBook> book;
  std::map<std::string, OrderCommission> orders;  // by order id
  std::set<std::string> refunds_done;             // refund ids with commission_refunded
  std::map<std::string, WithdrawalView> withdrawals;
  std::map<std::string, std::string> codes;  // referral code -> distributor id

  std::map<std::string, AccrueWork> accrue;                     // by order id
  std::map<std::string, RefundWork> refunds;                    // by refund id
  std::vector<std::pair<std::string, std::string>> link_opens;  // (customer, code)
  std::set<std::string> applications;  // distributors to check against the automatic rule

  Workspace();
  // Forgets everything the events built (not the settings, the secret or the queues).
  void ClearDerived();
  // Applies one of the service's own events; `customer_id` is the customer it belongs to.
  void ApplyOwn(const Event& e, const std::string& name, const std::string& customer_id);
  // order_paid / order_refunded / order_received seen live or found at start: queue work.
  // `bound_since` is the binding the client had when the event was applied.
  void NoteOrderPaid(const Event& e, const std::string& client, const Binding* binding, bool live);
  void NoteRefund(const Event& e, const std::string& client);
  void NoteReceived(const Event& e);
  // The client_bound event that binds `client` to `distributor` (checked by the caller). Its
  // messageId names the binding it replaces, so two decisions racing over one client are one.
  Event BindingEvent(const std::string& client, const std::string& distributor,
                     const std::string& via, Micros now) const;
  // Every distributor's view, computed in one pass over bindings and orders.
  std::map<std::string, DistributorView> Views() const;
  // The code of a distributor (computed from the secret); "" while the secret is unknown.
  std::string CodeFor(const std::string& distributor) const;
  void IndexCode(const std::string& distributor);
  DistributorBalances BalancesOf(const std::string& distributor) const;
};

}  // namespace pond
