// Distributors and their clients, as the distribution events left them (docs/distribution.md).
//
// A distributor is a customer who applied and was approved; its id is its customer's number
// under the prefix "dst_" (cus_00000042 → dst_00000042), so it is stable and needs no table.
// Its recruiter — the distributor who invited it — is fixed at application and is the level-2
// earner on its clients' orders. Recruiters must be active distributors when they invite, and a
// recruiter is never changed afterwards, so the recruitment graph has no cycles.
//
// A client is bound to at most one distributor at a time. The binding rules (CheckBinding) are
// applied when a binding is decided; the decision is then an event (client_bound) and replaying
// it simply sets the binding, so a later change of policy never rewrites history.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pond/base/clock.h"
#include "pond/base/status.h"
#include "pond/distribution/distribution_settings.h"

namespace pond {

enum class DistributorState { kApplied, kActive, kFrozen, kRejected };
const char* DistributorStateName(DistributorState state);

struct Distributor {
  std::string id;           // "dst_…"
  std::string customer_id;  // "cus_…" (as applied; follow merges through the engine)
  std::string recruiter;    // "dst_…" or ""
  std::string grade;        // "" = the default rates
  DistributorState state = DistributorState::kApplied;
  std::string via;     // "apply" | "invitation" | "operator"
  std::string reason;  // why rejected or frozen
  Micros applied_at = 0;
  Micros approved_at = 0;
  int64_t applications = 0;  // how many times this customer applied
};

struct Binding {
  std::string distributor;  // "dst_…"
  Micros since = 0;
  int64_t rebinds = 0;  // how many times the client changed distributor
};

// dst_00000042 <-> cus_00000042. Empty when the id has the wrong prefix.
std::string DistributorIdFor(const std::string& customer_id);
std::string CustomerIdFor(const std::string& distributor_id);

class DistributorRegistry {
 public:
  // --- applying events (deterministic; nothing here can fail for a valid event) ---------
  void Applied(const std::string& customer_id, const std::string& recruiter, const std::string& via,
               Micros at);
  void Approved(const std::string& id, const std::string& grade, Micros at);
  void Rejected(const std::string& id, const std::string& reason);
  void Frozen(const std::string& id, const std::string& reason);
  void Unfrozen(const std::string& id);
  void GradeChanged(const std::string& id, const std::string& grade);
  void Bound(const std::string& client_customer_id, const std::string& distributor, Micros at);
  void Clear();

  // --- decisions ---------------------------------------------------------------------------
  // Whether `client` may be bound to `distributor` at `at` under `settings`; `has_paid_order`
  // tells whether the client bought before. Ok, or FailedPrecondition / AlreadyExists naming
  // the reason ("self", "loop", "bound", "locked until …", "not new", "inactive").
  Status CheckBinding(const std::string& client, const std::string& distributor, Micros at,
                      bool has_paid_order, const DistributionSettings& settings) const;

  // --- reads -------------------------------------------------------------------------------
  const Distributor* Find(const std::string& id) const;
  const Binding* BindingOf(const std::string& client_customer_id) const;
  // The clients bound to `distributor` now, by customer id.
  std::vector<std::string> ClientsOf(const std::string& distributor) const;
  const std::map<std::string, Distributor>& all() const { return distributors_; }
  const std::map<std::string, Binding>& bindings() const { return bindings_; }

 private:
  std::map<std::string, Distributor> distributors_;  // by id
  std::map<std::string, Binding> bindings_;          // by client customer id
};

}  // namespace pond
