#include "pond/auth/login_throttle.h"

#include <iterator>

namespace pond::auth {

void LoginThrottle::Trim(Failures& f, Micros now) const {
  while (!f.empty() && f.front() <= now - limits_.window) f.pop_front();
}

Status LoginThrottle::Over(std::map<std::string, Failures>& by, const std::string& key, int limit,
                           const char* what, Micros now) {
  auto it = by.find(key);
  if (it == by.end()) return Status::Ok();
  Trim(it->second, now);
  if (it->second.empty()) {
    by.erase(it);
    return Status::Ok();
  }
  if (static_cast<int>(it->second.size()) < limit) return Status::Ok();
  const Micros wait = it->second.front() + limits_.window - now;
  const int64_t minutes = (wait + 60 * kMicrosPerSecond - 1) / (60 * kMicrosPerSecond);
  return Status::ResourceExhausted(std::string("too many failed logins ") + what +
                                   "; try again in " + std::to_string(minutes) + " min");
}

Status LoginThrottle::Check(const std::string& account, const std::string& address, Micros now) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(Over(addresses_, address, limits_.per_address, "from this address", now));
  return Over(accounts_, account, limits_.per_account, "for this account", now);
}

void LoginThrottle::Failed(const std::string& account, const std::string& address, Micros now) {
  std::lock_guard lock(mu_);
  // Bounded memory under a flood of made-up logins: a full table is swept of old entries, and
  // if it is still full the newest key is not remembered (the address limit still applies).
  constexpr size_t kMaxKeys = 100'000;
  for (auto* by : {&accounts_, &addresses_}) {
    if (by->size() < kMaxKeys) continue;
    for (auto it = by->begin(); it != by->end();) {
      Trim(it->second, now);
      it = it->second.empty() ? by->erase(it) : std::next(it);
    }
  }
  if (accounts_.size() < kMaxKeys || accounts_.count(account)) accounts_[account].push_back(now);
  if (addresses_.size() < kMaxKeys || addresses_.count(address)) {
    addresses_[address].push_back(now);
  }
}

void LoginThrottle::Succeeded(const std::string& account) {
  std::lock_guard lock(mu_);
  accounts_.erase(account);
}

}  // namespace pond::auth
