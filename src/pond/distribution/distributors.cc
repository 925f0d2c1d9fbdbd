#include "pond/distribution/distributors.h"

#include <set>

#include "pond/base/time.h"

namespace pond {

const char* DistributorStateName(DistributorState state) {
  switch (state) {
    case DistributorState::kApplied:
      return "applied";
    case DistributorState::kActive:
      return "active";
    case DistributorState::kFrozen:
      return "frozen";
    case DistributorState::kRejected:
      return "rejected";
  }
  return "applied";
}

std::string DistributorIdFor(const std::string& customer_id) {
  return customer_id.starts_with("cus_") ? "dst_" + customer_id.substr(4) : "";
}

std::string CustomerIdFor(const std::string& distributor_id) {
  return distributor_id.starts_with("dst_") ? "cus_" + distributor_id.substr(4) : "";
}

void DistributorRegistry::Applied(const std::string& customer_id, const std::string& recruiter,
                                  const std::string& via, Micros at) {
  const std::string id = DistributorIdFor(customer_id);
  if (id.empty()) return;
  Distributor& d = distributors_[id];
  ++d.applications;
  if (d.state == DistributorState::kActive || d.state == DistributorState::kFrozen) return;
  d.id = id;
  d.customer_id = customer_id;
  if (d.recruiter.empty()) d.recruiter = recruiter;  // fixed once set: no cycles
  d.state = DistributorState::kApplied;
  d.via = via;
  d.reason.clear();
  d.applied_at = at;
}

void DistributorRegistry::Approved(const std::string& id, const std::string& grade, Micros at) {
  auto it = distributors_.find(id);
  if (it == distributors_.end() || it->second.state != DistributorState::kApplied) return;
  it->second.state = DistributorState::kActive;
  it->second.grade = grade;
  it->second.approved_at = at;
}

void DistributorRegistry::Rejected(const std::string& id, const std::string& reason) {
  auto it = distributors_.find(id);
  if (it == distributors_.end() || it->second.state != DistributorState::kApplied) return;
  it->second.state = DistributorState::kRejected;
  it->second.reason = reason;
}

void DistributorRegistry::Frozen(const std::string& id, const std::string& reason) {
  auto it = distributors_.find(id);
  if (it == distributors_.end() || it->second.state != DistributorState::kActive) return;
  it->second.state = DistributorState::kFrozen;
  it->second.reason = reason;
}

void DistributorRegistry::Unfrozen(const std::string& id) {
  auto it = distributors_.find(id);
  if (it == distributors_.end() || it->second.state != DistributorState::kFrozen) return;
  it->second.state = DistributorState::kActive;
  it->second.reason.clear();
}

void DistributorRegistry::GradeChanged(const std::string& id, const std::string& grade) {
  auto it = distributors_.find(id);
  if (it != distributors_.end()) it->second.grade = grade;
}

void DistributorRegistry::Bound(const std::string& client, const std::string& distributor,
                                Micros at) {
  Binding& b = bindings_[client];
  if (!b.distributor.empty() && b.distributor != distributor) ++b.rebinds;
  b.distributor = distributor;
  b.since = at;
}

void DistributorRegistry::Clear() {
  distributors_.clear();
  bindings_.clear();
}

Status DistributorRegistry::CheckBinding(const std::string& client, const std::string& distributor,
                                         Micros at, bool has_paid_order,
                                         const DistributionSettings& settings) const {
  const Distributor* d = Find(distributor);
  if (!d || d->state != DistributorState::kActive) {
    return Status::FailedPrecondition("inactive: " + distributor + " is not an active distributor");
  }
  if (d->customer_id == client) {
    return Status::FailedPrecondition("self: a distributor cannot be their own client");
  }
  // Loop: the distributor is (through clients who are distributors) a client of this client.
  const std::string client_as_distributor = DistributorIdFor(client);
  std::set<std::string> seen;
  for (const Distributor* up = d; up && seen.insert(up->id).second;) {
    const Binding* b = BindingOf(up->customer_id);
    if (!b) break;
    if (b->distributor == client_as_distributor) {
      return Status::FailedPrecondition("loop: " + distributor + " is already a client of " +
                                        client_as_distributor + "'s line");
    }
    up = Find(b->distributor);
  }
  const Binding* current = BindingOf(client);
  if (current && current->distributor == distributor) {
    return Status::AlreadyExists("bound: the client is already bound to " + distributor);
  }
  if (!current) {
    if (settings.new_customers_only && has_paid_order) {
      return Status::FailedPrecondition("not new: only customers without a paid order may bind");
    }
    return Status::Ok();
  }
  switch (settings.binding) {
    case BindingPolicy::kPermanent:
      return Status::FailedPrecondition("bound: the client belongs to " + current->distributor +
                                        " for good (binding policy \"permanent\")");
    case BindingPolicy::kLocked: {
      const Micros until = current->since + settings.lock_days * kMicrosPerDay;
      if (at < until) {
        return Status::FailedPrecondition("locked: the client belongs to " + current->distributor +
                                          " until " + FormatIso8601(until));
      }
      return Status::Ok();
    }
    case BindingPolicy::kLastTouch:
      return Status::Ok();
  }
  return Status::Ok();
}

const Distributor* DistributorRegistry::Find(const std::string& id) const {
  auto it = distributors_.find(id);
  return it == distributors_.end() ? nullptr : &it->second;
}

const Binding* DistributorRegistry::BindingOf(const std::string& client) const {
  auto it = bindings_.find(client);
  return it == bindings_.end() ? nullptr : &it->second;
}

std::vector<std::string> DistributorRegistry::ClientsOf(const std::string& distributor) const {
  std::vector<std::string> out;
  for (const auto& [client, b] : bindings_) {
    if (b.distributor == distributor) out.push_back(client);
  }
  return out;
}

}  // namespace pond
