// The API's handlers and the route table. Each handler: read the request, call the Engine,
// write JSON. Errors come back as Status and leave through ErrorResponse.
#include <nlohmann/json.hpp>

#include "pond/base/money.h"
#include "pond/base/time.h"
#include "pond/channels/segment.h"
#include "pond/segment/lifecycle.h"
#include "server/metrics.h"
#include "server/router.h"
#include "server/views.h"

namespace pond::server {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Result<size_t> LimitParam(const HttpRequest& req) {
  auto it = req.query.find("limit");
  if (it == req.query.end()) return size_t{50};
  char* end = nullptr;
  long v = std::strtol(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || v < 1 || v > 1000) {
    return FieldError("limit", "must be an integer from 1 to 1000");
  }
  return static_cast<size_t>(v);
}

std::string QueryParam(const HttpRequest& req, const char* name) {
  auto it = req.query.find(name);
  return it == req.query.end() ? std::string() : it->second;
}

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
  Result<SubmitResult> r = ctx.engine.Submit(ctx.workspace, std::move(parsed->events));
  if (!r.ok()) return ErrorResponse(r.status());
  return JsonResponse(R"({"success":true})");
}

template <const char* kEndpoint>
HttpResponse IngestCall(ApiContext& ctx, const HttpRequest& req) {
  return Ingest(ctx, req, kEndpoint);
}
constexpr char kIdentify[] = "identify", kTrack[] = "track", kPage[] = "page", kScreen[] = "screen",
               kGroup[] = "group", kAlias[] = "alias", kBatch[] = "batch", kImport[] = "import";

HttpResponse PostOrders(ApiContext& ctx, const HttpRequest& req) {
  if (!ctx.authenticated) return ErrorResponse(Status::Unauthenticated("a key is required"));
  Result<std::vector<Event>> events =
      ParseOrdersRequest(req.Body(), ctx.engine.clock().NowMicros());
  if (!events.ok()) return ErrorResponse(events.status());
  json ids = json::array();
  for (const Event& e : *events) ids.push_back(e.order->order_id);
  Result<SubmitResult> r = ctx.engine.Submit(ctx.workspace, std::move(*events));
  if (!r.ok()) return ErrorResponse(r.status());
  return JsonResponse(
      Dump({{"accepted", r->accepted}, {"duplicates", r->duplicates}, {"order_ids", ids}}));
}

// --- customers ---------------------------------------------------------------------------

HttpResponse ListCustomers(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return ErrorResponse(limit.status());
  Result<CustomerPage> page = ctx.engine.ListCustomers(ctx.workspace, QueryParam(req, "query"),
                                                       *limit, QueryParam(req, "cursor"));
  if (!page.ok()) return ErrorResponse(page.status());
  return JsonResponse(CustomerPageJsonText(*page));
}

HttpResponse GetCustomer(ApiContext& ctx, const HttpRequest& req) {
  Result<CustomerProfile> p = ctx.engine.GetCustomer(ctx.workspace, req.params.at("id"));
  if (!p.ok()) return ErrorResponse(p.status());
  return JsonResponse(ProfileJsonText(*p));
}

Result<json> ParseJsonObject(const HttpRequest& req) {
  json j = json::parse(req.Body(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument("body: not a JSON object");
  }
  return j;
}

// --- tags --------------------------------------------------------------------------------

HttpResponse TagsResponse(ApiContext& ctx, const std::string& customer) {
  Result<CustomerProfile> p = ctx.engine.GetCustomer(ctx.workspace, customer, 0);
  if (!p.ok()) return ErrorResponse(p.status());
  return JsonResponse(Dump({{"customer", p->summary.id}, {"data", p->tags}}));
}

HttpResponse ListTags(ApiContext& ctx, const HttpRequest&) {
  Result<std::vector<TagCount>> tags = ctx.engine.ListTags(ctx.workspace);
  if (!tags.ok()) return ErrorResponse(tags.status());
  json data = json::array();
  for (const TagCount& t : *tags) {
    size_t colon = t.tag.find(':');
    data.push_back({{"tag", t.tag},
                    {"group", colon == std::string::npos ? "" : t.tag.substr(0, colon)},
                    {"customers", t.customers}});
  }
  return JsonResponse(Dump(
      {{"data", data}, {"next_cursor", nullptr}, {"total", static_cast<int64_t>(tags->size())}}));
}

HttpResponse GetCustomerTags(ApiContext& ctx, const HttpRequest& req) {
  return TagsResponse(ctx, req.params.at("id"));
}

HttpResponse AddCustomerTags(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto it = body->find("tags");
  if (it == body->end() || !it->is_array()) {
    return ErrorResponse(FieldError("tags", "required: a list of tags like [\"skin:oily\"]"));
  }
  std::vector<std::string> tags;
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      return ErrorResponse(FieldError("tags[" + std::to_string(i) + "]", "must be a string"));
    }
    tags.push_back((*it)[i].get<std::string>());
  }
  if (Status s = CheckManualTags(ctx.engine, ctx.workspace, tags); !s.ok()) return ErrorResponse(s);
  Result<SubmitResult> r =
      ctx.engine.ChangeTags(ctx.workspace, req.params.at("id"), tags, true, "api");
  if (!r.ok()) return ErrorResponse(r.status());
  return TagsResponse(ctx, req.params.at("id"));
}

HttpResponse RemoveCustomerTag(ApiContext& ctx, const HttpRequest& req) {
  if (Status s = CheckManualTags(ctx.engine, ctx.workspace, {req.params.at("tag")}, "tags", false);
      !s.ok()) {
    return ErrorResponse(s);
  }
  Result<SubmitResult> r = ctx.engine.ChangeTags(ctx.workspace, req.params.at("id"),
                                                 {req.params.at("tag")}, false, "api");
  if (!r.ok()) return ErrorResponse(r.status());
  return TagsResponse(ctx, req.params.at("id"));
}

// --- segments ----------------------------------------------------------------------------

Status ReadStringField(const json& j, const char* name, std::string* out);

// "rule": the text form, or the JSON form the console's builder sends.
Result<std::unique_ptr<RuleNode>> RuleField(const json& body) {
  auto it = body.find("rule");
  if (it == body.end() || it->is_null()) {
    return FieldError("rule", "required: a rule as text, or as a JSON object");
  }
  if (it->is_string()) return ParseRule(it->get<std::string>());
  if (it->is_object()) return ParseRuleJson(Dump(*it));
  return FieldError("rule", "must be a string (the text form) or an object (the JSON form)");
}

Result<SegmentSpec> SegmentSpecOf(const HttpRequest& req) {
  ASSIGN_OR_RETURN(json body, ParseJsonObject(req));
  SegmentSpec spec;
  RETURN_IF_ERROR(ReadStringField(body, "name", &spec.name));
  RETURN_IF_ERROR(ReadStringField(body, "description", &spec.description));
  ASSIGN_OR_RETURN(spec.rule, RuleField(body));
  return spec;
}

HttpResponse ListSegments(ApiContext& ctx, const HttpRequest&) {
  Result<std::vector<SegmentInfo>> list = ctx.segments.List(ctx.workspace);
  if (!list.ok()) return ErrorResponse(list.status());
  return JsonResponse(SegmentListJsonText(*list));
}

HttpResponse CreateSegment(ApiContext& ctx, const HttpRequest& req) {
  Result<SegmentSpec> spec = SegmentSpecOf(req);
  if (!spec.ok()) return ErrorResponse(spec.status());
  Result<SegmentInfo> made = ctx.segments.Create(ctx.workspace, std::move(*spec));
  if (!made.ok()) return ErrorResponse(made.status());
  return JsonResponse(SegmentJsonText(*made), 201);
}

HttpResponse GetSegment(ApiContext& ctx, const HttpRequest& req) {
  Result<SegmentInfo> s = ctx.segments.Get(ctx.workspace, req.params.at("id"));
  if (!s.ok()) return ErrorResponse(s.status());
  return JsonResponse(SegmentJsonText(*s));
}

HttpResponse UpdateSegment(ApiContext& ctx, const HttpRequest& req) {
  Result<SegmentSpec> spec = SegmentSpecOf(req);
  if (!spec.ok()) return ErrorResponse(spec.status());
  Result<SegmentInfo> s = ctx.segments.Update(ctx.workspace, req.params.at("id"), std::move(*spec));
  if (!s.ok()) return ErrorResponse(s.status());
  return JsonResponse(SegmentJsonText(*s));
}

HttpResponse DeleteSegment(ApiContext& ctx, const HttpRequest& req) {
  Status s = ctx.segments.Delete(ctx.workspace, req.params.at("id"));
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(Dump({{"deleted", req.params.at("id")}}));
}

HttpResponse SegmentCustomers(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return ErrorResponse(limit.status());
  Result<CustomerPage> page = ctx.segments.Members(ctx.workspace, req.params.at("id"), *limit,
                                                   QueryParam(req, "cursor"));
  if (!page.ok()) return ErrorResponse(page.status());
  return JsonResponse(CustomerPageJsonText(*page));
}

HttpResponse PreviewSegment(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  Result<std::unique_ptr<RuleNode>> rule = RuleField(*body);
  if (!rule.ok()) return ErrorResponse(rule.status());
  size_t limit = 20;
  if (auto it = body->find("limit"); it != body->end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 1000) {
      return ErrorResponse(FieldError("limit", "must be an integer from 0 to 1000"));
    }
    limit = it->get<size_t>();
  }
  Result<SegmentPreview> p = ctx.segments.Preview(ctx.workspace, **rule, limit);
  if (!p.ok()) return ErrorResponse(p.status());
  return JsonResponse(SegmentPreviewJsonText(*p));
}

HttpResponse ListStages(ApiContext& ctx, const HttpRequest&) {
  auto stages = ctx.segments.Stages(ctx.workspace);
  if (!stages.ok()) return ErrorResponse(stages.status());
  json data = json::array();
  for (const auto& s : *stages) {
    data.push_back({{"stage", s.stage}, {"customers", s.customers}, {"rule", s.rule}});
  }
  return JsonResponse(Dump({{"data", data},
                            {"next_cursor", nullptr},
                            {"total", static_cast<int64_t>(stages->size())}}));
}

Status ReadStringList(const json& body, const char* name, std::vector<std::string>* out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return FieldError(name, "must be a list of strings");
  if (it->size() > SegmentService::kMaxBulkCustomers) {
    return FieldError(name, "at most " + std::to_string(SegmentService::kMaxBulkCustomers));
  }
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      return FieldError(std::string(name) + "[" + std::to_string(i) + "]", "must be a string");
    }
    out->push_back((*it)[i].get<std::string>());
  }
  return Status::Ok();
}

HttpResponse BulkTags(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  SegmentService::BulkTagRequest bulk;
  for (Status s : {ReadStringList(*body, "add", &bulk.add),
                   ReadStringList(*body, "remove", &bulk.remove),
                   ReadStringList(*body, "customers", &bulk.customers)}) {
    if (!s.ok()) return ErrorResponse(s);
  }
  if (body->contains("rule")) {
    Result<std::unique_ptr<RuleNode>> rule = RuleField(*body);
    if (!rule.ok()) return ErrorResponse(rule.status());
    bulk.rule = std::move(*rule);
  }
  bulk.by = "api:bulk";
  auto r = ctx.segments.BulkTag(ctx.workspace, bulk);
  if (!r.ok()) return ErrorResponse(r.status());
  return JsonResponse(Dump({{"customers", r->customers}, {"events", r->events}}));
}

json AnswerTagsJson(const std::vector<SegmentService::AnswerTag>& rows) {
  json data = json::array();
  for (const auto& r : rows) {
    data.push_back({{"questionnaire", r.questionnaire},
                    {"question", r.question},
                    {"answer", r.answer},
                    {"tag", r.tag}});
  }
  return {{"rows", data}};
}

HttpResponse GetAnswerTags(ApiContext& ctx, const HttpRequest&) {
  auto rows = ctx.segments.AnswerTags(ctx.workspace);
  if (!rows.ok()) return ErrorResponse(rows.status());
  return JsonResponse(Dump(AnswerTagsJson(*rows)));
}

HttpResponse PutAnswerTags(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto it = body->find("rows");
  if (it == body->end() || !it->is_array()) {
    return ErrorResponse(FieldError("rows", "required: a list of {questionnaire, question, answer, tag}"));
  }
  if (it->size() > SegmentService::kMaxAnswerTags) {
    return ErrorResponse(FieldError("rows", "at most " + std::to_string(SegmentService::kMaxAnswerTags)));
  }
  std::vector<SegmentService::AnswerTag> rows;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& r = (*it)[i];
    const std::string at = "rows[" + std::to_string(i) + "]";
    if (!r.is_object()) return ErrorResponse(FieldError(at, "must be an object"));
    SegmentService::AnswerTag row;
    for (auto [name, out] : {std::pair{"questionnaire", &row.questionnaire},
                             std::pair{"question", &row.question}, std::pair{"answer", &row.answer},
                             std::pair{"tag", &row.tag}}) {
      Status s = ReadStringField(r, name, out);
      if (!s.ok()) return ErrorResponse(s.WithFieldPrefix(at));
    }
    rows.push_back(std::move(row));
  }
  Status s = ctx.segments.SetAnswerTags(ctx.workspace, rows);
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(Dump(AnswerTagsJson(rows)));
}

HttpResponse PutStages(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto it = body->find("stages");
  if (it == body->end() || !it->is_array()) {
    return ErrorResponse(FieldError("stages", "required: a list of {stage, rule} ([] restores the default)"));
  }
  if (it->size() > SegmentService::kMaxStages) {
    return ErrorResponse(FieldError("stages", "at most " + std::to_string(SegmentService::kMaxStages)));
  }
  std::vector<StageRule> stages;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& r = (*it)[i];
    const std::string at = "stages[" + std::to_string(i) + "]";
    if (!r.is_object()) return ErrorResponse(FieldError(at, "must be an object"));
    StageRule stage;
    if (Status s = ReadStringField(r, "stage", &stage.stage); !s.ok()) {
      return ErrorResponse(s.WithFieldPrefix(at));
    }
    Result<std::unique_ptr<RuleNode>> rule = RuleField(r);
    if (!rule.ok()) return ErrorResponse(rule.status().WithFieldPrefix(at));
    stage.rule = ToText(**rule);
    stages.push_back(std::move(stage));
  }
  Status s = ctx.segments.SetStages(ctx.workspace, std::move(stages));
  if (!s.ok()) return ErrorResponse(s);
  return ListStages(ctx, req);
}

json IntentJson(const IntentSettings& intent) {
  json rows = json::array();
  for (const IntentRow& r : intent.rows) {
    rows.push_back({{"event", r.where.empty() ? r.event : r.filter_key}, {"points", r.points}});
  }
  return {{"half_life_days", intent.half_life_days},
          {"strong", intent.strong},
          {"weak", intent.weak},
          {"points", rows}};
}

HttpResponse GetIntent(ApiContext& ctx, const HttpRequest&) {
  Result<IntentSettings> intent = ctx.segments.Intent(ctx.workspace);
  if (!intent.ok()) return ErrorResponse(intent.status());
  return JsonResponse(Dump(IntentJson(*intent)));
}

HttpResponse PutIntent(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  IntentSettings intent;
  for (auto [name, out] : {std::pair{"half_life_days", &intent.half_life_days},
                           std::pair{"strong", &intent.strong}, std::pair{"weak", &intent.weak}}) {
    auto it = body->find(name);
    if (it == body->end()) continue;
    if (!it->is_number_integer()) return ErrorResponse(FieldError(name, "must be a whole number"));
    *out = it->get<int64_t>();
  }
  auto points = body->find("points");
  if (points != body->end()) {
    if (!points->is_array()) return ErrorResponse(FieldError("points", "must be a list of {event, points}"));
    if (points->size() > kMaxIntentRows) {
      return ErrorResponse(FieldError("points", "at most " + std::to_string(kMaxIntentRows)));
    }
    for (size_t i = 0; i < points->size(); ++i) {
      const json& r = (*points)[i];
      const std::string at = "points[" + std::to_string(i) + "]";
      if (!r.is_object()) return ErrorResponse(FieldError(at, "must be an object"));
      std::string event;
      if (Status s = ReadStringField(r, "event", &event); !s.ok()) {
        return ErrorResponse(s.WithFieldPrefix(at));
      }
      auto p = r.find("points");
      if (p == r.end() || !p->is_number_integer()) {
        return ErrorResponse(FieldError(at + ".points", "required: a whole number"));
      }
      Result<IntentRow> row = ParseIntentRow(event, p->get<int64_t>(), at);
      if (!row.ok()) return ErrorResponse(row.status());
      intent.rows.push_back(std::move(*row));
    }
  }
  Status s = ctx.segments.SetIntent(ctx.workspace, std::move(intent));
  if (!s.ok()) return ErrorResponse(s);
  return GetIntent(ctx, req);
}

HttpResponse GetTagGroups(ApiContext& ctx, const HttpRequest&) {
  auto groups = ctx.segments.TagGroups(ctx.workspace);
  if (!groups.ok()) return ErrorResponse(groups.status());
  json data = json::array();
  for (const auto& v : *groups) {
    json tags = json::array();
    for (const auto& t : v.tags) tags.push_back({{"tag", t.tag}, {"customers", t.customers}});
    data.push_back({{"name", v.group.name},
                    {"label", v.group.label},
                    {"exclusive", v.group.exclusive},
                    {"values", v.group.values},
                    {"declared", v.declared},
                    {"tags", tags}});
  }
  return JsonResponse(Dump({{"groups", data}}));
}

HttpResponse PutTagGroups(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto it = body->find("groups");
  if (it == body->end() || !it->is_array()) {
    return ErrorResponse(FieldError("groups", "required: a list of {name, label, exclusive, values}"));
  }
  if (it->size() > SegmentService::kMaxTagGroups) {
    return ErrorResponse(FieldError("groups", "at most " + std::to_string(SegmentService::kMaxTagGroups)));
  }
  std::vector<SegmentService::TagGroup> groups;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& g = (*it)[i];
    const std::string at = "groups[" + std::to_string(i) + "]";
    if (!g.is_object()) return ErrorResponse(FieldError(at, "must be an object"));
    SegmentService::TagGroup group;
    for (Status s : {ReadStringField(g, "name", &group.name), ReadStringField(g, "label", &group.label),
                     ReadStringList(g, "values", &group.values)}) {
      if (!s.ok()) return ErrorResponse(s.WithFieldPrefix(at));
    }
    if (auto e = g.find("exclusive"); e != g.end()) {
      if (!e->is_boolean()) return ErrorResponse(FieldError(at + ".exclusive", "must be true or false"));
      group.exclusive = e->get<bool>();
    }
    groups.push_back(std::move(group));
  }
  Status s = ctx.segments.SetTagGroups(ctx.workspace, std::move(groups));
  if (!s.ok()) return ErrorResponse(s);
  return GetTagGroups(ctx, req);
}

json TagRulesJson(const std::vector<SegmentService::TagRule>& rows) {
  json data = json::array();
  for (const auto& r : rows) {
    data.push_back({{"tag", r.tag}, {"rule", r.rule}, {"customers", r.customers}});
  }
  return {{"rules", data}};
}

HttpResponse GetTagRules(ApiContext& ctx, const HttpRequest&) {
  auto rows = ctx.segments.TagRules(ctx.workspace);
  if (!rows.ok()) return ErrorResponse(rows.status());
  return JsonResponse(Dump(TagRulesJson(*rows)));
}

HttpResponse PutTagRules(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  auto it = body->find("rules");
  if (it == body->end() || !it->is_array()) {
    return ErrorResponse(FieldError("rules", "required: a list of {tag, rule}"));
  }
  if (it->size() > SegmentService::kMaxTagRules) {
    return ErrorResponse(FieldError("rules", "at most " + std::to_string(SegmentService::kMaxTagRules)));
  }
  std::vector<SegmentService::TagRuleSpec> rows;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& r = (*it)[i];
    const std::string at = "rules[" + std::to_string(i) + "]";
    if (!r.is_object()) return ErrorResponse(FieldError(at, "must be an object"));
    SegmentService::TagRuleSpec row;
    if (Status s = ReadStringField(r, "tag", &row.tag); !s.ok()) {
      return ErrorResponse(s.WithFieldPrefix(at));
    }
    Result<std::unique_ptr<RuleNode>> rule = RuleField(r);
    if (!rule.ok()) return ErrorResponse(rule.status().WithFieldPrefix(at));
    row.rule = std::move(*rule);
    rows.push_back(std::move(row));
  }
  Status s = ctx.segments.SetTagRules(ctx.workspace, std::move(rows));
  if (!s.ok()) return ErrorResponse(s);
  auto saved = ctx.segments.TagRules(ctx.workspace);
  if (!saved.ok()) return ErrorResponse(saved.status());
  return JsonResponse(Dump(TagRulesJson(*saved)));
}

HttpResponse GetRfm(ApiContext& ctx, const HttpRequest& req) {
  const std::string refresh = QueryParam(req, "refresh");
  if (refresh == "true" || refresh == "1") {
    Status s = ctx.segments.RecomputeRfm(ctx.workspace);
    if (!s.ok()) return ErrorResponse(s);
  } else if (!refresh.empty() && refresh != "false" && refresh != "0") {
    return ErrorResponse(FieldError("refresh", "true or false"));
  }
  auto rfm = ctx.segments.Rfm(ctx.workspace);
  if (!rfm.ok()) return ErrorResponse(rfm.status());
  json data = json::array();
  for (const auto& c : rfm->cells) data.push_back({{"cell", c.cell}, {"customers", c.customers}});
  return JsonResponse(Dump({{"computed_at", FormatIso8601(rfm->computed_at)},
                            {"scored", rfm->scored},
                            {"data", data},
                            {"next_cursor", nullptr},
                            {"total", static_cast<int64_t>(rfm->cells.size())}}));
}

// --- channels ----------------------------------------------------------------------------

json ChannelJson(const Channel& c) {
  return {{"id", c.id},
          {"code", c.code},
          {"name", c.name},
          {"kind", ChannelKindName(c.kind)},
          {"created_at", FormatIso8601(c.created_at)}};
}

Status ReadStringField(const json& j, const char* name, std::string* out) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return FieldError(name, "must be a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

HttpResponse ListChannels(ApiContext& ctx, const HttpRequest&) {
  Result<std::vector<Channel>> channels = ctx.engine.ListChannels(ctx.workspace);
  if (!channels.ok()) return ErrorResponse(channels.status());
  json data = json::array();
  for (const Channel& c : *channels) data.push_back(ChannelJson(c));
  return JsonResponse(Dump({{"data", data},
                            {"next_cursor", nullptr},
                            {"total", static_cast<int64_t>(channels->size())}}));
}

HttpResponse CreateChannel(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  Channel c;
  std::string kind = "other";
  for (Status s : {ReadStringField(*body, "code", &c.code), ReadStringField(*body, "name", &c.name),
                   ReadStringField(*body, "kind", &kind)}) {
    if (!s.ok()) return ErrorResponse(s);
  }
  auto parsed_kind = ChannelKindFromName(kind);
  if (!parsed_kind) {
    return ErrorResponse(
        FieldError("kind",
                   "unknown channel kind (package_card, sms, offline_store, xiaohongshu, douyin, "
                   "zhihu, weibo, paid_ads, live_stream, taobao, referral, other)"));
  }
  c.kind = *parsed_kind;
  Result<Channel> made = ctx.engine.CreateChannel(ctx.workspace, c);
  if (!made.ok()) return ErrorResponse(made.status());
  return JsonResponse(Dump(ChannelJson(*made)), 201);
}

HttpResponse AddSpend(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  ChannelSpend spend;
  spend.channel_id = req.params.at("id");
  if (Status s = ReadStringField(*body, "day", &spend.day); !s.ok()) return ErrorResponse(s);
  auto fen = body->find("amount_fen");
  auto yuan = body->find("amount");
  if (fen != body->end()) {
    if (!fen->is_number_integer()) {
      return ErrorResponse(FieldError("amount_fen", "must be an integer number of fen"));
    }
    spend.amount_fen = fen->get<int64_t>();
  } else if (yuan != body->end() && yuan->is_string()) {
    Result<Money> m = Money::ParseYuan(yuan->get<std::string>());
    if (!m.ok()) return ErrorResponse(FieldError("amount", m.status().message()));
    spend.amount_fen = m->fen();
  } else {
    return ErrorResponse(FieldError("amount_fen", "required (or amount as a yuan string)"));
  }
  Status s = ctx.engine.AddChannelSpend(ctx.workspace, spend);
  if (!s.ok()) return ErrorResponse(s);
  return JsonResponse(Dump(
      {{"channel_id", spend.channel_id}, {"day", spend.day}, {"amount_fen", spend.amount_fen}}));
}

HttpResponse ListSpend(ApiContext& ctx, const HttpRequest& req) {
  Result<std::vector<ChannelSpend>> spend =
      ctx.engine.ListChannelSpend(ctx.workspace, req.params.at("id"));
  if (!spend.ok()) return ErrorResponse(spend.status());
  json data = json::array();
  for (const ChannelSpend& s : *spend) {
    data.push_back({{"day", s.day}, {"amount_fen", s.amount_fen}});
  }
  return JsonResponse(Dump(
      {{"data", data}, {"next_cursor", nullptr}, {"total", static_cast<int64_t>(spend->size())}}));
}

// --- operations --------------------------------------------------------------------------

HttpResponse Health(ApiContext&, const HttpRequest&) { return JsonResponse(R"({"status":"ok"})"); }

HttpResponse Metrics(ApiContext& ctx, const HttpRequest&) {
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = RenderMetrics(ctx.engine, ctx.metrics);
  return r;
}

HttpResponse ListRoutes(ApiContext&, const HttpRequest&) {
  json data = json::array();
  for (const Route& r : Routes()) {
    const char* auth = r.auth == Auth::kNone ? "none" : r.auth == Auth::kWrite ? "write" : "admin";
    data.push_back(
        {{"method", r.method}, {"path", r.pattern}, {"auth", auth}, {"summary", r.summary}});
  }
  return JsonResponse(Dump({{"data", data}}));
}

}  // namespace

const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = {
      {"POST", "/v1/identify", Auth::kWrite, "Segment identify call", IngestCall<kIdentify>},
      {"POST", "/v1/track", Auth::kWrite, "Segment track call", IngestCall<kTrack>},
      {"POST", "/v1/page", Auth::kWrite, "Segment page call", IngestCall<kPage>},
      {"POST", "/v1/screen", Auth::kWrite, "Segment screen call", IngestCall<kScreen>},
      {"POST", "/v1/group", Auth::kWrite, "Segment group call", IngestCall<kGroup>},
      {"POST", "/v1/alias", Auth::kWrite, "Segment alias call", IngestCall<kAlias>},
      {"POST", "/v1/batch", Auth::kWrite, "Segment batch (up to 2,500 calls, 500 KB)",
       IngestCall<kBatch>},
      {"POST", "/v1/import", Auth::kWrite, "Segment import (same as batch)", IngestCall<kImport>},
      {"POST", "/v1/orders", Auth::kWrite, "Orders from a shop (one, or {orders: [...]})",
       PostOrders},
      {"GET", "/v1/customers", Auth::kAdmin, "Search and list customers (?query&limit&cursor)",
       ListCustomers},
      {"GET", "/v1/customers/{id}", Auth::kAdmin,
       "A customer: traits, identities, merges, orders, refunds, timeline", GetCustomer},
      {"GET", "/v1/tags", Auth::kAdmin, "Tags with their customer counts", ListTags},
      {"POST", "/v1/tags/bulk", Auth::kAdmin,
       "Tag many customers {add, remove, customers | rule}", BulkTags},
      {"GET", "/v1/tags/answers", Auth::kAdmin, "Questionnaire answers that become tags",
       GetAnswerTags},
      {"PUT", "/v1/tags/answers", Auth::kAdmin,
       "Replace the answers-to-tags table {rows: [{questionnaire, question, answer, tag}]}",
       PutAnswerTags},
      {"GET", "/v1/tags/groups", Auth::kAdmin, "Tag groups with their tags and counts",
       GetTagGroups},
      {"PUT", "/v1/tags/groups", Auth::kAdmin,
       "Replace the tag groups {groups: [{name, label, exclusive, values}]}", PutTagGroups},
      {"GET", "/v1/tags/rules", Auth::kAdmin, "Automatic tags and their rules", GetTagRules},
      {"PUT", "/v1/tags/rules", Auth::kAdmin, "Replace the automatic tags {rules: [{tag, rule}]}",
       PutTagRules},
      {"GET", "/v1/customers/{id}/tags", Auth::kAdmin, "A customer's tags", GetCustomerTags},
      {"POST", "/v1/customers/{id}/tags", Auth::kAdmin, "Add tags {tags: [...]}", AddCustomerTags},
      {"DELETE", "/v1/customers/{id}/tags/{tag}", Auth::kAdmin, "Remove a tag", RemoveCustomerTag},
      {"GET", "/v1/segments", Auth::kAdmin, "Saved segments with their member counts",
       ListSegments},
      {"POST", "/v1/segments", Auth::kAdmin, "Save a segment {name, description, rule}",
       CreateSegment},
      {"POST", "/v1/segments/preview", Auth::kAdmin,
       "Count and first customers of a rule, unsaved {rule, limit}", PreviewSegment},
      {"GET", "/v1/segments/{id}", Auth::kAdmin, "A segment (by id or name)", GetSegment},
      {"PUT", "/v1/segments/{id}", Auth::kAdmin, "Replace a segment's name, description, rule",
       UpdateSegment},
      {"DELETE", "/v1/segments/{id}", Auth::kAdmin, "Delete a segment", DeleteSegment},
      {"GET", "/v1/segments/{id}/customers", Auth::kAdmin,
       "A segment's members (?limit&cursor)", SegmentCustomers},
      {"GET", "/v1/stages", Auth::kAdmin, "Lifecycle stages with their rules and customer counts",
       ListStages},
      {"PUT", "/v1/stages", Auth::kAdmin, "Replace the lifecycle stages {stages: [{stage, rule}]}",
       PutStages},
      {"GET", "/v1/intent", Auth::kAdmin, "The intent table and thresholds", GetIntent},
      {"PUT", "/v1/intent", Auth::kAdmin,
       "Replace the intent table {half_life_days, strong, weak, points: [{event, points}]}",
       PutIntent},
      {"GET", "/v1/rfm", Auth::kAdmin, "RFM cells with their customer counts", GetRfm},
      {"GET", "/v1/channels", Auth::kAdmin, "Acquisition channels", ListChannels},
      {"POST", "/v1/channels", Auth::kAdmin, "Create a channel {code, name, kind}", CreateChannel},
      {"GET", "/v1/channels/{id}/spend", Auth::kAdmin, "A channel's spend by day", ListSpend},
      {"POST", "/v1/channels/{id}/spend", Auth::kAdmin,
       "Record a day's spend {day, amount_fen | amount}", AddSpend},
      {"GET", "/v1/routes", Auth::kNone, "This list", ListRoutes},
      {"GET", "/healthz", Auth::kNone, "Liveness", Health},
      {"GET", "/metrics", Auth::kNone, "Prometheus metrics", Metrics},
  };
  return routes;
}

}  // namespace pond::server
