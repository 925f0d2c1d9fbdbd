#include "server/router.h"

#include <cctype>
#include <chrono>

#include "pond/app/customers.h"
#include "pond/auth/audit.h"
#include "pond/base/base64.h"
#include "pond/base/json_text.h"
#include "pond/channels/tracking_api.h"
#include "server/gzip.h"
#include "server/static_files.h"

namespace pond::server {
namespace {

// Matches "/v1/customers/{id}" against a path, filling params.
bool Match(std::string_view pattern, std::string_view path,
           std::map<std::string, std::string>* params) {
  while (!pattern.empty() && !path.empty()) {
    size_t pn = pattern.find('/', 1), tn = path.find('/', 1);
    std::string_view ps = pattern.substr(0, pn), ts = path.substr(0, tn);
    if (ps.size() > 2 && ps[1] == '{') {
      if (ts.size() <= 1) return false;
      (*params)[std::string(ps.substr(2, ps.size() - 3))] = std::string(ts.substr(1));
    } else if (ps != ts) {
      return false;
    }
    pattern = pn == std::string_view::npos ? "" : pattern.substr(pn);
    path = tn == std::string_view::npos ? "" : path.substr(tn);
  }
  return pattern.empty() && path.empty();
}

// "Basic base64(key:)" → key; "Bearer token" → token.
std::string CredentialFrom(const std::string& header) {
  if (header.starts_with("Bearer ")) return header.substr(7);
  if (!header.starts_with("Basic ")) return {};
  // Some clients leave the padding off; the credential is short, so it is put back.
  std::string encoded = header.substr(6);
  while (!encoded.empty() && encoded.back() == ' ') encoded.pop_back();
  if (encoded.size() > 4096) return {};
  while (encoded.size() % 4) encoded += '=';
  Result<std::string> decoded = Base64Decode(encoded, "authorization");
  if (!decoded.ok()) return {};
  return decoded->substr(0, decoded->find(':'));
}

// The value of one cookie in a Cookie header ("a=1; pond_session=…").
std::string CookieValue(const std::string& header, std::string_view name) {
  for (size_t at = 0; at < header.size();) {
    while (at < header.size() && header[at] == ' ') ++at;
    const size_t end = std::min(header.find(';', at), header.size());
    const std::string_view pair = std::string_view(header).substr(at, end - at);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    at = end + 1;
  }
  return {};
}

bool IsSafeMethod(const std::string& method) { return method == "GET" || method == "HEAD"; }

// Money decisions and changes to the team are audited here, for every such route at once.
// Failing to write the entry does not undo what the handler did; it is reported on stderr.
void AuditIfNeeded(app::App& app, const Route& route, const HttpRequest& req, const ApiContext& ctx,
                   const HttpResponse& resp) {
  if (IsSafeMethod(req.method)) return;
  if (route.need != auth::Need::kMoney && route.need != auth::Need::kTeam) return;
  auth::AuditEntry e;
  e.actor = ActorOf(ctx);
  e.action = req.method + " " + route.pattern;
  for (const auto& [name, value] : req.params) {
    e.target += (e.target.empty() ? "" : " ") + name + "=" + value;
  }
  e.from = req.remote_address;
  e.result = resp.status < 400 ? "ok" : std::to_string(resp.status);
  app.audit().RecordOrWarn(ctx.workspace, std::move(e));
}

}  // namespace

Auth AuthFor(auth::Need need) {
  switch (need) {
    case auth::Need::kPublic:
      return Auth::kNone;
    case auth::Need::kIngest:
      return Auth::kWrite;
    case auth::Need::kPortal:
      return Auth::kPortal;
    default:
      return Auth::kAdmin;
  }
}

Status Router::Authorize(const Route& route, const HttpRequest& req, ApiContext& ctx) {
  if (route.need == auth::Need::kPublic) return Status::Ok();
  std::string credential = CredentialFrom(req.Header("authorization"));
  if (route.need == auth::Need::kIngest) {
    if (credential.starts_with(auth::kSessionPrefix)) {
      return Status::PermissionDenied("a signed-in user cannot send events; use a write key");
    }
    // No header: the body's writeKey, checked by the handler.
    return credential.empty() ? Status::Ok() : ctx.AuthenticateWriteKey(credential);
  }
  bool from_cookie = false;
  if (credential.empty()) {
    credential = CookieValue(req.Header("cookie"), "pond_session");
    from_cookie = !credential.empty();
  }
  if (credential.starts_with(auth::kSessionPrefix)) {
    Result<auth::Principal> who = app_.accounts().Authenticate(credential);
    if (!who.ok()) return who.status();
    // A cookie is sent by the browser whatever page asks; the CSRF token proves the console
    // (which read it at sign-in) made the request.
    if (from_cookie && !IsSafeMethod(req.method) &&
        !auth::CsrfTokenMatches(credential, req.Header("x-csrf-token"))) {
      return Status::PermissionDenied("X-CSRF-Token header missing or wrong for this session");
    }
    if (!auth::Allows(who->role, route.need)) {
      return Status::PermissionDenied("the " + std::string(auth::RoleName(who->role)) +
                                      " role may not do this (it needs " +
                                      std::string(auth::NeedName(route.need)) + ")");
    }
    ctx.workspace = who->workspace_id;
    if (route.need == auth::Need::kPortal) ctx.distributor = who->distributor_id;
    ctx.who = std::move(*who);
    ctx.session_token = credential;
    ctx.authenticated = true;
    return Status::Ok();
  }
  if (route.need == auth::Need::kSelf) {
    return Status::Unauthenticated("sign in first: POST /v1/auth/login");
  }
  if (route.need == auth::Need::kPortal) {
    if (credential.empty()) {
      return Status::Unauthenticated("a portal token is required: Authorization: Bearer pdt.…");
    }
    auto who = app_.distribution().AuthenticatePortal(credential);
    if (!who.ok()) return who.status();
    ctx.workspace = who->first;
    ctx.distributor = who->second;
    ctx.authenticated = true;
    return Status::Ok();
  }
  if (credential.empty()) {
    return Status::Unauthenticated(
        "sign in (POST /v1/auth/login), or send an admin token: Authorization: Bearer <token>");
  }
  Result<ApiKey> key = engine_.Authenticate(credential);
  if (!key.ok()) return key.status();
  if (key->kind == KeyKind::kWrite) {
    return Status::PermissionDenied("a write key can only send events; use an admin token");
  }
  if (key->kind == KeyKind::kRead && route.need != auth::Need::kRead &&
      route.need != auth::Need::kCustomers) {
    return Status::PermissionDenied(
        "a read key reads reports, definitions and customers only; use an admin token");
  }
  ctx.workspace = key->workspace_id;
  ctx.key_id = key->id;
  ctx.key_kind = key->kind;
  ctx.authenticated = true;
  return Status::Ok();
}

Status Router::CheckStaffScope(const Route& route, const HttpRequest& req, const ApiContext& ctx) {
  if (!ctx.who || ctx.who->role != auth::Role::kStaff) return Status::Ok();
  const std::string_view pattern = route.pattern;
  if (!pattern.starts_with("/v1/customers/{id}")) return Status::Ok();
  Result<std::string> owner = app::CustomerOwner(app_, ctx.workspace, req.params.at("id"));
  if (!owner.ok() || *owner != ctx.who->staff_id) {
    return Status::NotFound("customer \"" + req.params.at("id") + "\" not found");
  }
  return Status::Ok();
}

std::string ActorOf(const ApiContext& ctx) { return ctx.who ? ctx.who->user_id : ctx.key_id; }

Status ApiContext::AuthenticateWriteKey(const std::string& secret) {
  Result<ApiKey> key = engine.Authenticate(secret);
  if (!key.ok()) return key.status();
  if (key->kind == KeyKind::kRead) {
    return Status::PermissionDenied("a read key cannot send events; use a write key");
  }
  key_id = key->id;
  key_kind = key->kind;
  workspace = key->workspace_id;
  authenticated = true;
  return Status::Ok();
}

HttpResponse Route::Call(ApiContext& ctx, const HttpRequest& req) const {
  if (handler) return handler(ctx, req);
  Result<nlohmann::json> answer = json_handler(ctx, req);
  if (!answer.ok()) return ErrorResponse(answer.status());
  return JsonResponse(DumpJson(*answer), status);
}

HttpResponse Router::Handle(HttpRequest& req) {
  auto started = std::chrono::steady_clock::now();
  metrics_.requests.fetch_add(1, std::memory_order_relaxed);
  const Route* route = nullptr;
  bool path_known = false;
  for (const Route& r : Routes()) {
    std::map<std::string, std::string> params;
    if (!Match(r.pattern, req.path, &params)) continue;
    path_known = true;
    if (req.method == r.method) {
      route = &r;
      req.params = std::move(params);
      break;
    }
  }
  HttpResponse resp;
  ApiContext ctx{app_,
                 engine_,
                 app_.segments(),
                 app_.tags(),
                 app_.scores(),
                 app_.journeys(),
                 app_.deliveries(),
                 app_.tasks(),
                 app_.distribution(),
                 app_.payouts(),
                 app_.fission(),
                 app_.content(),
                 app_.community(),
                 app_.wecom(),
                 metrics_,
                 {},
                 false,
                 {},
                 std::nullopt,
                 {},
                 {},
                 KeyKind::kWrite};
  std::optional<HttpResponse> console;
  if (!route && !path_known && (req.method == "GET" || req.method == "HEAD") &&
      !req.path.starts_with("/v1/")) {
    console = ServeStatic(web_dir_, req.path);
  }
  if (console) {
    resp = std::move(*console);
  } else if (!route) {
    resp = path_known ? ErrorResponse(Status(StatusCode::kInvalidArgument,
                                             "method " + req.method + " not allowed here"))
                      : ErrorResponse(Status::NotFound("no route for " + req.path));
    if (path_known) resp.status = 405;
  } else {
    Status auth = Authorize(*route, req, ctx);
    if (auth.ok()) auth = CheckStaffScope(*route, req, ctx);
    // Content codings are case-insensitive tokens (RFC 9110 §8.4.1): "GZIP" is gzip.
    std::string encoding = req.Header("content-encoding");
    for (char& c : encoding) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!encoding.empty() && (encoding.back() == ' ' || encoding.back() == '\t')) {
      encoding.pop_back();
    }
    if (auth.ok() && (encoding == "gzip" || encoding == "deflate")) {
      metrics_.gzip_requests.fetch_add(1, std::memory_order_relaxed);
      Result<std::string> inflated = Gunzip(req.Body(), 500 * 1024);
      if (inflated.ok()) {
        req.body_size = inflated->size();
        req.body = std::move(*inflated);
        req.body.append(JsonPadding(), ' ');
      } else {
        auth = inflated.status();
      }
    } else if (auth.ok() && !encoding.empty() && encoding != "identity") {
      auth = FieldError("Content-Encoding",
                        "only gzip is supported, not \"" + encoding.substr(0, 20) + "\"");
    }
    resp = auth.ok() ? route->Call(ctx, req) : ErrorResponse(auth);
    if (auth.ok()) AuditIfNeeded(app_, *route, req, ctx, resp);
    // Tokens go in "Bearer" (RFC 6750); a "Basic" challenge there would make a browser (the
    // console) stop and ask for a user name and password instead of showing the error.
    if (resp.status == 401 && route->auth != Auth::kWrite) {
      resp.headers["WWW-Authenticate"] = "Bearer realm=\"pond\"";
    }
  }
  if (resp.status >= 500) {
    metrics_.errors_5xx.fetch_add(1, std::memory_order_relaxed);
  } else if (resp.status >= 400) {
    metrics_.errors_4xx.fetch_add(1, std::memory_order_relaxed);
  }
  if (route && route->auth == Auth::kWrite) {
    metrics_.ingest_latency.Record(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::steady_clock::now() - started)
                                       .count());
  }
  return resp;
}

}  // namespace pond::server
