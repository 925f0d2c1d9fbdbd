// The API's route table, and the handlers for ingest, customers, channels and operations (tags
// and segments have files of their own). Each handler: read the request, call the app layer
// (src/pond/app) or one service, write JSON. Errors come back as Status and leave through
// ErrorResponse.
#include "pond/app/channels.h"
#include "pond/app/consent.h"
#include "pond/app/customers.h"
#include "pond/app/erasure.h"
#include "pond/app/ingest.h"
#include "pond/base/money.h"
#include "pond/base/time.h"
#include "pond/channels/tracking_api.h"
#include "server/handler_util.h"
#include "server/metrics.h"
#include "server/router.h"

namespace pond::server {
namespace {

// --- ingest ------------------------------------------------------------------------------

HttpResponse Ingest(ApiContext& ctx, const HttpRequest& req, std::string_view endpoint) {
  Result<SegmentRequest> parsed =
      ParseSegmentRequest(req.Body(), endpoint, ctx.engine.clock().NowMicros());
  if (!parsed.ok()) {
    // An unauthenticated caller learns nothing about the body before its key is checked.
    if (!ctx.authenticated) {
      return ErrorResponse(Status::Unauthenticated(
          "a write key is required: Basic auth username, or writeKey in a valid JSON body"));
    }
    return ErrorResponse(parsed.status());
  }
  if (!ctx.authenticated) {
    if (parsed->write_key.empty()) {
      return ErrorResponse(Status::Unauthenticated(
          "a write key is required: Basic auth username, or writeKey in the body"));
    }
    Status s = ctx.AuthenticateWriteKey(parsed->write_key);
    if (!s.ok()) return ErrorResponse(s);
  }
  const bool batch = endpoint == "batch" || endpoint == "import";
  Result<SubmitResult> r =
      app::SubmitClientEvents(ctx.app, ctx.workspace, std::move(parsed->events), batch);
  if (!r.ok()) return ErrorResponse(r.status());
  return JsonResponse(R"({"success":true})");
}

template <const char* kEndpoint>
HttpResponse IngestCall(ApiContext& ctx, const HttpRequest& req) {
  return Ingest(ctx, req, kEndpoint);
}
constexpr char kIdentify[] = "identify", kTrack[] = "track", kPage[] = "page", kScreen[] = "screen",
               kGroup[] = "group", kAlias[] = "alias", kBatch[] = "batch", kImport[] = "import";

Result<json> PostOrders(ApiContext& ctx, const HttpRequest& req) {
  if (!ctx.authenticated) return Status::Unauthenticated("a key is required");
  Result<std::vector<Event>> events =
      ParseOrdersRequest(req.Body(), ctx.engine.clock().NowMicros());
  if (!events.ok()) return events.status();
  json ids = json::array();
  for (const Event& e : *events) ids.push_back(e.order->order_id);
  Result<SubmitResult> r = ctx.engine.Submit(ctx.workspace, std::move(*events));
  if (!r.ok()) return r.status();
  return json({{"accepted", r->accepted}, {"duplicates", r->duplicates}, {"order_ids", ids}});
}

// --- customers ---------------------------------------------------------------------------

HttpResponse ListCustomers(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return ErrorResponse(limit.status());
  Result<app::Disclosure> reveal = RevealParam(ctx, req, "customer list");
  if (!reveal.ok()) return ErrorResponse(reveal.status());
  Result<std::string> page =
      ctx.who && ctx.who->role == auth::Role::kStaff
          ? app::OwnedCustomerListJson(ctx.app, ctx.workspace, ctx.who->staff_id, *limit,
                                       QueryParam(req, "cursor"), *reveal)
          : app::CustomerListJson(ctx.app, ctx.workspace, QueryParam(req, "query"), *limit,
                                  QueryParam(req, "cursor"), *reveal);
  if (!page.ok()) return ErrorResponse(page.status());
  return JsonResponse(std::move(*page));
}

Result<json> PostConsent(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  auto it = body->find("marketing");
  if (it == body->end() || !it->is_boolean()) {
    return FieldError("marketing", "true (may be sent marketing) or false (opted out)");
  }
  std::string channel;
  if (Status s = ReadStringField(*body, "channel", &channel); !s.ok()) return s;
  Result<std::string> id = app::RecordConsent(ctx.app, ctx.workspace, req.params.at("id"),
                                              it->get<bool>(), channel, ActorOf(ctx));
  if (!id.ok()) return id.status();
  json out = {{"customer", *id}, {"marketing", it->get<bool>()}};
  out["channel"] = channel.empty() ? json(nullptr) : json(channel);
  return out;
}

Result<json> DeleteCustomer(ApiContext& ctx, const HttpRequest& req) {
  return app::EraseCustomer(ctx.engine, ctx.workspace, req.params.at("id"));
}

HttpResponse GetCustomer(ApiContext& ctx, const HttpRequest& req) {
  Result<app::Disclosure> reveal = RevealParam(ctx, req, req.params.at("id"));
  if (!reveal.ok()) return ErrorResponse(reveal.status());
  Result<std::string> profile =
      app::CustomerProfileJson(ctx.app, ctx.workspace, req.params.at("id"), *reveal);
  if (!profile.ok()) return ErrorResponse(profile.status());
  return JsonResponse(std::move(*profile));
}

// --- the workspace and its channels ----------------------------------------------------------

Result<json> GetWorkspace(ApiContext& ctx, const HttpRequest&) {
  Result<std::vector<Workspace>> all = ctx.engine.ListWorkspaces();
  if (!all.ok()) return all.status();
  for (const Workspace& w : *all) {
    if (w.id != ctx.workspace) continue;
    return json({{"id", w.id},
                 {"name", w.name},
                 {"utc_offset_seconds", w.utc_offset_seconds},
                 {"utc_offset", FormatUtcOffset(w.utc_offset_seconds)},
                 {"created_at", FormatIso8601(w.created_at)}});
  }
  return Status::NotFound("workspace \"" + ctx.workspace + "\" not found");
}

Result<json> ListChannels(ApiContext& ctx, const HttpRequest&) {
  return app::ChannelListJson(ctx.app, ctx.workspace);
}

Result<json> CreateChannel(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  Channel c;
  std::string kind = "other";
  for (Status s : {ReadStringField(*body, "code", &c.code), ReadStringField(*body, "name", &c.name),
                   ReadStringField(*body, "kind", &kind)}) {
    if (!s.ok()) return s;
  }
  auto parsed_kind = ChannelKindFromName(kind);
  if (!parsed_kind) {
    return FieldError(
        "kind",
        "unknown channel kind (package_card, sms, offline_store, xiaohongshu, douyin, "
        "zhihu, weibo, paid_ads, live_stream, taobao, referral, other)");
  }
  c.kind = *parsed_kind;
  // With `wecom`, the channel gets its WeCom live code (state = its code) at once.
  std::optional<wecom::LiveCode> code;
  if (auto w = body->find("wecom"); w != body->end() && !w->is_null()) {
    if (!w->is_object()) return FieldError("wecom", "{staff, skip_verify, welcome}");
    if (c.code.size() > outbound::kMaxContactWayState) {
      return FieldError("code", "at most " + std::to_string(outbound::kMaxContactWayState) +
                                    " characters for a WeCom live code's state");
    }
    Result<wecom::LiveCode> parsed = ParseLiveCode(*w, c.code, "wecom.");
    if (!parsed.ok()) return parsed.status();
    code = std::move(*parsed);
  }
  return app::CreateChannel(ctx.app, ctx.workspace, c, code);
}

Result<json> AddSpend(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  ChannelSpend spend;
  spend.channel_id = req.params.at("id");
  if (Status s = ReadStringField(*body, "day", &spend.day); !s.ok()) return s;
  auto fen = body->find("amount_fen");
  auto yuan = body->find("amount");
  if (fen != body->end()) {
    if (!fen->is_number_integer()) {
      return FieldError("amount_fen", "must be an integer number of fen");
    }
    spend.amount_fen = fen->get<int64_t>();
  } else if (yuan != body->end() && yuan->is_string()) {
    Result<Money> m = Money::ParseYuan(yuan->get<std::string>());
    if (!m.ok()) return FieldError("amount", m.status().message());
    spend.amount_fen = m->fen();
  } else {
    return FieldError("amount_fen", "required (or amount as a yuan string)");
  }
  Status s = ctx.engine.AddChannelSpend(ctx.workspace, spend);
  if (!s.ok()) return s;
  return json(
      {{"channel_id", spend.channel_id}, {"day", spend.day}, {"amount_fen", spend.amount_fen}});
}

Result<json> ListSpend(ApiContext& ctx, const HttpRequest& req) {
  Result<std::vector<ChannelSpend>> spend =
      ctx.engine.ListChannelSpend(ctx.workspace, req.params.at("id"));
  if (!spend.ok()) return spend.status();
  json data = json::array();
  for (const ChannelSpend& s : *spend) {
    data.push_back({{"day", s.day}, {"amount_fen", s.amount_fen}});
  }
  return OnePage(std::move(data));
}

// --- operations --------------------------------------------------------------------------

HttpResponse Health(ApiContext&, const HttpRequest&) { return JsonResponse(R"({"status":"ok"})"); }

HttpResponse Metrics(ApiContext& ctx, const HttpRequest&) {
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = RenderMetrics(ctx.engine, ctx.metrics);
  return r;
}

Result<json> ListRoutes(ApiContext&, const HttpRequest&) {
  json data = json::array();
  for (const Route& r : Routes()) {
    const char* auth = r.auth == Auth::kNone     ? "none"
                       : r.auth == Auth::kWrite  ? "write"
                       : r.auth == Auth::kPortal ? "portal"
                                                 : "admin";
    data.push_back({{"method", r.method},
                    {"path", r.pattern},
                    {"auth", auth},
                    {"need", auth::NeedName(r.need)},
                    {"summary", r.summary}});
  }
  // The whole table on one page: the API's own listing is read whole.
  return OnePage(std::move(data));
}

}  // namespace

using auth::Need;

const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = {
      {"POST", "/v1/identify", Need::kIngest, "Segment identify call", IngestCall<kIdentify>},
      {"POST", "/v1/track", Need::kIngest, "Segment track call", IngestCall<kTrack>},
      {"POST", "/v1/page", Need::kIngest, "Segment page call", IngestCall<kPage>},
      {"POST", "/v1/screen", Need::kIngest, "Segment screen call", IngestCall<kScreen>},
      {"POST", "/v1/group", Need::kIngest, "Segment group call", IngestCall<kGroup>},
      {"POST", "/v1/alias", Need::kIngest, "Segment alias call", IngestCall<kAlias>},
      {"POST", "/v1/batch", Need::kIngest, "Segment batch (up to 2,500 calls, 500 KB)",
       IngestCall<kBatch>},
      {"POST", "/v1/import", Need::kIngest, "Segment import (same as batch)", IngestCall<kImport>},
      {"POST", "/v1/orders", Need::kIngest, "Orders from a shop (one, or {orders: [...]})",
       PostOrders},
      {"POST", "/v1/auth/login", Need::kPublic,
       "Sign in {login, password}: a session cookie, and {token, csrf_token, user}", Login},
      {"POST", "/v1/auth/logout", Need::kSelf, "End this session", Logout},
      {"GET", "/v1/me", Need::kSelf, "Who is signed in: role, workspace, what the role may do", Me},
      {"GET", "/v1/users", Need::kTeam, "The workspace's users (?limit&cursor)", ListUsers},
      {"GET", "/v1/audit", Need::kTeam, "The audit log, newest first (?limit&cursor&action=prefix)",
       ListAudit},
      {"POST", "/v1/users", Need::kTeam,
       "Add a user {login, name, role, password?, staff_id?, distributor_id?}", CreateUser, 201},
      {"POST", "/v1/users/{id}/disable", Need::kTeam, "Disable a user and end their sessions",
       DisableUser},
      {"POST", "/v1/users/{id}/reset-password", Need::kTeam,
       "A new password {password?} (pond picks one when absent); ends their sessions",
       ResetUserPassword},
      {"GET", "/v1/customers", Need::kCustomers, "Search and list customers (?query&limit&cursor)",
       ListCustomers},
      {"GET", "/v1/customers/{id}", Need::kCustomers,
       "A customer: traits, identities, merges, orders, refunds, timeline", GetCustomer},
      {"DELETE", "/v1/customers/{id}", Need::kTeam,
       "Erase a customer's personal data (docs/privacy.md, Erasure); the id must be cus_…",
       DeleteCustomer},
      {"GET", "/v1/tags", Need::kRead, "Tags with their customer counts", ListTags},
      {"POST", "/v1/tags/bulk", Need::kOperate,
       "Tag many customers {add, remove, customers | rule}", BulkTags},
      {"GET", "/v1/tags/answers", Need::kRead, "Questionnaire answers that become tags",
       GetAnswerTags},
      {"PUT", "/v1/tags/answers", Need::kOperate,
       "Replace the answers-to-tags table {rows: [{questionnaire, question, answer, tag}]}",
       PutAnswerTags},
      {"GET", "/v1/tags/groups", Need::kRead, "Tag groups with their tags and counts",
       GetTagGroups},
      {"PUT", "/v1/tags/groups", Need::kOperate,
       "Replace the tag groups {groups: [{name, label, exclusive, values}]}", PutTagGroups},
      {"GET", "/v1/tags/rules", Need::kRead, "Automatic tags and their rules", GetTagRules},
      {"PUT", "/v1/tags/rules", Need::kOperate, "Replace the automatic tags {rules: [{tag, rule}]}",
       PutTagRules},
      {"GET", "/v1/customers/{id}/tags", Need::kStaffWork, "A customer's tags", GetCustomerTags},
      {"POST", "/v1/customers/{id}/consent", Need::kStaffWork,
       "Record marketing consent {marketing: false (opted out) | true, channel?}", PostConsent},
      {"POST", "/v1/customers/{id}/tags", Need::kStaffWork, "Add tags {tags: [...]}",
       AddCustomerTags},
      {"DELETE", "/v1/customers/{id}/tags/{tag}", Need::kStaffWork, "Remove a tag",
       RemoveCustomerTag},
      {"GET", "/v1/segments", Need::kRead, "Saved segments with their member counts", ListSegments},
      {"POST", "/v1/segments", Need::kOperate, "Save a segment {name, description, rule}",
       CreateSegment},
      {"POST", "/v1/segments/preview", Need::kOperate,
       "Count and first customers of a rule, unsaved {rule, limit}", PreviewSegment},
      {"GET", "/v1/segments/{id}", Need::kRead, "A segment (by id or name)", GetSegment},
      {"PUT", "/v1/segments/{id}", Need::kOperate, "Replace a segment's name, description, rule",
       UpdateSegment},
      {"DELETE", "/v1/segments/{id}", Need::kOperate, "Delete a segment", DeleteSegment},
      {"GET", "/v1/segments/{id}/customers", Need::kRead, "A segment's members (?limit&cursor)",
       SegmentCustomers},
      {"GET", "/v1/stages", Need::kRead, "Lifecycle stages with their rules and customer counts",
       ListStages},
      {"PUT", "/v1/stages", Need::kOperate,
       "Replace the lifecycle stages {stages: [{stage, rule}]}", PutStages},
      {"GET", "/v1/intent", Need::kRead, "The intent table and thresholds", GetIntent},
      {"PUT", "/v1/intent", Need::kOperate,
       "Replace the intent table {half_life_days, strong, weak, points: [{event, points}]}",
       PutIntent},
      {"GET", "/v1/rfm", Need::kRead, "RFM cells with their customer counts", GetRfm},
      {"GET", "/v1/journeys", Need::kRead, "Saved journeys", ListJourneys},
      {"POST", "/v1/journeys", Need::kOperate, "Save a journey (docs/journeys.md), paused",
       CreateJourney, 201},
      {"GET", "/v1/journeys/{id}", Need::kRead, "A journey with its versions", GetJourney},
      {"PUT", "/v1/journeys/{id}", Need::kOperate, "Save a new version of a journey",
       UpdateJourney},
      {"DELETE", "/v1/journeys/{id}", Need::kOperate, "Delete a paused journey", DeleteJourney},
      {"POST", "/v1/journeys/{id}/activate", Need::kOperate, "Activate a journey", ActivateJourney},
      {"POST", "/v1/journeys/{id}/pause", Need::kOperate, "Pause a journey", PauseJourney},
      {"GET", "/v1/journeys/{id}/stats", Need::kRead,
       "Entered, live, converted, exited, per step, suppressed and deferred by reason",
       JourneyStatsHandler},
      {"GET", "/v1/journeys/{id}/instances", Need::kRead,
       "Running instances, oldest first (?limit)", JourneyInstances},
      {"GET", "/v1/settings/messaging", Need::kRead, "Quiet hours, frequency caps, staff limits",
       GetMessagingSettings},
      {"PUT", "/v1/settings/messaging", Need::kOperate,
       "Replace the messaging settings (docs/journeys.md, Politeness)", PutMessagingSettings},
      {"GET", "/v1/broadcasts", Need::kRead, "Broadcasts with their progress and results",
       ListBroadcasts},
      {"POST", "/v1/broadcasts", Need::kOperate,
       "Send to a segment at a time {segment, template, channel, at, variables, marketing}",
       CreateBroadcast, 201},
      {"GET", "/v1/broadcasts/{id}", Need::kRead, "One broadcast's progress and result",
       GetBroadcast},
      {"GET", "/v1/tasks", Need::kStaffWork, "Staff tasks (?assignee&status=open|done|all&overdue)",
       ListTasks},
      {"POST", "/v1/tasks/{id}/complete", Need::kStaffWork, "Mark a task done {by}", CompleteTask},
      {"POST", "/v1/tasks/{id}/snooze", Need::kStaffWork, "Move a task's due time {until}",
       SnoozeTask},
      {"GET", "/v1/distribution/settings", Need::kRead,
       "Distribution settings: approval, binding, commission plan, windows, withdrawals",
       GetDistributionSettings},
      {"PUT", "/v1/distribution/settings", Need::kMoney,
       "Replace the distribution settings (a third commission level is refused)",
       PutDistributionSettings},
      {"GET", "/v1/distributors", Need::kRead, "Distributors with their figures (?state)",
       ListDistributors},
      {"POST", "/v1/distributors", Need::kOperate,
       "A customer applies to be a distributor {customer, recruiter, via}", CreateDistributor, 201},
      {"GET", "/v1/distributors/{id}", Need::kRead, "One distributor: link code, balances",
       GetDistributor},
      {"POST", "/v1/distributors/{id}/approve", Need::kOperate, "Approve an application {grade}",
       ApproveDistributor},
      {"POST", "/v1/distributors/{id}/reject", Need::kOperate, "Reject an application {reason}",
       RejectDistributor},
      {"POST", "/v1/distributors/{id}/freeze", Need::kOperate,
       "Freeze: no new commission, no withdrawals {reason}", FreezeDistributor},
      {"POST", "/v1/distributors/{id}/unfreeze", Need::kOperate, "Unfreeze", UnfreezeDistributor},
      {"POST", "/v1/distributors/{id}/grade", Need::kOperate, "Set the distributor's grade {grade}",
       SetDistributorGrade},
      {"GET", "/v1/distributors/{id}/clients", Need::kRead, "Clients bound now (phones masked)",
       DistributorClients},
      {"GET", "/v1/distributors/{id}/commissions", Need::kRead,
       "Commission per order line and level", DistributorCommissions},
      {"GET", "/v1/distributors/{id}/journal", Need::kRead,
       "Ledger transactions touching the distributor", DistributorJournal},
      {"POST", "/v1/distributors/{id}/portal-token", Need::kMoney,
       "A token for the distributor's own portal", DistributorPortalToken},
      {"POST", "/v1/distributors/{id}/withdrawals", Need::kMoney,
       "Request a withdrawal for the distributor {amount_fen, request_id}", OperatorWithdrawal,
       201},
      {"POST", "/v1/customers/{id}/withdrawals", Need::kMoney,
       "Withdraw a customer's fission cash rewards {amount_fen, request_id}", CustomerWithdrawal,
       201},
      {"GET", "/v1/customers/{id}/journal", Need::kCustomers,
       "The customer's own account: cash rewards and withdrawals, and what is available",
       CustomerJournal},
      {"POST", "/v1/distribution/bind", Need::kOperate,
       "Bind a customer to a distributor {customer, code}", BindClient},
      {"GET", "/v1/distribution/withdrawals", Need::kRead, "Withdrawals (?distributor&state)",
       ListWithdrawals},
      {"POST", "/v1/distribution/withdrawals/{id}/approve", Need::kMoney,
       "Approve a withdrawal {fee_fen}", ApproveWithdrawalHandler},
      {"POST", "/v1/distribution/withdrawals/{id}/reject", Need::kMoney,
       "Reject a withdrawal {reason}", RejectWithdrawalHandler},
      {"POST", "/v1/distribution/withdrawals/{id}/paid", Need::kMoney,
       "Payout done (operator or payout webhook) {reference, via}", PaidWithdrawalHandler},
      {"GET", "/v1/reports/distribution", Need::kRead,
       "Totals, commission cost ratio and the leaderboard (?by=gmv|earned|clients)",
       DistributionReport},
      {"GET", "/v1/reports/distribution/reconciliation", Need::kRead,
       "Proof that the ledger balances", ReconciliationReport},
      {"GET", "/v1/portal/me", Need::kPortal, "The distributor's link code and balances", PortalMe},
      {"GET", "/v1/portal/clients", Need::kPortal, "The distributor's clients (phones masked)",
       PortalClients},
      {"GET", "/v1/portal/commissions", Need::kPortal, "The distributor's commissions by state",
       PortalCommissions},
      {"GET", "/v1/portal/withdrawals", Need::kPortal, "The distributor's withdrawals",
       PortalWithdrawals},
      {"POST", "/v1/portal/withdrawals", Need::kPortal,
       "Request a withdrawal {amount_fen, request_id}", PortalRequestWithdrawal, 201},
      {"POST", "/v1/fission/plan", Need::kOperate,
       "What a task campaign costs per customer, and the repurchase that pays it back",
       PlanFissionHandler},
      {"GET", "/v1/fission/campaigns", Need::kRead, "Fission campaigns", ListCampaigns},
      {"POST", "/v1/fission/campaigns", Need::kOperate, "Create or replace a campaign",
       SaveCampaignHandler},
      {"GET", "/v1/fission/campaigns/{id}", Need::kRead, "One campaign's definition",
       GetCampaignHandler},
      {"POST", "/v1/fission/campaigns/{id}/posters", Need::kOperate,
       "A participant's poster code {customer}", CampaignPoster},
      {"GET", "/v1/fission/campaigns/{id}/report", Need::kRead,
       "Participants, invites, qualified, K-factor, depths, rewards, cost per customer",
       CampaignReportHandler},
      {"GET", "/v1/fission/campaigns/{id}/inviters", Need::kRead,
       "Per-inviter invites and qualified friends, best first (?limit)", CampaignInviters},
      {"GET", "/v1/fission/campaigns/{id}/fraud", Need::kRead,
       "Fraud scores now, inviters most suspicious first, each signal explained (?limit)",
       CampaignFraud},
      {"GET", "/v1/fission/forest", Need::kRead,
       "The invitation forest over all campaigns: counts, K-factor, depths, top inviters",
       FissionForest},
      {"GET", "/v1/fission/tree/{customer}", Need::kRead,
       "Who invited the customer, up to the root, and whom they brought (?depth, ?limit)",
       FissionTree},
      {"GET", "/v1/fission/campaigns/{id}/review", Need::kRead,
       "Rewards held for review, with the inviter's fraud score and reasons", CampaignReviewQueue},
      {"POST", "/v1/fission/campaigns/{id}/review/{key}/approve", Need::kMoney,
       "Grant a held reward {by}", ApproveHeldReward},
      {"POST", "/v1/fission/campaigns/{id}/review/{key}/reject", Need::kMoney,
       "Reject a held reward {by}", RejectHeldReward},
      {"POST", "/v1/fission/campaigns/{id}/groups", Need::kOperate,
       "Open a group buy {leader, order_id, amount_fen}", OpenGroupHandler, 201},
      {"POST", "/v1/fission/groups/{group}/join", Need::kOperate,
       "Join a group buy {customer, order_id, amount_fen}", JoinGroupHandler},
      {"GET", "/v1/fission/groups/{group}", Need::kRead, "One group buy", GetGroupHandler},
      {"POST", "/v1/fission/campaigns/{id}/bargains", Need::kOperate,
       "Start a customer's bargain {customer}", StartBargainHandler, 201},
      {"POST", "/v1/fission/bargains/{bargain}/help", Need::kOperate,
       "A friend cuts the price {helper}", HelpBargainHandler},
      {"GET", "/v1/fission/bargains/{bargain}", Need::kRead, "One bargain: price and cuts",
       GetBargainHandler},
      {"GET", "/v1/groups", Need::kRead, "Community groups with members and held places",
       ListGroups},
      {"POST", "/v1/groups", Need::kOperate, "Create or replace a group", SaveGroupHandler},
      {"GET", "/v1/groups/{id}", Need::kRead, "One group", GetCommunityGroup},
      {"GET", "/v1/groups/{id}/members", Need::kRead, "The group's members (?limit)", GroupMembers},
      {"GET", "/v1/groups/{id}/health", Need::kRead,
       "Members, joins and leaves per day, active rate, ad ratio, conversion, alerts",
       GroupHealthHandler},
      {"GET", "/v1/group-codes", Need::kRead, "Live group codes", ListGroupCodes},
      {"POST", "/v1/group-codes", Need::kOperate, "Create or replace a live group code",
       SaveGroupCodeHandler},
      {"GET", "/v1/group-codes/{id}", Need::kRead, "One group code, with its rotation alerts",
       GetGroupCodeHandler},
      {"POST", "/v1/group-codes/{id}/route", Need::kOperate,
       "Route a customer to a group with space {customer}", RouteByGroupCode},
      {"GET", "/v1/content/items", Need::kRead,
       "The content library with performance, best first (?kind, ?limit)", ListContentItems},
      {"POST", "/v1/content/items", Need::kOperate, "Create or replace a content item",
       SaveContentItem},
      {"GET", "/v1/content/items/{id}", Need::kRead, "One content item", GetContentItem},
      {"DELETE", "/v1/content/items/{id}", Need::kOperate, "Delete a content item",
       DeleteContentItem},
      {"POST", "/v1/content/moments/plan", Need::kOperate,
       "A Moments calendar per staff account {staff: [{id, persona}], from, days, rules}",
       PlanMomentsHandler},
      {"POST", "/v1/content/moments/validate", Need::kOperate,
       "Each rule a calendar breaks {persona, posts, from, days, rules}", ValidateMomentsHandler},
      {"POST", "/v1/content/moments/tasks", Need::kOperate,
       "WeCom add_moment_task bodies for planned posts {posts, senders}", MomentTasksHandler},
      {"GET", "/v1/scripts", Need::kStaffWork,
       "Search the script library (?q, ?tag, ?stage, ?limit); no q: most used first",
       SearchScriptsHandler},
      {"POST", "/v1/scripts", Need::kOperate, "Create or replace a script (its uses are kept)",
       SaveScriptHandler},
      {"GET", "/v1/scripts/{id}", Need::kStaffWork, "One script", GetScriptHandler},
      {"DELETE", "/v1/scripts/{id}", Need::kOperate, "Delete a script", DeleteScriptHandler},
      {"POST", "/v1/scripts/{id}/use", Need::kStaffWork,
       "A staff member used the script with a customer {customer, staff, request_id}",
       UseScriptHandler},
      {"GET", "/v1/deliveries", Need::kRead,
       "Outbound messages dead-lettered (?status=failed) or queued (?status=pending)",
       ListDeliveries},
      {"POST", "/v1/deliveries/{id}/retry", Need::kOperate, "Send a dead-lettered message again",
       RetryDelivery, 202},
      {"GET", "/v1/settings/channels", Need::kRead,
       "Outbound channels, templates and retry budget (secrets masked)", GetChannelSettings},
      {"PUT", "/v1/settings/channels", Need::kOperate, "Replace the outbound channel settings",
       PutChannelSettings},
      {"GET", "/v1/channels", Need::kRead, "Acquisition channels", ListChannels},
      {"POST", "/v1/channels", Need::kOperate,
       "Create a channel {code, name, kind, wecom?: {staff, skip_verify, welcome}}", CreateChannel,
       201},
      {"GET", "/v1/channels/{id}/spend", Need::kRead, "A channel's spend by day", ListSpend},
      {"POST", "/v1/channels/{id}/spend", Need::kOperate,
       "Record a day's spend {day, amount_fen | amount}", AddSpend},
      {"GET", "/v1/wecom/live-codes", Need::kRead, "Channels' WeCom live codes", ListLiveCodes},
      {"POST", "/v1/wecom/live-codes", Need::kOperate,
       "Create a channel's WeCom live code {channel, staff, skip_verify, welcome}",
       CreateLiveCodeHandler, 201},
      {"PUT", "/v1/wecom/live-codes/{channel}", Need::kOperate,
       "Change a live code's staff, skip_verify and welcome", UpdateLiveCodeHandler},
      {"GET", "/v1/wecom/activity", Need::kRead,
       "WeCom callbacks refused and accepted, welcome messages and profiles, newest first",
       WecomActivityHandler},
      {"POST", "/v1/wecom/sync", Need::kOperate,
       "Start reading the corp's staff, customers and groups from WeCom (docs/wecom.md, Sync); "
       "answers the progress",
       StartWecomSync, 202},
      {"GET", "/v1/wecom/sync", Need::kRead, "The last WeCom sync's progress", GetWecomSync},
      {"GET", "/v1/wecom/acquisition-links", Need::kRead,
       "Channels' customer acquisition links (获客链接)", ListAcquisitionLinks},
      {"POST", "/v1/wecom/acquisition-links", Need::kOperate,
       "Create a channel's acquisition link {channel, staff, skip_verify?, name?}",
       CreateAcquisitionLinkHandler, 201},
      {"POST", "/v1/wecom/handover", Need::kOperate,
       "Hand a staff member's customers and groups to another {from, to, resigned?, message?}",
       HandoverHandler},
      {"POST", "/v1/wecom/moments", Need::kOperate,
       "Publish planned Moments posts through WeCom when their time comes {posts, senders}",
       PlanWecomMomentsHandler},
      {"GET", "/v1/wecom/moments", Need::kRead,
       "Moments posts handed to WeCom: state, reach, likes and comments", ListWecomMomentsHandler},
      {"POST", "/v1/wecom/group-sends", Need::kOperate,
       "Send a text to customer groups through WeCom, one task per owner {id, groups, text}",
       SendToGroupsHandler},
      {"GET", "/v1/wecom/group-sends", Need::kRead,
       "Group sends to customer groups: tasks, groups sent to and not", ListGroupSendsHandler},
      {"GET", "/v1/wecom/archive", Need::kRead,
       "The chat archive's cursor, counts and last rejects; whether it is configured",
       GetArchiveHandler},
      {"POST", "/v1/wecom/archive/pull", Need::kOperate,
       "Pull the chat archive now with the stored settings", PullArchiveHandler},
      {"GET", "/v1/conversations/keywords", Need::kRead,
       "The keyword table chat-archive messages are tagged by", GetConversationKeywords},
      {"PUT", "/v1/conversations/keywords", Need::kOperate,
       "Replace the keyword table {keywords: [{keyword, words}]}", PutConversationKeywords},
      {"GET", "/v1/staff", Need::kRead,
       "Staff accounts customers are befriended by (a WeCom sync writes the corp's)",
       ListStaffAccountsHandler},
      {"GET", "/v1/wecom/join-ways", Need::kRead,
       "The group codes' WeCom join ways (chats, QR code)", ListJoinWaysHandler},
      {"GET", "/v1/reports/cohorts", Need::kRead,
       "Cohort triangles: active customers and buyers by acquisition ?period=month|week",
       CohortsReport},
      {"GET", "/v1/reports/value", Need::kRead,
       "Repurchase, AOV, GMV, purchase intervals and historical LTV per channel",
       ValueReportHandler},
      {"GET", "/v1/reports/funnel", Need::kRead,
       "The channel funnel (?period=all|month|week), or an event funnel ?steps=a,b,c&window=7d "
       "(&from, &to, &by=channel)",
       FunnelReportHandler},
      {"GET", "/v1/reports/ltv", Need::kRead,
       "Historical and predicted LTV per channel (BG/NBD and Gamma-Gamma), ?horizon_days=365",
       LtvReportHandler},
      {"GET", "/v1/reports/trend", Need::kRead,
       "Day by day: GMV, orders, new friends and active customers (?from=2026-11-01&to=…, "
       "default the last 30 days)",
       TrendReportHandler},
      {"GET", "/v1/reports/grid", Need::kRead,
       "The touchpoint x stage grid: actions, results, losses, customers and GMV per cell, "
       "empty and weak cells named (?from, &to)",
       GridReportHandler},
      {"GET", "/v1/reports/replies", Need::kRead,
       "First-reply time and reply rate per staff account (?from, &to; default the last 30 "
       "days; ?format=csv)",
       RepliesReportHandler},
      {"GET", "/v1/reports/channels", Need::kRead,
       "Channel ROI: spend, customers, CAC, margin and ROI at 30/90/180 days, payback "
       "(?gross_margin=60)",
       ChannelRoiReportHandler},
      {"GET", "/v1/reports/diagnose", Need::kRead,
       "Does private-domain operation pay back, and why (?category=beauty&gross_margin=60…)",
       DiagnoseHandler},
      {"GET", "/v1/reports/growth", Need::kRead,
       "Fission and distribution side by side: K-factor, invites per participant, cost per "
       "customer, commission cost ratio",
       GrowthReportHandler},
      {"GET", "/v1/workspace", Need::kRead,
       "The token's workspace: id, name and time zone (the days of reports and quiet hours)",
       GetWorkspace},
      {"GET", "/v1/routes", Need::kPublic, "This list", ListRoutes},
      {"GET", "/wecom/callback/{workspace}", Need::kPublic,
       "WeCom's URL verification (msg_signature, timestamp, nonce, echostr)", WecomVerifyUrl},
      {"POST", "/wecom/callback/{workspace}", Need::kPublic,
       "WeCom's encrypted event callbacks, verified by msg_signature", WecomCallback},
      {"GET", "/healthz", Need::kPublic, "Liveness", Health},
      {"GET", "/metrics", Need::kPublic, "Prometheus metrics", Metrics},
  };
  return routes;
}

}  // namespace pond::server
