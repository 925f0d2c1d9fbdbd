// WeCom (docs/wecom.md): the callback endpoint, authenticated by WeCom's signature rather than a
// pond key, and the connector's live codes and activity under /v1/wecom.
#include "pond/app/wecom_groups.h"
#include "pond/app/wecom_sync.h"
#include "pond/base/json_fields.h"
#include "pond/base/time.h"
#include "pond/channels/wecom/archive_service.h"
#include "pond/channels/wecom/conversation_keywords.h"
#include "pond/channels/wecom/join_ways.h"
#include "server/handler_util.h"

namespace pond::server {
namespace {

HttpResponse Text(std::string body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

HttpResponse Refuse(const Status& s) {
  const int status = s.code() == StatusCode::kNotFound          ? 404
                     : s.code() == StatusCode::kUnauthenticated ? 401
                     : s.code() == StatusCode::kInvalidArgument ? 400
                                                                : 500;
  return Text(s.message(), status);
}

wecom::CallbackQuery QueryOf(const HttpRequest& req) {
  return {QueryParam(req, "msg_signature"), QueryParam(req, "timestamp"), QueryParam(req, "nonce")};
}

// The stored form with its time in ISO 8601; WeCom's code type stays internal.
json LiveCodeView(const wecom::LiveCode& c) {
  json j = wecom::LiveCodeJson(c);
  j["created_at"] = FormatIso8601(c.created_at);
  j.erase("type");
  return j;
}

}  // namespace

HttpResponse WecomVerifyUrl(ApiContext& ctx, const HttpRequest& req) {
  auto echo =
      ctx.wecom.VerifyUrl(req.params.at("workspace"), QueryOf(req), QueryParam(req, "echostr"));
  return echo.ok() ? Text(*echo) : Refuse(echo.status());
}

HttpResponse WecomCallback(ApiContext& ctx, const HttpRequest& req) {
  auto received = ctx.wecom.Receive(req.params.at("workspace"), QueryOf(req), req.Body());
  return received.ok() ? Text("success") : Refuse(received.status());
}

Result<wecom::LiveCode> ParseLiveCode(const json& j, const std::string& channel,
                                      const std::string& field_prefix) {
  wecom::LiveCode code;
  code.channel = channel;
  auto staff = j.find("staff");
  if (staff == j.end() || !staff->is_array() || staff->empty() || staff->size() > 100) {
    return FieldError(field_prefix + "staff", "a list of 1 to 100 WeCom userids");
  }
  for (const json& s : *staff) {
    if (!s.is_string() || s.get<std::string>().empty() || s.get<std::string>().size() > 64) {
      return FieldError(field_prefix + "staff", "each a WeCom userid of 1 to 64 characters");
    }
    code.staff.push_back(s.get<std::string>());
  }
  if (auto skip = j.find("skip_verify"); skip != j.end()) {
    if (!skip->is_boolean()) return FieldError(field_prefix + "skip_verify", "true or false");
    code.skip_verify = skip->get<bool>();
  }
  RETURN_IF_ERROR(ReadJsonText(j, field_prefix + "welcome", 4000, false, &code.welcome));
  return code;
}

Result<json> CreateLiveCodeHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  std::string channel;
  if (Status s = ReadJsonText(*body, "channel", outbound::kMaxContactWayState, true, &channel);
      !s.ok()) {
    return s;
  }
  Result<wecom::LiveCode> code = ParseLiveCode(*body, channel);
  if (!code.ok()) return code.status();
  Result<wecom::LiveCode> made = ctx.wecom.CreateLiveCode(ctx.workspace, *code);
  if (!made.ok()) return made.status();
  return LiveCodeView(*made);
}

Result<json> UpdateLiveCodeHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  Result<wecom::LiveCode> change = ParseLiveCode(*body, req.params.at("channel"));
  if (!change.ok()) return change.status();
  Result<wecom::LiveCode> updated = ctx.wecom.UpdateLiveCode(ctx.workspace, *change);
  if (!updated.ok()) return updated.status();
  return LiveCodeView(*updated);
}

Result<json> ListLiveCodes(ApiContext& ctx, const HttpRequest& req) {
  auto codes = ctx.wecom.LiveCodes(ctx.workspace);
  if (!codes.ok()) return codes.status();
  json data = json::array();
  for (const wecom::LiveCode& c : *codes) data.push_back(LiveCodeView(c));
  return ListPage(req, std::move(data));
}

Result<json> WecomActivityHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return limit.status();
  json data = json::array();
  for (const wecom::WecomActivity& a : ctx.wecom.Activity(ctx.workspace, *limit)) {
    data.push_back(
        {{"at", FormatIso8601(a.at)}, {"kind", a.kind}, {"ok", a.ok}, {"detail", a.detail}});
  }
  // The newest `limit` are the one page.
  return OnePage(std::move(data));
}

json AcquisitionLinkView(const wecom::AcquisitionLink& l) {
  return {{"channel", l.channel},
          {"name", l.name},
          {"staff", l.staff},
          {"skip_verify", l.skip_verify},
          {"link_id", l.link_id},
          {"url", l.url},
          {"created_at", FormatIso8601(l.created_at)}};
}

Result<json> CreateAcquisitionLinkHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  wecom::AcquisitionLink link;
  if (Status s = ReadJsonText(*body, "channel", wecom::kMaxCustomerChannel, true, &link.channel);
      !s.ok()) {
    return s;
  }
  if (Status s = ReadJsonText(*body, "name", 30, false, &link.name); !s.ok()) return s;
  // The same staff list and skip_verify as a live code's.
  Result<wecom::LiveCode> shape = ParseLiveCode(*body, link.channel);
  if (!shape.ok()) return shape.status();
  link.staff = shape->staff;
  link.skip_verify = shape->skip_verify;
  Result<wecom::AcquisitionLink> made = ctx.wecom.CreateAcquisitionLink(ctx.workspace, link);
  if (!made.ok()) return made.status();
  return AcquisitionLinkView(*made);
}

Result<json> ListAcquisitionLinks(ApiContext& ctx, const HttpRequest& req) {
  auto links = wecom::AcquisitionLinks(ctx.engine, ctx.workspace);
  if (!links.ok()) return links.status();
  json data = json::array();
  for (const wecom::AcquisitionLink& l : *links) data.push_back(AcquisitionLinkView(l));
  return ListPage(req, std::move(data));
}

Result<json> HandoverHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  wecom::HandoverRequest r;
  for (Status s :
       {ReadJsonText(*body, "from", 64, true, &r.from), ReadJsonText(*body, "to", 64, true, &r.to),
        ReadJsonText(*body, "message", 200, false, &r.message)}) {
    if (!s.ok()) return s;
  }
  if (auto resigned = body->find("resigned"); resigned != body->end()) {
    if (!resigned->is_boolean()) return FieldError("resigned", "true or false");
    r.resigned = resigned->get<bool>();
  }
  r.per_day = app::TransfersPerDay(ctx.app, ctx.workspace);
  Result<wecom::HandoverReport> report = ctx.wecom.Handover(ctx.workspace, r);
  if (!report.ok()) return report.status();
  return app::HandoverJson(*report);
}

Result<json> ListStaffAccountsHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<std::vector<StaffAccount>> staff = ctx.engine.ListStaffAccounts(ctx.workspace);
  if (!staff.ok()) return staff.status();
  auto zone = ctx.engine.UtcOffsetOf(ctx.workspace);
  if (!zone.ok()) return zone.status();
  json data = json::array();
  for (const StaffAccount& a : *staff) {
    data.push_back({{"id", a.id},
                    {"kind", a.kind == StaffKind::kWecomMember ? "wecom" : "personal_wechat"},
                    {"name", a.name},
                    {"persona", a.persona},
                    {"friend_capacity", a.friend_capacity},
                    {"daily_add_limit", a.daily_add_limit},
                    {"wecom_userid", a.wecom_userid},
                    {"created_at", FormatIso8601(a.created_at, *zone)}});
  }
  return ListPage(req, std::move(data));
}

// {id, groups: ["grp_…"], text}: a group send to customer groups (docs/wecom.md, Group sends).
Result<json> SendToGroupsHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  std::string id, text;
  for (Status s : {ReadJsonText(*body, "id", 64, true, &id),
                   ReadJsonText(*body, "text", 4'000, true, &text)}) {
    if (!s.ok()) return s;
  }
  const json groups = body->value("groups", json());
  if (!groups.is_array() || groups.empty() || groups.size() > 10'000) {
    return FieldError("groups", "a list of 1 to 10,000 group ids");
  }
  std::vector<std::string> ids;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (!groups[i].is_string()) {
      return FieldError("groups[" + std::to_string(i) + "]", "a group id, grp_…");
    }
    ids.push_back(groups[i].get<std::string>());
  }
  Result<wecom::ChatSend> sent = app::SendToGroups(ctx.app, ctx.workspace, id, ids, text);
  if (!sent.ok()) return sent.status();
  return wecom::ChatSendJson(*sent);
}

Result<json> ListGroupSendsHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<std::vector<wecom::ChatSend>> sends = wecom::ChatSends(ctx.engine, ctx.workspace);
  if (!sends.ok()) return sends.status();
  json data = json::array();
  for (const wecom::ChatSend& s : *sends) data.push_back(wecom::ChatSendJson(s));
  return ListPage(req, std::move(data));
}

// The chat archive's progress, and whether it is configured (docs/conversations.md).
Result<json> GetArchiveHandler(ApiContext& ctx, const HttpRequest&) {
  Result<wecom::ArchiveProgress> p = wecom::LoadArchiveProgress(ctx.engine, ctx.workspace);
  if (!p.ok()) return p.status();
  Result<std::optional<wecom::ArchiveConfig>> config = ctx.app.archive().Config(ctx.workspace);
  if (!config.ok()) return config.status();
  json out = wecom::ArchiveProgressJson(*p);
  out["configured"] = config->has_value();
  return out;
}

// Pulls the archive now with the stored settings (412 without them).
Result<json> PullArchiveHandler(ApiContext& ctx, const HttpRequest&) {
  Result<wecom::ArchiveProgress> p = ctx.app.archive().PullNow(ctx.workspace);
  if (!p.ok()) return p.status();
  return wecom::ArchiveProgressJson(*p);
}

Result<json> GetConversationKeywords(ApiContext& ctx, const HttpRequest&) {
  Result<wecom::KeywordTable> table = wecom::LoadKeywordTable(ctx.engine, ctx.workspace);
  if (!table.ok()) return table.status();
  return wecom::KeywordTableJson(*table);
}

Result<json> PutConversationKeywords(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  Result<wecom::KeywordTable> table = wecom::ParseKeywordTable(*body);
  if (!table.ok()) return table.status();
  if (Status s = wecom::SaveKeywordTable(ctx.engine, ctx.workspace, *table); !s.ok()) return s;
  return wecom::KeywordTableJson(*table);
}

Result<json> ListJoinWaysHandler(ApiContext& ctx, const HttpRequest& req) {
  Result<std::vector<wecom::JoinWay>> ways = wecom::JoinWays(ctx.engine, ctx.workspace);
  if (!ways.ok()) return ways.status();
  json data = json::array();
  for (const wecom::JoinWay& w : *ways) data.push_back(wecom::JoinWayJson(w));
  return ListPage(req, std::move(data));
}

Result<json> GetWecomSync(ApiContext& ctx, const HttpRequest&) {
  Result<wecom::SyncProgress> p = wecom::LoadSyncProgress(ctx.engine, ctx.workspace);
  if (!p.ok()) return p.status();
  json out = wecom::SyncProgressJson(*p);
  out.erase("staff_list");  // the count says enough; the ids are in the events
  out["running"] = ctx.wecom.SyncRunning(ctx.workspace);
  return out;
}

Result<json> StartWecomSync(ApiContext& ctx, const HttpRequest& req) {
  Status s = ctx.wecom.StartSync(ctx.workspace, app::WecomSyncOptions(ctx.app, ctx.workspace));
  if (!s.ok()) return s;
  return GetWecomSync(ctx, req);
}

}  // namespace pond::server
