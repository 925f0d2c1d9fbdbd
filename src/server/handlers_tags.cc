// Tags: a customer's, in bulk, from questionnaire answers, groups and automatic tags.
#include "pond/app/views.h"
#include "pond/segment/segment_service.h"
#include "server/handler_util.h"

namespace pond::server {

static Result<json> TagsResponse(ApiContext& ctx, const std::string& customer) {
  Result<CustomerProfile> p = ctx.engine.GetCustomer(ctx.workspace, customer, 0);
  if (!p.ok()) return p.status();
  return json({{"customer", p->summary.id}, {"data", p->tags}});
}

Result<json> ListTags(ApiContext& ctx, const HttpRequest&) {
  Result<std::vector<TagCount>> tags = ctx.engine.ListTags(ctx.workspace);
  if (!tags.ok()) return tags.status();
  json data = json::array();
  for (const TagCount& t : *tags) {
    size_t colon = t.tag.find(':');
    data.push_back({{"tag", t.tag},
                    {"group", colon == std::string::npos ? "" : t.tag.substr(0, colon)},
                    {"customers", t.customers}});
  }
  return OnePage(std::move(data));
}

Result<json> GetCustomerTags(ApiContext& ctx, const HttpRequest& req) {
  return TagsResponse(ctx, req.params.at("id"));
}

Result<json> AddCustomerTags(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  auto it = body->find("tags");
  if (it == body->end() || !it->is_array()) {
    return FieldError("tags", "required: a list of tags like [\"skin:oily\"]");
  }
  std::vector<std::string> tags;
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      return FieldError("tags[" + std::to_string(i) + "]", "must be a string");
    }
    tags.push_back((*it)[i].get<std::string>());
  }
  if (Status s = CheckManualTags(ctx.engine, ctx.workspace, tags); !s.ok()) return s;
  Result<SubmitResult> r =
      ctx.engine.ChangeTags(ctx.workspace, req.params.at("id"), tags, true, "api");
  if (!r.ok()) return r.status();
  return TagsResponse(ctx, req.params.at("id"));
}

Result<json> RemoveCustomerTag(ApiContext& ctx, const HttpRequest& req) {
  if (Status s = CheckManualTags(ctx.engine, ctx.workspace, {req.params.at("tag")}, "tags", false);
      !s.ok()) {
    return s;
  }
  Result<SubmitResult> r = ctx.engine.ChangeTags(ctx.workspace, req.params.at("id"),
                                                 {req.params.at("tag")}, false, "api");
  if (!r.ok()) return r.status();
  return TagsResponse(ctx, req.params.at("id"));
}

Result<json> BulkTags(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  TagService::BulkTagRequest bulk;
  for (Status s :
       {ReadStringList(*body, "add", &bulk.add), ReadStringList(*body, "remove", &bulk.remove),
        ReadStringList(*body, "customers", &bulk.customers)}) {
    if (!s.ok()) return s;
  }
  if (body->contains("rule")) {
    Result<std::unique_ptr<RuleNode>> rule = RuleField(*body);
    if (!rule.ok()) return rule.status();
    bulk.rule = std::move(*rule);
  }
  bulk.by = "api:bulk";
  auto r = ctx.tags.BulkTag(ctx.workspace, bulk);
  if (!r.ok()) return r.status();
  return json({{"customers", r->customers}, {"events", r->events}});
}

static json AnswerTagsJson(const std::vector<TagService::AnswerTag>& rows) {
  json data = json::array();
  for (const auto& r : rows) {
    data.push_back({{"questionnaire", r.questionnaire},
                    {"question", r.question},
                    {"answer", r.answer},
                    {"tag", r.tag}});
  }
  return {{"rows", data}};
}

Result<json> GetAnswerTags(ApiContext& ctx, const HttpRequest&) {
  auto rows = ctx.tags.AnswerTags(ctx.workspace);
  if (!rows.ok()) return rows.status();
  return AnswerTagsJson(*rows);
}

Result<json> PutAnswerTags(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  std::vector<TagService::AnswerTag> rows;
  Status read = ForEachObject(
      *body, "rows", TagService::kMaxAnswerTags, true,
      "required: a list of {questionnaire, question, answer, tag}",
      [&](const json& r, const std::string& at) {
        TagService::AnswerTag row;
        for (auto [name, out] :
             {std::pair{"questionnaire", &row.questionnaire}, std::pair{"question", &row.question},
              std::pair{"answer", &row.answer}, std::pair{"tag", &row.tag}}) {
          RETURN_IF_ERROR(ReadStringField(r, name, out).WithFieldPrefix(at));
        }
        rows.push_back(std::move(row));
        return Status::Ok();
      });
  if (!read.ok()) return read;
  Status s = ctx.tags.SetAnswerTags(ctx.workspace, rows);
  if (!s.ok()) return s;
  return AnswerTagsJson(rows);
}

Result<json> GetTagGroups(ApiContext& ctx, const HttpRequest&) {
  auto groups = ctx.tags.TagGroups(ctx.workspace);
  if (!groups.ok()) return groups.status();
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
  return json({{"groups", data}});
}

Result<json> PutTagGroups(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  std::vector<TagService::TagGroup> groups;
  Status read = ForEachObject(*body, "groups", TagService::kMaxTagGroups, true,
                              "required: a list of {name, label, exclusive, values}",
                              [&](const json& g, const std::string& at) {
                                TagService::TagGroup group;
                                for (Status s : {ReadStringField(g, "name", &group.name),
                                                 ReadStringField(g, "label", &group.label),
                                                 ReadStringList(g, "values", &group.values)}) {
                                  RETURN_IF_ERROR(s.WithFieldPrefix(at));
                                }
                                if (auto e = g.find("exclusive"); e != g.end()) {
                                  if (!e->is_boolean())
                                    return FieldError(at + ".exclusive", "must be true or false");
                                  group.exclusive = e->get<bool>();
                                }
                                groups.push_back(std::move(group));
                                return Status::Ok();
                              });
  if (!read.ok()) return read;
  Status s = ctx.tags.SetTagGroups(ctx.workspace, std::move(groups));
  if (!s.ok()) return s;
  return GetTagGroups(ctx, req);
}

static json TagRulesJson(const std::vector<TagService::TagRule>& rows) {
  json data = json::array();
  for (const auto& r : rows) {
    data.push_back({{"tag", r.tag}, {"rule", r.rule}, {"customers", r.customers}});
  }
  return {{"rules", data}};
}

Result<json> GetTagRules(ApiContext& ctx, const HttpRequest&) {
  auto rows = ctx.tags.TagRules(ctx.workspace);
  if (!rows.ok()) return rows.status();
  return TagRulesJson(*rows);
}

Result<json> PutTagRules(ApiContext& ctx, const HttpRequest& req) {
  Result<json> body = ParseJsonObject(req);
  if (!body.ok()) return body.status();
  std::vector<TagService::TagRuleSpec> rows;
  Status read =
      ForEachObject(*body, "rules", TagService::kMaxTagRules, true,
                    "required: a list of {tag, rule}", [&](const json& r, const std::string& at) {
                      TagService::TagRuleSpec row;
                      RETURN_IF_ERROR(ReadStringField(r, "tag", &row.tag).WithFieldPrefix(at));
                      Result<std::unique_ptr<RuleNode>> rule = RuleField(r);
                      if (!rule.ok()) return rule.status().WithFieldPrefix(at);
                      row.rule = std::move(*rule);
                      rows.push_back(std::move(row));
                      return Status::Ok();
                    });
  if (!read.ok()) return read;
  Status s = ctx.tags.SetTagRules(ctx.workspace, std::move(rows));
  if (!s.ok()) return s;
  auto saved = ctx.tags.TagRules(ctx.workspace);
  if (!saved.ok()) return saved.status();
  return TagRulesJson(*saved);
}

}  // namespace pond::server
