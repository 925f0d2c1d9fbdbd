#include "server/handler_util.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "pond/auth/audit.h"
#include "pond/segment/segment_service.h"

namespace pond::server {

Result<size_t> LimitParam(const HttpRequest& req) {
  ASSIGN_OR_RETURN(const int64_t limit, IntParam(req, "limit", 1, 1000, 50));
  return static_cast<size_t>(limit);
}

Result<app::Disclosure> RevealParam(ApiContext& ctx, const HttpRequest& req,
                                    const std::string& target) {
  auto it = req.query.find("reveal");
  if (it == req.query.end() || it->second == "false") return app::Disclosure::kMasked;
  if (it->second != "true") return FieldError("reveal", "true or false");
  const bool allowed =
      ctx.who ? auth::SeesPersonalData(ctx.who->role) : ctx.key_kind == KeyKind::kAdmin;
  if (!allowed) {
    return Status::PermissionDenied(
        std::string(ctx.who ? "the " + std::string(auth::RoleName(ctx.who->role)) + " role"
                            : "a read key") +
        " may not see personal data unmasked");
  }
  auth::AuditEntry e;
  e.actor = ActorOf(ctx);
  e.action = "customer.reveal";
  e.target = target;
  e.from = req.remote_address;
  e.result = "ok";
  // No entry, no answer: an unmasked read that cannot be audited is refused.
  RETURN_IF_ERROR(ctx.app.audit().Record(ctx.workspace, e));
  return app::Disclosure::kRevealed;
}

Result<int64_t> IntParam(const HttpRequest& req, const char* name, int64_t lo, int64_t hi,
                         int64_t absent) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return absent;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || errno == ERANGE || v < lo || v > hi) {
    return FieldError(
        name, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return static_cast<int64_t>(v);
}

Result<json> ListPage(const HttpRequest& req, json items) {
  ASSIGN_OR_RETURN(const size_t limit, LimitParam(req));
  const size_t total = items.is_array() ? items.size() : 0;
  size_t from = 0;
  if (const std::string cursor = QueryParam(req, "cursor"); !cursor.empty()) {
    // "o<offset>": where the next page starts.
    char* end = nullptr;
    const unsigned long long offset =
        cursor.size() > 1 && cursor.size() <= 12 && cursor[0] == 'o' && std::isdigit(cursor[1])
            ? std::strtoull(cursor.c_str() + 1, &end, 10)
            : 0;
    if (!end || *end != '\0' || offset == 0 || offset > total) {
      return FieldError("cursor", "not a cursor this list gave");
    }
    from = static_cast<size_t>(offset);
  }
  const size_t to = std::min(total, from + limit);
  json data = json::array();
  for (size_t i = from; i < to; ++i) data.push_back(std::move(items[i]));
  json next = to < total ? json("o" + std::to_string(to)) : json(nullptr);
  return json{{"data", std::move(data)}, {"next_cursor", std::move(next)}, {"total", total}};
}

std::string QueryParam(const HttpRequest& req, const char* name) {
  auto it = req.query.find(name);
  return it == req.query.end() ? std::string() : it->second;
}

Result<json> ParseJsonObject(const HttpRequest& req) {
  json j = json::parse(req.Body(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument("body: not a JSON object");
  }
  return j;
}

json OnePage(json data) {
  const size_t total = data.size();
  return {{"data", std::move(data)}, {"next_cursor", nullptr}, {"total", total}};
}

Result<std::string> RequiredString(const HttpRequest& req, const char* name) {
  ASSIGN_OR_RETURN(json body, ParseJsonObject(req));
  std::string value;
  RETURN_IF_ERROR(ReadStringField(body, name, &value));
  if (value.empty()) return FieldError(name, "is required");
  return value;
}

Status ReadStringField(const json& j, const char* name, std::string* out) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return FieldError(name, "must be a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

Status ReadStringList(const json& body, const char* name, std::vector<std::string>* out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return FieldError(name, "must be a list of strings");
  if (it->size() > TagService::kMaxBulkCustomers) {
    return FieldError(name, "at most " + std::to_string(TagService::kMaxBulkCustomers));
  }
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      return FieldError(std::string(name) + "[" + std::to_string(i) + "]", "must be a string");
    }
    out->push_back((*it)[i].get<std::string>());
  }
  return Status::Ok();
}

// "rule": the text form, or the JSON form the console's builder sends.
Status ForEachObject(const json& body, const char* name, size_t max, bool required,
                     const std::string& usage,
                     const std::function<Status(const json& item, const std::string& at)>& each) {
  auto it = body.find(name);
  if (it == body.end()) return required ? FieldError(name, usage) : Status::Ok();
  if (!it->is_array()) return FieldError(name, usage);
  if (it->size() > max) return FieldError(name, "at most " + std::to_string(max));
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string at = std::string(name) + "[" + std::to_string(i) + "]";
    if (!(*it)[i].is_object()) return FieldError(at, "must be an object");
    RETURN_IF_ERROR(each((*it)[i], at));
  }
  return Status::Ok();
}

Result<std::unique_ptr<RuleNode>> RuleField(const json& body) {
  auto it = body.find("rule");
  if (it == body.end() || it->is_null()) {
    return FieldError("rule", "required: a rule as text, or as a JSON object");
  }
  if (it->is_string()) return ParseRule(it->get<std::string>());
  if (it->is_object()) return ParseRuleJson(DumpJson(*it));
  return FieldError("rule", "must be a string (the text form) or an object (the JSON form)");
}

}  // namespace pond::server
