#include "pond/auth/accounts.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "pond/auth/password.h"
#include "pond/engine/keys.h"

namespace pond::auth {
namespace {

using nlohmann::json;

constexpr char kUserKind[] = "user";
std::string SessionKind(const std::string& user_id) { return "session:" + user_id; }

Status WrongLogin() { return Status::Unauthenticated("wrong login or password"); }

json UserJson(const User& u) {
  return {{"login", u.login},
          {"name", u.name},
          {"role", RoleName(u.role)},
          {"staff_id", u.staff_id},
          {"distributor_id", u.distributor_id},
          {"password_hash", u.password_hash},
          {"disabled", u.disabled},
          {"created_at", u.created_at}};
}

std::optional<User> UserFrom(const std::string& ws, const StoredObject& o) {
  json j = json::parse(o.body, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  std::optional<Role> role = RoleFromName(j.value("role", ""));
  if (!role) return std::nullopt;
  User u;
  u.id = o.id;
  u.workspace_id = ws;
  u.login = j.value("login", "");
  u.name = j.value("name", "");
  u.role = *role;
  u.staff_id = j.value("staff_id", "");
  u.distributor_id = j.value("distributor_id", "");
  u.password_hash = j.value("password_hash", "");
  u.disabled = j.value("disabled", false);
  u.created_at = j.value("created_at", Micros{0});
  return u;
}

Result<std::vector<User>> UsersOf(Engine& engine, const std::string& ws) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> objects, engine.ListObjects(ws, kUserKind));
  std::vector<User> out;
  for (const StoredObject& o : objects) {
    if (std::optional<User> u = UserFrom(ws, o)) out.push_back(std::move(*u));
  }
  std::sort(out.begin(), out.end(),
            [](const User& a, const User& b) { return a.created_at < b.created_at; });
  return out;
}

Principal PrincipalOf(const User& u) {
  return {u.workspace_id, u.id, u.login, u.name, u.role, u.staff_id, u.distributor_id};
}

Status CheckText(const std::string& value, const char* field, size_t max, bool required) {
  if (required && value.empty()) return FieldError(field, "is required");
  if (value.size() > max) return FieldError(field, "at most " + std::to_string(max) + " bytes");
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return FieldError(field, "must not contain control characters");
    }
  }
  return Status::Ok();
}

// "pond_sess_<ws>.<user>.<secret>" → {ws, user}; empty on a malformed token.
std::pair<std::string, std::string> SessionOwner(const std::string& token) {
  if (!token.starts_with(kSessionPrefix) || token.size() > 200) return {};
  const size_t start = sizeof kSessionPrefix - 1;
  const size_t a = token.find('.', start);
  const size_t b = a == std::string::npos ? a : token.find('.', a + 1);
  if (b == std::string::npos || a == start || b == a + 1) return {};
  return {token.substr(start, a - start), token.substr(a + 1, b - a - 1)};
}

}  // namespace

Result<std::string> NormalizeLogin(std::string_view login, const char* field) {
  const char* what = "an email address or a phone number (at most 254 characters)";
  if (login.empty() || login.size() > 254) return FieldError(field, what);
  std::string out;
  if (login.find('@') != std::string_view::npos) {
    const size_t at = login.find('@');
    if (at == 0 || login.find('.', at) == std::string_view::npos || login.back() == '.' ||
        login.find('@', at + 1) != std::string_view::npos) {
      return FieldError(field, what);
    }
    for (char c : login) {
      const auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u == 0x7f) return FieldError(field, what);
      out += static_cast<char>(std::tolower(u));
    }
    return out;
  }
  for (size_t i = 0; i < login.size(); ++i) {
    const char c = login[i];
    if (c == ' ' || c == '-') continue;  // "138 0013 8000", "+86-138…"
    if (c == '+' && i == 0) {
      out += c;
    } else if (c >= '0' && c <= '9') {
      out += c;
    } else {
      return FieldError(field, what);
    }
  }
  const size_t digits = out.size() - (out.starts_with('+') ? 1 : 0);
  if (digits < 6 || digits > 20) return FieldError(field, what);
  return out;
}

std::string CsrfTokenFor(const std::string& session_token) {
  unsigned char digest[24];
  static constexpr char kContext[] = "pond csrf";
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(kContext),
                     sizeof kContext - 1,
                     reinterpret_cast<const unsigned char*>(session_token.data()),
                     std::min<size_t>(session_token.size(), crypto_generichash_KEYBYTES_MAX));
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool CsrfTokenMatches(const std::string& session_token, std::string_view sent) {
  const std::string want = CsrfTokenFor(session_token);
  return sent.size() == want.size() && sodium_memcmp(sent.data(), want.data(), want.size()) == 0;
}

Result<std::pair<User, std::string>> AccountService::AddUser(const std::string& ws,
                                                             const NewUser& in) {
  RETURN_IF_ERROR(engine_->GetWorkspace(ws).status());
  User u;
  ASSIGN_OR_RETURN(u.login, NormalizeLogin(in.login, "login"));
  RETURN_IF_ERROR(CheckText(in.name, "name", 64, false));
  std::optional<Role> role = RoleFromName(in.role);
  if (!role) return FieldError("role", std::string(kRoleNames));
  u.role = *role;
  RETURN_IF_ERROR(CheckText(in.staff_id, "staff_id", 64, u.role == Role::kStaff));
  RETURN_IF_ERROR(CheckText(in.distributor_id, "distributor_id", 64, u.role == Role::kDistributor));
  if (u.role != Role::kStaff && !in.staff_id.empty()) {
    return FieldError("staff_id", "only for the staff role");
  }
  if (u.role != Role::kDistributor && !in.distributor_id.empty()) {
    return FieldError("distributor_id", "only for the distributor role");
  }
  u.staff_id = in.staff_id;
  u.distributor_id = in.distributor_id;
  u.name = in.name.empty() ? u.login : in.name;
  const std::string password = in.password.empty() ? RandomPassword() : in.password;
  RETURN_IF_ERROR(CheckPassword(password, "password"));
  ASSIGN_OR_RETURN(u.password_hash, HashPassword(password));
  u.id = RandomId("usr_");
  u.workspace_id = ws;
  u.created_at = engine_->clock().NowMicros();

  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(std::vector<Workspace> workspaces, engine_->ListWorkspaces());
  for (const Workspace& w : workspaces) {
    ASSIGN_OR_RETURN(std::vector<User> users, UsersOf(*engine_, w.id));
    for (const User& other : users) {
      if (other.login == u.login) {
        return Status::AlreadyExists("login \"" + u.login + "\" is taken");
      }
    }
  }
  RETURN_IF_ERROR(PutUser(u));
  return std::make_pair(u, in.password.empty() ? password : std::string());
}

Result<std::vector<User>> AccountService::ListUsers(const std::string& ws) {
  RETURN_IF_ERROR(engine_->GetWorkspace(ws).status());
  return UsersOf(*engine_, ws);
}

Result<User> AccountService::FindUser(const std::string& ws, const std::string& id_or_login) {
  ASSIGN_OR_RETURN(std::vector<User> users, UsersOf(*engine_, ws));
  Result<std::string> login = NormalizeLogin(id_or_login, "user");
  for (const User& u : users) {
    if (u.id == id_or_login || (login.ok() && u.login == *login)) return u;
  }
  return Status::NotFound("user \"" + id_or_login + "\" not found in workspace \"" + ws + "\"");
}

Status AccountService::PutUser(const User& u) {
  return engine_->PutObject(u.workspace_id,
                            {kUserKind, u.id, UserJson(u).dump(), engine_->clock().NowMicros()});
}

Status AccountService::EndSessions(const User& u) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> sessions,
                   engine_->ListObjects(u.workspace_id, SessionKind(u.id)));
  for (const StoredObject& s : sessions) {
    RETURN_IF_ERROR(engine_->DeleteObject(u.workspace_id, s.kind, s.id).status());
  }
  std::erase_if(cache_, [&](const auto& entry) { return entry.second.who.user_id == u.id; });
  return Status::Ok();
}

Result<User> AccountService::DisableUser(const std::string& ws, const std::string& user) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(User u, FindUser(ws, user));
  u.disabled = true;
  RETURN_IF_ERROR(PutUser(u));
  RETURN_IF_ERROR(EndSessions(u));
  return u;
}

Result<std::string> AccountService::ResetPassword(const std::string& ws, const std::string& user,
                                                  const std::string& password) {
  const std::string chosen = password.empty() ? RandomPassword() : password;
  RETURN_IF_ERROR(CheckPassword(chosen, "password"));
  ASSIGN_OR_RETURN(std::string hash, HashPassword(chosen));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(User u, FindUser(ws, user));
  u.password_hash = std::move(hash);
  RETURN_IF_ERROR(PutUser(u));
  RETURN_IF_ERROR(EndSessions(u));
  return password.empty() ? chosen : std::string();
}

Result<Session> AccountService::Login(const std::string& login, const std::string& password,
                                      const std::string& address) {
  ASSIGN_OR_RETURN(const std::string account, NormalizeLogin(login, "login"));
  if (password.size() > kMaxPasswordBytes) return FieldError("password", "8 to 128 bytes");
  const Micros now = engine_->clock().NowMicros();
  RETURN_IF_ERROR(throttle_.Check(account, address, now));
  std::optional<User> found;
  ASSIGN_OR_RETURN(std::vector<Workspace> workspaces, engine_->ListWorkspaces());
  for (const Workspace& w : workspaces) {
    ASSIGN_OR_RETURN(std::vector<User> users, UsersOf(*engine_, w.id));
    for (User& u : users) {
      if (u.login == account) found = std::move(u);
    }
  }
  // An unknown login costs the same argon2 work as a known one, so timing tells nothing.
  static const std::string kDummy = [] {
    Result<std::string> h = HashPassword("not a password of anyone");
    return h.ok() ? *h : std::string();
  }();
  const bool matches = VerifyPassword(found ? found->password_hash : kDummy, password);
  if (!found || !matches || found->disabled) {
    throttle_.Failed(account, address, now);
    return WrongLogin();
  }
  throttle_.Succeeded(account);
  Session s;
  s.token =
      std::string(kSessionPrefix) + found->workspace_id + "." + found->id + "." + RandomHex(20);
  s.csrf_token = CsrfTokenFor(s.token);
  s.who = PrincipalOf(*found);
  s.expires_at = now + kSessionMicros;
  // Sessions that expired are removed as their user signs in again: none piles up.
  ASSIGN_OR_RETURN(std::vector<StoredObject> old,
                   engine_->ListObjects(found->workspace_id, SessionKind(found->id)));
  for (const StoredObject& o : old) {
    json j = json::parse(o.body, nullptr, false);
    if (!j.is_object() || j.value("expires_at", Micros{0}) <= now) {
      RETURN_IF_ERROR(engine_->DeleteObject(found->workspace_id, o.kind, o.id).status());
    }
  }
  const json body = {{"created_at", now}, {"expires_at", s.expires_at}};
  RETURN_IF_ERROR(engine_->PutObject(
      found->workspace_id, {SessionKind(found->id), HashKeySecret(s.token), body.dump(), now}));
  return s;
}

Result<AccountService::CachedSession> AccountService::LoadSession(const std::string& ws,
                                                                  const std::string& user_id,
                                                                  const std::string& hash) {
  ASSIGN_OR_RETURN(std::vector<StoredObject> sessions,
                   engine_->ListObjects(ws, SessionKind(user_id)));
  auto s = std::find_if(sessions.begin(), sessions.end(),
                        [&](const StoredObject& o) { return o.id == hash; });
  if (s == sessions.end()) return Status::Unauthenticated("session ended; sign in again");
  ASSIGN_OR_RETURN(std::vector<User> users, UsersOf(*engine_, ws));
  auto u = std::find_if(users.begin(), users.end(), [&](const User& x) { return x.id == user_id; });
  if (u == users.end() || u->disabled) return Status::Unauthenticated("session ended");
  json j = json::parse(s->body, nullptr, false);
  CachedSession c;
  c.who = PrincipalOf(*u);
  c.expires_at = j.is_object() ? j.value("expires_at", Micros{0}) : 0;
  return c;
}

Result<Principal> AccountService::Authenticate(const std::string& token) {
  const auto [ws, user_id] = SessionOwner(token);
  if (ws.empty()) return Status::Unauthenticated("not a session token");
  const std::string hash = HashKeySecret(token);
  const Micros now = engine_->clock().NowMicros();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now - it->second.checked_at < kRecheckMicros) {
      if (now >= it->second.expires_at) return Status::Unauthenticated("session expired");
      return it->second.who;
    }
  }
  if (!engine_->GetWorkspace(ws).ok()) return Status::Unauthenticated("invalid session");
  ASSIGN_OR_RETURN(CachedSession c, LoadSession(ws, user_id, hash));
  c.checked_at = now;
  if (now >= c.expires_at) return Status::Unauthenticated("session expired; sign in again");
  std::lock_guard lock(mu_);
  if (cache_.size() > 100'000) cache_.clear();  // bounded; entries are re-read on demand
  cache_[hash] = c;
  return c.who;
}

Status AccountService::Logout(const std::string& token) {
  const auto [ws, user_id] = SessionOwner(token);
  if (ws.empty()) return Status::Unauthenticated("not a session token");
  const std::string hash = HashKeySecret(token);
  std::lock_guard lock(mu_);
  cache_.erase(hash);
  if (!engine_->GetWorkspace(ws).ok()) return Status::Unauthenticated("invalid session");
  ASSIGN_OR_RETURN(bool deleted, engine_->DeleteObject(ws, SessionKind(user_id), hash));
  if (!deleted) return Status::Unauthenticated("session ended already");
  return Status::Ok();
}

}  // namespace pond::auth
