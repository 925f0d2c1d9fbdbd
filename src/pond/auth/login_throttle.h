// Failed-login throttling: per account and per client address, a sliding window of failures.
// In memory: a restart forgets it, which costs an attacker a restart per window, not a bypass.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "pond/base/status.h"
#include "pond/base/time.h"

namespace pond::auth {

struct ThrottleLimits {
  int per_account = 5;   // failures in the window before the account refuses logins
  int per_address = 20;  // failures from one address in the window (across accounts)
  Micros window = 15 * 60 * kMicrosPerSecond;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(ThrottleLimits limits = {}) : limits_(limits) {}
  // ResourceExhausted (429) naming how long to wait while either key is over its limit.
  Status Check(const std::string& account, const std::string& address, Micros now);
  void Failed(const std::string& account, const std::string& address, Micros now);
  void Succeeded(const std::string& account);  // the account's failures are forgotten

 private:
  using Failures = std::deque<Micros>;
  void Trim(Failures& f, Micros now) const;
  Status Over(std::map<std::string, Failures>& by, const std::string& key, int limit,
              const char* what, Micros now);

  ThrottleLimits limits_;
  std::mutex mu_;
  std::map<std::string, Failures> accounts_;   // GUARDED_BY(mu_)
  std::map<std::string, Failures> addresses_;  // GUARDED_BY(mu_)
};

}  // namespace pond::auth
