// Segments, previews, lifecycle stages, the intent table and RFM.
#include "pond/app/views.h"
#include "pond/base/time.h"
#include "pond/segment/segment_service.h"
#include "server/handler_util.h"

namespace pond::server {

static Result<SegmentSpec> SegmentSpecOf(const HttpRequest& req) {
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
  return JsonResponse(app::SegmentListJsonText(*list));
}

HttpResponse CreateSegment(ApiContext& ctx, const HttpRequest& req) {
  Result<SegmentSpec> spec = SegmentSpecOf(req);
  if (!spec.ok()) return ErrorResponse(spec.status());
  Result<SegmentInfo> made = ctx.segments.Create(ctx.workspace, std::move(*spec));
  if (!made.ok()) return ErrorResponse(made.status());
  return JsonResponse(app::SegmentJsonText(*made), 201);
}

HttpResponse GetSegment(ApiContext& ctx, const HttpRequest& req) {
  Result<SegmentInfo> s = ctx.segments.Get(ctx.workspace, req.params.at("id"));
  if (!s.ok()) return ErrorResponse(s.status());
  return JsonResponse(app::SegmentJsonText(*s));
}

HttpResponse UpdateSegment(ApiContext& ctx, const HttpRequest& req) {
  Result<SegmentSpec> spec = SegmentSpecOf(req);
  if (!spec.ok()) return ErrorResponse(spec.status());
  Result<SegmentInfo> s = ctx.segments.Update(ctx.workspace, req.params.at("id"), std::move(*spec));
  if (!s.ok()) return ErrorResponse(s.status());
  return JsonResponse(app::SegmentJsonText(*s));
}

Result<json> DeleteSegment(ApiContext& ctx, const HttpRequest& req) {
  Status s = ctx.segments.Delete(ctx.workspace, req.params.at("id"));
  if (!s.ok()) return s;
  return json({{"deleted", req.params.at("id")}});
}

HttpResponse SegmentCustomers(ApiContext& ctx, const HttpRequest& req) {
  Result<size_t> limit = LimitParam(req);
  if (!limit.ok()) return ErrorResponse(limit.status());
  Result<CustomerPage> page =
      ctx.segments.Members(ctx.workspace, req.params.at("id"), *limit, QueryParam(req, "cursor"));
  if (!page.ok()) return ErrorResponse(page.status());
  return JsonResponse(app::CustomerPageJsonText(*page, app::Disclosure::kMasked));
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
  return JsonResponse(app::SegmentPreviewJsonText(*p, app::Disclosure::kMasked));
}

Result<json> ListStages(ApiContext& ctx, const HttpRequest&) {
  auto stages = ctx.scores.Stages(ctx.workspace);
  if (!stages.ok()) return stages.status();
  json data = json::array();
  for (const auto& s : *stages) {
    data.push_back({{"stage", s.stage}, {"customers", s.customers}, {"rule", s.rule}});
  }
  return OnePage(std::move(data));
}

Result<json> PutStages(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  std::vector<StageRule> stages;
  Status read = ForEachObject(
      *body, "stages", ScoreService::kMaxStages, true,
      "required: a list of {stage, rule} ([] restores the default)",
      [&](const json& r, const std::string& at) {
        StageRule stage;
        RETURN_IF_ERROR(ReadStringField(r, "stage", &stage.stage).WithFieldPrefix(at));
        Result<std::unique_ptr<RuleNode>> rule = RuleField(r);
        if (!rule.ok()) return rule.status().WithFieldPrefix(at);
        stage.rule = ToText(**rule);
        stages.push_back(std::move(stage));
        return Status::Ok();
      });
  if (!read.ok()) return read;
  Status s = ctx.scores.SetStages(ctx.workspace, std::move(stages));
  if (!s.ok()) return s;
  return ListStages(ctx, req);
}

static json IntentJson(const IntentSettings& intent) {
  json rows = json::array();
  for (const IntentRow& r : intent.rows) {
    rows.push_back({{"event", r.where.empty() ? r.event : r.filter_key}, {"points", r.points}});
  }
  return {{"half_life_days", intent.half_life_days},
          {"strong", intent.strong},
          {"weak", intent.weak},
          {"points", rows}};
}

Result<json> GetIntent(ApiContext& ctx, const HttpRequest&) {
  Result<IntentSettings> intent = ctx.scores.Intent(ctx.workspace);
  if (!intent.ok()) return intent.status();
  return IntentJson(*intent);
}

Result<json> PutIntent(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  IntentSettings intent;
  for (auto [name, out] : {std::pair{"half_life_days", &intent.half_life_days},
                           std::pair{"strong", &intent.strong}, std::pair{"weak", &intent.weak}}) {
    auto it = body->find(name);
    if (it == body->end()) continue;
    if (!it->is_number_integer()) return FieldError(name, "must be a whole number");
    *out = it->get<int64_t>();
  }
  Status read =
      ForEachObject(*body, "points", kMaxIntentRows, false, "must be a list of {event, points}",
                    [&](const json& r, const std::string& at) {
                      std::string event;
                      RETURN_IF_ERROR(ReadStringField(r, "event", &event).WithFieldPrefix(at));
                      auto p = r.find("points");
                      if (p == r.end() || !p->is_number_integer()) {
                        return FieldError(at + ".points", "required: a whole number");
                      }
                      ASSIGN_OR_RETURN(IntentRow row, ParseIntentRow(event, p->get<int64_t>(), at));
                      intent.rows.push_back(std::move(row));
                      return Status::Ok();
                    });
  if (!read.ok()) return read;
  Status s = ctx.scores.SetIntent(ctx.workspace, std::move(intent));
  if (!s.ok()) return s;
  return GetIntent(ctx, req);
}

Result<json> GetRfm(ApiContext& ctx, const HttpRequest& req) {
  const std::string refresh = QueryParam(req, "refresh");
  if (refresh == "true" || refresh == "1") {
    Status s = ctx.scores.RecomputeRfm(ctx.workspace);
    if (!s.ok()) return s;
  } else if (!refresh.empty() && refresh != "false" && refresh != "0") {
    return FieldError("refresh", "true or false");
  }
  auto rfm = ctx.scores.Rfm(ctx.workspace);
  if (!rfm.ok()) return rfm.status();
  json data = json::array();
  for (const auto& c : rfm->cells) data.push_back({{"cell", c.cell}, {"customers", c.customers}});
  return json({{"computed_at", FormatIso8601(rfm->computed_at)},
               {"scored", rfm->scored},
               {"data", data},
               {"next_cursor", nullptr},
               {"total", static_cast<int64_t>(rfm->cells.size())}});
}

}  // namespace pond::server
