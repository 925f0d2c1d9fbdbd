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

HttpResponse DistributorAnswer(const Result<DistributorView>& v, int status = 200) {
  if (!v.ok()) return ErrorResponse(v.status());
  HttpResponse r = JsonResponse(DumpJson(app::DistributorJson(*v)));
  r.status = status;
  return r;
}

HttpResponse WithdrawalAnswer(const Result<WithdrawalView>& w, int status = 200) {
  if (!w.ok()) return ErrorResponse(w.status());
  HttpResponse r = JsonResponse(DumpJson(app::WithdrawalJson(*w)));
  r.status = status;
  return r;
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

HttpResponse ClientsOf(ApiContext& ctx, const std::string& distributor, size_t limit) {
  auto clients = app::DistributorClientsJson(ctx.app, ctx.workspace, distributor, limit);
  if (!clients.ok()) return ErrorResponse(clients.status());
  return JsonResponse(DumpJson(*clients));
}

HttpResponse CommissionsOf(ApiContext& ctx, const std::string& distributor, size_t limit) {
  auto commissions = app::DistributorCommissionsJson(ctx.app, ctx.workspace, distributor, limit);
  if (!commissions.ok()) return ErrorResponse(commissions.status());
  return JsonResponse(DumpJson(*commissions));
}

HttpResponse WithdrawalsOf(ApiContext& ctx, const HttpRequest& req,
                           const std::string& distributor) {
  auto list = ctx.distribution.Withdrawals(ctx.workspace, distributor, QueryParam(req, "state"));
  if (!list.ok()) return ErrorResponse(list.status());
  json data = json::array();
  for (const WithdrawalView& w : *list) data.push_back(app::WithdrawalJson(w));
  return ListResponse(req, std::move(data));
}

HttpResponse RequestWithdrawalFor(ApiContext& ctx, const HttpRequest& req,
                                  const std::string& distributor) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  int64_t amount = 0;
  std::string request_id;
  Status s = ReadFen(*body, "amount_fen", true, &amount);
  if (s.ok()) s = ReadStringField(*body, "request_id", &request_id);
  if (!s.ok()) return ErrorResponse(s);
  return WithdrawalAnswer(
      ctx.distribution.RequestWithdrawal(ctx.workspace, distributor, amount, request_id), 201);
}

}  // namespace

HttpResponse GetDistributionSettings(ApiContext& ctx, const HttpRequest&) {
  auto s = ctx.distribution.Settings(ctx.workspace);
  if (!s.ok()) return ErrorResponse(s.status());
  return JsonResponse(DistributionSettingsJson(*s));
}

HttpResponse PutDistributionSettings(ApiContext& ctx, const HttpRequest& req) {
  auto s = ParseDistributionSettings(req.Body());
  if (!s.ok()) return ErrorResponse(s.status());
  Status put = ctx.distribution.SetSettings(ctx.workspace, *s);
  if (!put.ok()) return ErrorResponse(put);
  return GetDistributionSettings(ctx, req);
}

HttpResponse ListDistributors(ApiContext& ctx, const HttpRequest& req) {
  auto list = ctx.distribution.List(ctx.workspace, QueryParam(req, "state"));
  if (!list.ok()) return ErrorResponse(list.status());
  json data = json::array();
  for (const DistributorView& v : *list) data.push_back(app::DistributorJson(v));
  return ListResponse(req, std::move(data));
}

HttpResponse CreateDistributor(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"customer", "recruiter", "via"});
  if (!f.ok()) return ErrorResponse(f.status());
  if ((*f)[0].empty()) return ErrorResponse(FieldError("customer", "is required"));
  return DistributorAnswer(ctx.distribution.ApplyFor(ctx.workspace, (*f)[0], (*f)[1],
                                                     (*f)[2].empty() ? "operator" : (*f)[2]),
                           201);
}

HttpResponse GetDistributor(ApiContext& ctx, const HttpRequest& req) {
  return DistributorAnswer(ctx.distribution.Get(ctx.workspace, req.params.at("id")));
}

HttpResponse ApproveDistributor(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"grade", "by"});
  if (!f.ok()) return ErrorResponse(f.status());
  return DistributorAnswer(
      ctx.distribution.Approve(ctx.workspace, req.params.at("id"), (*f)[0], (*f)[1]));
}

HttpResponse RejectDistributor(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"reason"});
  if (!f.ok()) return ErrorResponse(f.status());
  return DistributorAnswer(ctx.distribution.Reject(ctx.workspace, req.params.at("id"), (*f)[0]));
}

HttpResponse FreezeDistributor(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"reason"});
  if (!f.ok()) return ErrorResponse(f.status());
  return DistributorAnswer(ctx.distribution.Freeze(ctx.workspace, req.params.at("id"), (*f)[0]));
}

HttpResponse UnfreezeDistributor(ApiContext& ctx, const HttpRequest& req) {
  return DistributorAnswer(ctx.distribution.Unfreeze(ctx.workspace, req.params.at("id")));
}

HttpResponse SetDistributorGrade(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"grade"});
  if (!f.ok()) return ErrorResponse(f.status());
  return DistributorAnswer(ctx.distribution.SetGrade(ctx.workspace, req.params.at("id"), (*f)[0]));
}

HttpResponse DistributorClients(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return ErrorResponse(limit.status());
  return ClientsOf(ctx, req.params.at("id"), *limit);
}

HttpResponse DistributorCommissions(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return ErrorResponse(limit.status());
  return CommissionsOf(ctx, req.params.at("id"), *limit);
}

HttpResponse DistributorJournal(ApiContext& ctx, const HttpRequest& req) {
  auto journal = ctx.distribution.Journal(ctx.workspace, req.params.at("id"));
  if (!journal.ok()) return ErrorResponse(journal.status());
  json data = json::array();
  for (const LedgerTransaction& t : *journal) data.push_back(app::TransactionJson(t));
  return ListResponse(req, std::move(data));
}

HttpResponse DistributorPortalToken(ApiContext& ctx, const HttpRequest& req) {
  auto token = ctx.distribution.PortalToken(ctx.workspace, req.params.at("id"));
  if (!token.ok()) return ErrorResponse(token.status());
  return JsonResponse(DumpJson({{"token", *token}, {"distributor", req.params.at("id")}}));
}

HttpResponse OperatorWithdrawal(ApiContext& ctx, const HttpRequest& req) {
  return RequestWithdrawalFor(ctx, req, req.params.at("id"));
}

// The customer's own account: fission cash rewards, and their withdrawals.
static Result<std::string> CustomerAccount(ApiContext& ctx, const HttpRequest& req) {
  return ctx.engine.ResolveCustomer(ctx.workspace, req.params.at("id"));
}

HttpResponse CustomerWithdrawal(ApiContext& ctx, const HttpRequest& req) {
  Result<std::string> account = CustomerAccount(ctx, req);
  if (!account.ok()) return ErrorResponse(account.status());
  return RequestWithdrawalFor(ctx, req, *account);
}

HttpResponse CustomerJournal(ApiContext& ctx, const HttpRequest& req) {
  Result<std::string> account = CustomerAccount(ctx, req);
  if (!account.ok()) return ErrorResponse(account.status());
  auto journal = ctx.distribution.Journal(ctx.workspace, *account);
  if (!journal.ok()) return ErrorResponse(journal.status());
  auto balances = ctx.distribution.Balances(ctx.workspace, *account);
  if (!balances.ok()) return ErrorResponse(balances.status());
  json data = json::array();
  for (const LedgerTransaction& t : *journal) data.push_back(app::TransactionJson(t));
  return JsonResponse(DumpJson({{"customer", *account},
                                {"available_fen", balances->available_fen},
                                {"data", data},
                                {"next_cursor", nullptr},  // the whole journal
                                {"total", journal->size()}}));
}

HttpResponse BindClient(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"customer", "code", "via"});
  if (!f.ok()) return ErrorResponse(f.status());
  auto b = ctx.distribution.Bind(ctx.workspace, (*f)[0], (*f)[1], (*f)[2]);
  if (!b.ok()) return ErrorResponse(b.status());
  return JsonResponse(DumpJson({{"distributor", b->distributor},
                                {"since", FormatIso8601(b->since)},
                                {"rebinds", b->rebinds}}));
}

HttpResponse ListWithdrawals(ApiContext& ctx, const HttpRequest& req) {
  return WithdrawalsOf(ctx, req, QueryParam(req, "distributor"));
}

HttpResponse ApproveWithdrawalHandler(ApiContext& ctx, const HttpRequest& req) {
  int64_t fee = -1;
  std::string by;
  if (req.body_size > 0) {
    auto body = ParseJsonObject(req);
    if (!body.ok()) return ErrorResponse(body.status());
    Status s = ReadFen(*body, "fee_fen", false, &fee);
    if (s.ok() && body->contains("fee_fen") && fee < 0) s = FieldError("fee_fen", "negative");
    if (s.ok()) s = ReadStringField(*body, "by", &by);
    if (!s.ok()) return ErrorResponse(s);
  }
  return WithdrawalAnswer(
      ctx.distribution.ApproveWithdrawal(ctx.workspace, req.params.at("id"), fee, by));
}

HttpResponse RejectWithdrawalHandler(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"reason"});
  if (!f.ok()) return ErrorResponse(f.status());
  return WithdrawalAnswer(
      ctx.distribution.RejectWithdrawal(ctx.workspace, req.params.at("id"), (*f)[0]));
}

HttpResponse PaidWithdrawalHandler(ApiContext& ctx, const HttpRequest& req) {
  auto f = Strings(req, {"reference", "via"});
  if (!f.ok()) return ErrorResponse(f.status());
  return WithdrawalAnswer(
      ctx.distribution.MarkPaid(ctx.workspace, req.params.at("id"), (*f)[0], (*f)[1]));
}

HttpResponse DistributionReport(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return ErrorResponse(limit.status());
  const std::string by = QueryParam(req, "by").empty() ? "gmv" : QueryParam(req, "by");
  auto totals = ctx.distribution.Totals(ctx.workspace);
  if (!totals.ok()) return ErrorResponse(totals.status());
  auto leaders = ctx.distribution.Leaderboard(ctx.workspace, by, *limit);
  if (!leaders.ok()) return ErrorResponse(leaders.status());
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
  return JsonResponse(
      DumpJson({{"totals", app::TotalsJson(*totals)}, {"by", by}, {"leaderboard", board}}));
}

HttpResponse ReconciliationReport(ApiContext& ctx, const HttpRequest&) {
  auto r = ctx.distribution.Reconcile(ctx.workspace);
  if (!r.ok()) return ErrorResponse(r.status());
  return JsonResponse(DumpJson(app::ReconciliationJson(*r)));
}

// --- the portal: ctx.distributor, from the token, is the only distributor these can name ----

HttpResponse PortalMe(ApiContext& ctx, const HttpRequest&) {
  return DistributorAnswer(ctx.distribution.Get(ctx.workspace, ctx.distributor));
}

HttpResponse PortalClients(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return ErrorResponse(limit.status());
  return ClientsOf(ctx, ctx.distributor, *limit);
}

HttpResponse PortalCommissions(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return ErrorResponse(limit.status());
  return CommissionsOf(ctx, ctx.distributor, *limit);
}

HttpResponse PortalWithdrawals(ApiContext& ctx, const HttpRequest& req) {
  return WithdrawalsOf(ctx, req, ctx.distributor);
}

HttpResponse PortalRequestWithdrawal(ApiContext& ctx, const HttpRequest& req) {
  return RequestWithdrawalFor(ctx, req, ctx.distributor);
}

}  // namespace pond::server
