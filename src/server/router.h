// The route table: one declarative list that drives dispatch, authentication and the API
// listing in docs/api.md. A handler parses the request, calls the app (or one service) and
// renders the answer; no business rules.
#pragma once

#include <atomic>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "pond/app/app.h"
#include "pond/auth/accounts.h"
#include "pond/auth/roles.h"
#include "pond/base/histogram.h"
#include "pond/channels/outbound/delivery_service.h"
#include "pond/channels/wecom/wecom_service.h"
#include "pond/community/community_service.h"
#include "pond/content/content_service.h"
#include "pond/distribution/payout_service.h"
#include "pond/engine/engine.h"
#include "pond/fission/fission_service.h"
#include "pond/journey/journey_runtime.h"
#include "pond/journey/task_service.h"
#include "pond/segment/score_service.h"
#include "pond/segment/segment_service.h"
#include "pond/segment/tag_service.h"
#include "server/http_types.h"

namespace pond::server {

// The credential a route takes, from its auth::Need (the policy is auth::Allows):
enum class Auth {
  kNone,    // Need::kPublic: /healthz, /metrics, sign-in
  kWrite,   // Need::kIngest: a write key (Basic username, or writeKey in the body) or admin key
  kAdmin,   // everything else: a signed-in user's session (Bearer pond_sess_… or the console's
            // cookie) whose role allows the need, or an admin key (all of them)
  kPortal,  // Need::kPortal: a distributor's portal token or a distributor's session
};
Auth AuthFor(auth::Need need);

// Request counters and latency for /metrics, shared by all connections.
struct ServerMetrics {
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> errors_4xx{0};
  std::atomic<int64_t> errors_5xx{0};
  std::atomic<int64_t> gzip_requests{0};        // bodies sent with Content-Encoding: gzip
  std::atomic<int64_t> connections_refused{0};  // over the connection cap: answered 503
  std::atomic<int64_t> accept_backoffs{0};      // accept failed for want of descriptors
  LatencyHistogram ingest_latency;              // whole HTTP handling of ingest calls
};

// What a handler may use: the application and its services (all started), the server's
// metrics, and who is calling.
struct ApiContext {
  app::App& app;
  Engine& engine;
  SegmentService& segments;
  TagService& tags;
  ScoreService& scores;
  JourneyRuntime& journeys;
  outbound::DeliveryService& deliveries;
  TaskService& tasks;
  DistributionService& distribution;
  PayoutService& payouts;
  FissionService& fission;
  ContentService& content;
  CommunityService& community;
  wecom::WecomService& wecom;
  ServerMetrics& metrics;
  std::string workspace;  // from the key; empty until authenticated
  bool authenticated = false;
  std::string distributor;  // kPortal routes: whose portal token it was
  // A signed-in user (empty for API keys, which act for the whole workspace) and their session.
  std::optional<auth::Principal> who;
  std::string session_token;
  // An API key (empty for sessions): its id, for the audit log, and its scope.
  std::string key_id;
  KeyKind key_kind = KeyKind::kWrite;
  // For kWrite routes called without an Authorization header: authenticates the body's
  // writeKey and sets `workspace`.
  Status AuthenticateWriteKey(const std::string& secret);
};

// Who made the request, for the audit log: the user's id, or the API key's.
std::string ActorOf(const ApiContext& ctx);

// A handler that shapes its own response: ingest, reports that also answer CSV, WeCom's
// plain-text replies, and the JSON text the app's views write directly (customer lists and
// profiles, segments, previews: JsonWriter, not a JSON tree).
using Handler = HttpResponse (*)(ApiContext& ctx, const HttpRequest& req);
// The usual handler: parses the request, calls the app and answers a JSON value; an error
// becomes its HTTP status with {error: {code, message, field}} (http_types.h).
using JsonHandler = Result<nlohmann::json> (*)(ApiContext& ctx, const HttpRequest& req);

// A route names what it needs (auth::Need): the policy table decides which roles pass.
struct Route {
  Route(const char* method, const char* pattern, auth::Need need, const char* summary,
        Handler handler)
      : method(method),
        pattern(pattern),
        need(need),
        auth(AuthFor(need)),
        summary(summary),
        handler(handler) {}
  // `status`: what a success answers (201 where the call creates).
  Route(const char* method, const char* pattern, auth::Need need, const char* summary,
        JsonHandler json_handler, int status = 200)
      : method(method),
        pattern(pattern),
        need(need),
        auth(AuthFor(need)),
        summary(summary),
        json_handler(json_handler),
        status(status) {}
  HttpResponse Call(ApiContext& ctx, const HttpRequest& req) const;

  const char* method;
  const char* pattern;  // "/v1/customers/{id}"
  auth::Need need;
  Auth auth;
  const char* summary;
  Handler handler = nullptr;  // one of the two
  JsonHandler json_handler = nullptr;
  int status = 200;
};

const std::vector<Route>& Routes();

class Router {
 public:
  // `web_dir`: the console's built files, served outside /v1 (empty: none).
  // REQUIRES: every part of `app` is started.
  Router(app::App& app, ServerMetrics& metrics, std::string web_dir = "")
      : app_(app), engine_(app.engine()), metrics_(metrics), web_dir_(std::move(web_dir)) {}
  // Thread-safe; called from every connection.
  HttpResponse Handle(HttpRequest& req);

 private:
  // Who is calling and whether they may: fills ctx.workspace (and ctx.who for a session).
  Status Authorize(const Route& route, const HttpRequest& req, ApiContext& ctx);
  // Staff reach only the customers they own: another customer is a 404, as if absent.
  Status CheckStaffScope(const Route& route, const HttpRequest& req, const ApiContext& ctx);

  app::App& app_;
  Engine& engine_;
  ServerMetrics& metrics_;
  std::string web_dir_;
};

// Largest request body accepted at all (before any endpoint's own limit), in bytes.
inline constexpr size_t kMaxRequestBodyBytes = 4 * 1024 * 1024;

}  // namespace pond::server
