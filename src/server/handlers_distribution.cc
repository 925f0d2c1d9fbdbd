// Distribution (docs/distribution.md): settings, distributors, binding, withdrawals, reports,
// and the distributor portal, where a portal token shows one distributor their own figures.
#include "pond/app/distribution.h"
#include "pond/app/distribution_views.h"
#include "pond/base/time.h"
#include "pond/distribution/distribution_settings.h"
#include "server/handler_util.h"

namespace pond::server {

namespace {

// An optional whole number of fen; `required` when it must be there.
Status ReadFen(const json& body, const char* name, bool required, int64_t* out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    return required ? FieldError(name, "is required (a whole number of fen)") : Status::Ok();
  }
  if (!it->is_number_integer()) return FieldError(name, "must be a whole number of fen");
  *out = it->get<int64_t>();
  return Status::Ok();
}

Result<json> DistributorAnswer(const Result<DistributorView>& v) {
  if (!v.ok()) return v.status();
  return app::DistributorJson(*v);
}

Result<json> WithdrawalAnswer(const Result<WithdrawalView>& w) {
  if (!w.ok()) return w.status();
  return app::WithdrawalJson(*w);
}

// The body's string fields named in `names`, in order; absent ones are "".
Result<std::vector<std::string>> Strings(const HttpRequest& req,
                                         std::initializer_list<const char*> names) {
  std::vector<std::string> out(names.size());
  if (req.body_size == 0) return out;
  ASSIGN_OR_RETURN(json body, ParseJsonObject(req));
  size_t i = 0;
  for (const char* name : names) RETURN_IF_ERROR(ReadStringField(body, name, &out[i++]));
  return out;
}

Result<json> ClientsOf(ApiContext& ctx, const std::string& distributor, size_t limit) {
  return app::DistributorClientsJson(ctx.app, ctx.workspace, distributor, limit);
}

Result<json> CommissionsOf(ApiContext& ctx, const std::string& distributor, size_t limit) {
  return app::DistributorCommissionsJson(ctx.app, ctx.workspace, distributor, limit);
}

Result<json> WithdrawalsOf(ApiContext& ctx, const HttpRequest& req,
                           const std::string& distributor) {
  ASSIGN_OR_RETURN(std::vector<WithdrawalView> list,
                   ctx.payouts.Withdrawals(ctx.workspace, distributor, QueryParam(req, "state")));
  json data = json::array();
  for (const WithdrawalView& w : list) data.push_back(app::WithdrawalJson(w));
  return ListPage(req, std::move(data));
}

// Answered 201 (the route says so): a request creates a withdrawal, or answers the same one.
Result<json> RequestWithdrawalFor(ApiContext& ctx, const HttpRequest& req,
                                  const std::string& distributor) {
  ASSIGN_OR_RETURN(json body, ParseJsonObject(req));
  int64_t amount = 0;
  std::string request_id;
  RETURN_IF_ERROR(ReadFen(body, "amount_fen", true, &amount));
  RETURN_IF_ERROR(ReadStringField(body, "request_id", &request_id));
  return WithdrawalAnswer(
      ctx.payouts.RequestWithdrawal(ctx.workspace, distributor, amount, request_id));
}

}  // namespace

Result<json> GetDistributionSettings(ApiContext& ctx, const HttpRequest&) {
  auto s = ctx.distribution.Settings(ctx.workspace);
  if (!s.ok()) return s.status();
  return DistributionSettingsJson(*s);
}

Result<json> PutDistributionSettings(ApiContext& ctx, const HttpRequest& req) {
  auto s = ParseDistributionSettings(req.Body());
  if (!s.ok()) return s.status();
  Status put = ctx.distribution.SetSettings(ctx.workspace, *s);
  if (!put.ok()) return put;
  return GetDistributionSettings(ctx, req);
}

Result<json> ListDistributors(ApiContext& ctx, const HttpRequest& req) {
  auto list = ctx.distribution.List(ctx.workspace, QueryParam(req, "state"));
  if (!list.ok()) return list.status();
  json data = json::array();
  for (const DistributorView& v : *list) data.push_back(app::DistributorJson(v));
  return ListPage(req, std::move(data));
}

Result<json> CreateDistributor(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"customer", "recruiter", "via"});
  if (!f.ok()) return f.status();
  if ((*f)[0].empty()) return FieldError("customer", "is required");
  return DistributorAnswer(ctx.distribution.ApplyFor(ctx.workspace, (*f)[0], (*f)[1],
                                                     (*f)[2].empty() ? "operator" : (*f)[2]));
}

Result<json> GetDistributor(ApiContext& ctx, const HttpRequest& req) {
  return DistributorAnswer(ctx.distribution.Get(ctx.workspace, req.params.at("id")));
}

Result<json> ApproveDistributor(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"grade", "by"});
  if (!f.ok()) return f.status();
  return DistributorAnswer(
      ctx.distribution.Approve(ctx.workspace, req.params.at("id"), (*f)[0], (*f)[1]));
}

Result<json> RejectDistributor(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"reason"});
  if (!f.ok()) return f.status();
  return DistributorAnswer(ctx.distribution.Reject(ctx.workspace, req.params.at("id"), (*f)[0]));
}

Result<json> FreezeDistributor(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"reason"});
  if (!f.ok()) return f.status();
  return DistributorAnswer(ctx.distribution.Freeze(ctx.workspace, req.params.at("id"), (*f)[0]));
}

Result<json> UnfreezeDistributor(ApiContext& ctx, const HttpRequest& req) {
  return DistributorAnswer(ctx.distribution.Unfreeze(ctx.workspace, req.params.at("id")));
}

Result<json> SetDistributorGrade(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"grade"});
  if (!f.ok()) return f.status();
  return DistributorAnswer(ctx.distribution.SetGrade(ctx.workspace, req.params.at("id"), (*f)[0]));
}

Result<json> DistributorClients(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  return ClientsOf(ctx, req.params.at("id"), *limit);
}

Result<json> DistributorCommissions(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  return CommissionsOf(ctx, req.params.at("id"), *limit);
}

Result<json> DistributorJournal(ApiContext& ctx, const HttpRequest& req) {
  auto journal = ctx.payouts.Journal(ctx.workspace, req.params.at("id"));
  if (!journal.ok()) return journal.status();
  json data = json::array();
  for (const LedgerTransaction& t : *journal) data.push_back(app::TransactionJson(t));
  return ListPage(req, std::move(data));
}

Result<json> DistributorPortalToken(ApiContext& ctx, const HttpRequest& req) {
  auto token = ctx.distribution.PortalToken(ctx.workspace, req.params.at("id"));
  if (!token.ok()) return token.status();
  return json({{"token", *token}, {"distributor", req.params.at("id")}});
}

Result<json> OperatorWithdrawal(ApiContext& ctx, const HttpRequest& req) {
  return RequestWithdrawalFor(ctx, req, req.params.at("id"));
}

// The customer's own account: fission cash rewards, and their withdrawals.
static Result<std::string> CustomerAccount(ApiContext& ctx, const HttpRequest& req) {
  return ctx.engine.ResolveCustomer(ctx.workspace, req.params.at("id"));
}

Result<json> CustomerWithdrawal(ApiContext& ctx, const HttpRequest& req) {
  Result<std::string> account = CustomerAccount(ctx, req);
  if (!account.ok()) return account.status();
  return RequestWithdrawalFor(ctx, req, *account);
}

Result<json> CustomerJournal(ApiContext& ctx, const HttpRequest& req) {
  Result<std::string> account = CustomerAccount(ctx, req);
  if (!account.ok()) return account.status();
  auto journal = ctx.payouts.Journal(ctx.workspace, *account);
  if (!journal.ok()) return journal.status();
  auto balances = ctx.payouts.Balances(ctx.workspace, *account);
  if (!balances.ok()) return balances.status();
  json data = json::array();
  for (const LedgerTransaction& t : *journal) data.push_back(app::TransactionJson(t));
  return json({{"customer", *account},
               {"available_fen", balances->available_fen},
               {"data", data},
               {"next_cursor", nullptr},  // the whole journal
               {"total", journal->size()}});
}

Result<json> BindClient(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"customer", "code", "via"});
  if (!f.ok()) return f.status();
  auto b = ctx.distribution.Bind(ctx.workspace, (*f)[0], (*f)[1], (*f)[2]);
  if (!b.ok()) return b.status();
  return json({{"distributor", b->distributor},
               {"since", FormatIso8601(b->since)},
               {"rebinds", b->rebinds}});
}

Result<json> ListWithdrawals(ApiContext& ctx, const HttpRequest& req) {
  return WithdrawalsOf(ctx, req, QueryParam(req, "distributor"));
}

Result<json> ApproveWithdrawalHandler(ApiContext& ctx, const HttpRequest& req) {
  int64_t fee = -1;
  std::string by;
  if (req.body_size > 0) {
    auto body = ParseJsonObject(req);
    if (!body.ok()) return body.status();
    Status s = ReadFen(*body, "fee_fen", false, &fee);
    if (s.ok() && body->contains("fee_fen") && fee < 0) s = FieldError("fee_fen", "negative");
    if (s.ok()) s = ReadStringField(*body, "by", &by);
    if (!s.ok()) return s;
  }
  return WithdrawalAnswer(
      ctx.payouts.ApproveWithdrawal(ctx.workspace, req.params.at("id"), fee, by));
}

Result<json> RejectWithdrawalHandler(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"reason"});
  if (!f.ok()) return f.status();
  return WithdrawalAnswer(
      ctx.payouts.RejectWithdrawal(ctx.workspace, req.params.at("id"), (*f)[0]));
}

Result<json> PaidWithdrawalHandler(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"reference", "via"});
  if (!f.ok()) return f.status();
  return WithdrawalAnswer(
      ctx.payouts.MarkPaid(ctx.workspace, req.params.at("id"), (*f)[0], (*f)[1]));
}

Result<json> DistributionReport(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  const std::string by = QueryParam(req, "by").empty() ? "gmv" : QueryParam(req, "by");
  auto totals = ctx.payouts.Totals(ctx.workspace);
  if (!totals.ok()) return totals.status();
  auto leaders = ctx.distribution.Leaderboard(ctx.workspace, by, *limit);
  if (!leaders.ok()) return leaders.status();
  json board = json::array();
  for (const DistributorView& v : *leaders) {
    board.push_back({{"id", v.distributor.id},
                     {"code", v.code},
                     {"grade", v.distributor.grade},
                     {"clients", v.clients},
                     {"orders", v.orders},
                     {"gmv_fen", v.gmv_fen},
                     {"earned_fen", v.earned_fen},
                     {"commission_cost_bp", v.gmv_fen ? v.earned_fen * 10'000 / v.gmv_fen : 0}});
  }
  return json({{"totals", app::TotalsJson(*totals)}, {"by", by}, {"leaderboard", board}});
}

Result<json> ReconciliationReport(ApiContext& ctx, const HttpRequest&) {
  auto r = ctx.payouts.Reconcile(ctx.workspace);
  if (!r.ok()) return r.status();
  return app::ReconciliationJson(*r);
}

// --- the portal: ctx.distributor, from the token, is the only distributor these can name ----

Result<json> PortalMe(ApiContext& ctx, const HttpRequest&) {
  return DistributorAnswer(ctx.distribution.Get(ctx.workspace, ctx.distributor));
}

Result<json> PortalClients(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  return ClientsOf(ctx, ctx.distributor, *limit);
}

Result<json> PortalCommissions(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  return CommissionsOf(ctx, ctx.distributor, *limit);
}

Result<json> PortalWithdrawals(ApiContext& ctx, const HttpRequest& req) {
  return WithdrawalsOf(ctx, req, ctx.distributor);
}

Result<json> PortalRequestWithdrawal(ApiContext& ctx, const HttpRequest& req) {
  return RequestWithdrawalFor(ctx, req, ctx.distributor);
}

}  // namespace pond::server
