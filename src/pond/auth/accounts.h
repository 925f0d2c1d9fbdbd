// The team inside a workspace (docs/privacy.md, "Accounts"): users with a role, their passwords
// (argon2id) and their sessions. Users and sessions are configuration, like API keys: kept in
// the store's objects ("user", and "session:<user id>" keyed by the token's hash), not events.
//
// A session token is "pond_sess_<workspace>.<user id>.<40 hex>": the workspace and user it names
// are where to look it up, and only its BLAKE2b hash is stored. Another process (`pond user
// disable` beside a running server) is seen within kRecheckMicros.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "pond/auth/login_throttle.h"
#include "pond/auth/roles.h"
#include "pond/base/status.h"
#include "pond/engine/engine.h"

namespace pond::auth {

struct User {
  std::string id;  // "usr_…"
  std::string workspace_id;
  std::string login;  // a lower-case email address, or a phone number's digits (with its +)
  std::string name;
  Role role = Role::kAnalyst;
  std::string staff_id;        // staff: the staff account whose customers are theirs
  std::string distributor_id;  // distributor: their distributor id
  std::string password_hash;   // argon2id; never leaves this class in a response
  bool disabled = false;
  Micros created_at = 0;
};

struct NewUser {
  std::string login, name, role;
  std::string password;  // empty: a random one, returned once
  std::string staff_id, distributor_id;
};

// Who is calling, from a session.
struct Principal {
  std::string workspace_id, user_id, login, name;
  Role role = Role::kAnalyst;
  std::string staff_id, distributor_id;
};

struct Session {
  std::string token;       // shown once, at login
  std::string csrf_token;  // sent back in X-CSRF-Token on unsafe requests made with the cookie
  Principal who;
  Micros expires_at = 0;
};

inline constexpr Micros kSessionMicros = 7 * 86'400 * kMicrosPerSecond;
inline constexpr Micros kRecheckMicros = 5 * kMicrosPerSecond;
inline constexpr char kSessionPrefix[] = "pond_sess_";

// "an email address or a phone number", normalized; errors name `field`.
Result<std::string> NormalizeLogin(std::string_view login, const char* field);
// The CSRF token that belongs to a session token (a keyed hash of it: nothing to store).
std::string CsrfTokenFor(const std::string& session_token);
// Whether `sent` is the session's CSRF token, compared in constant time (sodium_memcmp), so the
// time a wrong guess takes says nothing about how much of it was right.
bool CsrfTokenMatches(const std::string& session_token, std::string_view sent);

class AccountService {
 public:
  explicit AccountService(Engine* engine, ThrottleLimits limits = {})
      : engine_(engine), throttle_(limits) {}

  // A login is unique across the whole pond (it finds its workspace at sign-in). Returns the
  // user and the password when pond chose it.
  Result<std::pair<User, std::string>> AddUser(const std::string& ws, const NewUser& user);
  Result<std::vector<User>> ListUsers(const std::string& ws);
  // `user`: an id or a login. Disabling ends the user's sessions.
  Result<User> DisableUser(const std::string& ws, const std::string& user);
  // Sets a new password (empty: a random one, returned) and ends the user's sessions.
  Result<std::string> ResetPassword(const std::string& ws, const std::string& user,
                                    const std::string& password);

  // Unauthenticated "wrong login or password" for an unknown login, a wrong password and a
  // disabled user alike; ResourceExhausted while throttled. `address`: the client's.
  Result<Session> Login(const std::string& login, const std::string& password,
                        const std::string& address);
  // The principal of a live session, or Unauthenticated.
  Result<Principal> Authenticate(const std::string& token);
  Status Logout(const std::string& token);

 private:
  struct CachedSession {
    Principal who;
    Micros expires_at = 0;
    Micros checked_at = 0;
  };
  Result<User> FindUser(const std::string& ws, const std::string& id_or_login);
  Status PutUser(const User& user);
  Status EndSessions(const User& user);
  Result<CachedSession> LoadSession(const std::string& ws, const std::string& user_id,
                                    const std::string& hash);

  Engine* engine_;
  LoginThrottle throttle_;
  std::mutex mu_;  // serializes changes to users (unique logins) and guards cache_
  std::map<std::string, CachedSession> cache_;  // by token hash
};

}  // namespace pond::auth
