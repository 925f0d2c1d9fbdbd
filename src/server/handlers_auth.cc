// Accounts over HTTP (docs/api.md, "Accounts"): sign-in and out, who am I, and the owner's
// users page. The session rides in an HttpOnly cookie for the console and is also answered
// once as `token` for API clients (Authorization: Bearer pond_sess_…).
#include "pond/app/account_views.h"
#include "pond/app/personal_data.h"
#include "pond/auth/accounts.h"
#include "pond/auth/audit.h"
#include "pond/base/json_text.h"
#include "pond/base/time.h"
#include "server/handler_util.h"

namespace pond::server {
namespace {

constexpr char kCookie[] = "pond_session";

std::string SessionCookie(const std::string& token, Micros max_age) {
  return std::string(kCookie) + "=" + token +
         "; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=" +
         std::to_string(max_age / kMicrosPerSecond);
}

}  // namespace

HttpResponse Login(ApiContext& ctx, const HttpRequest& req) {
  if (req.body_size > 4096) {
    return ErrorResponse(Status::PayloadTooLarge("a sign-in body is at most 4 KB"));
  }
  Result<std::string> login = RequiredString(req, "login");
  if (!login.ok()) return ErrorResponse(login.status());
  Result<std::string> password = RequiredString(req, "password");
  if (!password.ok()) return ErrorResponse(password.status());
  Result<auth::Session> s = ctx.app.accounts().Login(*login, *password, req.remote_address);
  if (!s.ok()) {
    // A failed sign-in names no workspace for sure: it is kept in the default one's log, the
    // login masked (it may be a phone number).
    ctx.app.audit().RecordOrWarn(kDefaultWorkspace,
                                 {{},
                                  0,
                                  "",
                                  "auth.login_failed",
                                  app::MaskText(*login),
                                  req.remote_address,
                                  std::to_string(HttpStatusFor(s.status().code()))});
    return ErrorResponse(s.status());
  }
  ctx.app.audit().RecordOrWarn(
      s->who.workspace_id,
      {{}, 0, s->who.user_id, "auth.login", s->who.user_id, req.remote_address, "ok"});
  HttpResponse r = JsonResponse(DumpJson({{"token", s->token},
                                          {"csrf_token", s->csrf_token},
                                          {"expires_at", FormatIso8601(s->expires_at)},
                                          {"user", app::PrincipalJson(s->who)}}));
  r.headers["Set-Cookie"] = SessionCookie(s->token, auth::kSessionMicros);
  r.headers["Cache-Control"] = "no-store";
  return r;
}

HttpResponse Logout(ApiContext& ctx, const HttpRequest&) {
  Status s = ctx.app.accounts().Logout(ctx.session_token);
  if (!s.ok()) return ErrorResponse(s);
  HttpResponse r = JsonResponse(R"({"signed_out":true})");
  r.headers["Set-Cookie"] = SessionCookie("", 0);
  return r;
}

Result<json> Me(ApiContext& ctx, const HttpRequest&) { return app::PrincipalJson(*ctx.who); }

Result<json> ListAudit(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  const std::string cursor = QueryParam(req, "cursor");
  if (!cursor.empty() && !cursor.starts_with("aud_")) {
    return FieldError("cursor", "not a cursor this API returned");
  }
  Result<auth::AuditPage> page =
      ctx.app.audit().List(ctx.workspace, *limit, cursor, QueryParam(req, "action"));
  if (!page.ok()) return page.status();
  json data = json::array();
  for (const auth::AuditEntry& e : page->data) data.push_back(app::AuditEntryJson(e));
  return json({{"data", data},
               {"next_cursor", page->next_cursor.empty() ? json(nullptr) : json(page->next_cursor)},
               {"total", page->total}});
}

Result<json> ListUsers(ApiContext& ctx, const HttpRequest& req) {
  Result<std::vector<auth::User>> users = ctx.app.accounts().ListUsers(ctx.workspace);
  if (!users.ok()) return users.status();
  json data = json::array();
  for (const auth::User& u : *users) data.push_back(app::UserJson(u));
  return ListPage(req, std::move(data));
}

Result<json> CreateUser(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  auth::NewUser u;
  for (auto [name, out] : {std::pair{"login", &u.login},
                           {"name", &u.name},
                           {"role", &u.role},
                           {"password", &u.password},
                           {"staff_id", &u.staff_id},
                           {"distributor_id", &u.distributor_id}}) {
    if (Status s = ReadStringField(*body, name, out); !s.ok()) return s;
  }
  auto made = ctx.app.accounts().AddUser(ctx.workspace, u);
  if (!made.ok()) return made.status();
  json out = {{"user", app::UserJson(made->first)}};
  // Shown once when pond chose it: the owner passes it on.
  if (!made->second.empty()) out["password"] = made->second;
  return out;
}

Result<json> DisableUser(ApiContext& ctx, const HttpRequest& req) {
  const std::string& id = req.params.at("id");
  if (ctx.who && (id == ctx.who->user_id || id == ctx.who->login)) {
    return FieldError("id", "an owner cannot disable themselves");
  }
  auto u = ctx.app.accounts().DisableUser(ctx.workspace, id);
  if (!u.ok()) return u.status();
  return json{{"user", app::UserJson(*u)}};
}

Result<json> ResetUserPassword(ApiContext& ctx, const HttpRequest& req) {
  std::string password;
  if (req.body_size > 0) {
    Result<json> body = ParseJsonObject(req);
    if (!body.ok()) return body.status();
    if (Status s = ReadStringField(*body, "password", &password); !s.ok()) return s;
  }
  auto chosen = ctx.app.accounts().ResetPassword(ctx.workspace, req.params.at("id"), password);
  if (!chosen.ok()) return chosen.status();
  json out = {{"reset", true}};
  if (!chosen->empty()) out["password"] = *chosen;
  return out;
}

}  // namespace pond::server
