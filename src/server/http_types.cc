#include "server/http_types.h"

#include <nlohmann/json.hpp>

#include "pond/base/json_text.h"

namespace pond::server {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    // Segment answers oversize calls and batches with 400; pond follows it.
    case StatusCode::kPayloadTooLarge:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kAborted:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 412;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse ErrorResponse(const Status& status) {
  nlohmann::json error = {{"code", StatusCodeName(status.code())}, {"message", status.message()}};
  if (!status.field().empty()) error["field"] = status.field();
  HttpResponse r;
  r.status = HttpStatusFor(status.code());
  // Messages may quote user input: never let a bad byte break the JSON we send back.
  r.body = DumpJson(nlohmann::json{{"error", error}});
  if (r.status == 401) r.headers["WWW-Authenticate"] = "Basic realm=\"pond\"";
  return r;
}

HttpResponse JsonResponse(std::string body, int status) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace pond::server
